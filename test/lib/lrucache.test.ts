// resty.lrucache and resty.lrucache.pureffi against the real Lua modules: random operation
// sequences (set with TTLs and flags, get, delete, get_keys, flush_all, clock steps) run on
// both, and every result must be the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DUMP_LUA, dump } from "./luavalue.js";
import { FIXTURES, haveReference, runReference } from "./reference.js";
import { makeLrucache, makeLrucachePureffi, setLrucacheClock } from "../../src/lib/resty/lrucache.js";
import { LuaTable } from "../../src/lua/runtime/table.js";
import type { LuaFunction, LuaValue } from "../../src/lua/runtime/value.js";

type Op = (string | number | boolean | null)[];

/** A seeded random sequence of cache operations. */
function scenario(seed: number, size: number, n: number): Op[] {
  let x = seed;
  const rnd = (k: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % k;
  };
  const keys = ["a", "b", "c", "d", "e", "f", 1, 2, "1"];
  const ops: Op[] = [["new", size]];
  for (let i = 0; i < n; i++) {
    const k = keys[rnd(keys.length)]!;
    switch (rnd(10)) {
      case 0: case 1: case 2:
        ops.push(["set", k, `v${i}`]);
        break;
      case 3:
        ops.push(["set", k, i, [0.5, 1, 2.25, 0, -1][rnd(5)]!, [0, 1, 7, 3.9, -2][rnd(5)]!]);
        break;
      case 4: case 5: case 6:
        ops.push(["get", k]);
        break;
      case 7:
        ops.push(rnd(3) === 0 ? ["delete", k] : ["time", [0.25, 0.5, 1][rnd(3)]!]);
        break;
      case 8:
        ops.push(rnd(4) === 0 ? ["get_keys", rnd(3)] : ["get_keys"]);
        break;
      default:
        ops.push(rnd(8) === 0 ? ["flush_all"] : rnd(2) === 0 ? ["count"] : ["set", k, null]);
    }
  }
  ops.push(["count"], ["capacity"], ["get_keys"]);
  return ops;
}

const SCENARIOS: { mod: string; ops: Op[] }[] = [];
for (const mod of ["resty.lrucache", "resty.lrucache.pureffi"]) {
  SCENARIOS.push({ mod, ops: [["new", 0]] }, { mod, ops: [["new", -3]] });
  for (let s = 1; s <= 6; s++) SCENARIOS.push({ mod, ops: scenario(s * 7919, [1, 2, 3, 5, 8, 4][s - 1]!, 250) });
}

const luaVal = (v: string | number | boolean | null): string =>
  v === null ? "nil" : typeof v === "string" ? JSON.stringify(v) : String(v);

function luaProgram(): string {
  const lines = [
    'package.path = "/usr/share/lua/5.1/?.lua;/usr/local/share/lua/5.1/?.lua;" .. package.path',
    "NOW = 1000",
    "ngx = { now = function() return NOW end, log = function() end, ALERT = 1 }",
    DUMP_LUA,
    "local function rec(...) local t = {} for i = 1, select('#', ...) do t[i] = dump((select(i, ...))) end io.write(table.concat(t, ' '), '\\n') end",
  ];
  for (const sc of SCENARIOS) {
    lines.push("do", `  local M = require "${sc.mod}"`, "  local c", "  NOW = 1000");
    for (const op of sc.ops) {
      const [name, ...args] = op;
      const a = args.map(luaVal).join(", ");
      if (name === "new") lines.push(`  c = M.new(${a}) rec(c and "cache" or nil, select(2, M.new(${a})))`);
      else if (name === "time") lines.push(`  NOW = NOW + ${a} rec()`);
      else lines.push(`  rec(c:${name}(${a}))`);
    }
    lines.push("end");
  }
  return lines.join("\n") + "\n";
}

function ours(): string {
  const out: string[] = [];
  let now = 1000;
  const prev = setLrucacheClock(() => now);
  try {
    const rec = (vals: LuaValue[]): void => void out.push(vals.map((v) => dump(v)).join(" "));
    const many = (r: unknown): LuaValue[] => (Array.isArray(r) ? (r as LuaValue[]) : [r as LuaValue]);
    for (const sc of SCENARIOS) {
      const M = sc.mod === "resty.lrucache" ? makeLrucache() : makeLrucachePureffi();
      let c: LuaValue;
      now = 1000;
      for (const op of sc.ops) {
        const [name, ...raw] = op;
        const args = raw.map((v) => (v === null ? undefined : v));
        if (name === "new") {
          const r = many((M.getStr("new") as LuaFunction)(...args));
          c = r[0];
          rec([c !== undefined ? "cache" : undefined, ...r.slice(1)]);
        } else if (name === "time") {
          now += args[0] as number;
          rec([]);
        } else {
          const f = (c as LuaTable).mt!.getStr("__index") as LuaTable;
          rec(many((f.getStr(name as string) as LuaFunction)(c, ...args)));
        }
      }
    }
  } finally {
    setLrucacheClock(prev);
  }
  return out.join("\n") + "\n";
}

test("lrucache: random operation sequences match lua-resty-lrucache and its pureffi variant", (t) => {
  const file = join(FIXTURES, "lrucache-golden.txt");
  let expected: string;
  if (haveReference() && existsSync("/usr/share/lua/5.1/resty/lrucache.lua")) {
    expected = runReference(luaProgram());
    if (process.env.TSRESTY_WRITE_GOLDEN === "1" || !existsSync(file)) writeFileSync(file, expected, "latin1");
  } else {
    t.diagnostic("reference lua-resty-lrucache not installed: using the stored expectations");
    expected = readFileSync(file, "latin1");
  }
  const got = ours().split("\n");
  const want = expected.split("\n");
  for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `result line ${i + 1}`);
});

test("lrucache: API as documented", () => {
  let now = 50;
  const prev = setLrucacheClock(() => now);
  try {
    const M = makeLrucache();
    const call = (c: LuaValue, name: string, ...a: LuaValue[]): unknown => ((c as LuaTable).mt!.getStr("__index") as LuaTable).getStr(name) as LuaFunction;
    const m = (c: LuaValue, name: string, ...a: LuaValue[]): unknown => (call(c, name) as LuaFunction)(c, ...a);
    const c = (M.getStr("new") as LuaFunction)(2);
    assert.ok(c instanceof LuaTable);
    assert.equal(M.getStr("_VERSION"), "0.13");
    m(c, "set", "x", 1, 0.25, 3);
    assert.deepEqual(m(c, "get", "x"), [1, undefined, 3]);
    now += 0.3;
    assert.deepEqual(m(c, "get", "x"), [undefined, 1, 3]);
    m(c, "set", "y", 2);
    m(c, "set", "z", 3); // evicts x, the least recently used
    assert.equal(m(c, "get", "x"), undefined);
    assert.equal(m(c, "count"), 2);
    assert.equal(m(c, "capacity"), 2);
    const keys = m(c, "get_keys") as LuaTable;
    assert.deepEqual([keys.get(1), keys.get(2), keys.get(3)], ["z", "y", undefined]);
    assert.equal(m(c, "delete", "y"), true);
    assert.equal(m(c, "delete", "y"), false);
    m(c, "flush_all");
    assert.equal(m(c, "count"), 0);
    assert.deepEqual((M.getStr("new") as LuaFunction)(0), [undefined, "size too small"]);
    assert.throws(() => m(c, "set", undefined, 1), /table index is nil/);
  } finally {
    setLrucacheClock(prev);
  }
});
