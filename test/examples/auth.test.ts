// The JWT examples: 12-jwt (login and a protected route) and 13-api-gateway (limit.req, JWT,
// proxying with resty.http to backend.mjs, error_page). tsresty only: the reference nginx has
// no resty.jwt, resty.http or resty.limit.*.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe } from "node:test";
import { exampleTest, type Example } from "./support.js";

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The payload of a JWT, decoded (no check of the signature: the server does that). */
function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

async function login(ex: Example, path: string, password = "password") {
  return ex.request(path, {
    body: JSON.stringify({ username: "admin", password }),
    headers: { "Content-Type": "application/json" },
  });
}

describe("examples: JWT", { concurrency: false }, () => {
  exampleTest("12-jwt", {}, async (ex) => {
    const ok = await login(ex, "/api/login");
    assert.equal(ok.status, 200);
    assert.equal(ok.headers["content-type"], "application/json");
    const j = ok.json() as { success: boolean; token: string; expires_in: number };
    assert.equal(j.success, true);
    assert.equal(j.expires_in, 3600);
    assert.match(j.token, JWT_SHAPE);
    const p = payloadOf(j.token);
    assert.equal(typeof p.exp, "number");
    assert.deepEqual({ ...p, exp: 0 }, { user_id: 1, username: "admin", exp: 0 });

    const bad = await login(ex, "/api/login", "wrong");
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json(), { error: "Invalid credentials" });

    const prot = await ex.get("/api/protected", { Authorization: `Bearer ${j.token}` });
    assert.equal(prot.status, 200);
    assert.deepEqual(prot.json(), { message: "Protected resource", user_id: "1", username: "admin" });

    const none = await ex.get("/api/protected");
    assert.equal(none.status, 401);
    assert.deepEqual(none.json(), { error: "No authorization header" });
    const scheme = await ex.get("/api/protected", { Authorization: "Token abc" });
    assert.equal(scheme.status, 401);
    assert.deepEqual(scheme.json(), { error: "Invalid authorization header" });
    const forged = await ex.get("/api/protected", { Authorization: `Bearer ${j.token.slice(0, -4)}AAAA` });
    assert.equal(forged.status, 401);
    const f = forged.json() as { error: string; reason: string };
    assert.equal(f.error, "Invalid token");
    assert.ok(typeof f.reason === "string" && f.reason.length > 0);
  });

  exampleTest("13-api-gateway", {}, async (ex) => {
    const health = await ex.get("/health");
    assert.equal(health.status, 200);
    assert.deepEqual(health.json(), { status: "ok" });

    const anon = await ex.get("/api/users");
    assert.equal(anon.status, 401);
    assert.deepEqual(anon.json(), { error: "No authorization header" });

    // /api/login is public: the gateway passes it to the backend, which signs the token.
    const ok = await login(ex, "/api/login");
    assert.equal(ok.status, 200);
    const j = ok.json() as { success: boolean; token: string; expires_in: number };
    assert.equal(j.success, true);
    assert.match(j.token, JWT_SHAPE);
    const auth = { Authorization: `Bearer ${j.token}` };

    const users = await ex.get("/api/users", auth);
    assert.equal(users.status, 200);
    assert.deepEqual(users.json(), { service: "backend", method: "GET", path: "/api/users", user_id: "1", content_type: null, body: "" });

    const order = await ex.request("/api/orders", { body: '{"item":"book"}', headers: { ...auth, "Content-Type": "application/json" } });
    assert.equal(order.status, 200);
    assert.deepEqual(order.json(), {
      service: "backend", method: "POST", path: "/api/orders", user_id: "1",
      content_type: "application/json", body: '{"item":"book"}',
    });

    const forged = await ex.get("/api/users", { Authorization: `Bearer ${j.token.slice(0, -4)}AAAA` });
    assert.equal(forged.status, 401);
    assert.equal((forged.json() as { error: string }).error, "Invalid token");

    // The backend down: 502 from the content phase, answered by the error page.
    await ex.stopBackend();
    const down = await ex.get("/api/users", auth);
    assert.equal(down.status, 502);
    assert.deepEqual(down.json(), { error: "Internal Server Error", status: 502 });
  });

  // The limiter (100 r/s, burst 50) cannot be driven past its burst deterministically from a
  // test; the same code with 1 r/s and a burst of 2 rejects the 4th of four quick requests
  // (each waits for the one before, all within a second), with the tutorial's headers and
  // nginx's 429 page.
  exampleTest("13-api-gateway", {
    title: "13-api-gateway's rate limit (at 1 r/s, burst 2)",
    prepare: (prefix) => {
      const f = path.join(prefix, "conf/nginx.conf");
      const text = fs.readFileSync(f, "utf8");
      assert.ok(text.includes('limit.new("api_limit", 100, 50)'));
      fs.writeFileSync(f, text.replace('limit.new("api_limit", 100, 50)', 'limit.new("api_limit", 1, 2)'));
    },
  }, async (ex) => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await ex.get("/api/users");
      statuses.push(last.status);
    }
    // Three pass the limiter (and are refused by the JWT check), the fourth is over the burst.
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    assert.equal(last!.headers["x-ratelimit-limit"], "100");
    assert.equal(last!.headers["x-ratelimit-remaining"], "0");
    assert.equal(last!.headers["content-type"], "text/html");
    assert.match(last!.body, /<title>429 Too Many Requests<\/title>/);
  });
});
