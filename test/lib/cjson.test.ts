// cjson against lua-cjson: every case of cjson-cases.ts runs here and (when luajit is
// installed) under the real lua-cjson, and the outputs must be byte-identical.
// Set TSRESTY_WRITE_GOLDEN=1 to rewrite the stored expectations from luajit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CJSON_CASES, type CjsonCase } from "./cjson-cases.js";
import { DUMP_LUA, FN, THREAD, USERDATA, dump, esc, luaCall, luaLiteral, luaQuote, type Names } from "./luavalue.js";
import { FIXTURES, haveReference, runReference } from "./reference.js";
import { ARRAY_MT, EMPTY_ARRAY, EMPTY_ARRAY_MT, makeCjson, resetCjsonGlobals } from "../../src/lib/cjson.js";
import { LuaTable } from "../../src/lua/runtime/table.js";
import { LuaError } from "../../src/lua/runtime/error.js";
import { LUA_NULL, type LuaFunction, type LuaValue } from "../../src/lua/runtime/value.js";

const GOLDEN = join(FIXTURES, "cjson-golden.json");

function nest(n: LuaValue): LuaTable {
  let t = new LuaTable();
  for (let i = 2; i <= (n as number); i++) t = new LuaTable([t]);
  return t;
}

const NAMES: Names = {
  null: LUA_NULL,
  fn: FN,
  co: THREAD,
  ud: USERDATA,
  empty_array: EMPTY_ARRAY,
  array_mt: ARRAY_MT,
  empty_array_mt: EMPTY_ARRAY_MT,
  rep: (s: LuaValue, n: LuaValue) => (s as string).repeat(n as number),
  nest,
  setmetatable: (t: LuaValue, mt: LuaValue) => {
    (t as LuaTable).mt = mt as LuaTable;
    return t;
  },
};

const LUA_PRELUDE = String.raw`
local cjson = require "cjson"
null = cjson.null
fn = print
co = coroutine.create(print)
ud = io.stdout
rep = string.rep
array_mt = cjson.array_mt
function nest(n) local t = {} for i = 2, n do t = {t} end return t end
` + DUMP_LUA + String.raw`
local out = {}
local function rec(s) out[#out + 1] = s end
local function results(ok, ...)
  if not ok then return "ERR:" .. esc(tostring((...))) end
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = dump((select(i, ...)), array_mt) end
  return "OK:" .. table.concat(parts, ",")
end
`;

/**
 * JSON text with every object's members sorted, tokens kept as written: key order is
 * undefined in Lua (it even differs between two luajit runs), everything else must match.
 */
function canonical(json: string): string {
  let i = 0;
  const value = (): string => {
    const c = json[i];
    if (c === "{" || c === "[") {
      i++;
      const items: string[] = [];
      while (json[i] !== (c === "{" ? "}" : "]")) {
        if (json[i] === ",") i++;
        if (c === "{") {
          const k = value();
          i++; // ':'
          items.push(k + ":" + value());
        } else items.push(value());
      }
      i++;
      if (c === "{") items.sort();
      return c + items.join(",") + (c === "{" ? "}" : "]");
    }
    const start = i;
    if (c === '"') {
      i++;
      while (json[i] !== '"') i += json[i] === "\\" ? 2 : 1;
      i++;
    } else while (i < json.length && !",]}:".includes(json[i]!)) i++;
    return json.slice(start, i);
  };
  try {
    const v = value();
    return i === json.length ? v : json;
  } catch {
    return json;
  }
}

/** Outputs compared modulo key order. */
function sameOutput(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || !a.startsWith("OK:") || !b.startsWith("OK:")) return false;
  return canonical(a.slice(3)) === canonical(b.slice(3));
}

function caseKey(c: CjsonCase): string {
  return JSON.stringify({ s: c.s, e: c.e, d: c.d, c: c.c });
}

