// The backend service of example 13 (stands in for http://backend-service:8080): the API the
// gateway proxies to. POST /api/login signs an HS256 JWT with the gateway's secret for
// admin/password; every other /api/ path answers JSON describing the request it got,
// including the X-User-ID header the gateway adds. Usage: PORT=8081 node backend.mjs
import * as crypto from "node:crypto";
import * as http from "node:http";

const port = Number(process.env.PORT ?? 8081);
const secret = process.env.JWT_SECRET ?? "your-secret-key-change-me";
const b64url = (b) => Buffer.from(b).toString("base64url");

function sign(payload) {
  const head = b64url(JSON.stringify({ typ: "JWT", alg: "HS256" }));
  const body = b64url(JSON.stringify(payload));
  const mac = crypto.createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${mac}`;
}

http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url, "http://localhost");
    res.setHeader("Content-Type", "application/json");
    if (req.method === "POST" && url.pathname === "/api/login") {
      let data = {};
      try { data = JSON.parse(text); } catch { /* answered below */ }
      if (data.username === "admin" && data.password === "password") {
        const exp = Math.floor(Date.now() / 1000) + 3600;
        res.end(JSON.stringify({ success: true, token: sign({ user_id: 1, username: "admin", exp }), expires_in: 3600 }));
      } else {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: "Invalid credentials" }));
      }
      return;
    }
    res.end(JSON.stringify({
      service: "backend",
      method: req.method,
      path: url.pathname,
      user_id: req.headers["x-user-id"] ?? null,
      content_type: req.headers["content-type"] ?? null,
      body: text,
    }));
  });
}).listen(port, "127.0.0.1", () => console.log(`backend listening on 127.0.0.1:${port}`));
