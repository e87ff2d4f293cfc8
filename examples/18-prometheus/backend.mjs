// The backend of example 18 (the tutorial's upstream "backend"): answers every request with
// JSON naming the method and path. Usage: PORT=8081 node backend.mjs
import * as http from "node:http";

const port = Number(process.env.PORT ?? 8081);

http.createServer((req, res) => {
  res.setHeader("Content-Type", "application/json");
  res.statusCode = req.url.startsWith("/api/missing") ? 404 : 200;
  res.end(JSON.stringify({ backend: true, method: req.method, path: req.url }));
}).listen(port, "127.0.0.1", () => console.log(`backend listening on 127.0.0.1:${port}`));
