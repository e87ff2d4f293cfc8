// resty.redis against the real Redis at 127.0.0.1:6379 (keys under a per-run prefix, deleted
// at the end), a port nobody listens on, and small net servers that misbehave.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { TestHost } from "../ngx/async/support.js";
import { LuaTable } from "../../src/lua/runtime/table.js";
import { LUA_NULL, type LuaFunction, type LuaValue } from "../../src/lua/runtime/value.js";
import { bundledModules } from "../../src/lib/index.js";
import { poolCloseAll } from "../../src/lib/resty/redis-pool.js";
import { freePort } from "../differential/harness.js";

const P = `tsr:redis:${process.pid}:`;
const admin = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true });

after(async () => {
  const keys = await admin.keys(P + "*");
  if (keys.length > 0) await admin.del(...keys);
  admin.disconnect();
  poolCloseAll();
});

/** A TestHost whose Lua state has the bundled resty.redis. */
function host(settings = {}): TestHost {
  const h = new TestHost([], settings);
  h.ngx.setStr("null", LUA_NULL);
  const preload = (h.G.getStr("package") as LuaTable).getStr("preload") as LuaTable;
  const make = bundledModules["resty.redis"]!;
  preload.setStr("resty.redis", ((): LuaValue => make(h.G)) as LuaFunction);
  return h;
}

function run(src: string, phase = "content", settings = {}): Promise<LuaValue[]> {
  return host(settings).run(`local P = "${P}"\nlocal redis = require "resty.redis"\n${src}`, phase);
}

/** A table's array part as JS, nested tables too. */
function arr(v: LuaValue): unknown {
  if (!(v instanceof LuaTable)) return v;
  const out: unknown[] = [];
  for (let i = 1; i <= v.length(); i++) out.push(arr(v.get(i)));
  return out;
}

test("commands: status, bulk, nil, integer, error replies, hmset/hgetall, unknown command, bytes", async () => {
  const r = await run(`
    local red = redis:new()
    red:set_timeout(2000)
    local ok, err = red:connect("127.0.0.1", 6379)
    local bytes = {}
    for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
    bytes = table.concat(bytes)
    return ok, err,
      red:set(P .. "k", "v"),
      red:get(P .. "k"),
      red:get(P .. "nokey") == ngx.null,
      red:incr(P .. "n"), red:incrby(P .. "n", 2.5 * 2),
      select(2, red:incr(P .. "k")),
      red:hmset(P .. "h", { a = 1 }),
      red:hgetall(P .. "h"),
      red:hmset(P .. "h2", "x", "1", "y", 2),
      red:hmget(P .. "h2", "x", "y", "z"),
      select(2, red:foo("x")),
      select(2, red["f\\195\\169"](red)) == "ERR unknown command 'f\\195\\169', with args beginning with: ",
      red:set(P .. "b", bytes), red:get(P .. "b") == bytes, red:strlen(P .. "b"),
      red:incrby(P .. "big", "9007199254740993") == tonumber("9007199254740993"),
      red:incrby(P .. "big2", "9223372036854775807") == tonumber("9223372036854775807"),
      red:decrby(P .. "neg", 5),
      red:del(P .. "k", P .. "n", P .. "h", P .. "h2", P .. "b", P .. "big", P .. "big2", P .. "neg"),
      red:get_reused_times(), red:close(), red:close()`);
  assert.equal(r[0], 1);
  assert.equal(r[1], undefined);
  assert.deepEqual([r[2], r[3], r[4], r[5], r[6]], ["OK", "v", true, 1, 6]);
  assert.equal(r[7], "ERR value is not an integer or out of range");
  assert.equal(r[8], "OK");
  assert.deepEqual(arr(r[9]), ["a", "1"]);
  assert.equal(r[10], "OK");
  assert.deepEqual(arr(r[11]), ["1", "2", LUA_NULL]);
  assert.match(r[12] as string, /^ERR unknown command 'foo'/);
  assert.equal(r[13], true);
  assert.deepEqual(r.slice(14), ["OK", true, 256, true, true, -5, 8, 0, 1, undefined, "closed"]);
});

test("error reply shape: false, msg; EXEC with an error inside gives {false, msg}", async () => {
  const r = await run(`
    local red = redis:new()
    assert(red:connect("127.0.0.1", 6379))
    local a, b = red:incr(P .. "s")
    red:set(P .. "s", "x")
    local c, d = red:incr(P .. "s")
    red:multi()
    red:set(P .. "m", 1)
    red:lpush(P .. "m", 1)
    local ex = red:exec()
    red:del(P .. "s", P .. "m")
    return a, b, c, d, ex[1], type(ex[2]), ex[2][1], ex[2][2]`);
  assert.deepEqual(r.slice(0, 2), [1, undefined]);
  assert.deepEqual(r.slice(2, 4), [false, "ERR value is not an integer or out of range"]);
  assert.deepEqual(r.slice(4, 7), ["OK", "table", false]);
  assert.match(r[7] as string, /^WRONGTYPE/);
});

