// Redis-backed zones (tsresty_shared_dict_redis, docs/redis-zone.md) against the real Redis
// at 127.0.0.1:6379: the method table answers as the in-process store does, on both the
// yielding path and the blocking one; two tsresty servers share one counter; the zone works
// in the phases that cannot yield; a Redis that is away gives nil, err.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Redis as RedisClient } from "ioredis";
import { TestHost } from "./support.js";
import { startInProcess } from "../../http/support.js";
import { redisHelper } from "../../../src/ngx/async/shdict/redis-helper.js";
import { TSRESTY, exchange, freePort, makePrefix, type ParsedResponse } from "../../differential/harness.js";

const Redis = (createRequire(import.meta.url)("ioredis") as { default: new (url: string) => RedisClient }).default;

// A database and prefix of this run's own, so that nothing else's keys are touched.
const DB = 11;
const URL = `redis://127.0.0.1:6379/${DB}`;
const RUN = `tsresty-test:${process.pid}:${Date.now()}:`;
const direct = new Redis(URL);
after(async () => {
  const keys = await direct.keys(`${RUN}*`);
  if (keys.length > 0) await direct.del(...keys);
  direct.disconnect();
});

let zoneN = 0;
/** A memory zone `m` and a Redis zone `r` of the same size, fresh names and prefix. */
function hostPair(size = 1048576): { h: TestHost; m: string; r: string; prefix: string } {
  const n = ++zoneN;
  const prefix = `${RUN}z${n}:`;
  const h = new TestHost([
    { name: `m${n}`, size },
    { name: `r${n}`, size, redis: { url: URL, prefix, timeout: 1000 } },
  ]);
  return { h, m: `m${n}`, r: `r${n}`, prefix };
}

/**
 * Run `body` with `d` bound to zone `zone`: as yielding code (the async path) or inside a
 * string.gsub callback, where Lua cannot yield (the blocking path).
 */
async function run(h: TestHost, zone: string, body: string, blocking: boolean): Promise<unknown[]> {
  const fn = `local function body() local d = ngx.shared["${zone}"]\n${body}\nend`;
  if (!blocking) return h.run(`${fn}\nreturn body()`);
  return h.run(`${fn}
    local res
    string.gsub("x", "x", function() res = { body() } end)
    return unpack(res)`);
}

const PRINT = `
  local out = {}
  local function p(...)
    local t = {}
    for i = 1, select('#', ...) do local v = select(i, ...) t[i] = type(v) .. ":" .. tostring(v) end
    out[#out + 1] = table.concat(t, " ")
  end`;

// Every method, with results that do not depend on time or on the store's internals.
const METHODS = `${PRINT}
  p(d:set("a", 1, 0, 3)); p(d:get("a")); p(d:add("a", 2)); p(d:replace("zz", 2)); p(d:replace("a", 4)); p(d:get("a"))
  p(d:set("s", "x")); p(d:incr("s", 1)); p(d:incr("nokey", 1)); p(d:incr("nokey", 5, 10)); p(d:incr("nokey", "2"))
  p(d:set("f", 1.5)); p(d:incr("f", 0.25)); p(d:set("g", 0.1)); p(d:incr("g", 0.2)); p(d:get("g"))
  p(d:set("big", 2^53)); p(d:incr("big", 1)); p(d:set("inf", 1/0)); p(d:get("inf")); p(d:set("ninf", -1/0)); p(d:get("ninf"))
  p(d:set("negz", -0.0)); p(d:get("negz")); p(d:set("e300", 1.5e300)); p(d:get("e300"))
  p(d:set("t", true, 0, -5)); p(d:get("t")); p(d:set("b", false, 0, 7)); p(d:get("b")); p(d:get_stale("b"))
  p(d:set("fl", "v", 0, 2^31)); p(d:get("fl")); p(d:incr("t", 1))
  p(d:set("bin\\200\\0k", "\\0\\255\\128abc")); local v = d:get("bin\\200\\0k"); p(#v, v:byte(1, -1))
  p(d:set("", 1)); p(d:get(nil)); p(d:set("x", {})); p(d:set(12, "twelve")); p(d:get("12")); p(d:get(12))
  p(d:safe_set("ss", "v")); p(d:safe_add("ss", "w")); p(d:safe_add("sa", "w")); p(d:get("sa"))
  p(d:delete("ss")); p(d:get("ss")); p(d:delete("never")); p(d:set("a", nil)); p(d:get("a"))
  p(d:lpush("s", 1)); p(d:lpush("l", "a")); p(d:rpush("l", 2)); p(d:lpush("l", 3.5)); p(d:llen("l"))
  p(d:get("l")); p(d:get_stale("l")); p(d:incr("l", 1)); p(d:add("l", 1)); p(d:llen("nol")); p(d:lpop("nol"))
  p(d:lpop("l")); p(d:rpop("l")); p(d:lpop("l")); p(d:lpop("l")); p(d:llen("l")); p(d:llen("s")); p(d:rpush("l", {}))
  p(d:lpush("l2", "x")); p(d:set("l2", "scalar")); p(d:get("l2")); p(d:rpush("l3", 1)); p(d:expire("l3", 100)); p(math.floor(d:ttl("l3") + 0.5))
  p(d:ttl("s")); p(d:ttl("nope")); p(d:set("e", 1, 10)); p(math.floor(d:ttl("e") + 0.5)); p(d:expire("e", 0)); p(d:ttl("e"))
  p(d:expire("nope", 1)); p(d:expire("e", 20)); p(math.floor(d:ttl("e") + 0.5)); p(d:incr("it", 1, 0, 100)); p(math.floor(d:ttl("it") + 0.5))
  p(d:incr("it", 1, 0, 5)); p(math.floor(d:ttl("it") + 0.5)); p(d:incr("f", 1)); p(math.floor(d:ttl("f") + 0.5))
  p(d:get_stale("e")); p(d:get_stale("missing")); p(d:capacity())
  p(pcall(d.get, "x")); p(pcall(d.set, d, "q", 1, -1)); p(pcall(d.incr, d, "nk", 1, nil, 5)); p(pcall(d.incr, d, "nk", {}))
  local keys = d:get_keys(0); table.sort(keys); p(#keys, table.concat(keys, ","))
  p(#d:get_keys(3)); p(#d:get_keys())
  p(d:flush_all()); p(d:get("s")); p(#d:get_keys(0)); p(d:add("s", "again")); p(d:get("s"))
  return table.concat(out, "\\n")`;

