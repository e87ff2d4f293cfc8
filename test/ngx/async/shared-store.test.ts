// The shared zone (src/ngx/async/shdict/shared-store.ts): the shdict suite's answers, the
// same results as MemoryStore on long random sequences (eviction, no memory, forcible,
// free_space), no lost update when worker threads race on one key, and its cost.
//
// This file is also the workers' script: a worker thread runs it with workerData and does
// the job it is given (see worker()).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { Worker, isMainThread, parentPort, workerData, threadId } from "node:worker_threads";
import { createSharedZone, SharedStore, forceUnlock } from "../../../src/ngx/async/shdict/shared-store.js";
import { ZoneLock } from "../../../src/ngx/async/shdict/shared-lock.js";
import { verifySharedZone } from "../../../src/ngx/async/shdict/shared-verify.js";
import { MemoryStore } from "../../../src/ngx/async/shdict/memory.js";
import { zoneStore } from "../../../src/ngx/async/index.js";
import type { ShValue } from "../../../src/ngx/async/shdict/store.js";
import { shdictSuite, type SyncStore } from "./shdict-suite.js";
import { TestHost } from "./support.js";

interface Job {
  readonly job: "incr" | "lua-incr" | "add" | "push" | "safe-add" | "hold-lock" | "mixed";
  readonly sab: SharedArrayBuffer;
  readonly name: string;
  readonly size: number;
  readonly id: number;
  readonly n: number;
  /** An int32 the race's workers count themselves in on before starting. */
  readonly gate: SharedArrayBuffer;
  readonly count: number;
}

/** One worker's part of a race; posts its result (a number) when done. */
async function worker(j: Job): Promise<number> {
  const s = new SharedStore(j.name, j.size, j.sab);
  let r = 0;
  switch (j.job) {
    case "incr":
      for (let i = 0; i < j.n; i++) {
        const x = s.incr("counter", 1, 0, 0);
        if (x.err !== undefined) throw new Error(x.err.msg);
      }
      return 0;
    case "lua-incr": {
      // As a worker of the server runs it: Lua, through ngx.shared.
      zoneStore({ name: j.name, size: j.size }, () => s);
      const h = new TestHost([{ name: j.name, size: j.size }]);
      const out = await h.run(`local d = ngx.shared["${j.name}"]
        for i = 1, ${j.n} do assert(d:incr("lua", 1, 0)) end
        return d:get("lua")`);
      return out[0] as number;
    }
    case "add":
      // Every worker tries every key: exactly one add per key succeeds.
      for (let i = 0; i < j.n; i++) if (s.store("add", "k" + i, j.id, 0, 0, false).err === undefined) r++;
      return r;
    case "safe-add":
      for (let i = 0; i < j.n; i++) if (s.store("add", "s" + i, "w" + j.id, 0, 0, true).err === undefined) r++;
      return r;
    case "push":
      for (let i = 0; i < j.n; i++) {
        const x = s.push("list", j.id * 1e6 + i, (i & 1) === 0);
        if (typeof x !== "number") throw new Error(x.msg);
      }
      return 0;
    case "mixed":
      // Sets of changing sizes (evicting), deletes, gets, counters and lists over keys the
      // others use too: the structure must stay whole (verified by the main thread after).
      for (let i = 0; i < j.n; i++) {
        const k = "m" + ((i * 7 + j.id) % 300);
        switch (i % 8) {
          case 0: s.store("set", k, "v".repeat((i * 13) % 3000), 0, 0, false); break;
          case 1: s.store("set", k, undefined, 0, 0, false); break;
          case 2: s.incr("n" + (i % 50), 1, 0, 0); break;
          case 3: s.push("l" + (i % 20), "x".repeat(i % 100), (i & 1) === 0); break;
          case 4: s.pop("l" + (i % 20), (i & 2) === 0); break;
          case 5: s.store("set", k, i, 1 + (i % 5), 0, true); break;
          case 6: s.flushExpired(2); break;
          default: r += s.get(k) === undefined ? 0 : 1;
        }
      }
      return r;
    case "hold-lock":
      new ZoneLock(new Int32Array(j.sab)).lock();
      parentPort!.postMessage(threadId);
      // Sleep holding the lock until terminated.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return 0;
  }
}

if (!isMainThread) {
  const j = workerData as Job | null | undefined;
  if (j?.job === "hold-lock") void worker(j);
  // A pool worker: one job per message, its result (or error) as the answer.
  else parentPort!.on("message", (m: Job) => {
    const g = new Int32Array(m.gate);
    // All of the race's workers start together.
    Atomics.add(g, 0, 1);
    Atomics.notify(g, 0);
    for (let v = Atomics.load(g, 0); v < m.count; v = Atomics.load(g, 0)) Atomics.wait(g, 0, v);
    worker(m).then((r) => parentPort!.postMessage(r), (e: unknown) => parentPort!.postMessage({ error: String(e) }));
  });
} else {
  tests();
  after(() => Promise.all((pool ?? []).map((w) => w.terminate())));
}

