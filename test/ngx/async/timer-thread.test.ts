import { test } from "node:test";
import assert from "node:assert/strict";
import { TestHost } from "./support.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test("ngx.timer.at runs the callback as a new thread; counts; premature on exit", async () => {
  const h = new TestHost([], { maxPendingTimers: 3 });
  const r = await h.run(`
    got = {}
    local ok = ngx.timer.at(0.01, function(premature, a) got[#got+1] = tostring(premature) .. a end, "A")
    local p1 = ngx.timer.pending_count()
    ngx.timer.at(10, function(premature) got[#got+1] = "late " .. tostring(premature) end)
    ngx.timer.at(10, function() end)
    local a, b = ngx.timer.at(10, function() end)
    local e1 = select(2, pcall(ngx.timer.at, 1))
    local e2 = select(2, pcall(ngx.timer.every, 0, function() end))
    local e3 = select(2, pcall(ngx.timer.at, 0, "x"))
    return ok, p1, a, b, e1, e2, e3`);
  assert.deepEqual(r, [1, 1, undefined, "too many pending timers", "expecting at least 2 arguments but got 1",
    "delay cannot be zero", "bad argument #2 to '?' (Lua function expected)"]);
  await sleep(50);
  const got = h.G.getStr("got") as { arr: unknown[] };
  assert.deepEqual(got.arr, ["falseA"]);
  h.exit();
  await sleep(10);
  assert.deepEqual(got.arr, ["falseA", "late true"]);
});

test("ngx.timer.every repeats until exit; running_count inside", async () => {
  const h = new TestHost();
  await h.run(`
    n = 0
    ngx.timer.every(0.005, function(premature) if not premature then n = n + 1; rc = ngx.timer.running_count() end end)`);
  await sleep(150);
  const n = h.G.getStr("n") as number;
  assert.ok(n >= 3, `fired ${n} times`);
  assert.equal(h.G.getStr("rc"), 1);
  h.exit();
  await sleep(30);
  assert.equal(h.G.getStr("n"), h.G.getStr("n"));
  const r = await h.run(`return ngx.timer.pending_count()`);
  assert.deepEqual(r, [0]);
});

test("timers are refused in init", async () => {
  const h = new TestHost();
  const r = await h.run(`return pcall(ngx.timer.at, 0, function() end)`, "init");
  assert.deepEqual(r, [false, "API disabled in the context of init_by_lua*"]);
});

test("ngx.thread: spawn, wait (any), kill, zombie status, errors", async () => {
  const h = new TestHost();
  const sleepFn = (s: number) => new Promise((res) => setTimeout(() => res(undefined), s * 1000));
  const lsleep = Object.assign(() => { throw new Error("plain sleep"); }, {
    $g: function* (s: unknown) { yield sleepFn(s as number); return []; },
  });
  h.ngx.setStr("sleep", lsleep as never);
  const r = await h.run(`
    local out = {}
    local function p(...) local t = {} for i = 1, select('#', ...) do t[i] = tostring((select(i, ...))) end out[#out+1] = table.concat(t, " ") end
    local t = ngx.thread.spawn(function(a) ngx.sleep(0.01) return a, 2 end, "x")
    p(type(t), coroutine.status(t))
    p(ngx.thread.wait(t))
    p(ngx.thread.wait(t))
    p(ngx.thread.kill(t))
    local t2 = ngx.thread.spawn(function() error("oops") end)
    p(coroutine.status(t2), ngx.thread.wait(t2))
    local t3 = ngx.thread.spawn(function() ngx.sleep(1) end)
    p(ngx.thread.kill(t3), coroutine.status(t3))
    p(ngx.thread.kill(t3))
    local t4 = ngx.thread.spawn(function() return 1 end)
    p(coroutine.status(t4), ngx.thread.wait(t4))
    local t5 = ngx.thread.spawn(function() coroutine.yield() return 5 end)
    p(ngx.thread.wait(t5))
    local co = coroutine.create(function() end)
    p(pcall(ngx.thread.wait, co))
    p(ngx.thread.kill(co))
    p(pcall(ngx.thread.wait))
    local a = ngx.thread.spawn(function() ngx.sleep(0.05) return "a" end)
    local b = ngx.thread.spawn(function() ngx.sleep(0.01) return "b" end)
    p(ngx.thread.wait(a, b))
    p(ngx.thread.wait(a, b))
    order = {}
    ngx.thread.spawn(function() ngx.sleep(0.02) order[#order+1] = "late thread" end)
    order[#order+1] = "entry done"
    return table.concat(out, "\\n")`);
  assert.equal(r[0], [
    "thread running", "true x 2", "nil already waited or killed", "nil already waited or killed",
    "zombie false test:9: oops", "1 dead", "nil already waited or killed", "zombie true 1", "true 5",
    "false attempt to wait on a coroutine that is not a user thread", "nil not user thread",
    "false at least one coroutine should be specified", "true b", "nil already waited or killed",
  ].join("\n"));
  // The request lasts until its light threads end.
  assert.deepEqual((h.G.getStr("order") as { arr: unknown[] }).arr, ["entry done", "late thread"]);
  assert.ok(h.logs.some((l) => l.includes("lua user thread aborted: runtime error: test:9: oops")));
});

test("ngx.thread is disabled in log_by_lua", async () => {
  const h = new TestHost();
  const r = await h.run(`return pcall(ngx.thread.spawn, function() end)`, "log");
  assert.deepEqual(r, [false, "API disabled in the context of log_by_lua*"]);
});

test("ngx.semaphore: post, wait with timeout, count, errors", async () => {
  const h = new TestHost();
  const r = await h.run(`
    local out = {}
    local function p(...) local t = {} for i = 1, select('#', ...) do t[i] = tostring((select(i, ...))) end out[#out+1] = table.concat(t, " ") end
    local sem = require "ngx.semaphore"
    local s = sem.new()
    p(s:count(), s:wait(0))
    p(pcall(s.wait, s, -1))
    p(pcall(sem.new, -1))
    p(s:post(), s:count(), s:post(2), s:count())
    p(s:wait(0.01), s:count())
    p(pcall(s.post, s, 0))
    local s2 = sem.new(0)
    local t = ngx.thread.spawn(function() return s2:wait(1) end)
    p("waiting", s2:count())
    s2:post(1)
    p(ngx.thread.wait(t))
    p(s2:wait(0.02))
    p(pcall(s2.count, "x"))
    p(pcall(require, "resty.semaphore"))
    return table.concat(out, "\\n")`);
  const lines = (r[0] as string).split("\n");
  assert.deepEqual(lines.slice(0, 10), [
    "0 nil timeout", "false no negative number", "false no negative number", "true 1 true 3", "true 2",
    "false positive number required", "waiting -1", "true true", "nil timeout", "false not a semaphore instance",
  ]);
  assert.match(lines[10]!, /^false module 'resty.semaphore' not found/);
  const r2 = await h.run(`local s = require("ngx.semaphore").new(0) return s:wait(1)`, "log");
  assert.deepEqual(r2, [undefined, "API disabled in the context of log_by_lua*"]);
});