test("the method table answers as the in-process store, on the yielding and the blocking path", async () => {
  const { h, m, r } = hostPair();
  const want = (await run(h, m, METHODS, false))[0] as string;
  assert.match(want, /^boolean:true nil:nil boolean:false\nnumber:1 number:3\n/);
  for (const blocking of [false, true]) {
    const got = (await run(h, r, `d:flush_all()\n${METHODS}`, blocking))[0] as string;
    assert.equal(got, want, blocking ? "blocking path" : "yielding path");
  }
});

test("the blocking path is taken where Lua cannot yield", async () => {
  const { h, r } = hostPair();
  const res = await run(h, r, `
    local ok, err = pcall(ngx.sleep, 0)
    d:set("k", "v")
    return tostring(ok) .. " " .. tostring(err), d:get("k")`, true);
  assert.deepEqual(res, ["false attempt to yield across C-call boundary", "v"]);
});

test("entries live in Redis under the zone's prefix, with Redis TTLs; flush_all clears only the zone", async () => {
  const { h, r, prefix } = hostPair();
  await direct.set(`${RUN}outside`, "keep");
  const res = await run(h, r, `
    d:set("k", "v", 10, 3)
    d:set("short", 1, 0.05)
    d:rpush("list", 1)
    ngx.sleep(0.2)
    return d:get("short"), d:get_stale("short"), d:get("k")`, false);
  assert.deepEqual(res, [undefined, undefined, "v", 3]);
  assert.equal(await direct.get(`${prefix}k`), "s3:v");
  const pttl = await direct.pttl(`${prefix}k`);
  assert.ok(pttl > 0 && pttl <= 10000, `pttl ${pttl}`);
  assert.deepEqual(await direct.lrange(`${prefix}list`, 0, -1), ["n0:1"]);
  // Another writer (another tsresty) is seen at once.
  await direct.set(`${prefix}other`, "n0:41");
  assert.deepEqual(await run(h, r, `return d:incr("other", 1), d:flush_all(), d:get("k")`, true), [42]);
  assert.equal(await direct.exists(`${prefix}k`, `${prefix}other`, `${prefix}list`), 0);
  assert.equal(await direct.get(`${RUN}outside`), "keep");
});

test("incr is atomic across concurrent callers on both paths", async () => {
  const { h, r } = hostPair();
  const yielding = Array.from({ length: 20 }, () => run(h, r, `for i = 1, 10 do d:incr("n", 1, 0) end`, false));
  const blocking = run(h, r, `for i = 1, 50 do d:incr("n", 1, 0) end`, true);
  await Promise.all([...yielding, blocking]);
  assert.deepEqual(await run(h, r, `return d:get("n")`, true), [250]);
});

