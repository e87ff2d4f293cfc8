// The differential cases of the string library (test/lua/stringlib.test.ts) and the code that
// runs them on both sides. A case is one line of Lua: a call `fname(args)` of a string
// library function with literal arguments. luajit runs the very same line; here a small
// parser evaluates the arguments to Lua values and the builtin is called directly. Both
// sides print the outcome in the same canonical text:
//   ok <count> <value> <value>...     (strings escaped, numbers as integers or %.17g)
//   err <message>                     (without luajit's "stdin:N: " position prefix)
// `gmatch(s, p)` lines collect every iteration; `tostring(x)` lines test number formatting.
import { spawnSync } from "node:child_process";
import { LuaTable } from "../../src/lua/runtime/table.js";
import { LuaError } from "../../src/lua/runtime/error.js";
import { call, tostring } from "../../src/lua/runtime/ops.js";
import type { LuaFunction, LuaResult, LuaValue } from "../../src/lua/runtime/value.js";
import { openString } from "../../src/lua/stdlib/string.js";

// ---------------------------------------------------------------- named values

/** A value both sides know by name: its Lua definition and its TS equivalent. */
interface Named {
  readonly lua: string;
  readonly ts: () => LuaValue;
}

function fn(f: (...a: LuaValue[]) => LuaResult): LuaFunction {
  return f as LuaFunction;
}

function withMeta(t: LuaTable, fields: Record<string, LuaValue>): LuaTable {
  t.mt = LuaTable.from([], fields);
  return t;
}

const NAMED: Record<string, Named> = {
  A300: { lua: `string.rep("a", 300)`, ts: () => "a".repeat(300) },
  B300: { lua: `string.rep("b", 300)`, ts: () => "b".repeat(300) },
  X9000: { lua: `string.rep("x", 9000)`, ts: () => "x".repeat(9000) },
  ALLBYTES: {
    lua: `(function() local t = {} for i = 0, 255 do t[#t+1] = string.char(i) end return table.concat(t) end)()`,
    ts: () => { let s = ""; for (let i = 0; i < 256; i++) s += String.fromCharCode(i); return s; },
  },
  F_upper: { lua: `function(s) return (s:upper()) end`, ts: () => fn((s) => (s as string).toUpperCase()) },
  F_cat: {
    lua: `function(...) local t = {} for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end return "<" .. table.concat(t, ",") .. ">" end`,
    ts: () => fn((...a) => "<" + a.map((v) => tostring(v)).join(",") + ">"),
  },
  F_nil: { lua: `function() return nil end`, ts: () => fn(() => undefined) },
  F_none: { lua: `function() end`, ts: () => fn(() => []) },
  F_false: { lua: `function() return false end`, ts: () => fn(() => false) },
  F_true: { lua: `function() return true end`, ts: () => fn(() => true) },
  F_num: { lua: `function(s) return #s * 1.5 end`, ts: () => fn((s) => (s as string).length * 1.5) },
  F_tbl: { lua: `function() return {} end`, ts: () => fn(() => new LuaTable()) },
  F_two: { lua: `function(s) return "x", "y" end`, ts: () => fn(() => ["x", "y"]) },
  F_err: { lua: `function() error("boom") end`, ts: () => fn(() => { throw new LuaError("boom"); }) },
  F_errt: { lua: `function() error({}) end`, ts: () => fn(() => { throw new LuaError(new LuaTable()); }) },
  T_repl: {
    lua: `{a = "[A]", b = false, hello = "HI", n = 7, f = 2.5, t = {}, ["1"] = "one", [2] = "two"}`,
    ts: () => {
      const t = LuaTable.from([], { a: "[A]", b: false, hello: "HI", n: 7, f: 2.5, t: new LuaTable(), "1": "one" });
      t.set(2, "two");
      return t;
    },
  },
  T_empty: { lua: `{}`, ts: () => new LuaTable() },
  T_index: {
    lua: `setmetatable({}, {__index = function(t, k) return "<" .. k .. ">" end})`,
    ts: () => withMeta(new LuaTable(), { __index: fn((_t, k) => "<" + (k as string) + ">") }),
  },
  T_tostr: {
    lua: `setmetatable({}, {__tostring = function() return "OBJ" end})`,
    ts: () => withMeta(new LuaTable(), { __tostring: fn(() => "OBJ") }),
  },
  T_tostrnl: {
    lua: String.raw`setmetatable({}, {__tostring = function() return "a\nb\0c" end})`,
    ts: () => withMeta(new LuaTable(), { __tostring: fn(() => "a\nb\0c") }),
  },
  T_tostrnum: {
    lua: `setmetatable({}, {__tostring = function() return 42.5 end})`,
    ts: () => withMeta(new LuaTable(), { __tostring: fn(() => 42.5) }),
  },
  T_tostrnil: {
    lua: `setmetatable({}, {__tostring = function() return nil end})`,
    ts: () => withMeta(new LuaTable(), { __tostring: fn(() => undefined) }),
  },
  T_tostrbool: {
    lua: `setmetatable({}, {__tostring = function() return true end})`,
    ts: () => withMeta(new LuaTable(), { __tostring: fn(() => true) }),
  },
  T_tostrerr: {
    lua: `setmetatable({}, {__tostring = function() error("tostring failed", 0) end})`,
    ts: () => withMeta(new LuaTable(), { __tostring: fn(() => { throw new LuaError("tostring failed"); }) }),
  },
  T_tostrstr: {
    lua: `setmetatable({}, {__tostring = "not a function"})`,
    ts: () => withMeta(new LuaTable(), { __tostring: "not a function" }),
  },
};

// ---------------------------------------------------------------- the case parser

/** A parsed case: the function and its arguments as Lua values. */
export interface ParsedCase {
  readonly fname: string;
  readonly args: LuaValue[];
}

class CaseParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseCall(): ParsedCase {
    const fname = this.name();
    this.expect("(");
    const args: LuaValue[] = [];
    this.ws();
    if (!this.eat(")")) {
      for (;;) {
        args.push(this.expr(0));
        if (this.eat(")")) break;
        this.expect(",");
      }
    }
    this.ws();
    if (this.i !== this.s.length) this.fail("trailing text");
    return { fname, args };
  }

  private fail(msg: string): never {
    throw new Error(`${msg} at ${this.i} in: ${this.s}`);
  }
  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  private eat(t: string): boolean {
    this.ws();
    if (this.s.startsWith(t, this.i)) {
      this.i += t.length;
      return true;
    }
    return false;
  }
  private expect(t: string): void {
    if (!this.eat(t)) this.fail(`'${t}' expected`);
  }
  private name(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(this.s.slice(this.i));
    if (m === null) this.fail("name expected");
    this.i += m[0].length;
    return m[0];
  }

  // Lua's precedences for the operators the cases use: .. (right) < + - < * / < unary < ^ (right).
  private expr(minPrec: number): LuaValue {
    let left = this.unary();
    for (;;) {
      this.ws();
      const ops: [string, number, boolean][] = [["..", 1, true], ["+", 2, false], ["-", 2, false], ["*", 3, false], ["/", 3, false]];
      const op = ops.find(([t]) => this.s.startsWith(t, this.i));
      if (op === undefined || op[1] < minPrec) return left;
      this.i += op[0].length;
      const right = this.expr(op[2] ? op[1] : op[1] + 1);
      left = binary(op[0], left, right);
    }
  }
  private unary(): LuaValue {
    if (this.eat("-")) return -(this.unary() as number);
    return this.power();
  }
  private power(): LuaValue {
    const base = this.primary();
    if (this.eat("^")) return Math.pow(base as number, this.unary() as number);
    return base;
  }
  private primary(): LuaValue {
    this.ws();
    const c = this.s[this.i];
    if (c === "(") {
      this.i++;
      const v = this.expr(0);
      this.expect(")");
      return v;
    }
    if (c === '"' || c === "'") return this.string(c);
    if (c === "[" && /^\[=*\[/.test(this.s.slice(this.i))) return this.longString();
    if (c === "{") return this.table();
    if (c !== undefined && /[0-9.]/.test(c)) return this.number();
    const n = this.name();
    if (n === "nil") return undefined;
    if (n === "true") return true;
    if (n === "false") return false;
    if (n === "math.huge") return Infinity;
    const named = NAMED[n];
    if (named === undefined) this.fail(`unknown name ${n}`);
    return named.ts();
  }
  private number(): number {
    const m = /^(0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(this.s.slice(this.i));
    if (m === null) this.fail("number expected");
    this.i += m[0].length;
    return Number(m[0]);
  }
  private string(q: string): string {
    this.i++;
    let out = "";
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) this.fail("unfinished string");
      if (c === q) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const d = this.s[this.i++]!;
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", '"': '"', "'": "'", "\n": "\n" };
      if (simple[d] !== undefined) out += simple[d];
      else if (d === "x") {
        out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 2), 16));
        this.i += 2;
      } else if (/[0-9]/.test(d)) {
        const m = /^[0-9]{1,3}/.exec(this.s.slice(this.i - 1))!;
        out += String.fromCharCode(parseInt(m[0], 10));
        this.i += m[0].length - 1;
      } else this.fail(`bad escape \\${d}`);
    }
  }
  private longString(): string {
    const m = /^\[(=*)\[/.exec(this.s.slice(this.i))!;
    const close = "]" + m[1] + "]";
    const start = this.i + m[0].length;
    const end = this.s.indexOf(close, start);
    if (end < 0) this.fail("unfinished long string");
    this.i = end + close.length;
    return this.s.slice(start, end);
  }
  private table(): LuaTable {
    this.expect("{");
    const t = new LuaTable();
    let n = 1;
    while (!this.eat("}")) {
      this.ws();
      let k: LuaValue;
      if (this.eat("[")) {
        k = this.expr(0);
        this.expect("]");
        this.expect("=");
      } else {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/.exec(this.s.slice(this.i));
        if (m !== null) {
          k = m[1];
          this.i += m[0].length;
        } else k = n++;
      }
      t.set(k, this.expr(0));
      if (!this.eat(",")) {
        this.expect("}");
        break;
      }
    }
    return t;
  }
}

function binary(op: string, a: LuaValue, b: LuaValue): LuaValue {
  switch (op) {
    case "..": return tostring(a) + tostring(b);
    case "+": return (a as number) + (b as number);
    case "-": return (a as number) - (b as number);
    case "*": return (a as number) * (b as number);
    default: return (a as number) / (b as number);
  }
}

export function parseCase(line: string): ParsedCase {
  return new CaseParser(line).parseCall();
}

// ---------------------------------------------------------------- encoding of outcomes

function escapeBytes(s: string): string {
  let o = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    o += c < 32 || c > 126 || c === 34 || c === 92 ? "\\" + String(c).padStart(3, "0") : s[i];
  }
  return o + '"';
}

function encodeValue(v: LuaValue): string {
  switch (typeof v) {
    case "undefined": return "nil";
    case "boolean": return String(v);
    case "string": return escapeBytes(v);
    case "number":
      if (v !== v) return "nan";
      if (v === Infinity) return "inf";
      if (v === -Infinity) return "-inf";
      if (v === 0 && 1 / v < 0) return "-0";
      if (Number.isInteger(v) && Math.abs(v) < 2 ** 53) return String(v);
      // toExponential(16) and LuaJIT's "%.16e" give the same digits (both exact, ties away
      // from zero); the Lua side strips the exponent's leading zeros.
      return "~" + v.toExponential(16);
    case "function": return "function";
    default: return v instanceof LuaTable ? "table" : "userdata";
  }
}

function encodeValues(vs: readonly LuaValue[]): string {
  return ["ok", String(vs.length), ...vs.map(encodeValue)].join(" ");
}

/** The Lua side of the encoding: must print exactly what encodeValue/encodeValues give. */
const LUA_PRELUDE = String.raw`
local function esc(s)
  return '"' .. s:gsub('[%c"\\\128-\255]', function(c) return string.format("\\%03d", c:byte()) end) .. '"'
end
local function enc(v)
  local t = type(v)
  if t == "nil" then return "nil"
  elseif t == "boolean" then return tostring(v)
  elseif t == "string" then return esc(v)
  elseif t == "number" then
    if v ~= v then return "nan" elseif v == math.huge then return "inf" elseif v == -math.huge then return "-inf"
    elseif v == 0 and 1 / v < 0 then return "-0"
    elseif v == math.floor(v) and math.abs(v) < 2^53 then return string.format("%d", v)
    else return "~" .. string.format("%.16e", v):gsub("e([+-])0*(%d)", "e%1%2") end
  elseif t == "function" then return "function"
  elseif t == "table" then return "table"
  else return "userdata" end
end
local function pk(...) return {n = select("#", ...), ...} end
local function encall(r)
  local o = {"ok", tostring(r.n)}
  for i = 1, r.n do o[#o + 1] = enc(r[i]) end
  return table.concat(o, " ")
end
local function R(f)
  local ok, r = pcall(f)
  if ok then print(r) return end
  if type(r) == "string" then r = r:gsub("^stdin:%d+: ", "") print("err " .. esc(r))
  else print("err " .. enc(r)) end
end
`;

// ---------------------------------------------------------------- running both sides

/** The Lua statement that runs one case line and prints its encoded outcome. */
function luaStatement(line: string, fname: string): string {
  const argText = line.slice(line.indexOf("(") + 1, line.lastIndexOf(")"));
  if (fname === "gmatch") {
    return `R(function() local it = string.gmatch(${argText}) local o = {} for i = 1, 100 do local r = pk(it()) if r.n == 0 or r[1] == nil then o[#o+1] = encall(r) break end o[#o+1] = encall(r) end return table.concat(o, " ; ") end)`;
  }
  if (fname === "tostring") return `R(function() local r = pk(tostring(${argText})) return encall(r) end)`;
  return `R(function() local r = pk(string.${fname}(${argText})) return encall(r) end)`;
}