function luaBlock(c: CjsonCase): string {
  const lines = ["do", "  local c = cjson.new()"];
  for (const s of c.s ?? []) lines.push(`  c.${s}`);
  if (c.e !== undefined) {
    lines.push(`  local ok, r = pcall(c.encode, ${c.e})`);
    lines.push(`  rec(ok and ("OK:" .. esc(r)) or ("ERR:" .. esc(tostring(r))))`);
  } else if (c.d !== undefined) {
    lines.push(`  local ok, r = pcall(c.decode, ${luaQuote(c.d)})`);
    lines.push(`  rec(ok and ("OK:" .. dump(r, array_mt)) or ("ERR:" .. esc(tostring(r))))`);
  } else if (c.c !== undefined) {
    const open = c.c.indexOf("(");
    const name = c.c.slice(0, open);
    const args = c.c.slice(open + 1, -1);
    lines.push(`  rec(results(pcall(c.${name}${args.trim() === "" ? "" : ", " + args})))`);
  }
  lines.push("end");
  return lines.join("\n");
}

/** Expected outputs from the reference luajit, for the cases it can run. */
function referenceOutputs(cases: readonly CjsonCase[]): Map<string, string> {
  const program = LUA_PRELUDE + cases.map(luaBlock).join("\n") + '\nio.write(table.concat(out, "\\n"), "\\n")\n';
  const lines = runReference(program).split("\n");
  const m = new Map<string, string>();
  cases.forEach((c, i) => m.set(caseKey(c), lines[i]!));
  return m;
}

function errText(e: unknown): string {
  if (e instanceof LuaError) return String(e.value);
  throw e;
}

function values(r: unknown): LuaValue[] {
  return Array.isArray(r) ? (r as LuaValue[]) : [r as LuaValue];
}

/** The same case run on tsresty's cjson. */
function ours(c: CjsonCase): string {
  resetCjsonGlobals();
  const cj = makeCjson(false);
  const fn = (name: string): LuaFunction => cj.getStr(name) as LuaFunction;
  for (const s of c.s ?? []) {
    const { name, args } = luaCall(s, NAMES);
    fn(name)(...args);
  }
  if (c.e !== undefined) {
    const v = luaLiteral(c.e, NAMES);
    try {
      return "OK:" + esc(fn("encode")(v) as string);
    } catch (e) {
      return "ERR:" + esc(errText(e));
    }
  }
  if (c.d !== undefined) {
    try {
      return "OK:" + dump(fn("decode")(c.d) as LuaValue, ARRAY_MT);
    } catch (e) {
      return "ERR:" + esc(errText(e));
    }
  }
  const { name, args } = luaCall(c.c!, NAMES);
  try {
    return "OK:" + values(fn(name)(...args)).map((v) => dump(v, ARRAY_MT)).join(",");
  } catch (e) {
    return "ERR:" + esc(errText(e));
  }
}

const refCases = CJSON_CASES.filter((c) => c.fork === undefined);

test("cjson: there are at least 150 cases", () => {
  assert.ok(CJSON_CASES.length >= 150, `only ${CJSON_CASES.length} cases`);
});

test("cjson: stored expectations match the reference lua-cjson", (t) => {
  if (!haveReference()) {
    t.skip("luajit with lua-cjson is not installed");
    return;
  }
  const live = referenceOutputs(refCases);
  if (process.env.TSRESTY_WRITE_GOLDEN === "1" || !existsSync(GOLDEN)) {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(GOLDEN, JSON.stringify(Object.fromEntries(live), null, 1) + "\n");
  }
  const stored = new Map(Object.entries(JSON.parse(readFileSync(GOLDEN, "utf8")) as Record<string, string>));
  for (const c of refCases) {
    const a = stored.get(caseKey(c)), b = live.get(caseKey(c));
    assert.ok(sameOutput(a, b), `${caseKey(c)}: stored ${a}, luajit ${b}`);
  }
});

