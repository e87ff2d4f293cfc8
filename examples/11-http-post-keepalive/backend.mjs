// The backend API of example 11 (stands in for api.example.com:80): POST /api/users answers
// 201 with the JSON it received, and how many requests its connection has carried (2 on the
// second request when the client kept the connection). Usage: PORT=8081 node backend.mjs
import * as http from "node:http";

const port = Number(process.env.PORT ?? 8081);
const perSocket = new WeakMap();
let nextId = 100;

http.createServer((req, res) => {
  const n = (perSocket.get(req.socket) ?? 0) + 1;
  perSocket.set(req.socket, n);
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8");
    res.setHeader("Content-Type", "application/json");
    if (req.method === "POST" && req.url === "/api/users") {
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: "invalid JSON" }));
        return;
      }
      res.statusCode = 201;
      res.end(JSON.stringify({
        id: nextId++,
        user: body,
        content_type: req.headers["content-type"] ?? null,
        connection_requests: n,
      }));
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ error: "not found" }));
  });
}).listen(port, "127.0.0.1", () => console.log(`backend listening on 127.0.0.1:${port}`));