/** The Lua program printing the outcome of each line, one per output line. */
export function luaProgram(lines: readonly string[]): string {
  const used = new Set<string>();
  for (const l of lines) for (const m of l.matchAll(/[A-Z][A-Za-z0-9]*_?[A-Za-z0-9]*/g)) if (NAMED[m[0]] !== undefined) used.add(m[0]);
  let prog = LUA_PRELUDE;
  for (const n of used) prog += `local ${n} = ${NAMED[n]!.lua}\n`;
  // One function per case: a single main chunk would exceed LuaJIT's limits on constants.
  for (const l of lines) prog += luaStatement(l, parseCase(l).fname) + "\n";
  return prog;
}

/** Run the lines under luajit; one outcome per line. */
export function runLuajit(lines: readonly string[]): string[] {
  const r = spawnSync(process.env["LUAJIT"] ?? "luajit", ["-"], {
    input: Buffer.from(luaProgram(lines), "latin1"),
    encoding: "latin1",
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`luajit failed (${r.status}): ${r.stderr}`);
  const out = r.stdout.split("\n");
  out.pop();
  if (out.length !== lines.length) throw new Error(`luajit printed ${out.length} lines for ${lines.length} cases`);
  return out;
}

export function haveLuajit(): boolean {
  return spawnSync(process.env["LUAJIT"] ?? "luajit", ["-v"]).status === 0;
}

const G = new LuaTable();
const STRING = openString(G);

function errText(e: unknown): string {
  if (e instanceof LuaError) return typeof e.value === "string" ? "err " + escapeBytes(e.value) : "err " + encodeValue(e.value);
  if (e instanceof RangeError) return "err " + escapeBytes("stack overflow");
  throw e;
}

function resultValues(r: LuaResult): LuaValue[] {
  return Array.isArray(r) ? r : [r];
}

/** Run one case line with tsresty's builtins. */
export function runTs(line: string): string {
  const { fname, args } = parseCase(line);
  try {
    if (fname === "tostring") return encodeValues([tostring(args[0])]);
    const f = STRING.getStr(fname);
    if (typeof f !== "function") throw new Error(`no string.${fname}`);
    if (fname === "gmatch") {
      const it = resultValues(call(f, ...args))[0];
      const o: string[] = [];
      try {
        for (let i = 0; i < 100; i++) {
          const r = resultValues(call(it, undefined, undefined));
          o.push(encodeValues(r));
          if (r.length === 0 || r[0] === undefined) break;
        }
      } catch (e) {
        return errText(e);
      }
      return o.join(" ; ");
    }
    return encodeValues(resultValues(call(f, ...args)));
  } catch (e) {
    return errText(e);
  }
}

// ---------------------------------------------------------------- case tables

function lines(text: string): string[] {
  return text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith("--"));
}

/** Deterministic pseudo-random numbers (mulberry32), so that generated cases are stable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Lua string literal for any byte string. */
export function luaQuote(s: string): string {
  let o = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    o += c >= 32 && c < 127 && c !== 34 && c !== 92 ? s[i] : "\\" + String(c).padStart(3, "0");
  }
  return o + '"';
}

/** A Lua literal for a number that reads back as exactly the same double. */
export function luaNumber(x: number): string {
  if (x !== x) return "(0/0)";
  if (x === Infinity) return "(1/0)";
  if (x === -Infinity) return "(-1/0)";
  if (x === 0 && 1 / x < 0) return "(-0.0)";
  return x < 0 ? `(${x})` : String(x);
}

export const GROUPS: Record<string, string[]> = {};

