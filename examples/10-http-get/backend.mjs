// The backend API of example 10 (stands in for http://api.example.com): GET /users answers
// JSON with the query and the headers it received. Usage: PORT=8081 node backend.mjs
import * as http from "node:http";

const port = Number(process.env.PORT ?? 8081);
const users = [{ id: 1, name: "John" }, { id: 2, name: "Jane" }];

http.createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (req.method === "GET" && url.pathname === "/users") {
    res.setHeader("Content-Type", "application/json");
    res.setHeader("X-Backend", "users-api");
    res.end(JSON.stringify({
      page: Number(url.searchParams.get("page")),
      limit: Number(url.searchParams.get("limit")),
      user_agent: req.headers["user-agent"] ?? null,
      accept: req.headers["accept"] ?? null,
      users,
    }));
    return;
  }
  res.statusCode = 404;
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ error: "not found", path: url.pathname }));
}).listen(port, "127.0.0.1", () => console.log(`backend listening on 127.0.0.1:${port}`));
