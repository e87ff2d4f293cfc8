// The services of example 14: user-service on PORT (default 8081) and order-service on PORT2
// (default 8082), each answering JSON that names the service, the method and the path.
// Usage: PORT=8081 PORT2=8082 node backend.mjs
import * as http from "node:http";

const services = [
  ["user-service", Number(process.env.PORT ?? 8081)],
  ["order-service", Number(process.env.PORT2 ?? 8082)],
];

for (const [name, port] of services) {
  http.createServer((req, res) => {
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ service: name, method: req.method, path: req.url }));
  }).listen(port, "127.0.0.1", () => console.log(`${name} listening on 127.0.0.1:${port}`));
}