GROUPS["patterns"] = lines(String.raw`
-- find: plain, init, specials
find("hello world", "o w")
find("hello world", "o", 6)
find("hello world", "l", -3)
find("hello", "l", -100)
find("hello", "", 1)
find("hello", "", 6)
find("hello", "", 7)
find("hello", "", 100)
find("hello", "", -1)
find("hello", "", 0)
find("a.b", ".", 1, true)
find("a.b", ".", 1, false)
find("a.b", ".", 1, nil)
find("a.b", ".", 1, 0)
find("a.b", ".", 1, "")
find("a+b", "+", 1)
find("a+b", "a+", 1, true)
find("a)b", "a)")
find("a]b", "]b")
find("abc", "x)")
find("a\0b", "\0b")
find("a\0b", "\0")
find("xa\0b", "a\0b.")
find("abc", "b", 2^31)
find("abc", "c", 2^53)
find("abc", "b", -2^31)
find("abc", "b", 1.9)
find("abc", "b", -1.5)
find("abc", "b", "2")
find("abc", "b", "x")
find("abc", "b", {})
find(12345, 34)
find(1e15, "e")
find("abc", "()", 10)
find("abc", "()", 4)
find("abc", "%a", 10)
find("abc", "$", 10)
find("", "")
find("", "^$")
find("", ".")
find("", "a*")
-- classes
find("hello world", "%s")
find("x = 10", "%d+")
find("abc123def", "%a+", 4)
find("ABCdef", "%l+")
find("ABCdef", "%u+")
find("a,b;c", "%p")
find("a\tb", "%c")
find("0x1F", "%x+", 3)
find("hello_world", "%w+")
find("a\0b", "%z")
find("a\0b", "%Z+")
find("  x", "%S")
find("abc", "%D+")
find("abc", "%q")
find("a.b", "%.")
find("a%b", "%%")
find("a1", "%1")
match(ALLBYTES, "%g+")
match(ALLBYTES, "%p+")
match(ALLBYTES, "%c+")
match(ALLBYTES, "%s+")
match(ALLBYTES, "%w+")
match(ALLBYTES, "%x+")
match(ALLBYTES, "%l+")
match(ALLBYTES, "%u+")
match(ALLBYTES, "[\128-\255]+")
match(ALLBYTES, "%A+")
match(ALLBYTES, "[%W]+", 200)
-- sets
find("abc", "[b-c]+")
find("a-c", "[a%-c]+")
find("abcdef", "[c-a]+")
find("b", "[a-]")
find("-", "[a-]")
find("-", "[-a]")
find("z", "[%a-z]")
find("-", "[%a-z]")
find("abc]", "[^]a]+")
find("a]c", "[]]")
find("a^c", "[^^]")
find("a^c", "[a^]+")
find("abc", "[]")
find("abc", "[^]")
find("abc", "[%")
find("abc", "[%a")
find("abc", "[a-%]")
find("a]", "[%]]")
find("x", "[a-\0]")
find("a", "[\0]")
find("a-z", "[a-%z]+")
find("%", "[%%]")
find("hello", "[^%s]+")
find("1.5e+10", "[%d%.eE+-]+")
find("ABC", "[A-Z][A-Z]")
find("\200\201", "[\128-\255]+")
-- quantifiers
find("aaab", "a-b")
find("aaab", "a*")
find("aaab", "a+b")
find("aaab", "a?a?b")
find("b", "a*b")
find("b", "a+b")
find("aaa", "a-")
find("aaa", "a-$")
find("xaaa", "a-$")
match("<<a>>", "<(.-)>")
match("<<a>>", "<(.*)>")
match("key=val", "(%w+)=(%w*)")
match("key=", "(%w+)=(%w*)")
match("  trim me  ", "^%s*(.-)%s*$")
match("", "^%s*(.-)%s*$")
match("abc", ".-")
match("abc", ".-$")
match("abc", "a?b?c?d?")
match("**", "**")
match("aaa", "a*$")
match("aab", "a*$")
find("aab", "a*$")
match("", "a+$")
match("ab", "b?$")
match("a", "a?$")
match("b", "a?$")
find("ba", "a?$")
match("  x  ", "%s-$")
match("xx", "x-$")
match("xy", ".-$")
match("x", "[^x]*$")
find("hello  ", "%s*$")
find("hello", "%s*$")
find("hello", "%s+$")
gsub("a  b  ", "%s+$", "")
gsub("a  b  ", "%s*$", "!")
match("key = value  ", "^(%w+)%s*=%s*(.-)%s*$")
match("a**", "a**")
match("+", "++")
match("--", "--")
match("a?", "a??")
-- anchors
find("abc", "^b")
find("abc", "^b", 2)
find("abc", "^a", 1)
match("abc", "^(a)")
match("a^b", "a^b")
match("a$b", "a$b")
match("^ab", "^^a")
match("abc$", "c$$")
match("abc", "$")
match("abc", "^$")
match("", "^$")
match("x$", "$\0x")
gsub("abc", "^", "-")
gsub("abc", "$", "-")
gsub("abc", "^a*", "-")
gsub("aaa", "^a", "-")
gsub("abc", "^", "-", 0)
-- captures
find("abc", "(b)(c)")
find("abc", "()b()")
match("abc", "()b()")
match("abc", "((a)(b))")
match("2024-01-02", "(%d+)-(%d+)-(%d+)")
match("hello", "(h)(e)(l)(l)(o)(h?)(e?)(l?)(l?)(o?)(h?)(e?)(l?)(l?)(o?)(h?)(e?)(l?)(l?)(o?)(h?)(e?)(l?)(l?)(o?)(h?)(e?)(l?)(l?)(o?)(h?)(e?)")
match("hello", "(h)(e)(l)(l)(o)(h?)(e?)(l?)(l?)(o?)(h?)(e?)(l?)(l?)(o?)(h?)(e?)(l?)(l?)(o?)(h?)(e?)(l?)(l?)(o?)(h?)(e?)(l?)(l?)(o?)(h?)(e?)(l?)")
match("xyz", "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)(m)(n)(o)(p)(q)(r)(s)(t)(u)(v)(w)(x)(y)(z)(1)(2)(3)(4)(5)(6)(7)")
match("abc", "()")
match("abc", "()", 4)
match("abc", "(()())")
find("abc", "(a")
find("xyz", "(a")
find("abc", "a)")
find("abc", "x)")
match("abc", "(")
match("abc", ")")
match("abc", "((a)")
match("abc", "(a))")
-- back-references
find("abc", "%1")
find("abc", "%0")
find("abc", "(a%1)")
find("abc", "(a)%2")
find("aa", "(a)%1")
find("aa", "()a%1")
find("aa", "(a)(%1)")
find("aa", "((a)%1)")
find("aa", "((a)%2)")
match("hello 'quoted' text", "(['\"])(.-)%1")
match("abcabc", "(a(b)c)%1")
match("xx yy zz", "(%a)%1 (%a)%2")
find("x", "%5")
find("x", "x%5")
-- %b and %f
find("f(a(b)c)d", "%b()")
find("((a)", "%b()")
find("a(b", "%b()")
find("\"abc\"", "%b\"\"")
find("aXaYa", "%baa")
find("abc", "%b")
find("abc", "%ba")
find("abc", "a%b")
match("if (a and (b or c)) then", "%b()")
match("[[x]] [y]", "%b[]")
gsub("THE (quick) fox", "%f[%a]%a+", "W")
find("THE (quick) fox", "%f[%a]", 5)
find("abc", "%f[%z]")
find("abc", "%f[^%z]")
find("abc", "%f[%Z]")
find("abc\0", "%f[%z]")
find("abc", "%f[a-c]")
find("abc", "%f[]")
find("abc", "%f[^]")
find("abc", "%f")
find("abc", "%fa")
gsub("hello world from lua", "%f[%w]%w+", "<%0>")
gsub("THE (quick) fox", "%f[%l]", "|")
gsub("x_y z", "%f[%w_][%w_]+", "[%0]")
-- malformed patterns reached or not
find("abc", "x[")
find("xbc", "x[")
find("", "[a")
find("abc", "%")
find("abc", "a%")
find("abc", "b%")
match("abc", "x%")
match("abc", "c%")
find("abc", "%\0")
match("abc", "[")
gsub("abc", "[", "")
gsub("abc", "x*[", "")
-- pattern too complex
find(A300, "a-b")
find(A300, "a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?")
find(A300, "a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?")
find(B300, "a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?")
find(B300, "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*")
find(B300, "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*")
match(B300, "()()()()()()()()()()()()()()()()()()()()a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*")
match(B300, "()()()()()()()()()()()()()()()()()()()()a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*")
gsub(B300, "b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-", "")
gmatch(B300, "(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)(b)b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?b?")
-- match
match("abc", "b", -1)
match("abc", "b", 10)
match("abc", "", 10)
match("abc", "", 4)
match("abc", "^b", 2)
match("a\0b", "\0")
match("xa\0b", "a\0b")
match("a\0b", ".-b")
match(" x ", "^%s*(.-)%s*$")
match("key = value", "(%w+)%s*=%s*(%w+)")
match("The year 2024", "%d%d%d%d")
match("no digits", "%d+")
match("/path/to/file.txt", "([^/]+)$")
match("/path/to/file.txt", "^(.*)/")
match("file.tar.gz", "^(.-)%.(.*)$")
match("name@example.com", "^([%w._-]+)@([%w.-]+)$")
match("GET /index.html HTTP/1.1", "^(%u+)%s+(%S+)%s+HTTP/(%d)%.(%d)$")
match("Content-Type: text/html; charset=utf-8", "charset=([^;]+)")
match("a,b,,c", "^([^,]*),([^,]*)")
match(123456, "%d%d")
match("x", "x", 1, 2)
-- gmatch
gmatch("hello world from lua", "%a+")
gmatch("k1=v1, k2=v2", "(%w+)=(%w+)")
gmatch("abc", "")
gmatch("abc", "%a*")
gmatch("abc", "b*")
gmatch("abc", "()")
gmatch("abc", "^a")
gmatch("^abc", "^a")
gmatch("^^a", "^*")
gmatch("abc", "(")
gmatch("abc", "[")
gmatch("", "x*")
gmatch("", "")
gmatch("one two  three", "%S+")
gmatch("a,b,,c", "([^,]*)")
gmatch("1 22 333", "()%d+()")
gmatch("aaa", "a-")
gmatch("aaa", "a-$")
gmatch("x", "%f[%w]")
gmatch("THE (quick) fox", "%f[%a]%a+")
gmatch(123, "%d")
-- gsub with strings
gsub("hello world", "o", "0")
gsub("hello world", "o", "0", 1)
gsub("hello world", "o", "0", 0)
gsub("hello world", "o", "0", -1)
gsub("hello world", "o", "0", 1.9)
gsub("hello world", "o", "0", "1")
gsub("hello world", "o", "0", "x")
gsub("hello world", "o", "0", 2^31)
gsub("hello world", "(o)", "[%1]")
gsub("hello world", "o", "[%0]")
gsub("hello world", "o", "[%1]")
gsub("hello world", "o", "[%2]")
gsub("hello world", "(o)", "[%2]")
gsub("hello world", "o", "%%")
gsub("hello world", "o", "%x")
gsub("hello world", "o", "%")
gsub("hello world", "o", "a%")
gsub("hello world", "o", "%\0")
gsub("hello", "", "-")
gsub("hello", "", "-", 2)
gsub("abc", "%a*", "-")
gsub("abc", "b*", "-")
gsub("abc", "x*", "-")
gsub("", "", "-")
gsub("", "^", "-")
gsub("", "x", "-")
gsub("abc", "(a", "x")
gsub("abc", "(a", "%1")
gsub("abc", "(a", "%0")
gsub("abc", "()b", "%1")
gsub("abc", "b\0", "X")
gsub("abc", "b", "X\0Y")
gsub("hello world", "(%w+) (%w+)", "%2 %1")
gsub("hello", ".", "%0%0")
gsub("a.b.c", ".", "-")
gsub("a.b.c", "%.", "-")
gsub("a.b.c", "%.", "%%")
gsub("  trim  ", "^%s+", "")
gsub("x = 1, y = 2", "(%w+) = (%w+)", "%2 = %1")
gsub("abc", "", "")
gsub("hello", "l+", "L")
gsub("path/to//file", "/+", "/")
gsub("a\nb\r\nc", "\r?\n", " ")
gsub(12345, 3, 9)
gsub("abc", 98, 66)
gsub("aaa", "a", "b", 2)
gsub("abcabc", "abc", "x")
gsub("abcabc", "abc", "x", 1)
gsub("abcabc", "abc", "<%0>")
gsub("abcabc", "abc", "%1")
gsub("abcabc", "abc", "%2")
gsub("xyz", "abc", "%2")
gsub("aaaa", "aa", "b")
gsub("abc", "^abc$", "ok")
gsub(A300, "a", "b")
gsub(A300, "a", "bc", 299)
gsub(A300 .. "x" .. B300, "x", "%0%0")
gsub(A300 .. "x" .. B300, "(x)", "%1" .. B300 .. "%1")
gsub(A300 .. "x" .. B300, "^(a+)", "[%1]")
gsub(A300 .. "x" .. B300, "^a", "[%0]")
gsub(A300 .. "x" .. B300, "b+$", "<%0>")
gsub(X9000, "x", "yz", 5000)
gsub(X9000, ".", "ab")
gsub(X9000, "(x)(x)", "%2-%1")
gsub(X9000, "x*", "-")
gsub(X9000, "", "-")
gsub(X9000 .. A300, "%a", F_upper)
gsub(X9000, "xx", T_repl)
-- gsub with tables and functions
gsub("abc", "%w", T_repl)
gsub("hello world", "%w+", T_repl)
gsub("a b n f", "%w", T_repl)
gsub("t", "%w", T_repl)
gsub("1 2", "%d", T_repl)
gsub("abc", "(a)(b)", T_repl)
gsub("abc", "(a", T_repl)
gsub("abc", "(a)(b", T_repl)
gsub("abc", "%w", T_empty)
gsub("abc", "%w", T_index)
gsub("abc", "()%w", T_repl)
gsub("hello world", "%w+", F_upper)
gsub("hello world", "(%w+) (%w+)", F_cat)
gsub("hello", "", F_cat)
gsub("abc", "()(%w)()", F_cat)
gsub("abc", "%w", F_nil)
gsub("abc", "%w", F_none)
gsub("abc", "%w", F_false)
gsub("abc", "%w", F_true)
gsub("abc", "%w", F_num)
gsub("abc", "%w", F_tbl)
gsub("abc", "%w", F_two)
gsub("abc", "%w", F_err)
gsub("abc", "%w", F_errt)
gsub("abc", "(a", F_cat)
gsub("abc", "x", F_err)
gsub("abc", "%w", F_cat, 2)
gsub("abc", "^(a)", T_repl)
gsub("abc", "^a", T_repl)
gsub("hello", "^h", F_upper)
gsub("hello", "^(h)(e)", F_cat)
gsub("hello", "^x", F_err)
gsub("hello", "^", F_cat)
gsub("hello", "^(h)", F_nil, 0)
gsub("abc", "b", true)
gsub("abc", "x", true)
gsub("abc", "b")
gsub("abc", "b", nil)
gsub("abc", "b", true, "x")
gsub("abc", "b", "x", {})
-- argument errors
find()
find(nil)
find("a")
find("a", nil)
find("a", {})
find("a", "b", {})
find("a", "b", "x")
find(true)
match()
match("a")
match("a", "b", {})
gmatch()
gmatch("a")
gmatch("a", {})
gsub()
gsub("a")
gsub("a", "b")
gsub({}, "a", "b")
gsub("a", {}, "b")
`);