test("a Redis that is away: nil, err on both paths, never a crash", async () => {
  const port = await freePort();
  const h = new TestHost([{ name: "down", size: 12288, redis: { url: `redis://127.0.0.1:${port}/0`, prefix: "x:", timeout: 500 } }]);
  const body = `${PRINT}
    p(d:get("k")); p(d:get_stale("k")); p(d:set("k", 1)); p(d:add("k", 1)); p(d:safe_set("k", 1)); p(d:delete("k"))
    p(d:incr("k", 1)); p(d:incr("k", 1, 0)); p(d:lpush("k", 1)); p(d:rpop("k")); p(d:llen("k")); p(d:ttl("k")); p(d:expire("k", 1))
    p(d:get_keys()); p(d:flush_all()); p(d:flush_expired()); p(d:capacity()); p(d:free_space())
    return table.concat(out, "\\n")`;
  const want = [
    "nil:nil string:connection refused", "nil:nil string:connection refused",
    "boolean:false string:connection refused boolean:false", "boolean:false string:connection refused boolean:false",
    "boolean:false string:connection refused boolean:false", "boolean:false string:connection refused boolean:false",
    "nil:nil string:connection refused", "nil:nil string:connection refused boolean:false",
    "nil:nil string:connection refused", "nil:nil string:connection refused", "nil:nil string:connection refused",
    "nil:nil string:connection refused", "nil:nil string:connection refused",
    "nil:nil string:connection refused", "nil:nil string:connection refused", "number:0", "number:12288",
    "nil:nil string:connection refused",
  ].join("\n");
  for (const blocking of [false, true]) {
    const got = await run(h, "down", body, blocking);
    assert.equal(got[0], want, blocking ? "blocking path" : "yielding path");
  }
});

const ZONE_CONF = (prefix: string, main = ""): string => `
${main}
error_log logs/error.log info;
events {}
http {
  lua_shared_dict hits 1m;
  tsresty_shared_dict_redis hits ${URL} prefix=${prefix};
  init_by_lua_block { ngx.shared.hits:incr("inits", 1, 0) }
  init_worker_by_lua_block {
    ngx.shared.hits:incr("workers", 1, 0)
    ngx.timer.at(0, function() ngx.shared.hits:incr("timers", 1, 0) end)
  }
  server {
    listen 127.0.0.1:__PORT__;
    location /hit { content_by_lua_block { ngx.say((ngx.shared.hits:incr("n", 1, 0))) } }
    location /get { content_by_lua_block { ngx.say(ngx.shared.hits:get(ngx.var.arg_k)) } }
    location /limited {
      access_by_lua_block {
        local lim = require("resty.limit.count").new("hits", 5, 60)
        local delay, err = lim:incoming("client", true)
        if not delay then return ngx.exit(err == "rejected" and 503 or 500) end
      }
      content_by_lua_block { ngx.say("ok") }
    }
    location /phases {
      set_by_lua_block $n { return ngx.shared.hits:incr("set", 1, 0) }
      header_filter_by_lua_block { ngx.header["X-Hf"] = ngx.shared.hits:incr("hf", 1, 0) }
      body_filter_by_lua_block { if ngx.arg[2] then ngx.shared.hits:incr("bf", 1, 0) end }
      log_by_lua_block { ngx.shared.hits:incr("log", 1, 0) }
      content_by_lua_block { ngx.say(ngx.var.n) }
    }
  }
}`;

const statusOf = (r: ParsedResponse): number => Number(r.statusLine.split(" ")[1]);

interface Served {
  readonly port: number;
  readonly prefix: string;
  /** Resolves when the server accepts connections; rejects with its output if it exits first. */
  readonly up: Promise<void>;
  stop(): Promise<void>;
}

/**
 * `tsresty serve -p prefix` as a child process. Worker threads, each with its own Lua VM and
 * Redis helper thread, take seconds to start on a loaded machine: the wait is generous.
 */
function serve(prefix: string, port: number): Served {
  const proc = spawn(process.execPath, [TSRESTY, "serve", "-p", prefix], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString("latin1")));
  proc.stderr.on("data", (d: Buffer) => (out += d.toString("latin1")));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const up = (async () => {
    for (let i = 0; i < 300; i++) {
      if (proc.exitCode !== null || proc.signalCode !== null) break;
      // Ready when a request is answered: with worker_processes the master listens before
      // its workers serve.
      const r = await exchange(port, { path: "/get?k=ready", timeout: 2000 }).catch(() => undefined);
      if (r !== undefined && r.responses.length > 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`tsresty did not start on port ${port}:\n${out}`);
  })();
  up.catch(() => {});
  return {
    port, prefix, up,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    },
  };
}

