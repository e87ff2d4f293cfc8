// resty.lock under the real server. ngx.sleep is wrapped in init_by_lua to record the
// steps lock() waits (the library keeps the function it found at require), so the backoff
// is checked exactly against the same arithmetic done here in doubles.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startInProcess, type InProcess } from "../http/support.js";

let srv: InProcess;

const LOCATIONS: Record<string, string> = {
  "/basic": String.raw`
    local lock = require "resty.lock"
    ngx.say(select(2, lock:new("nope")))
    local a = assert(lock:new("locks"))
    ngx.say(a:lock(nil))
    ngx.say(a:unlock())
    ngx.say(a:expire())
    ngx.say(a:lock("k1"))
    ngx.say(a:lock("k2"))
    ngx.say(ngx.shared.locks:get("k1"), " ", math.floor(ngx.shared.locks:ttl("k1") + 0.5))
    ngx.say(a:expire(100))
    ngx.say(math.floor(ngx.shared.locks:ttl("k1") + 0.5))
    ngx.say(a:expire())
    ngx.say(math.floor(ngx.shared.locks:ttl("k1") + 0.5))
    local b = lock:new("locks", { timeout = 0 })
    ngx.say(b:lock("k1"))
    ngx.say(a:unlock())
    ngx.say(a:unlock())
    ngx.say(b:lock("k1"))
    ngx.say(b:unlock())
    ngx.say(ngx.shared.locks:get("k1"))
    ngx.say(lock._VERSION)
  `,
  "/backoff": String.raw`
    local lock = require "resty.lock"
    local holder = lock:new("locks")
    holder:lock("k3")
    local w = lock:new("locks", { timeout = 0.1, step = 0.001, ratio = 2, max_step = 0.02 })
    STEPS = {}
    local elapsed, err = w:lock("k3")
    local steps = STEPS
    STEPS = nil
    for i = 1, #steps do steps[i] = string.format("%.17g", steps[i]) end
    ngx.say(elapsed, " ", err)
    ngx.say(table.concat(steps, " "))
    -- timeout is clipped to exptime, and the first step to the timeout
    local c = lock:new("locks", { exptime = 0.02, timeout = 5, step = 1 })
    ngx.say(c.timeout, " ", c.step, " ", c.exptime, " ", c.ratio, " ", c.max_step)
    holder:unlock()
  `,
  "/wait": String.raw`
    -- a holder lets go after 30 ms: the waiter gets the lock after one of its steps
    local lock = require "resty.lock"
    local holder = lock:new("locks")
    holder:lock("k4")
    local t = ngx.thread.spawn(function()
      ngx.sleep(0.03)
      holder:unlock()
    end)
    local w = lock:new("locks", { timeout = 2 })
    local elapsed, err = w:lock("k4")
    ngx.thread.wait(t)
    ngx.say(string.format("%.17g", elapsed), " ", err)
    ngx.say(w:unlock())
    -- a lock that expires frees the key for others
    local short = lock:new("locks", { exptime = 0.02 })
    short:lock("k5")
    local x = lock:new("locks", { timeout = 1 })
    local e2 = x:lock("k5")
    ngx.say(e2 > 0, " ", x:unlock())
  `,
};

before(async () => {
  const locs = Object.entries(LOCATIONS)
    .map(([p, code]) => `location = ${p} { content_by_lua_block {${code}} }`)
    .join("\n");
  srv = await startInProcess(`
events {}
http {
  lua_shared_dict locks 1m;
  init_by_lua_block {
    -- record the steps while the global STEPS is a table
    local real_sleep = ngx.sleep
    ngx.sleep = function(s)
      if STEPS then STEPS[#STEPS + 1] = s end
      return real_sleep(s)
    end
  }
  server {
    listen __PORT__;
    ${locs}
  }
}`);
});

after(async () => {
  await srv.close();
});

async function body(uri: string): Promise<string> {
  const [r] = await srv.get(uri);
  if (r!.statusLine !== "HTTP/1.1 200 OK") {
    assert.fail(`${r!.statusLine}\n${fs.readFileSync(path.join(srv.prefix, "logs/error.log"), "latin1")}`);
  }
  return r!.body;
}

/** lua-resty-lock's waiting steps for a lock never freed, in doubles as Lua computes them. */
function backoff(timeout: number, step: number, ratio: number, maxStep: number): number[] {
  const steps: number[] = [];
  while (timeout > 0) {
    steps.push(step);
    timeout -= step;
    if (timeout <= 0) break;
    step = Math.min(Math.max(0.001, step * ratio), timeout, maxStep);
  }
  return steps;
}

/** %.17g of a double, as the Lua side prints the steps. */
function g17(x: number): string {
  const s = x.toPrecision(17);
  return s.includes("e") ? s : s.replace(/\.?0+$/, "");
}

test("resty.lock: lock, unlock, expire and their errors", async () => {
  assert.equal(await body("/basic"), [
    "dictionary not found",
    "nilnil key",
    "nilunlocked",
    "nilunlocked",
    "0",
    "nillocked",
    "true 30",
    "true",
    "100",
    "true",
    "30",
    "niltimeout",
    "1",
    "nilunlocked",
    "0",
    "1",
    "nil",
    "0.09",
    "",
  ].join("\n"));
});

test("resty.lock: the waiting steps grow by ratio up to max_step until timeout", async () => {
  const steps = backoff(0.1, 0.001, 2, 0.02);
  assert.equal(await body("/backoff"), [
    "nil timeout",
    steps.map(g17).join(" "),
    "0.02 0.02 0.02 2 0.5",
    "",
  ].join("\n"));
});

test("resty.lock: a waiter gets the lock once it is freed or expired", async () => {
  const lines = (await body("/wait")).split("\n");
  // elapsed is a sum of the first steps 0.001, 0.002, 0.004, ...
  const sums = new Set<string>();
  let total = 0;
  for (const s of backoff(2, 0.001, 2, 0.5)) sums.add(g17(total += s));
  const [elapsed, err] = lines[0]!.split(" ");
  assert.ok(sums.has(elapsed!), `elapsed ${elapsed} is not a sum of steps`);
  // (the nominal steps can add up to less than the 30 ms: real sleeps last longer)
  assert.ok(Number(elapsed) > 0);
  assert.equal(err, "nil");
  assert.deepEqual(lines.slice(1), ["1", "true 1", ""]);
});