GROUPS["format"] = lines(String.raw`
format("%d", 42)
format("%d", -42)
format("%d", 3.7)
format("%d", -3.7)
format("%d", -0.5)
format("%d", 0.99999)
format("%d", -0.0)
format("%d", 2^31)
format("%d", 2^53)
format("%d", 2^53 + 2)
format("%d", 2^63)
format("%d", 2^63 - 1024)
format("%d", -2^63)
format("%d", -2^63 - 2048)
format("%d", 2^64)
format("%d", 1e100)
format("%d", -1e100)
format("%d", 0/0)
format("%d", 1/0)
format("%d", -1/0)
format("%d", "12")
format("%d", "0x10")
format("%d", " 5 ")
format("%d", "1e1")
format("%d", "abc")
format("%d", true)
format("%d", nil)
format("%d")
format("%d", {})
format("%i", 42)
format("%5d|%-5d|%05d", 42, 42, 42)
format("%+d|% d|%+ d|% +d", 5, 5, 5, 5)
format("%+d|% d", -5, -5)
format("%.3d|%8.3d|%-8.3d|%08.3d", 7, 7, 7, 7)
format("%.0d|%.0d|%5.0d|", 0, 1, 0)
format("%5.3d", -7)
format("%05d", -3)
format("%+.3d", 3)
format("%-----5d|", 1)
format("%-+ #0-+ #0-+5d|", 1)
format("%0000005d", 1)
format("%99d", 1)
format("%100d", 1)
format("%u", 42)
format("%u", -1)
format("%u", 2^63)
format("%u", 2^64)
format("%u", 2^64 + 2^12)
format("%u", 1.5 * 2^63)
format("%+u|% u", 5, 5)
format("%x", 255)
format("%X", 255)
format("%#x", 255)
format("%#X", 255)
format("%#x", 0)
format("%#o", 0)
format("%#o", 8)
format("%#.3o", 8)
format("%#.0o", 0)
format("%.0x", 0)
format("%.3x", 1)
format("%x", -1)
format("%x", 3.7)
format("%x", -2^63)
format("%x", 2^63)
format("%x", 1e300)
format("%x", -1e300)
format("%x", 0/0)
format("%x", "ff")
format("%x", "0xff")
format("%o", 8)
format("%o", -1)
format("%#08x|%#-8x|%#8o|%08.3x|%-#10.4X|", 255, 255, 8, 255, 255)
format("%c", 65)
format("%c", 65.7)
format("%c", 256 + 65)
format("%c", -1.5)
format("%c", 2^31 + 65)
format("%c", 300.5)
format("%c%c%c", 0, 255, 256)
format("%5c|%-5c|%05c|", 65, 65, 65)
format("%c", "x")
format("%c", "66")
format("%e", 0)
format("%e", -0.0)
format("%e", 1)
format("%e", 123456.789)
format("%E", 123456.789)
format("%.0e", 2.5)
format("%.0e", 250)
format("%.0e", 350)
format("%#.0e", 5)
format("%.3e", 1e-300)
format("%e", 5e-324)
format("%.30e", 1/3)
format("%.99e", 1/3)
format("%.53e", 0.1)
format("%.54e", 0.1)
format("%e", 2^1023 * 1.5)
format("%+.3e|% .3e", 1.5, 1.5)
format("%08.3e", -1.5)
format("%f", 0)
format("%f", 1.5)
format("%F", 1.5)
format("%.0f", 0.5)
format("%.0f", 1.5)
format("%.0f", 2.5)
format("%.0f", -0.5)
format("%.2f", 0.125)
format("%.2f", 0.375)
format("%.1f", 0.05)
format("%.3f", 1e21)
format("%.0f", 1e300)
format("%f", 2^-1074)
format("%.99f", 2^-1074)
format("%.0f", 2^53 + 1)
format("%5.2f", 3.14159)
format("%08.3f|%-08.3f|", -3.14159, -3.14159)
format("%#.0f", 1)
format("%#10.3f", 2)
format("%.f", 5.5)
format("%f", "1e2")
format("%f", 1e15)
format("%.10f", 1/3)
format("%g", 0)
format("%g", -0.0)
format("%g", 1e-5)
format("%g", 1e-4)
format("%g", 123456)
format("%g", 1234567)
format("%g", 100000)
format("%g", 1e20)
format("%g", 2.5)
format("%.1g", 0.25)
format("%.1g", 0.35)
format("%.0g", 123)
format("%.20g", 0.1)
format("%.99g", 1/3)
format("%.17g", 1e308 * 10)
format("%#g", 1)
format("%#.3g", 1)
format("%#g", 123456789)
format("%#.1g", 0)
format("%G", 1e-10)
format("%g", 0.00012345678)
format("%.14g", 2^63)
format("%.14g", 0.1)
format("%.14g", 100)
format("%.30g", 1e25)
format("%08.3g|%-8.3g|", -1.5, -1.5)
format("%+g", 1)
format("%a", 1)
format("%a", 0)
format("%a", -0.0)
format("%a", 0.5)
format("%a", 1e-320)
format("%a", 1e-310)
format("%.2a", 1e-310)
format("%a", 2^-1022)
format("%a", 5e-324)
format("%a", 2^1023)
format("%.0a", 2^1023 * 1.99)
format("%.3a", 1)
format("%.0a", 1.5)
format("%.0a", 2.5)
format("%.0a", 1.25)
format("%.0a", 1.75)
format("%.1a", 1.96875)
format("%.1a", 1.03125)
format("%.1a", 1.09375)
format("%.1a", 15.9)
format("%.2a", 1.99999)
format("%#a", 1)
format("%#.0a", 1)
format("%#a", 0)
format("%.1a", 0)
format("%20a|%-20a|%020a|", 1, 1, 1)
format("%+a|% a", 1, 1)
format("%012a|%+012.2a", -1.5, 1.5)
format("%a", 1/3)
format("%.3a", 1/3)
format("%.13a", 1/3)
format("%.20a", 1/3)
format("%A", 0.1)
format("%10.3A", 255.5)
format("%a", -2.5)
format("%f|%e|%g|%a", 0/0, 0/0, 0/0, 0/0)
format("%f|%e|%g|%a", -(0/0), -(0/0), -(0/0), -(0/0))
format("%f|%e|%g|%a", 1/0, 1/0, 1/0, 1/0)
format("%f|%e|%g|%a", -1/0, -1/0, -1/0, -1/0)
format("%F|%E|%G|%A", 0/0, 1/0, -1/0, 0/0)
format("%+f|% f|%05f|%-6f|%5.1f", 1/0, 0/0, 1/0, 0/0, -1/0)
format("%+f|% f|%05f|%-6f|", 0/0, 1/0, -1/0, -1/0)
format("%s", "hello")
format("%s", 42)
format("%s", 1.5)
format("%s", 1e15)
format("%s", 2^53)
format("%s", -0.0)
format("%s", 0/0)
format("%s", nil)
format("%s", true)
format("%s", false)
format("%s", T_tostr)
format("%s", T_tostrnum)
format("%s", T_tostrnil)
format("%s", T_tostrbool)
format("%s", T_tostrerr)
format("%s", T_tostrstr)
format("%.3s", T_tostr)
format("%10s|%-10s|", "abc", "abc")
format("%.2s|%5.1s|%.0s|%.s|", "abc", "abc", "abc", "abc")
format("%05s|%+5s|", "ab", "ab")
format("%s", "a\0b")
format("%.1s", "a\0b")
format("%10s", "a\0b")
format("%.3s", 12345)
format("%s")
format("%s %s", 1)
format("%s", 1, 2)
format("%q", "hello")
format("%q", "a\nb")
format("%q", "a\rb")
format("%q", "a\r1")
format("%q", "\0")
format("%q", "\0a")
format("%q", "\0009")
format("%q", "\0\0001\0x\0")
format("%q", "\1\0022\127\128\255\r\r1\n\t")
format("%q", "\127\1271")
format("%q", "tab\there")
format("%q", "quote\"back\\slash")
format("%q", ALLBYTES)
format("%q", 1)
format("%q", 1/3)
format("%q", 1e100)
format("%q", 2^53)
format("%q", -1.5)
format("%q", 0/0)
format("%q", 1/0)
format("%q", -0.0)
format("%q", true)
format("%q", nil)
format("%q", T_tostr)
format("%q", T_tostrnl)
format("%5.2q|%-10q|", "ab", "ab")
format("%q")
format("%p", nil)
format("%p", 1)
format("%p", true)
format("%%")
format("%%%d%%", 5)
format("100%% sure")
format("abc")
format("")
format("a\0b%d", 1)
format("%s\0%s", "a", "b")
format("%y", 1)
format("%", 1)
format("abc%")
format("%5%")
format("%-%")
format("%ld", 1)
format("%1$d", 1)
format("%10.100f", 1)
format("%.100f", 1)
format("%.10", 1)
format("%5", 1)
format("%10.2", 1)
format("%5\0d", 1)
format("%d\0%y", 1)
format("%d %y", "x")
format("%d %y", 1)
format("%-5d|%-5s|%5s|", 3, "ab", "abcdefg")
format("%x %X %o", 255, 255, 8)
format("% 5d|%+5d|%-+5d|%0+5d", 3, 3, 3, 3)
format("[%5s][%-5s]", "a", "b")
format("%s=%d (%.2f%%)", "rate", 3, 45.678)
format("%3d. %-10s %6.2f", 1, "item", 9.5)
format("%s:%d", "127.0.0.1", 8080)
format("%02x%02x%02x", 255, 0, 128)
format("%.3f", 2/3)
format("%5.1f|%-8.3e|%G", 3.14159, 0.000123, 1e-10)
format(12, 3)
format()
format(nil)
format({})
`);