async function get(port: number, path: string): Promise<{ status: number; body: string; headers: readonly [string, string][] }> {
  const [r] = (await exchange(port, { path, timeout: 30000 })).responses;
  return { status: statusOf(r!), body: r!.body, headers: r!.headers };
}

/** The value of `key` in the zone, as seen through `port`. */
async function value(port: number, key: string): Promise<string> {
  return (await get(port, `/get?k=${key}`)).body;
}

test("two tsresty servers (one with 2 workers) share one zone: a counter hit through both at once ends exact, one rate limiter; every phase works", async () => {
  const prefix = `${RUN}serve:`;
  const servers: Served[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      // the first with two worker threads: init_by_lua runs once there too (its replays in the workers write nothing)
      const conf = ZONE_CONF(prefix, i === 0 ? "worker_processes 2;" : "");
      servers.push(serve(makePrefix({ name: "redis-zone", conf, requests: [] }, port, "redis-zone"), port));
    }
    await Promise.all(servers.map((s) => s.up));
    const [a, b] = servers as [Served, Served];
    const N = 60;
    const bodies = await Promise.all(Array.from({ length: N }, (_, i) => get(i % 2 === 0 ? a.port : b.port, "/hit")));
    // Every answer is a distinct count: no update was lost or doubled.
    assert.deepEqual(bodies.map((r) => Number(r.body)).sort((x, y) => x - y), Array.from({ length: N }, (_, i) => i + 1));
    assert.equal(await value(a.port, "n"), `${N}\n`);
    assert.equal(await value(b.port, "n"), `${N}\n`);
    assert.equal(await value(a.port, "workers"), "3\n");
    assert.equal(await value(a.port, "inits"), "2\n");
    assert.equal(await value(b.port, "timers"), "3\n");

    // One rate limiter (resty.limit.count, 5 per minute) for both servers.
    const limited = await Promise.all(Array.from({ length: 9 }, (_, i) => get(i % 2 === 0 ? a.port : b.port, "/limited")));
    assert.deepEqual(limited.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 503, 503, 503, 503]);

    const M = 6;
    const phases = await Promise.all(Array.from({ length: M }, (_, i) => get(i % 2 === 0 ? a.port : b.port, "/phases")));
    for (const r of phases) assert.equal(r.status, 200);
    assert.deepEqual(phases.map((r) => Number(r.body)).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(phases.map((r) => Number(r.headers.find(([k]) => k === "X-Hf")?.[1])).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6]);
    assert.equal(await value(b.port, "bf"), `${M}\n`);
    // The log phase runs after the response: wait until all of them have counted.
    let logs = "";
    for (let i = 0; i < 100 && logs !== `${M}\n`; i++) {
      logs = await value(a.port, "log");
      if (logs !== `${M}\n`) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(logs, `${M}\n`);
    for (const s of servers) assert.doesNotMatch(fs.readFileSync(`${s.prefix}/logs/error.log`, "latin1"), /\[error\]|\[alert\]/);
  } finally {
    for (const s of servers) await s.stop();
    for (const s of servers) fs.rmSync(s.prefix, { recursive: true, force: true });
  }
});

test("a server whose Redis is away answers requests, with nil, err from the zone in every phase", async () => {
  const down = await freePort();
  const srv = await startInProcess(`
events {}
http {
  lua_shared_dict z 1m;
  tsresty_shared_dict_redis z redis://127.0.0.1:${down} timeout=300ms;
  server {
    listen 127.0.0.1:__PORT__;
    location / {
      set_by_lua_block $e { local v, err = ngx.shared.z:get("k") return err }
      header_filter_by_lua_block { local ok, err = ngx.shared.z:set("k", 1) ngx.header["X-Err"] = err }
      content_by_lua_block { local v, err = ngx.shared.z:incr("k", 1, 0) ngx.say(ngx.var.e, " / ", err) }
    }
  }
}`);
  try {
    const [r] = await srv.get("/");
    assert.equal(statusOf(r!), 200);
    assert.equal(r!.body, "connection refused / connection refused\n");
    assert.ok(r!.headers.some(([k, v]) => k === "X-Err" && v === "connection refused"));
  } finally {
    await srv.close();
  }
});