test("pipeline: replies in order, errors as {false, err}, nil as ngx.null; no pipeline; cancel", async () => {
  const r = await run(`
    local red = redis:new()
    assert(red:connect("127.0.0.1", 6379))
    red:init_pipeline()
    local n1 = select("#", red:set(P .. "p", 1))
    red:get(P .. "p")
    red:incr(P .. "nonnum")
    red:set(P .. "nonnum", "x")
    red:incr(P .. "nonnum")
    red:get(P .. "nokey")
    local res = red:commit_pipeline()
    local a, b = red:commit_pipeline()
    red:init_pipeline()
    red:set(P .. "cancelled", 1)
    red:cancel_pipeline()
    local c = red:get(P .. "cancelled")
    red:del(P .. "p", P .. "nonnum")
    return n1, res[1], res[2], res[3], res[4], res[5][1], res[5][2], res[6] == ngx.null, #res, a, b, c == ngx.null`);
  assert.deepEqual(r, [0, "OK", "1", 1, "OK", false, "ERR value is not an integer or out of range", true, 6, undefined, "no pipeline", true]);
});

test("connection refused, then closed; the logs say so", async () => {
  const port = await freePort();
  const h = host();
  const r = await h.run(`
    local redis = require "resty.redis"
    local red = redis:new()
    local ok, err = red:connect("127.0.0.1", ${port})
    local a, b = red:get("x")
    local c, d = red:set_keepalive()
    local e, f = red:get_reused_times()
    red:init_pipeline()
    red:get("x")
    local g, i = red:commit_pipeline()
    return ok, err, a, b, c, d, e, f, g, i, red:close()`);
  assert.deepEqual(r, [undefined, "connection refused", undefined, "closed", undefined, "closed", undefined, "closed", undefined, "closed", undefined, "closed"]);
  assert.deepEqual(h.logs.slice(0, 2), [
    "[4] connect() failed (111: Connection refused)",
    "[4] attempt to send data on a closed socket: u:0000000000000000, c:0000000000000000, ft:0 eof:0",
  ]);
});

test("unix socket that does not exist; bad port", async () => {
  const r = await run(`
    local red = redis:new()
    local a, b = red:connect("unix:/nonexistent/redis.sock")
    local c, d = red:connect("127.0.0.1", 70000)
    return a, b, c, d`);
  assert.deepEqual(r, [undefined, "no such file or directory", undefined, "bad port number: 70000"]);
});

test("read timeout: nil, timeout, the connection is closed", async () => {
  const h = host();
  const r = await h.run(`
    local redis = require "resty.redis"
    local red = redis:new()
    red:set_timeouts(1000, 1000, 50)
    assert(red:connect("127.0.0.1", 6379))
    local a, b = red:blpop("${P}emptylist", 5)
    local c, d = red:get("x")
    return a, b, c, d`);
  assert.deepEqual(r, [undefined, "timeout", undefined, "closed"]);
  assert.ok(h.logs.includes("[4] lua tcp socket read timed out"), h.logs.join("\n"));
});

test("a server that closes the connection: closed; one that never answers: timeout", async () => {
  const closer = net.createServer((c) => c.on("data", () => c.end()));
  const silent = net.createServer((c) => c.on("error", () => {}));
  await new Promise<void>((res) => closer.listen(0, "127.0.0.1", res));
  await new Promise<void>((res) => silent.listen(0, "127.0.0.1", res));
  try {
    const r = await run(`
      local red = redis:new()
      red:set_timeout(100)
      assert(red:connect("127.0.0.1", ${(closer.address() as net.AddressInfo).port}))
      local a, b = red:get("x")
      local c, d = red:get("x")
      local red2 = redis:new()
      red2:set_timeout(50)
      assert(red2:connect("127.0.0.1", ${(silent.address() as net.AddressInfo).port}))
      local e, f = red2:ping()
      return a, b, c, d, e, f`);
    assert.deepEqual(r, [undefined, "closed", undefined, "closed", undefined, "timeout"]);
  } finally {
    closer.close();
    silent.close();
  }
});

test("Redis drops the connection mid-way (CLIENT KILL): closed, then a new connect works", async () => {
  const r = await run(`
    local red = redis:new()
    assert(red:connect("127.0.0.1", 6379))
    local id = red:client("id")
    local killer = redis:new()
    assert(killer:connect("127.0.0.1", 6379))
    local killed = killer:client("kill", "id", id)
    ngx.sleep(0.05)
    local a, b = red:get("x")
    local c, d = red:get("x")
    local ok = red:connect("127.0.0.1", 6379)
    return killed, a, b, c, d, ok, red:ping()`);
  assert.deepEqual(r, [1, undefined, "closed", undefined, "closed", 1, "PONG"]);
});