GROUPS["functions"] = lines(String.raw`
sub("hello", 2)
sub("hello", -3)
sub("hello", 0)
sub("hello", 2, 4)
sub("hello", 2, -2)
sub("hello", -100, 100)
sub("hello", 4, 2)
sub("hello", 2.7, 3.9)
sub("hello", -2.7)
sub("hello", "2", "3")
sub("hello", "x")
sub("hello")
sub()
sub(12345, 2, 3)
sub(1.5, 1)
sub("hello", nil, 3)
sub("hello", 3, nil)
sub("hello", 1/0)
sub("hello", -1/0)
sub("hello", 0/0)
sub("hello", 2^31)
sub("hello", 2^31 - 1)
sub("hello", 2^53)
sub("hello", 2, -2^53)
sub("hello", 2, 2^31)
sub("hello", 4294967298)
sub("hello", -2^31)
sub("", 1)
sub("", 0, 0)
sub("hello", 6)
sub("hello", 5, 5)
sub("hello", -1, -1)
sub("hello", 1, 0)
sub("hello", {})
sub("hello", 1, "x")
sub(true)
byte("hello")
byte("hello", 2, 4)
byte("hello", -1)
byte("hello", 10)
byte("hello", 0)
byte("hello", 3, 1)
byte("", 1)
byte("hello", -100, 100)
byte("\255\0")
byte("hello", 1, -1)
byte(123, 1, -1)
byte("hello", 2, 2^31)
byte("hello", 2^31)
byte("abc", 1, 1e10)
byte("hello", nil, 3)
byte("hello", 2.9)
byte(X9000, 1, 8000)
byte(X9000, 1, 8001)
byte(X9000, 1, -1)
byte()
byte("a", {})
byte("a", 1, "x")
char()
char(72, 105)
char(0, 255)
char(256)
char(-1)
char(65.9)
char(255.5)
char(-0.5)
char(256.5)
char("65")
char("x")
char(nil)
char(65, nil)
char(65, 66, 256)
char(2^31)
char(0/0)
rep("ab", 3)
rep("ab", 3, ",")
rep("ab", 0, ",")
rep("ab", -1)
rep("ab", 1, ",")
rep("ab", 2.9)
rep("ab")
rep("ab", nil)
rep(nil, 1)
rep("", 1e9)
rep("", 1e10)
rep("x", 2^31)
rep("x", 2^40)
rep("x", 1/0)
rep("x", -1/0)
rep("x", 0/0)
rep("ab", 3, 5)
rep("ab", 3, {})
rep("", 3, "x")
rep(5, 3)
rep("x", 3, nil)
rep("ab", "3")
rep("ab", "x")
rep("xx", 2^30)
rep("abc", 2^31 - 1)
rep("ab", 3, "")
rep("a\0", 2, "\0")
len("abc")
len("")
len("a\0b")
len(123)
len(1e15)
len(-0.0)
len()
len(nil)
len({})
len(true)
reverse("abc")
reverse("")
reverse("a")
reverse(123)
reverse("a\0\255")
reverse()
upper("abc")
upper("abc\255\224xyz")
upper(ALLBYTES)
upper(1.5)
upper()
upper({})
lower("ABC")
lower("ABC\192\222XYZ")
lower(ALLBYTES)
lower(true)
lower(nil)
dump()
dump("x")
tostring(1)
tostring(-1)
tostring(0)
tostring(-0.0)
tostring(0.1)
tostring(1/3)
tostring(-1/3)
tostring(100)
tostring(1e14)
tostring(1e14 - 1)
tostring(1e15)
tostring(123456789012345)
tostring(12345678901234)
tostring(2^53)
tostring(2^63)
tostring(-2^63)
tostring(1e100)
tostring(1e-5)
tostring(1e-4)
tostring(0.0001234)
tostring(0.00001234)
tostring(123.456)
tostring(1e300 * 1e10)
tostring(-1e300 * 1e10)
tostring(0/0)
tostring(-(0/0))
tostring(5e-324)
tostring(2^-1074)
tostring(1.7976931348623157e308)
tostring(3.14159265358979)
tostring(99999999999999.9)
tostring(9.99999999999999e-5)
tostring(0.1 + 0.2)
tostring(1 - 2^-53)
tostring(123456.7890123)
tostring(-123456.7890123456)
tostring(1e21)
tostring(1e22)
tostring(12345678.901234567)
`);