test("configuration: the zone must be a lua_shared_dict; the URL and parameters are checked", async () => {
  const conf = (line: string): string => `events {}\nhttp {\n  lua_shared_dict z 1m;\n  ${line}\n  server { listen 127.0.0.1:__PORT__; location / { content_by_lua_block { ngx.say(1) } } }\n}`;
  await assert.rejects(startInProcess(conf(`tsresty_shared_dict_redis other ${URL};`)), /tsresty_shared_dict_redis: no lua_shared_dict "other"/);
  await assert.rejects(startInProcess(conf("tsresty_shared_dict_redis z http://x;")), /invalid redis url "http:\/\/x" in "tsresty_shared_dict_redis" directive/);
  await assert.rejects(startInProcess(conf(`tsresty_shared_dict_redis z ${URL} colour=blue;`)), /invalid parameter "colour=blue"/);
  await assert.rejects(startInProcess(conf(`tsresty_shared_dict_redis z ${URL} prefix=;`)), /invalid parameter "prefix="/);
  await assert.rejects(startInProcess(conf(`tsresty_shared_dict_redis z;`)), /invalid number of arguments in "tsresty_shared_dict_redis" directive/);
});

/** A Redis server of the test's own (so that it can be stopped and filled up), on `port`. */
async function privateRedis(port: number, ...args: string[]): Promise<ChildProcess> {
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...args], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => { s.destroy(); resolve(true); });
      s.once("error", () => resolve(false));
    });
    if (up) return proc;
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill("SIGKILL");
  throw new Error("redis-server did not start");
}

async function stopRedis(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGKILL");
  await exited;
}

test("a Redis server that goes away and comes back: errors meanwhile, then the zone works again", async () => {
  const port = await freePort();
  let redis = await privateRedis(port);
  try {
    const h = new TestHost([{ name: "flaky", size: 12288, redis: { url: `redis://127.0.0.1:${port}`, prefix: "f:", timeout: 500 } }]);
    const ops = `return d:incr("n", 1, 0), select(2, d:set("k", "v")), d:get("k")`;
    assert.deepEqual(await run(h, "flaky", ops, false), [1, undefined, "v"]);
    assert.deepEqual(await run(h, "flaky", ops, true), [2, undefined, "v"]);
    await stopRedis(redis);
    for (const blocking of [false, true]) {
      const [v, err] = await run(h, "flaky", `return d:incr("n", 1, 0)`, blocking);
      assert.equal(v, undefined);
      // a call may meet the dropped connection (closed) or find nothing listening
      assert.match(String(err), /^(closed|connection refused)$/);
      const [v2, err2] = await run(h, "flaky", `return d:get("k")`, blocking);
      assert.equal(v2, undefined);
      assert.match(String(err2), /^(closed|connection refused)$/);
    }
    redis = await privateRedis(port);
    // A fresh server (no persistence): the zone is empty and works on both paths.
    assert.deepEqual(await run(h, "flaky", `return d:get("k"), (d:incr("n", 1, 0))`, true), [undefined, 1]);
    assert.deepEqual(await run(h, "flaky", `return (d:incr("n", 1, 0))`, false), [2]);
  } finally {
    await stopRedis(redis);
  }
});

test("the server's maxmemory: writes it refuses answer no memory; free_space is the room under it", async () => {
  const port = await freePort();
  const redis = await privateRedis(port, "--maxmemory", "2mb", "--maxmemory-policy", "noeviction");
  try {
    const h = new TestHost([{ name: "full", size: 1048576, redis: { url: `redis://127.0.0.1:${port}`, prefix: "p:", timeout: 1000 } }]);
    for (const blocking of [false, true]) {
      const r = await run(h, "full", `
        local free0 = d:free_space()
        local big = string.rep("x", 100000)
        local ok, err, forcible, n
        for i = 1, 100 do
          ok, err, forcible = d:set("k" .. i, big)
          if not ok then n = i break end
        end
        local a, b, c = d:safe_add("new", big)
        local free1 = d:free_space()
        d:flush_all()
        return free0 > 0, ok, err, forcible, n ~= nil, a, b, c, free1 < free0, d:capacity()`, blocking);
      assert.deepEqual(r, [true, false, "no memory", false, true, false, "no memory", false, true, 1048576], blocking ? "blocking" : "yielding");
    }
  } finally {
    await stopRedis(redis);
  }
});

test("a helper thread that ends is replaced: the calls it had fail with closed, the next ones work", async () => {
  const { h, r } = hostPair();
  assert.deepEqual(await run(h, r, `d:set("k", "v") return d:get("k")`, true), ["v"]);
  const inFlight = run(h, r, `return d:incr("slow", 1, 0)`, false);
  await redisHelper().stop();
  const [v, err] = await inFlight;
  // the call either made it before the end or failed with "closed"
  assert.ok(v === 1 || err === "closed", `${String(v)} ${String(err)}`);
  assert.deepEqual(await run(h, r, `return d:get("k")`, true), ["v"]);
  assert.deepEqual(await run(h, r, `return d:get("k")`, false), ["v"]);
});