test("cjson: every case gives lua-cjson's output byte for byte", () => {
  const stored = new Map(Object.entries(JSON.parse(readFileSync(GOLDEN, "utf8")) as Record<string, string>));
  const failures: string[] = [];
  for (const c of CJSON_CASES) {
    const expected = c.fork ?? stored.get(caseKey(c));
    if (expected === undefined) {
      failures.push(`no expectation for ${caseKey(c)}`);
      continue;
    }
    const got = ours(c);
    if (!sameOutput(got, expected)) failures.push(`${caseKey(c)}\n  expected ${expected}\n  got      ${got}`);
  }
  resetCjsonGlobals();
  assert.equal(failures.length, 0, failures.join("\n"));
});

// ---------------------------------------------------------------- number formatting

/** A deterministic mix of doubles: random bit patterns, decimal-looking values and exact ties. */
function numberSamples(): number[] {
  let seed = 0x2545f491;
  const rnd = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const out: number[] = [];
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  for (let i = 0; i < 150; i++) {
    u32[0] = Math.floor(rnd() * 4294967296);
    u32[1] = Math.floor(rnd() * 4294967296);
    if (Number.isFinite(f64[0]!)) out.push(f64[0]!);
  }
  for (let i = 0; i < 150; i++) out.push(Math.round(rnd() * 1e6) / Math.pow(10, Math.floor(rnd() * 8)) * (rnd() < 0.5 ? -1 : 1));
  for (let i = 0; i < 80; i++) out.push(Math.floor(rnd() * 1e15) * 10 + 5); // ties at 15/16 digits
  for (let i = 0; i < 80; i++) out.push((Math.floor(rnd() * 1e6) * 2 + 1) / 8); // ties on short fractions
  out.push(0.5, 1.5, 2.5, 0.125, 0.375, 1e-310, 4.9e-324, 1.7976931348623157e308, 123456789012345, 1e22, 1e-7);
  return out;
}

const PRECISIONS = [1, 2, 3, 6, 10, 13, 14];

test("cjson: numbers format as glibc's %.<precision>g (random and tie values against luajit)", (t) => {
  const nums = numberSamples();
  const key = (p: number): string => `numbers:${p}`;
  let expected: Map<string, string>;
  if (haveReference()) {
    const lua = [
      'local cjson = require "cjson"',
      `local nums = { ${nums.map((n) => String(n)).join(", ")} }`,
      ...PRECISIONS.map((p) => `do local c = cjson.new(); c.encode_number_precision(${p}); io.write(c.encode(nums), "\\n") end`),
    ].join("\n");
    const lines = runReference(lua).split("\n");
    expected = new Map(PRECISIONS.map((p, i) => [key(p), lines[i]!]));
    const file = join(FIXTURES, "cjson-numbers.json");
    if (process.env.TSRESTY_WRITE_GOLDEN === "1" || !existsSync(file)) {
      writeFileSync(file, JSON.stringify(Object.fromEntries(expected), null, 1) + "\n");
    }
  } else {
    t.diagnostic("luajit not installed: using the stored expectations");
    expected = new Map(Object.entries(JSON.parse(readFileSync(join(FIXTURES, "cjson-numbers.json"), "utf8")) as Record<string, string>));
  }
  const arr = new LuaTable(nums.slice());
  for (const p of PRECISIONS) {
    const c = makeCjson(false);
    (c.getStr("encode_number_precision") as LuaFunction)(p);
    const got = (c.getStr("encode") as LuaFunction)(arr) as string;
    const want = expected.get(key(p))!;
    if (got !== want) {
      const g = got.slice(1, -1).split(","), w = want.slice(1, -1).split(",");
      const diffs = g.map((x, i) => (x !== w[i] ? `${nums[i]}: got ${x} want ${w[i]}` : "")).filter((x) => x !== "");
      assert.fail(`precision ${p}:\n${diffs.slice(0, 20).join("\n")}`);
    }
  }
});