// ---------------------------------------------------------------- generated cases

/** Random patterns and subjects over a small alphabet, to compare the matchers broadly. */
function patternFuzz(count: number, seed = 20240601, prefix = ""): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const atoms = ["a", "b", "c", ".", "%a", "%d", "[ab]", "[^a]", "[a-c]", "%s", "x", "(", ")", "()", "%1", "%2", "%b()", "%f[%a]", "%f[%d]", "^", "$", "[%d)]", "%", "[", "%z", "1", " "];
  const quants = ["", "", "", "*", "+", "-", "?"];
  const subjAlphabet = "abc(1) 2ab\0";
  const fnames = ["find", "match", "gmatch", "gsub"];
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let p = prefix;
    const nitems = 1 + Math.floor(r() * 5);
    for (let i = 0; i < nitems; i++) {
      const a = pick(atoms);
      p += a;
      if (a.length === 1 && /[abc.x1 ]/.test(a) || a.startsWith("%") && a.length === 2 && a !== "%1" && a !== "%2" || a.startsWith("[")) p += pick(quants);
    }
    let s = "";
    const slen = Math.floor(r() * 12);
    for (let i = 0; i < slen; i++) s += subjAlphabet[Math.floor(r() * subjAlphabet.length)];
    const f = pick(fnames);
    if (f === "gsub") out.push(`gsub(${luaQuote(s)}, ${luaQuote(p)}, ${luaQuote(pick(["<%0>", "%1", "-", "[%1%2]", "%%"]))})`);
    else if (f === "find" && r() < 0.3) out.push(`find(${luaQuote(s)}, ${luaQuote(p)}, ${Math.floor(r() * 16) - 6})`);
    else out.push(`${f}(${luaQuote(s)}, ${luaQuote(p)})`);
  }
  return out;
}

