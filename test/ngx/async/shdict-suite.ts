// The shared-dictionary answers every store must give (compared with the reference when
// they were written), as one suite run per store: MemoryStore (shdict.test.ts) and the
// SharedArrayBuffer store (shared-store.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { TestHost } from "./support.js";
import { zoneStore } from "../../../src/ngx/async/index.js";
import type { ShdictStore } from "../../../src/ngx/async/shdict/store.js";

/** A synchronous store: its methods' results without the Promise. */
export type SyncStore = {
  [K in keyof ShdictStore]: ShdictStore[K] extends (...a: infer A) => infer R ? (...a: A) => Exclude<R, Promise<unknown>> : ShdictStore[K];
};

/** A store under test whose clock the suite may set. */
export type TestStore = SyncStore & { now: () => number };

/** Register the suite for the stores `make` builds (name, size in bytes); `label` prefixes test names. */
export function shdictSuite(label: string, make: (name: string, size: number) => TestStore): void {
  let zoneN = 0;
  function host(size = 12288): TestHost {
    // Zones are kept by name across configurations: a fresh name per test (short: the name
    // takes room in the zone, as in nginx). Registering the store first makes the host's
    // ngx.shared use it. Each suite runs in its own process (test file).
    const zones = [{ name: `d${++zoneN}`, size }, { name: `big${zoneN}`, size: 1048576 }];
    for (const z of zones) zoneStore(z, () => make(z.name, z.size));
    return new TestHost(zones);
  }

  /** Run Lua with `d` and `big` bound to the test's zones; returns what it returns. */
  async function lua(h: TestHost, body: string): Promise<unknown[]> {
    return h.run(`local d, big = ngx.shared.d${zoneN}, ngx.shared.big${zoneN}\n${body}`);
  }

  test(`${label}: values, flags and return shapes as resty.core gives them`, async () => {
    const h = host();
    const r = await lua(h, `
      local out = {}
      local function p(...) local t = {} for i = 1, select('#', ...) do t[i] = tostring((select(i, ...))) end out[#out+1] = table.concat(t, " ") end
      p(d:set("a", 1, 0, 3)); p(d:get("a")); p(d:add("a", 2)); p(d:replace("zz", 2))
      p(d:set("s", "x")); p(d:incr("s", 1)); p(d:incr("nokey", 1)); p(d:incr("nokey", 5, 10))
      p(d:lpush("s", 1)); p(d:lpush("l", "a")); p(d:rpush("l", 2)); p(d:llen("l")); p(d:get("l")); p(d:incr("l", 1))
      p(d:lpop("l")); p(d:rpop("l")); p(d:lpop("l")); p(d:llen("l")); p(d:llen("s"))
      p(d:ttl("a")); p(d:ttl("nope")); p(d:set("e", 1, 10)); p(d:ttl("e")); p(d:expire("e", 0)); p(d:ttl("e")); p(d:expire("nope", 1))
      p(d:capacity(), d:free_space()); p(d:set("t", {})); p(d:set(nil, 1)); p(d:set("", 1)); p(d:get(nil))
      p(d:set("a", nil)); p(d:get("a")); p(d:delete("nokey")); p(d:set("b", false, 0, 7)); p(d:get("b"))
      p(select('#', d:get("missing")), select('#', d:flush_all()), select('#', d:lpush("L", 1)))
      p(d:set(12, "v")); p(d:get("12")); p(pcall(d.get, "x")); p(pcall(d.set, d, "q", 1, -1))
      p(d:rpush("l2", {})); p(d:incr("nk", 1, 0, 0)); p(pcall(d.incr, d, "nk", 1, nil, 5))
      p(d:set("f", 1.5)); p(d:incr("f", 0.25)); p(d:incr("f", "2"))
      return table.concat(out, "\\n")`);
    assert.equal(r[0], [
      "true nil false", "1 3", "false exists false", "false not found false",
      "true nil false", "nil not a number", "nil not found", "15 nil false",
      "nil value not a list", "1", "2", "2", "nil value is a list", "nil not a number",
      "a", "2", "nil", "0", "nil value not a list",
      "0", "nil not found", "true nil false", "10", "true", "0", "nil not found",
      "12288 0", "nil bad value type", "nil nil key", "nil empty key", "nil nil key",
      "true nil false", "nil", "true nil false", "true nil false", "false 7",
      "1 0 1", "true nil false", "v", 'false bad "zone" argument', 'false bad "exptime" argument',
      "nil bad value type", "1 nil false", 'false must provide "init" when providing "init_ttl"',
      "true nil false", "1.75", "3.75",
    ].join("\n"));
  });

  test(`${label}: a 12k zone holds 31 small entries, then evicts the least recently used (forcible)`, async () => {
    const h = host();
    const r = await lua(h, `
      local at
      for i = 1, 40 do local ok, err, f = d:set("k"..i, i) if f or not ok then at = i break end end
      return at, d:get("k1"), d:get("k2"), d:set("big", string.rep("x", 20000))`);
    assert.deepEqual(r, [32, undefined, 2, false, "no memory", true]);
    const r2 = await lua(h, `
      local a, b, c = d:safe_set("x", string.rep("x", 20000))
      local keys = #d:get_keys(0)
      return a, b, c, keys`);
    // 30 evictions at most per store, as nginx: one of the 31 entries is left.
    assert.deepEqual(r2, [false, "no memory", false, 1]);
  });

  test(`${label}: safe_set and safe_add refuse to evict`, async () => {
    const h = host();
    const r = await lua(h, `
      for i = 1, 31 do assert(d:set("k"..i, i)) end
      local a, b, c = d:safe_set("new", 1)
      local e, f, g = d:safe_add("new2", 1)
      local x, y, z = d:add("new3", 1)
      return a, b, c, e, f, g, x, y, z, d:get("k1")`);
    assert.deepEqual(r, [false, "no memory", false, false, "no memory", false, true, undefined, true, undefined]);
  });

  test(`${label}: free_space follows nginx's slab pages`, async () => {
    const h = host();
    const r = await lua(h, `
      local f0 = big:free_space()
      for i = 1, 2000 do big:set("key" .. i, string.rep("v", 100)) end
      local f1 = big:free_space()
      big:set("huge", string.rep("h", 5000))
      return f0, f1, big:free_space(), #big:get_keys(), #big:get_keys(0), #big:get_keys(-1)`);
    assert.deepEqual(r, [1032192, 520192, 512000, 1024, 2001, 2001]);
  });

  test(`${label}: expiry, get_stale, flush_all and flush_expired`, async () => {
    const s = make("clock", 1 << 20);
    let now = 1000;
    s.now = () => now;
    s.store("set", "a", "1", 500, 0, false);
    s.store("set", "b", "2", 0, 0, false);
    assert.equal(s.ttl("a"), 500);
    now += 600;
    assert.deepEqual(s.keys(0), ["b"]);
    assert.equal(s.flushExpired(0), 1);
    for (let i = 1; i <= 4; i++) s.store("set", `c${i}`, String(i), 0, 0, false);
    // flush_all marks every key expired, then nginx's forced expiry frees the 3 oldest at
    // once (b, c1, c2; checked on the reference); the rest stay for get_stale/flush_expired.
    s.flushAll();
    assert.deepEqual(s.keys(0), []);
    assert.equal(s.get("b"), undefined);
    assert.equal(s.get("c2"), undefined);
    assert.equal(s.get("c3")?.value, "3");
    assert.equal(s.flushExpired(0), 2);
    assert.equal(s.get("c4"), undefined);
    // An expired key can be added again; incr's init restarts it.
    s.store("set", "c", 5, 100, 0, false);
    now += 200;
    assert.equal(s.store("add", "c", 1, 0, 0, false).err, undefined);
    assert.equal(s.incr("c", 1, undefined, 0).value, 2);

    const h = host();
    const r = await lua(h, `
      d:set("st", 1, 0.001)
      local deadline = os.clock() + 0.05
      while os.clock() < deadline do end
      -- nginx's clock is cached per event-loop turn (checked on the reference): without
      -- update_time the key is still live here.
      local before = d:get("st")
      ngx.update_time()
      local v, fl, stale = d:get_stale("st")
      return before, d:get("st"), v, fl, stale, d:flush_expired()`);
    assert.deepEqual(r, [1, undefined, 1, undefined, true, 1]);
  });

  test(`${label}: lists: pops remove emptied lists; a list evicted to make room`, async () => {
    const h = host();
    const r = await lua(h, `
      for i = 1, 5 do big:rpush("q", i) end
      local out = {}
      while true do local v = big:lpop("q") if v == nil then break end out[#out+1] = v end
      return table.concat(out, ","), big:llen("q"), big:get("q"), big:lpush("q", "x"), big:lpush("q", "y"), big:rpop("q")`);
    assert.deepEqual(r, ["1,2,3,4,5", 0, undefined, 1, 2, "x"]);
  });

  test(`${label}: get and set cost microseconds`, () => {
    const s = make("bench", 10 << 20);
    const N = 200000;
    const keys = Array.from({ length: 1024 }, (_, i) => "key" + i);
    for (let i = 0; i < N; i++) s.store("set", keys[i & 1023]!, i, 0, 0, false);
    let t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) s.store("set", keys[i & 1023]!, i, 0, 0, false);
    const setNs = Number(process.hrtime.bigint() - t) / N;
    t = process.hrtime.bigint();
    let x = 0;
    for (let i = 0; i < N; i++) x += s.get(keys[i & 1023]!) === undefined ? 0 : 1;
    const getNs = Number(process.hrtime.bigint() - t) / N;
    assert.equal(x, N);
    console.log(`# ${label} store: set ${setNs.toFixed(0)} ns, get ${getNs.toFixed(0)} ns`);
    assert.ok(setNs < 5000 && getNs < 5000);
  });

  test(`${label}: get and set from Lua cost microseconds`, async () => {
    const h = host();
    const r = await lua(h, `
      local keys = {}
      for i = 1, 1024 do keys[i] = "key" .. i end
      local N = 200000
      for i = 1, N do big:set(keys[i % 1024 + 1], i) end
      local t0 = os.clock()
      for i = 1, N do big:set(keys[i % 1024 + 1], i) end
      local t1 = os.clock()
      local n = 0
      for i = 1, N do if big:get(keys[i % 1024 + 1]) then n = n + 1 end end
      local t2 = os.clock()
      return (t1 - t0) / N * 1e9, (t2 - t1) / N * 1e9, n`);
    const [setNs, getNs] = r as number[];
    console.log(`# ${label} ngx.shared.DICT from Lua: set ${setNs!.toFixed(0)} ns, get ${getNs!.toFixed(0)} ns`);
    assert.equal(r[2], 200000);
    assert.ok(setNs! < 5000 && getNs! < 5000);
  });
}
