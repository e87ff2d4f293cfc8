// The examples on resty.http: 10-http-get, 11-http-post-keepalive, 14-dynamic-routing,
// 16-concurrent-requests, each with its backend.mjs. tsresty only: the reference nginx has no
// resty.http.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe } from "node:test";
import { eventually, exampleTest, request, runScript } from "./support.js";

describe("examples: resty.http", { concurrency: false }, () => {
  exampleTest("10-http-get", {}, async (ex) => {
    const r = await ex.get("/proxy/api");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(r.headers["x-backend"], "users-api");
    assert.deepEqual(r.json(), {
      page: 1, limit: 10, user_agent: "OpenResty", accept: "application/json",
      users: [{ id: 1, name: "John" }, { id: 2, name: "Jane" }],
    });
    await ex.stopBackend();
    const down = await ex.get("/proxy/api");
    assert.equal(down.status, 500);
    assert.deepEqual(down.json(), { error: "Backend service unavailable" });
  });

  exampleTest("11-http-post-keepalive", {}, async (ex) => {
    const post = (name: string) => ex.request("/proxy/post", { body: JSON.stringify({ name }), headers: { "Content-Type": "application/json" } });
    const a = await post("Alice");
    assert.equal(a.status, 201);
    assert.deepEqual(a.json(), { id: 100, user: { name: "Alice" }, content_type: "application/json", connection_requests: 1 });
    const b = await post("Bob");
    assert.equal(b.status, 201);
    // The second request went over the connection the first one left in the pool.
    assert.deepEqual(b.json(), { id: 101, user: { name: "Bob" }, content_type: "application/json", connection_requests: 2 });
    // No body: the tutorial's #body fails, as its README says.
    const none = await ex.request("/proxy/post", { method: "POST" });
    assert.equal(none.status, 500);
    assert.ok(await eventually(() => ex.errorLog().includes("attempt to get length of local 'body' (a nil value)")), ex.errorLog());
  });

  exampleTest("14-dynamic-routing", {}, async (ex) => {
    const u = await ex.get("/api/user-service/users/1");
    assert.equal(u.status, 200);
    assert.deepEqual(u.json(), { service: "user-service", method: "GET", path: "/users/1" });
    const o = await ex.request("/api/order-service/orders/7", { method: "DELETE" });
    assert.equal(o.status, 200);
    assert.deepEqual(o.json(), { service: "order-service", method: "DELETE", path: "/orders/7" });
    const missing = await ex.get("/api/missing-service/x");
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { error: "Service not found" });
    // Routes change without a restart: point user-service at the order service.
    execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", "6379", "SET", "route:user-service", JSON.stringify({ backend: `http://127.0.0.1:${ex.mapped(8082)}` })], { timeout: 10_000, stdio: "ignore" });
    try {
      assert.deepEqual((await ex.get("/api/user-service/users/1")).json(), { service: "order-service", method: "GET", path: "/users/1" });
    } finally {
      runScript(ex.prefix, "seed.sh");
    }
    assert.deepEqual((await ex.get("/api/user-service/users/1")).json(), { service: "user-service", method: "GET", path: "/users/1" });
  });

  exampleTest("16-concurrent-requests", {}, async (ex) => {
    const r = await ex.get("/api/dashboard");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      users: [{ id: 1, name: "John" }, { id: 2, name: "Jane" }],
      orders: [{ id: 10, user_id: 1, total: 25.5 }],
      stats: { users: 2, orders: 1 },
    });
    // The three backend requests were in progress at the same time.
    const m = await request(ex.mapped(8081), "/max-in-flight");
    assert.deepEqual(m.json(), { max: 3 });
    await ex.stopBackend();
    assert.deepEqual((await ex.get("/api/dashboard")).json(), { users: {}, orders: {}, stats: {} });
  });
});