/** Random numbers through random conversions, and through tostring. */
function formatFuzz(count: number): string[] {
  const r = rng(777);
  const out: string[] = [];
  const randomNumber = (): number => {
    switch (Math.floor(r() * 8)) {
      case 0: return Math.floor(r() * 2000) - 1000;
      case 1: return (r() - 0.5) * Math.pow(10, Math.floor(r() * 40) - 20);
      case 2: return (r() - 0.5) * Math.pow(2, Math.floor(r() * 2100) - 1075);
      case 3: return Math.round(r() * 1e6) / 1000; // few decimals: ties at the rounding digit
      case 4: return Math.floor(r() * 16) / 8 + Math.floor(r() * 100); // exact binary fractions
      case 5: return (r() < 0.5 ? -1 : 1) * Math.pow(10, Math.floor(r() * 40) - 20);
      case 6: return Math.floor((r() - 0.5) * 2 ** 64);
      default: return r() * 100;
    }
  };
  const convs = "dixXoucfFeEgGaA";
  for (let k = 0; k < count; k++) {
    const x = randomNumber();
    if (k % 4 === 0) {
      out.push(`tostring(${luaNumber(x)})`);
      continue;
    }
    let spec = "%";
    for (const f of "-+ #0") if (r() < 0.15) spec += f;
    if (r() < 0.4) spec += String(Math.floor(r() * 30));
    if (r() < 0.6) spec += "." + String(Math.floor(r() * (r() < 0.8 ? 20 : 100)));
    spec += convs[Math.floor(r() * convs.length)];
    out.push(`format(${luaQuote("[" + spec + "]")}, ${luaNumber(x)})`);
  }
  return out;
}

GROUPS["pattern-fuzz"] = patternFuzz(1500);
// The same with 199 optional items in front: beyond LuaJIT's nesting limit in principle, so
// the matcher runs in its exact mode (counting the nesting, no shortcuts).
GROUPS["pattern-fuzz-exact"] = patternFuzz(600, 99, "%z?".repeat(199));
GROUPS["format-fuzz"] = formatFuzz(1500);

/** LuaJIT's matcher nesting limit ("pattern too complex"), at and around its boundary. */
function depthCases(): string[] {
  const out: string[] = [];
  const around = [197, 198, 199, 200, 201];
  const forms: [string, string, string][] = [
    ["A300", "", "a?"], ["B300", "", "a?"], ["B300", "", "a*"], ["A300", "", "a*"], ["B300", "", "a-"],
    ["A300", "^", "a?"], ["B300", "b", "a*"], ["B300", "()", "a*"], ["B300", "(b)", "a*"], ["B300", "(()b)", "a*"],
    ["B300", "((((((((((((((((", "a*"], ["B300", "%bba", "a*"], ["B300", "%f[b]", "a*"], ["A300", "", "b?"],
  ];
  for (const [subj, pre, item] of forms) {
    for (const k of around) out.push(`find(${subj}, ${luaQuote(pre + item.repeat(k))})`);
  }
  for (const k of [198, 199, 200]) {
    out.push(`match(B300, ${luaQuote("(" + "a*".repeat(k) + ")")})`);
    out.push(`gsub(B300, ${luaQuote("a*".repeat(k))}, "")`);
    out.push(`gmatch("bbb", ${luaQuote("a*".repeat(k))})`);
  }
  // Long patterns of items that do not nest: no limit, and no JS stack to exhaust.
  out.push(`find(X9000, ${luaQuote(".".repeat(5000))})`);
  out.push(`find(X9000, ${luaQuote("%a".repeat(3000) + "(x+)$")})`);
  out.push(`find(X9000, ${luaQuote("%f[x]" + "x".repeat(100) + "[x]".repeat(4000) + "()")})`);
  out.push(`find(X9000, ${luaQuote("[x]".repeat(4000) + "y")})`);
  out.push(`match(A300 .. X9000, ${luaQuote("a+" + "%w".repeat(2000) + "%bxx")})`);
  return out;
}
GROUPS["depth"] = depthCases();

/** Numbers chosen to hit the rounding decisions of %.14g, %f and %g: near ties, near powers of ten. */
function numberFuzz(count: number): string[] {
  const r = rng(4242);
  const out: string[] = [];
  const gen = (): number => {
    switch (Math.floor(r() * 9)) {
      case 0: return Math.floor(r() * 1e6) / Math.pow(10, Math.floor(r() * 8)); // short decimals
      case 1: return Math.floor(r() * 4096) / Math.pow(2, Math.floor(r() * 12)); // exact binary fractions: ties
      case 2: return Math.pow(10, Math.floor(r() * 44) - 22) * (1 - Math.pow(2, -Math.floor(r() * 53))); // just below 10^k
      case 3: return Math.pow(10, Math.floor(r() * 44) - 22) * (1 + Math.pow(2, -Math.floor(r() * 53))); // just above
      case 4: return (Math.floor(r() * 1e9) + 0.5) / Math.pow(10, Math.floor(r() * 12)); // decimal ties, inexact
      case 5: return r() * Math.pow(10, Math.floor(r() * 30) - 10);
      case 6: return Math.floor(r() * 1e15) / 7;
      case 7: return (Math.floor(r() * 2 ** 53) + 0.5) * Math.pow(2, Math.floor(r() * 20) - 60);
      default: return 1 / (1 + Math.floor(r() * 1000));
    }
  };
  for (let k = 0; k < count; k++) {
    const x = (r() < 0.3 ? -1 : 1) * gen();
    const kind = k % 5;
    if (kind === 0 || kind === 1) out.push(`tostring(${luaNumber(x)})`);
    else if (kind === 2) out.push(`format("%.${Math.floor(r() * 16)}f", ${luaNumber(x)})`);
    else if (kind === 3) out.push(`format("%.${1 + Math.floor(r() * 16)}g", ${luaNumber(x)})`);
    else out.push(`format("%${r() < 0.3 ? "#" : ""}.${Math.floor(r() * 18)}e", ${luaNumber(x)})`);
  }
  return out;
}
GROUPS["number-fuzz"] = numberFuzz(4000);

/** Random byte strings through %q, %s with width and precision, and the byte functions. */
function bytesFuzz(count: number): string[] {
  const r = rng(31337);
  const out: string[] = [];
  const alphabet = "\0\x01\x09\n\r\x1f \"\\'0123456789az\x7f\x80\xff%";
  for (let k = 0; k < count; k++) {
    let s = "";
    const n = Math.floor(r() * 10);
    for (let i = 0; i < n; i++) s += r() < 0.5 ? alphabet[Math.floor(r() * alphabet.length)] : String.fromCharCode(Math.floor(r() * 256));
    const q = luaQuote(s);
    switch (k % 6) {
      case 0: case 1: out.push(`format("%q", ${q})`); break;
      case 2: out.push(`format("[%${r() < 0.5 ? "-" : ""}${Math.floor(r() * 12)}.${Math.floor(r() * 8)}s]", ${q})`); break;
      case 3: out.push(`byte(${q}, ${Math.floor(r() * 14) - 7}, ${Math.floor(r() * 14) - 7})`); break;
      case 4: out.push(`sub(${q}, ${Math.floor(r() * 14) - 7}, ${Math.floor(r() * 14) - 7})`); break;
      default: out.push(`${["upper", "lower", "reverse", "len"][Math.floor(r() * 4)]}(${q})`); break;
    }
  }
  return out;
}
GROUPS["bytes-fuzz"] = bytesFuzz(600);
