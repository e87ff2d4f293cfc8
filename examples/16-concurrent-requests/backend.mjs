// The API of example 16 (stands in for http://api): /users, /orders and /stats answer JSON.
// Each answer is held until three requests are in progress at once (or for one second), and
// /max-in-flight tells how many were: 3 when the client sent them concurrently.
// Usage: PORT=8081 node backend.mjs
import * as http from "node:http";

const port = Number(process.env.PORT ?? 8081);
const data = {
  "/users": [{ id: 1, name: "John" }, { id: 2, name: "Jane" }],
  "/orders": [{ id: 10, user_id: 1, total: 25.5 }],
  "/stats": { users: 2, orders: 1 },
};
let maxInFlight = 0;
const held = [];

function release() {
  for (const send of held.splice(0)) send();
}

http.createServer((req, res) => {
  res.setHeader("Content-Type", "application/json");
  if (req.url === "/max-in-flight") {
    res.end(JSON.stringify({ max: maxInFlight }));
    return;
  }
  const body = data[req.url];
  if (body === undefined) {
    res.statusCode = 404;
    res.end(JSON.stringify({ error: "not found" }));
    return;
  }
  held.push(() => res.end(JSON.stringify(body)));
  maxInFlight = Math.max(maxInFlight, held.length);
  if (held.length >= 3) release();
  else setTimeout(release, 1000);
}).listen(port, "127.0.0.1", () => console.log(`backend listening on 127.0.0.1:${port}`));
