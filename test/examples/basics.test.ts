// The examples that need no backend service: hello (case 3), 01-install, 02-docker,
// 04-request-response, 08-shared-dict-cache, 09-rate-limit. Each runs on tsresty and on the
// reference nginx with the same steps (see support.ts).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { EXAMPLES, TSRESTY, exampleTest, isNowish, sleep } from "./support.js";

describe("examples: basics", () => {
  exampleTest("hello", { reference: true }, async (ex) => {
    const r = await ex.get("/hello");
    assert.equal(r.status, 200);
    assert.equal(r.body, "Hello, OpenResty!\n");
    assert.equal(r.headers["content-type"], "text/plain");
    const index = await ex.get("/");
    assert.equal(index.status, 200);
    assert.equal(index.headers["content-type"], "text/html");
    assert.match(index.body, /<h1>Hello, OpenResty!<\/h1>/);
    // The index lists every example directory.
    for (const name of ["01-install", "04-request-response", "13-api-gateway", "18-prometheus", "24-phases"]) {
      assert.ok(index.body.includes(`examples/${name}`), name);
    }
  });

  it("the index page lists every example directory", async () => {
    const fs = await import("node:fs");
    const html = fs.readFileSync(path.join(EXAMPLES, "hello/html/index.html"), "utf8");
    const dirs = fs.readdirSync(EXAMPLES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    for (const d of dirs) assert.ok(html.includes(`<code>examples/${d}</code>`), `index.html lists examples/${d}`);
  });

  it("01-install: tsresty -v and -t", () => {
    const v = execFileSync(process.execPath, [TSRESTY, "-v"], { encoding: "utf8", timeout: 20_000 });
    assert.match(v, /\d+\.\d+\.\d+/);
    const t = execFileSync(process.execPath, [TSRESTY, "-t", "-p", path.join(EXAMPLES, "01-install")], {
      encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "pipe"],
    });
    void t;
  });

  exampleTest("01-install", { reference: true }, async (ex) => {
    const r = await ex.get("/");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "text/html");
    assert.match(r.body, /<h1>Welcome to OpenResty!<\/h1>/);
  });

  exampleTest("02-docker", { reference: true }, async (ex) => {
    const info = await ex.get("/info");
    assert.equal(info.status, 200);
    assert.equal(info.headers["content-type"], "application/json");
    assert.deepEqual(info.json(), { server: "openresty", prefix_has_lua: true, worker: 0 });
    const r = await ex.get("/");
    assert.equal(r.status, 200);
    assert.match(r.body, /<h1>Welcome to OpenResty!<\/h1>/);
  });

  exampleTest("04-request-response", { reference: true }, async (ex) => {
    const r = await ex.get("/api/info?name=Tom", { "User-Agent": "curl/8.0" });
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(r.headers["x-custom-header"], "OpenResty");
    const j = r.json() as Record<string, unknown>;
    assert.ok(isNowish(j.timestamp), `timestamp ${String(j.timestamp)}`);
    assert.deepEqual({ ...j, timestamp: 0 }, { method: "GET", uri: "/api/info?name=Tom", name: "Tom", user_agent: "curl/8.0", timestamp: 0 });

    const p = await ex.request("/api/info", { body: "hello", headers: { "User-Agent": "curl/8.0", "Content-Type": "application/x-www-form-urlencoded" } });
    assert.equal(p.status, 200);
    const k = p.json() as Record<string, unknown>;
    assert.deepEqual({ ...k, timestamp: 0 }, { method: "POST", uri: "/api/info", name: "Guest", user_agent: "curl/8.0", timestamp: 0 });
  });

  exampleTest("08-shared-dict-cache", { reference: true }, async (ex) => {
    const set = await ex.get("/cache/set?key=greeting&value=hello&expire=60");
    assert.equal(set.status, 200);
    assert.deepEqual(set.json(), { status: "ok" });
    const get = await ex.get("/cache/get?key=greeting");
    assert.equal(get.status, 200);
    assert.deepEqual(get.json(), { key: "greeting", value: "hello" });
    const miss = await ex.get("/cache/get?key=missing");
    assert.equal(miss.status, 404);
    assert.deepEqual(miss.json(), { error: "Key not found" });
    // The default expiry (no expire argument) keeps the value too.
    await ex.get("/cache/set?key=k2&value=v2");
    assert.deepEqual((await ex.get("/cache/get?key=k2")).json(), { key: "k2", value: "v2" });
    // expire is in seconds: a key set for one second is gone a while later.
    assert.deepEqual((await ex.get("/cache/set?key=short&value=v&expire=1")).json(), { status: "ok" });
    assert.equal((await ex.get("/cache/get?key=short")).status, 200);
    await sleep(1600);
    assert.equal((await ex.get("/cache/get?key=short")).status, 404);
  });

  exampleTest("09-rate-limit", { reference: true }, async (ex) => {
    for (let i = 1; i <= 10; i++) {
      const r = await ex.get("/api/limited");
      assert.equal(r.status, 200, `request ${i}`);
      assert.equal(r.headers["x-ratelimit-limit"], "10");
      assert.equal(r.headers["x-ratelimit-remaining"], String(10 - i));
      assert.deepEqual(r.json(), { message: "Success" });
    }
    const over = await ex.get("/api/limited");
    assert.equal(over.status, 429);
    assert.equal(over.headers["x-ratelimit-limit"], "10");
    assert.equal(over.headers["x-ratelimit-remaining"], "0");
    assert.deepEqual(over.json(), { error: "Rate limit exceeded" });
  });
});
