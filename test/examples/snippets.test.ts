// The ngx API quick reference (27-ngx-api), the appendix snippets (19-response-helper,
// 20-ip-whitelist, 21-request-signature), the FAQ
// items (22-debugging, 23-hot-reload, 26-memory) and the phases page (24-phases), on tsresty and
// on the reference nginx.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { EXAMPLES, TSRESTY, eventually, exampleTest, isNowish } from "./support.js";

const md5 = (s: string): string => crypto.createHash("md5").update(s).digest("hex");

function luajitAvailable(): boolean {
  try {
    execFileSync("luajit", ["-v"], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

describe("examples: snippets, FAQ, phases", { concurrency: false }, () => {
  exampleTest("19-response-helper", { reference: true }, async (ex) => {
    const ok = await ex.get("/user?id=1");
    assert.equal(ok.status, 200);
    assert.equal(ok.headers["content-type"], "application/json");
    assert.deepEqual(ok.json(), { code: 0, message: "success", data: { id: 1, name: "John" } });
    assert.deepEqual((await ex.get("/created")).json(), { code: 0, message: "created", data: { id: 7 } });
    const err = await ex.get("/user?id=abc");
    assert.equal(err.status, 400);
    assert.equal(err.headers["content-type"], "application/json");
    assert.deepEqual(err.json(), { code: 400, message: "id must be a number" });
  });

  exampleTest("20-ip-whitelist", { reference: true }, async (ex) => {
    const ok = await ex.get("/admin");
    assert.equal(ok.status, 200);
    assert.equal(ok.body, "welcome, 127.0.0.1\n");
    const denied = await ex.request("/admin", { localAddress: "127.0.0.2" });
    assert.equal(denied.status, 403);
    assert.match(denied.body, /<title>403 Forbidden<\/title>/);
  });

  exampleTest("21-request-signature", { reference: true }, async (ex) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const good = await ex.get("/signed", { "X-Timestamp": ts, "X-Signature": md5(ts + "your-secret-key") });
    assert.equal(good.status, 200);
    assert.deepEqual(good.json(), { ok: true });
    assert.equal((await ex.get("/signed", { "X-Timestamp": ts, "X-Signature": "wrong" })).status, 401);
    assert.equal((await ex.get("/signed", { "X-Timestamp": "1000", "X-Signature": md5("1000your-secret-key") })).status, 401);
    assert.equal((await ex.get("/signed")).status, 401);
  });

  exampleTest("22-debugging", { reference: true }, async (ex) => {
    const r = await ex.get("/debug?name=Tom");
    assert.equal(r.status, 200);
    assert.ok(r.body.startsWith("Debug: "), r.body);
    assert.deepEqual(JSON.parse(r.body.slice("Debug: ".length)), { name: "Tom", method: "GET" });
    assert.ok(await eventually(() => ex.errorLog().includes("Debug: Tom")));
    assert.match(ex.errorLog(), /\[error\] \d+#\d+: \*\d+ \[lua\] content_by_lua\(nginx\.conf:\d+\):7: Debug: Tom, client: 127\.0\.0\.1, server: , request: "GET \/debug\?name=Tom HTTP\/1\.1"/);
  });

  it("22-debugging: print on the command line (tsresty run, and luajit)", () => {
    const file = path.join(EXAMPLES, "22-debugging/lua/debug_cli.lua");
    const out = execFileSync(process.execPath, [TSRESTY, "run", file, "Tom"], { encoding: "utf8", timeout: 20_000 });
    assert.equal(out, "Debug:\tTom\n");
    if (luajitAvailable()) assert.equal(execFileSync("luajit", [file, "Tom"], { encoding: "utf8", timeout: 10_000 }), out);
  });

  it("00-lua-basics: the Lua basics print the same lines as luajit", () => {
    const file = path.join(EXAMPLES, "00-lua-basics/basics.lua");
    const out = execFileSync(process.execPath, [TSRESTY, "run", file], { encoding: "utf8", timeout: 20_000 });
    assert.ok(out.startsWith("Child\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n1\t20\n2\t30\n3\t40\n"), out);
    // pairs' order is open: compare the lines as a set.
    const sorted = (s: string): string[] => s.split("\n").sort();
    assert.deepEqual(sorted(out), sorted("Child\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n1\t20\n2\t30\n3\t40\nname\tJohn\nemail\tjohn@example.com\n"));
    if (luajitAvailable()) assert.deepEqual(sorted(execFileSync("luajit", [file], { encoding: "utf8", timeout: 10_000 })), sorted(out));
  });

  exampleTest("23-hot-reload", { reference: true }, async (ex) => {
    assert.equal((await ex.get("/version")).body, "config version 1\n");
    assert.equal((await ex.get("/dev")).body, "dev version 1\n");
    assert.equal((await ex.get("/module-cached")).body, "greeting version 1\n");
    assert.equal((await ex.get("/module")).body, "greeting version 1\n");
    const edit = (rel: string, from: string, to: string): void => {
      const f = path.join(ex.prefix, rel);
      const text = fs.readFileSync(f, "latin1");
      assert.ok(text.includes(from), `${rel} holds ${from}`);
      fs.writeFileSync(f, text.replace(from, to), "latin1");
    };
    // Method 2: lua_code_cache off (in /dev only) reads the file again on each request.
    edit("lua/dev.lua", "dev version 1", "dev version 2");
    assert.equal((await ex.get("/dev")).body, "dev version 2\n");
    // Method 3, with the code cache on: a plain require keeps the loaded module; the
    // package.loaded reset loads the edited file, and from then on both see the new one.
    edit("lua/greeting.lua", "greeting version 1", "greeting version 2");
    assert.equal((await ex.get("/module-cached")).body, "greeting version 1\n");
    assert.equal((await ex.get("/module")).body, "greeting version 2\n");
    assert.equal((await ex.get("/module-cached")).body, "greeting version 2\n");
    // nginx warns at startup (tsresty also on stderr).
    assert.match(ex.output() + ex.errorLog(), /\[alert\] (?:\d+#\d+: )?lua_code_cache is off; this will hurt performance in \S*nginx\.conf:\d+/);
    // Method 1: reload. tsresty: -s reload. The reference serves a copy of the configuration
    // (named in the alert line above): the copy is edited and the master gets SIGHUP, which is
    // what `nginx -s reload` sends.
    if (ex.side === "tsresty") {
      edit("conf/nginx.conf", "config version 1", "config version 2");
      execFileSync(process.execPath, [TSRESTY, "-s", "reload", "-p", ex.prefix], { timeout: 20_000, stdio: "ignore" });
    } else {
      const copy = /this will hurt performance in (\S+nginx\.conf):\d+/.exec(ex.output() + ex.errorLog())![1]!;
      fs.writeFileSync(copy, fs.readFileSync(copy, "latin1").replace("config version 1", "config version 2"), "latin1");
      process.kill(Number(fs.readFileSync(path.join(ex.prefix, "logs/ref-nginx.pid"), "utf8").trim()), "SIGHUP");
    }
    let body = "";
    const reloaded = await eventually(async () => (body = (await ex.get("/version")).body) === "config version 2\n", 5000);
    assert.ok(reloaded, body);
  });

  exampleTest("26-memory", { reference: true }, async (ex) => {
    type Status = { shared_dicts: Record<string, { capacity: number; free_space: number; keys: number }>; lua_memory_kb: number };
    const status = async (): Promise<Status> => {
      const r = await ex.get("/status");
      assert.equal(r.status, 200);
      assert.equal(r.headers["content-type"], "application/json");
      return r.json() as Status;
    };
    const empty = { capacity: 10485760, free_space: 10412032, keys: 0 };
    const s0 = await status();
    assert.ok(Number.isInteger(s0.lua_memory_kb) && s0.lua_memory_kb > 0);
    assert.deepEqual(s0.shared_dicts, { my_cache: empty, my_limit: empty });
    assert.equal((await ex.get("/fill?n=1000")).body, "stored 1000 keys\n");
    // 1000 values of 1 KB: 500 pages of 4 KB, as nginx's slab allocator counts them.
    assert.deepEqual((await status()).shared_dicts, { my_cache: { capacity: 10485760, free_space: 8364032, keys: 1000 }, my_limit: empty });
    assert.equal((await ex.get("/flush")).body, "flushed\n");
    assert.deepEqual((await status()).shared_dicts, { my_cache: empty, my_limit: empty });
    // More than the dict holds: set evicts the oldest items instead of failing.
    assert.equal((await ex.get("/fill?n=20000")).body, "stored 20000 keys\n");
    const full = (await status()).shared_dicts.my_cache!;
    assert.ok(full.keys > 1000 && full.keys < 20000, String(full.keys));
    assert.equal(full.capacity, 10485760);
  });

  exampleTest("27-ngx-api", { reference: true }, async (ex) => {
    const req = await ex.request("/request?x=1&y=2", {
      body: "a=1&b=two", headers: { "User-Agent": "curl/8.0", "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(req.status, 200);
    assert.equal(req.headers["content-type"], "application/json");
    assert.deepEqual(req.json(), {
      method: "POST", uri_args: { x: "1", y: "2" }, post_args: { a: "1", b: "two" }, user_agent: "curl/8.0",
      body: "a=1&b=two", request_uri: "/request?x=1&y=2", remote_addr: "127.0.0.1",
    });
    const res = await ex.get("/response");
    assert.equal(res.status, 200);
    assert.equal(res.headers["x-name"], "value");
    assert.equal(res.body, "say: with a newline\nprint: without one");
    const st = await ex.get("/response/status");
    assert.equal(st.status, 404);
    assert.equal(st.body, "not here\n");
    const exit = await ex.get("/response/exit");
    assert.equal(exit.status, 200);
    assert.equal(exit.body, "");
    const redirect = await ex.get("/response/redirect");
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.location, "/request?from=redirect");
    const other = (await ex.get("/other?str=hello")).json() as Record<string, unknown>;
    assert.ok(isNowish(other.time));
    assert.ok(typeof other.now === "number" && Math.abs(other.now - (other.time as number)) < 2);
    assert.deepEqual({ ...other, time: 0, now: 0 }, {
      time: 0, now: 0, base64: "aGVsbG8=", decoded: "hello", md5: md5("hello"),
      sha1_base64: crypto.createHash("sha1").update("hello").digest("base64"),
    });
    assert.ok(await eventually(() => /\[error\] \d+#\d+: \*\d+ \[lua\] content_by_lua\(nginx\.conf:\d+\):6: message, client: 127\.0\.0\.1, server: , request: "GET \/other\?str=hello HTTP\/1\.1"/.test(ex.errorLog())), ex.errorLog());
  });

  exampleTest("24-phases", { reference: true }, async (ex) => {
    const r = await ex.get("/mixed");
    assert.equal(r.status, 200);
    assert.equal(r.body, "");
    assert.ok(await eventually(() => ex.errorLog().includes("log_by_lua*")));
    const phases = ex.errorLog().split("\n").map((l) => /: ([a-z_]+_by_lua\*)(?:,| while logging)/.exec(l)?.[1]).filter((p) => p !== undefined);
    assert.deepEqual(phases, [
      "set_by_lua*", "rewrite_by_lua*", "access_by_lua*", "content_by_lua*",
      "header_filter_by_lua*", "body_filter_by_lua*", "log_by_lua*",
    ]);
    assert.match(ex.errorLog(), /\[error\] \d+#\d+: \*\d+ \[lua\] set_by_lua\(nginx\.conf:\d+\):2: set_by_lua\*, client: 127\.0\.0\.1, server: , request: "GET \/mixed HTTP\/1\.1"/);

    const plain = await ex.request("/mixed-plain", { body: "hello" });
    assert.deepEqual(plain.json(), { echo: "hello" });
    const enc = await ex.request("/mixed-encrypted", { body: Buffer.from("hello").toString("base64") });
    assert.equal(enc.status, 200);
    assert.equal(Buffer.from(enc.body, "base64").toString("utf8"), '{"echo":"hello"}\n');
  });
});
