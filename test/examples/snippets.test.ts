// The appendix snippets (19-response-helper, 20-ip-whitelist, 21-request-signature), the FAQ
// items (22-debugging, 23-hot-reload) and the phases page (24-phases), on tsresty and on the
// reference nginx.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { EXAMPLES, TSRESTY, eventually, exampleTest } from "./support.js";

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
    assert.equal((await ex.get("/module")).body, "greeting version 1\n");
    const edit = (rel: string, from: string, to: string): void => {
      const f = path.join(ex.prefix, rel);
      fs.writeFileSync(f, fs.readFileSync(f, "latin1").replace(from, to), "latin1");
    };
    // Method 2: lua_code_cache off reads the file again on each request.
    edit("lua/dev.lua", "dev version 1", "dev version 2");
    assert.equal((await ex.get("/dev")).body, "dev version 2\n");
    // Method 3: package.loaded reset, then require.
    edit("lua/greeting.lua", "greeting version 1", "greeting version 2");
    assert.equal((await ex.get("/module")).body, "greeting version 2\n");
    // nginx warns at startup, on stderr (the error log is not open yet).
    assert.match(ex.output() + ex.errorLog(), /\[alert\] (?:\d+#\d+: )?lua_code_cache is off; this will hurt performance in \S*nginx\.conf:\d+/);
    // Method 1: -s reload (tsresty only: the reference runs a copy of the configuration).
    if (ex.side === "tsresty") {
      edit("conf/nginx.conf", "config version 1", "config version 2");
      execFileSync(process.execPath, [TSRESTY, "-s", "reload", "-p", ex.prefix], { timeout: 20_000, stdio: "ignore" });
      let body = "";
      const reloaded = await eventually(async () => (body = (await ex.get("/version")).body) === "config version 2\n", 5000);
      assert.ok(reloaded, body);
    }
  });

  // The FAQ gives `lua_code_cache off;` alone; in a location it applies to that location only.
  exampleTest("23-hot-reload", {
    reference: true,
    title: "23-hot-reload with lua_code_cache off in the location",
    prepare: (prefix) => {
      const f = path.join(prefix, "conf/nginx.conf");
      const text = fs.readFileSync(f, "utf8").replace(/\n    lua_code_cache off;\n/, "\n").replace("location /dev {\n", "location /dev {\n            lua_code_cache off;\n");
      fs.writeFileSync(f, text);
    },
  }, async (ex) => {
    assert.match(fs.readFileSync(path.join(ex.prefix, "conf/nginx.conf"), "utf8"), /location \/dev \{\n {12}lua_code_cache off;/);
    assert.equal((await ex.get("/dev")).body, "dev version 1\n");
    const f = path.join(ex.prefix, "lua/dev.lua");
    fs.writeFileSync(f, fs.readFileSync(f, "latin1").replace("dev version 1", "dev version 2"), "latin1");
    assert.equal((await ex.get("/dev")).body, "dev version 2\n");
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