// Four workers for every race, started once (a worker's start costs more than its race).
let pool: Worker[] | undefined;

/** Run `count` pool workers on `job` at once; their results. */
function race(job: Omit<Job, "id" | "gate" | "count">, count: number): Promise<number[]> {
  pool ??= Array.from({ length: 4 }, () => new Worker(new URL(import.meta.url)));
  const gate = new SharedArrayBuffer(4);
  return Promise.all(pool.slice(0, count).map((w, id) => new Promise<number>((resolve, reject) => {
    w.once("message", (m: number | { error: string }) => (typeof m === "number" ? resolve(m) : reject(new Error(m.error))));
    w.postMessage({ ...job, id, gate, count });
  })));
}

function zone(name: string, size: number): SharedStore {
  return new SharedStore(name, size, createSharedZone(name, size));
}

/** A small deterministic generator (xorshift32), so that a failing sequence replays. */
function rng(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function snapshot(v: ShValue | readonly ShValue[] | undefined): unknown {
  return Array.isArray(v) ? [...v] : v;
}

/** Apply one random operation to a store; its answer as plain data. */
function step(s: SyncStore, r: (n: number) => number, keys: number): unknown {
  const key = "key" + r(keys);
  const sizes = [0, 1, 5, 40, 60, 200, 900, 2000, 3000, 5000, 9000];
  const value = (): ShValue => {
    const t = r(10);
    if (t === 0) return r(1000) / 4;
    if (t === 1) return r(2) === 0;
    return String.fromCharCode(97 + r(26), 0, 255).repeat(1 + sizes[r(sizes.length)]! / 3);
  };
  const ttl = r(4) === 0 ? 1 + r(50) : 0;
  switch (r(16)) {
    case 0: case 1: case 2: {
      const e = s.get(key);
      return e === undefined ? undefined : [snapshot(e.value), e.flags, e.expires];
    }
    case 3: case 4: return s.store("set", key, value(), ttl, r(3), false);
    case 5: return s.store("set", key, value(), ttl, 0, true);
    case 6: return s.store("add", key, value(), ttl, 0, r(2) === 0);
    case 7: return s.store("replace", key, value(), ttl, 0, false);
    case 8: return s.store("set", key, undefined, 0, 0, false);
    case 9: return s.incr(key, r(5), r(2) === 0 ? undefined : 1, ttl);
    case 10: return s.push(key, r(2) === 0 ? r(100) : "x".repeat(sizes[r(sizes.length)]!), r(2) === 0);
    case 11: return s.pop(key, r(2) === 0);
    case 12: return [s.llen(key), s.ttl(key)];
    case 13: return r(8) === 0 ? s.flushAll() : s.expire(key, ttl);
    case 14: return [s.flushExpired(r(3)), s.freeSpace()];
    default: return [s.keys(r(3) * 5), s.freeSpace()];
  }
}

function tests(): void {
  shdictSuite("shared", (name, size) => zone(name, size));

  test("MemoryStore's answers, operation for operation, on random sequences", () => {
    for (const [seed, size, keys] of [[1, 12288, 40], [2, 65536, 200], [3, 1 << 20, 3000], [4, 32768, 8], [5, 8192, 10]] as const) {
      const m = new MemoryStore("m", size);
      const sab = createSharedZone("s", size);
      const s = new SharedStore("s", size, sab);
      let now = 1_000_000;
      m.now = s.now = (): number => now;
      const rm = rng(seed);
      const rs = rng(seed);
      for (let i = 0; i < 20000; i++) {
        if (i % 50 === 0) now += 7;
        const a = step(m, rm, keys);
        const b = step(s, rs, keys);
        assert.deepEqual(b, a, `seed ${seed}, step ${i}`);
        if (i % 2000 === 0) assert.deepEqual(verifySharedZone(size, sab).errors, [], `seed ${seed}, step ${i}`);
      }
      assert.deepEqual(verifySharedZone(size, sab).errors, []);
      assert.deepEqual(s.keys(0), m.keys(0));
      assert.equal(s.freeSpace(), m.freeSpace());
    }
  });

  test("values through whole-page chains, binary bytes, numbers", () => {
    const s = zone("bytes", 1 << 20);
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
    const long = all.repeat(70) + "end";
    const key = "k".repeat(5000) + all;
    assert.equal(s.store("set", key, long, 0, 7, false).err, undefined);
    const e = s.get(key)!;
    assert.equal(e.value, long);
    assert.equal(e.flags, 7);
    assert.deepEqual(s.keys(0), [key]);
    for (const v of [-0, NaN, Infinity, 2 ** 53 + 2, -1.5e-300]) {
      s.store("set", "n", v, 0, 0, false);
      assert.ok(Object.is(s.get("n")!.value, v));
    }
    s.push("L", long, false);
    s.push("L", 3.25, true);
    assert.deepEqual(s.get("L")!.value, [3.25, long]);
    assert.equal(s.pop("L", false), long);
  });

  test("a thread's copy of a value is not answered once another thread changed it", () => {
    const sab = createSharedZone("copies", 65536);
    const [a, b] = [new SharedStore("copies", 65536, sab), new SharedStore("copies", 65536, sab)];
    const v = (c: string): string => c.repeat(100);
    b.store("set", "k", v("a"), 0, 0, false);
    assert.equal(a.get("k")!.value, v("a"));
    // Same size: rewritten in place.
    b.store("set", "k", v("b"), 0, 0, false);
    assert.equal(a.get("k")!.value, v("b"));
    // Freed, and the node's memory reused by another key's value.
    b.store("set", "k", undefined, 0, 0, false);
    b.store("set", "q", v("c"), 0, 0, false);
    assert.equal(a.get("k"), undefined);
    assert.equal(a.get("q")!.value, v("c"));
    b.store("set", "q", v("d"), 0, 0, false);
    assert.equal(a.get("q")!.value, v("d"));
    assert.equal(b.get("q")!.value, v("d"));
  });

  test("the verifier sees a broken zone", () => {
    const sab = createSharedZone("broken", 65536);
    const s = new SharedStore("broken", 65536, sab);
    for (let i = 0; i < 10; i++) s.store("set", "k" + i, i, 0, 0, false);
    assert.deepEqual(verifySharedZone(65536, sab), { errors: [], entries: 10 });
    const i32 = new Int32Array(sab);
    i32[3] = i32[2]!; // the LRU tail made the head
    assert.ok(verifySharedZone(65536, sab).errors.length > 0);
  });

  test("a zone made with another size or by hand is refused", () => {
    const sab = createSharedZone("z", 16384);
    assert.throws(() => new SharedStore("z", 32768, sab), /createSharedZone/);
    assert.throws(() => new SharedStore("z", 16384, new SharedArrayBuffer(sab.byteLength)), /createSharedZone/);
  });

  test("4 worker threads: 10000 incr each on one key, from TS and from Lua, end exact", async () => {
    const size = 1 << 20;
    const sab = createSharedZone("race", size);
    await race({ job: "incr", sab, name: "race", size, n: 10000 }, 4);
    const s = new SharedStore("race", size, sab);
    assert.equal(s.get("counter")!.value, 40000);
    const last = await race({ job: "lua-incr", sab, name: "race", size, n: 10000 }, 4);
    assert.equal(s.get("lua")!.value, 40000);
    assert.ok(last.includes(40000));
  });

  test("4 worker threads: add and safe_add succeed once per key; lpush/rpush lose no item", async () => {
    const size = 4 << 20;
    const sab = createSharedZone("adds", size);
    const s = new SharedStore("adds", size, sab);
    const n = 5000;
    const wins = await race({ job: "add", sab, name: "adds", size, n }, 4);
    assert.equal(wins.reduce((a, b) => a + b, 0), n);
    // Each key holds the id of the worker that won it, and the wins per id agree.
    const byId = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) byId[s.get("k" + i)!.value as number]!++;
    assert.deepEqual(byId, wins);
    const safeWins = await race({ job: "safe-add", sab, name: "adds", size, n }, 4);
    assert.equal(safeWins.reduce((a, b) => a + b, 0), n);

    await race({ job: "push", sab, name: "adds", size, n: 2500 }, 4);
    assert.equal(s.llen("list"), 10000);
    // Each worker's lpushed items come out of the left in reverse order of pushing, its
    // rpushed ones out of the right likewise: nothing lost, nothing reordered.
    const items = s.get("list")!.value as number[];
    assert.equal(new Set(items).size, 10000);
    for (let id = 0; id < 4; id++) {
      const mine = items.filter((v) => Math.floor(v / 1e6) === id).map((v) => v % 1e6);
      const left = mine.filter((i) => (i & 1) === 0);
      const right = mine.filter((i) => (i & 1) === 1);
      assert.deepEqual(left, [...left].sort((a, b) => b - a));
      assert.deepEqual(right, [...right].sort((a, b) => a - b));
    }
  });

  test("4 worker threads: mixed operations with eviction leave the zone whole", async () => {
    const size = 256 * 1024;
    const sab = createSharedZone("mixed", size);
    await race({ job: "mixed", sab, name: "mixed", size, n: 20000 }, 4);
    const v = verifySharedZone(size, sab);
    assert.deepEqual(v.errors, []);
    assert.ok(v.entries > 0);
    // Deleting every entry gives every page back.
    const s = new SharedStore("mixed", size, sab);
    for (const k of s.keys(0)) s.store("set", k, undefined, 0, 0, false);
    s.flushAll();
    s.flushExpired(0);
    assert.deepEqual(verifySharedZone(size, sab), { errors: [], entries: 0 });
    assert.equal(s.freeSpace(), new SharedStore("mixed", size, createSharedZone("mixed", size)).freeSpace());
  });

  test("the lock of a worker that died holding it is released by forceUnlock", async () => {
    const size = 65536;
    const sab = createSharedZone("dead", size);
    const s = new SharedStore("dead", size, sab);
    s.store("set", "a", 1, 0, 0, false);
    const w = new Worker(new URL(import.meta.url), { workerData: { job: "hold-lock", sab, name: "dead", size, id: 0, n: 0, gate: sab, count: 1 } satisfies Job });
    const tid = await new Promise<number>((resolve) => w.once("message", resolve));
    await w.terminate();
    assert.equal(forceUnlock(sab, tid + 1), false);
    assert.equal(forceUnlock(sab, tid), true);
    assert.equal(s.get("a")!.value, 1);
  });

  test("cost of get and set, from TS and from Lua (printed)", async () => {
    const s = zone("cost", 10 << 20);
    const N = 200000;
    const keys = Array.from({ length: 1024 }, (_, i) => "key" + i);
    for (let i = 0; i < N; i++) s.store("set", keys[i & 1023]!, i, 0, 0, false);
    // CPU time, as os.clock measures the Lua loops below: on a loaded machine wall time
    // counts the other processes' turns.
    const cpuNs = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) * 1000;
    };
    let t = cpuNs();
    for (let i = 0; i < N; i++) s.store("set", keys[i & 1023]!, i, 0, 0, false);
    const setNs = (cpuNs() - t) / N;
    t = cpuNs();
    let x = 0;
    for (let i = 0; i < N; i++) x += s.get(keys[i & 1023]!) === undefined ? 0 : 1;
    const getNs = (cpuNs() - t) / N;
    const str = "s".repeat(100);
    const strKeys = keys.map((k) => "str" + k);
    for (const k of strKeys) s.store("set", k, str, 0, 0, false);
    t = cpuNs();
    for (let i = 0; i < N; i++) x += (s.get(strKeys[i & 1023]!)!.value as string).length;
    const getStrNs = (cpuNs() - t) / N;
    console.log(`# shared store from TS: set ${setNs.toFixed(0)} ns, get ${getNs.toFixed(0)} ns, get of a 100-byte string ${getStrNs.toFixed(0)} ns`);
    assert.ok(x > 0);

    const m = new MemoryStore("cost-m", 10 << 20);
    zoneStore({ name: "cost-lua", size: 10 << 20 }, () => zone("cost-lua", 10 << 20));
    zoneStore({ name: "cost-mem", size: 10 << 20 }, () => m);
    const h = new TestHost([{ name: "cost-lua", size: 10 << 20 }, { name: "cost-mem", size: 10 << 20 }]);
    for (const z of ["cost-lua", "cost-mem"]) {
      const r = await h.run(`
        local d = ngx.shared["${z}"]
        local keys = {}
        for i = 1, 1024 do keys[i] = "key" .. i end
        local N = 200000
        for i = 1, N do d:set(keys[i % 1024 + 1], i) end
        local t0 = os.clock()
        for i = 1, N do d:set(keys[i % 1024 + 1], i) end
        local t1 = os.clock()
        local n = 0
        for i = 1, N do if d:get(keys[i % 1024 + 1]) then n = n + 1 end end
        local t2 = os.clock()
        for i = 1, N do d:incr("c", 1, 0) end
        local t3 = os.clock()
        return (t1 - t0) / N * 1e9, (t2 - t1) / N * 1e9, (t3 - t2) / N * 1e9, n`);
      const [set, get, incr] = r as number[];
      console.log(`# ${z === "cost-lua" ? "shared" : "memory"} store from Lua: set ${set!.toFixed(0)} ns, get ${get!.toFixed(0)} ns, incr ${incr!.toFixed(0)} ns`);
      assert.equal(r[3], N);
    }
  });
}