test("after a reset: connection reset by peer, then broken pipe, then closed; two readers: socket busy reading", async () => {
  const resetter = net.createServer((c) => c.on("data", () => c.resetAndDestroy()));
  await new Promise<void>((res) => resetter.listen(0, "127.0.0.1", res));
  try {
    const h = host();
    const r = await h.run(`
      local redis = require "resty.redis"
      local red = redis:new()
      assert(red:connect("127.0.0.1", ${(resetter.address() as net.AddressInfo).port}))
      local a, b = red:get("x")
      local c, d = red:get_reused_times()
      local e, f = red:get("x")
      local g, i = red:get("x")
      local red2 = redis:new()
      assert(red2:connect("127.0.0.1", 6379))
      local out = {}
      local t1 = ngx.thread.spawn(function() out[1] = red2:get("${P}busy") end)
      local t2 = ngx.thread.spawn(function() out[2] = select(2, red2:get("${P}busy")) end)
      ngx.thread.wait(t1) ngx.thread.wait(t2)
      return a, b, c, d, e, f, g, i, out[1], out[2]`);
    assert.deepEqual(r, [undefined, "connection reset by peer", 0, undefined, undefined, "broken pipe", undefined, "closed", LUA_NULL, "socket busy reading"]);
    assert.deepEqual(h.logs.slice(0, 2), ["[4] recv() failed (104: Connection reset by peer)", "[4] send() failed (32: Broken pipe)"]);
  } finally {
    resetter.close();
  }
});

/** A private redis-server on `port` (no persistence), up when the Promise resolves. */
async function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((res) => {
      const s = net.connect(port, "127.0.0.1", () => { s.destroy(); res(true); });
      s.on("error", () => res(false));
    });
    if (up) return p;
    await new Promise((res) => setTimeout(res, 20));
  }
  p.kill();
  throw new Error("redis-server did not start");
}

function stopRedis(p: ChildProcess): Promise<void> {
  return new Promise((res) => {
    p.once("exit", () => res());
    p.kill("SIGKILL");
  });
}

test("Redis goes down and restarts mid-way: closed, refused, then working again; the pool forgets", async () => {
  const port = await freePort();
  let srv = await startRedis(port);
  try {
    const h = host();
    await h.run(`
      local redis = require "resty.redis"
      pooled = redis:new()
      assert(pooled:connect("127.0.0.1", ${port}))
      assert(pooled:set_keepalive(60000, 5))
      red = redis:new()
      assert(red:connect("127.0.0.1", ${port}))
      first = red:set("k", "v")`);
    assert.equal(h.G.getStr("first"), "OK");
    await stopRedis(srv);
    const down = await h.run(`
      local redis = require "resty.redis"
      local red = redis:new()
      red:set_timeout(500)
      local a, b = red:connect("127.0.0.1", ${port})
      return a, b`);
    assert.deepEqual(down, [undefined, "connection refused"]);
    srv = await startRedis(port);
    const up = await h.run(`
      local redis = require "resty.redis"
      local red = redis:new()
      red:set_timeout(500)
      local ok, err = red:connect("127.0.0.1", ${port})
      return ok, err, red:get_reused_times(), red:get("k"), red:set("k", "w"), red:get("k")`);
    assert.deepEqual(up, [1, undefined, 0, LUA_NULL, "OK", "w"]);
  } finally {
    await stopRedis(srv);
  }
});

test("a request's object is refused in another request (bad request)", async () => {
  const h = host();
  await h.run(`red = require("resty.redis"):new()`);
  const r = await h.run(`return pcall(red.connect, red, "127.0.0.1", 6379)`);
  assert.equal(r[0], false);
  assert.match(r[1] as string, /bad request$/);
});

test("set_keepalive pools by host:port or pool name; get_reused_times counts reuses", async () => {
  const h = host();
  const r = await h.run(`
    local redis = require "resty.redis"
    local out = {}
    for i = 1, 3 do
      local red = redis:new()
      assert(red:connect("127.0.0.1", 6379))
      out[#out + 1] = red:get_reused_times()
      red:set("${P}ka", i)
      out[#out + 1] = red:set_keepalive(10000, 10)
    end
    local red = redis:new()
    assert(red:connect("127.0.0.1", 6379, { pool = "other" }))
    out[#out + 1] = red:get_reused_times()
    out[#out + 1] = red:set_keepalive()
    local x, y = red:set_keepalive()
    out[#out + 1] = y
    local red2 = redis:new()
    assert(red2:connect("127.0.0.1", 6379, { pool = "other" }))
    out[#out + 1] = red2:get_reused_times()
    out[#out + 1] = red2:get("${P}ka")
    red2:close()
    return unpack(out)`);
  assert.deepEqual(r, [0, 1, 1, 1, 2, 1, 0, 1, "closed", 1, "3"]);
});

test("a pooled connection that Redis closes is dropped: the next connect is a new one", async () => {
  const h = host();
  const name = `tsr-pool-${process.pid}`;
  await h.run(`
    local redis = require "resty.redis"
    local red = redis:new()
    assert(red:connect("127.0.0.1", 6379, { pool = "${name}" }))
    red:client("setname", "${name}")
    assert(red:set_keepalive(10000, 5))`);
  const list = await admin.client("LIST");
  const id = /id=(\d+) [^\n]*name=tsr-pool-/.exec(String(list))?.[1];
  assert.ok(id);
  await admin.client("KILL", "ID", id);
  await new Promise((res) => setTimeout(res, 50));
  const r = await h.run(`
    local redis = require "resty.redis"
    local red = redis:new()
    assert(red:connect("127.0.0.1", 6379, { pool = "${name}" }))
    return red:get_reused_times(), red:ping()`);
  assert.deepEqual(r, [0, "PONG"]);
});

test("subscribe, read_reply, unsubscribe; subscribed state refuses set_keepalive", async () => {
  const h = host();
  const r = await h.run(`
    local redis = require "resty.redis"
    local red = redis:new()
    red:set_timeout(1000)
    assert(red:connect("127.0.0.1", 6379))
    local pub = redis:new()
    assert(pub:connect("127.0.0.1", 6379))
    local s1 = red:subscribe("${P}c1", "${P}c2")
    local s2 = red:read_reply()
    local ka, kaerr = red:set_keepalive()
    pub:publish("${P}c2", "hello")
    local m = red:read_reply()
    red:set_timeout(30)
    local t, terr = red:read_reply()
    local u1 = red:unsubscribe()
    local u2 = red:read_reply()
    local nr, nrerr = red:read_reply()
    return s1, s2, ka, kaerr, m, t, terr, u1, u2, nr, nrerr, red:ping()`);
  assert.deepEqual(arr(r[0]), ["subscribe", P + "c1", 1]);
  assert.deepEqual(arr(r[1]), ["subscribe", P + "c2", 2]);
  assert.deepEqual(r.slice(2, 4), [undefined, "subscribed state"]);
  assert.deepEqual(arr(r[4]), ["message", P + "c2", "hello"]);
  assert.deepEqual(r.slice(5, 7), [undefined, "timeout"]);
  assert.deepEqual(arr(r[7]), ["unsubscribe", P + "c1", 1]);
  assert.deepEqual(arr(r[8]), ["unsubscribe", P + "c2", 0]);
  assert.deepEqual(r.slice(9), [undefined, "not subscribed", "PONG"]);
});

test("phases: new() outside the cosocket phases raises as ngx.socket.tcp does", async () => {
  const r1 = await run(`return pcall(redis.new, redis)`, "log");
  assert.deepEqual(r1, [false, "API disabled in the context of log_by_lua*"]);
  const r2 = await run(`return pcall(redis.new, redis)`, "header_filter");
  assert.deepEqual(r2, [false, "API disabled in the context of header_filter_by_lua*"]);
  // Code that cannot wait (a gsub callback) cannot connect.
  const r3 = await run(`
    local red = redis:new()
    return pcall(string.gsub, "a", "a", function() return red:connect("127.0.0.1", 6379) end)`);
  assert.equal(r3[0], false);
  assert.match(r3[1] as string, /attempt to yield across C-call boundary/);
});

test("a timer uses resty.redis without a request", async () => {
  const h = host();
  await h.run(`
    ngx.timer.at(0, function()
      local redis = require "resty.redis"
      local red = redis:new()
      assert(red:connect("127.0.0.1", 6379))
      red:set("${P}timer", "ok")
      got = red:get("${P}timer")
      red:set_keepalive()
    end)`);
  for (let i = 0; i < 100 && h.G.getStr("got") === undefined; i++) await new Promise((res) => setTimeout(res, 10));
  assert.equal(h.G.getStr("got"), "ok");
});

test("method table: lazy commands cached, add_commands, array_to_hash, not initialized", async () => {
  const r = await run(`
    local f1 = redis.dbsize
    local f2 = redis.dbsize
    redis.add_commands("foo_bar")
    local h = redis:array_to_hash({ "a", "1", "b", "2" })
    local a, b = redis.get({}, "x")
    return f1 == f2, type(rawget(redis, "foo_bar")), h.a, h.b, a, b, redis._VERSION`);
  assert.deepEqual(r, [true, "function", "1", "2", undefined, "not initialized", "0.27"]);
});
