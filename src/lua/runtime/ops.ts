// The operations of the Lua language with their metamethods and LuaJIT's error texts.
// Compiled code inlines the fast paths (number + number, table field without metatable)
// and calls these helpers for everything else. `desc` arguments are compile-time
// descriptions of the operand for messages: "local 'x'", "global 'f'", "field 'n'",
// "upvalue 'u'", "method 'm'", "constant 'c'" (or undefined: "a nil value" only).
import { LuaTable } from "./table.js";
import { LuaError, luaError } from "./error.js";
import { keepStack, luaFrames } from "./callstack.js";
import { numberToString, stringToNumber, typeName, addressOf } from "./convert.js";
import { LUA_NULL, type LuaFunction, type LuaResult, type LuaUserdata, type LuaValue, type Suspension } from "./value.js";

let stringMeta: LuaTable | undefined;
/** The metatable shared by all strings (its __index is the string library). */
export function setStringMetatable(mt: LuaTable | undefined): void {
  stringMeta = mt;
}
export function getStringMetatable(): LuaTable | undefined {
  return stringMeta;
}

// Metatables of the types other than table, string and userdata, set by debug.setmetatable.
const typeMeta: { number?: LuaTable; boolean?: LuaTable; nil?: LuaTable; function?: LuaTable } = {};

/** debug.setmetatable on a value that is not a table: one metatable for its whole type. */
export function setTypeMetatable(v: LuaValue, mt: LuaTable | undefined): void {
  switch (typeof v) {
    case "string": stringMeta = mt; return;
    case "number": typeMeta.number = mt; return;
    case "boolean": typeMeta.boolean = mt; return;
    case "undefined": typeMeta.nil = mt; return;
    case "function": typeMeta.function = mt; return;
    default:
      if (v !== null && typeof v === "object" && !Object.isFrozen(v)) (v as { mt: LuaTable | undefined }).mt = mt;
  }
}

/** The metatable of any value (raw, ignoring __metatable). */
export function metatableOf(v: LuaValue): LuaTable | undefined {
  if (v instanceof LuaTable) return v.mt;
  switch (typeof v) {
    case "string": return stringMeta;
    case "number": return typeMeta.number;
    case "boolean": return typeMeta.boolean;
    case "undefined": return typeMeta.nil;
    case "function": return typeMeta.function;
    default: return (v as LuaUserdata).mt;
  }
}

export function metamethod(v: LuaValue, event: string): LuaValue {
  const mt = metatableOf(v);
  return mt === undefined ? undefined : mt.getStr(event);
}

// ---------------------------------------------------------------- suspendable metamethods
// In a suspendable body the operator helpers get `g` set. A metamethod that may suspend is
// then not called here: its generator is stashed and PENDING returned, and the compiled
// code runs it with `yield* runPending()` (LuaJIT lets __index, __add... yield).

/** Returned by an operator helper when its metamethod must run as a generator. Not a Lua value. */
export const PENDING = Object.freeze({ pending: true }) as unknown as LuaValue;
let pendingGen: Generator<Suspension, LuaResult, unknown> | undefined;

export function* runPending(): Generator<Suspension, LuaValue, unknown> {
  const gen = pendingGen!;
  pendingGen = undefined;
  return first(yield* gen);
}

/** Call metamethod h with args and return its first value, or stash it and return PENDING. */
function callMeta(h: LuaValue, g: 1 | undefined, a: LuaValue, b: LuaValue): LuaValue {
  if (g === 1 && typeof h === "function") {
    const gf = (h as LuaFunction).$g;
    if (gf !== undefined) {
      pendingGen = gf(a, b);
      return PENDING;
    }
  }
  // A function is called directly: call()'s rest parameter and spread cost an array per
  // metamethod call (Vec.__add on every `a + b` of vectors).
  return first(typeof h === "function" ? (h as LuaFunction)(a, b) : call(h, a, b));
}

/** The first value of a call result. */
export function first(r: LuaResult): LuaValue {
  return Array.isArray(r) ? r[0] : r;
}
/** A call result as an array of values. */
export function values(r: LuaResult): LuaValue[] {
  return Array.isArray(r) ? r : [r];
}

function described(desc: string | undefined, v: LuaValue): string {
  return desc === undefined ? `a ${typeName(v)} value` : `${desc} (a ${typeName(v)} value)`;
}

// ---------------------------------------------------------------- calls

/** Call any Lua value (plain form). */
export function call(f: LuaValue, ...args: LuaValue[]): LuaResult {
  if (typeof f === "function") return (f as LuaFunction)(...args);
  return callable(f, undefined)(...args);
}

/** The JS function that calling `f` means: f itself, or its __call bound to f. */
export function callable(f: LuaValue, desc: string | undefined): LuaFunction {
  if (typeof f === "function") return f as LuaFunction;
  const h = metamethod(f, "__call");
  if (typeof h === "function") {
    const mm = h as LuaFunction;
    const bound: LuaFunction = (...args: LuaValue[]) => mm(f, ...args);
    if (mm.$g !== undefined) {
      const g = mm.$g;
      bound.$g = (...args: LuaValue[]) => g(f, ...args);
    }
    return bound;
  }
  return luaError(`attempt to call ${described(desc, f)}`);
}

// ---------------------------------------------------------------- indexing

/** o[k] with __index (the "get" of every field access that misses the fast path). */
export function index(o: LuaValue, k: LuaValue, desc?: string, g?: 1): LuaValue {
  for (let loop = 0; loop < 100; loop++) {
    let h: LuaValue;
    if (o instanceof LuaTable) {
      const v = o.get(k);
      if (v !== undefined) return v;
      const mt = o.mt;
      if (mt === undefined) return undefined;
      h = mt.getStr("__index");
      if (h === undefined) return undefined;
    } else {
      h = metamethod(o, "__index");
      if (h === undefined) return luaError(`attempt to index ${described(desc, o)}`);
    }
    if (typeof h === "function") return callMeta(h, g, o, k);
    o = h;
    desc = undefined;
  }
  return luaError("loop in gettable");
}

/**
 * s.name for a string s (a method call such as s:sub(i, j)): the string library table read
 * directly when the strings' __index is a table, as it is unless a program changed it.
 */
export function indexString(s: string, k: string, desc?: string, g?: 1): LuaValue {
  const h = stringMeta === undefined ? undefined : stringMeta.getStr("__index");
  if (h instanceof LuaTable) {
    const v = h.getStr(k);
    if (v !== undefined || h.mt === undefined) return v;
  }
  return index(s, k, desc, g);
}

/** o[k] = v with __newindex. */
export function setIndex(o: LuaValue, k: LuaValue, v: LuaValue, desc?: string, g?: 1): LuaValue {
  for (let loop = 0; loop < 100; loop++) {
    let h: LuaValue;
    if (o instanceof LuaTable) {
      const mt = o.mt;
      if (mt === undefined || (h = mt.getStr("__newindex")) === undefined || o.get(k) !== undefined) {
        rawSet(o, k, v);
        return undefined;
      }
    } else {
      h = metamethod(o, "__newindex");
      if (h === undefined) return luaError(`attempt to index ${described(desc, o)}`);
    }
    if (typeof h === "function") {
      const gf = (h as LuaFunction).$g;
      if (g === 1 && gf !== undefined) {
        pendingGen = gf(o, k, v);
        return PENDING;
      }
      (h as LuaFunction)(o, k, v);
      return undefined;
    }
    o = h;
    desc = undefined;
  }
  return luaError("loop in settable");
}

/** rawset with Lua's key checks. */
export function rawSet(t: LuaTable, k: LuaValue, v: LuaValue): void {
  if (k === undefined) luaError("table index is nil");
  if (typeof k === "number" && k !== k) luaError("table index is NaN");
  t.set(k, v);
}

// ---------------------------------------------------------------- arithmetic

export type ArithEvent = "__add" | "__sub" | "__mul" | "__div" | "__mod" | "__pow" | "__unm";

/** Number coercion for arithmetic: numbers and numeric strings. */
export function arithNum(v: LuaValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") return stringToNumber(v);
  return undefined;
}

export function luaMod(a: number, b: number): number {
  // Lua's floored modulo, a - floor(a/b)*b, which is also LuaJIT's result for inf/nan cases.
  return a - Math.floor(a / b) * b;
}

const ARITH: Record<ArithEvent, (a: number, b: number) => number> = {
  __add: (a, b) => a + b,
  __sub: (a, b) => a - b,
  __mul: (a, b) => a * b,
  __div: (a, b) => a / b,
  __mod: luaMod,
  __pow: (a, b) => Math.pow(a, b),
  __unm: (a) => -a,
};

/** The slow path of a binary arithmetic operator. */
export function arith(ev: ArithEvent, a: LuaValue, b: LuaValue, da?: string, db?: string, g?: 1): number | LuaValue {
  const x = arithNum(a), y = arithNum(b);
  if (x !== undefined && y !== undefined) return ARITH[ev](x, y);
  let h = metamethod(a, ev);
  if (h === undefined) h = metamethod(b, ev);
  if (h !== undefined) return callMeta(h, g, a, b);
  // Lua blames the second operand when the first one is a number (or converts to one).
  if (x !== undefined) return luaError(`attempt to perform arithmetic on ${described(db, b)}`);
  return luaError(`attempt to perform arithmetic on ${described(da, a)}`);
}

// Binary operators as compiled code calls them: the number case first, small enough for
// V8 to inline at each call site.
export function add(a: LuaValue, b: LuaValue, da?: string, db?: string, g?: 1): LuaValue {
  return typeof a === "number" && typeof b === "number" ? a + b : arith("__add", a, b, da, db, g);
}
export function sub(a: LuaValue, b: LuaValue, da?: string, db?: string, g?: 1): LuaValue {
  return typeof a === "number" && typeof b === "number" ? a - b : arith("__sub", a, b, da, db, g);
}
export function mul(a: LuaValue, b: LuaValue, da?: string, db?: string, g?: 1): LuaValue {
  return typeof a === "number" && typeof b === "number" ? a * b : arith("__mul", a, b, da, db, g);
}
export function div(a: LuaValue, b: LuaValue, da?: string, db?: string, g?: 1): LuaValue {
  return typeof a === "number" && typeof b === "number" ? a / b : arith("__div", a, b, da, db, g);
}
export function mod(a: LuaValue, b: LuaValue, da?: string, db?: string, g?: 1): LuaValue {
  return typeof a === "number" && typeof b === "number" ? a - Math.floor(a / b) * b : arith("__mod", a, b, da, db, g);
}
export function pow(a: LuaValue, b: LuaValue, da?: string, db?: string, g?: 1): LuaValue {
  return typeof a === "number" && typeof b === "number" ? Math.pow(a, b) : arith("__pow", a, b, da, db, g);
}

export function unm(a: LuaValue, da?: string, g?: 1): LuaValue {
  if (typeof a === "number") return -a;
  const x = arithNum(a);
  if (x !== undefined) return -x;
  const h = metamethod(a, "__unm");
  if (h !== undefined) return callMeta(h, g, a, a);
  return luaError(`attempt to perform arithmetic on ${described(da, a)}`);
}

// ---------------------------------------------------------------- length, concat

export function len(v: LuaValue, desc?: string, g?: 1): LuaValue {
  if (typeof v === "string") return v.length;
  if (v instanceof LuaTable) return v.length(); // LuaJIT 2.1 (5.1 mode) ignores __len on tables
  const h = metamethod(v, "__len");
  if (h !== undefined) return callMeta(h, g, v, undefined);
  return luaError(`attempt to get length of ${described(desc, v)}`);
}

/** A string or number as concatenation sees it; undefined for other types. */
function concatStr(v: LuaValue): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberToString(v);
  return undefined;
}

export function concat(a: LuaValue, b: LuaValue, da?: string, db?: string, g?: 1): LuaValue {
  if (typeof a === "string" && typeof b === "string") return a + b;
  const x = concatStr(a), y = concatStr(b);
  if (x !== undefined && y !== undefined) return x + y;
  let h = metamethod(a, "__concat");
  if (h === undefined) h = metamethod(b, "__concat");
  if (h !== undefined) return callMeta(h, g, a, b);
  if (x !== undefined) return luaError(`attempt to concatenate ${described(db, b)}`);
  return luaError(`attempt to concatenate ${described(da, a)}`);
}

// ---------------------------------------------------------------- comparison

/** a == b (the slow path after a !== b: __eq between two tables or two userdata). */
export function eq(a: LuaValue, b: LuaValue): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object") return false;
  const ta = a instanceof LuaTable, tb = b instanceof LuaTable;
  if (ta !== tb) return false;
  const h1 = metamethod(a, "__eq");
  if (h1 === undefined) return false;
  const h2 = metamethod(b, "__eq");
  if (h1 !== h2) return false;
  return truthy(first(call(h1, a, b)));
}

function compareError(a: LuaValue, b: LuaValue): never {
  const t1 = typeName(a), t2 = typeName(b);
  if (t1 === t2) return luaError(`attempt to compare two ${t1} values`);
  return luaError(`attempt to compare ${t1} with ${t2}`);
}

function orderMeta(a: LuaValue, b: LuaValue, ev: string): LuaValue {
  if (typeName(a) !== typeName(b)) return undefined;
  const h1 = metamethod(a, ev);
  if (h1 === undefined) return undefined;
  const h2 = metamethod(b, ev);
  return h1 === h2 ? h1 : undefined;
}

export function lt(a: LuaValue, b: LuaValue): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (typeof a === "string" && typeof b === "string") return a < b;
  const h = orderMeta(a, b, "__lt");
  if (h !== undefined) return truthy(first(call(h, a, b)));
  return compareError(a, b);
}

export function le(a: LuaValue, b: LuaValue): boolean {
  if (typeof a === "number" && typeof b === "number") return a <= b;
  if (typeof a === "string" && typeof b === "string") return a <= b;
  const h = orderMeta(a, b, "__le");
  if (h !== undefined) return truthy(first(call(h, a, b)));
  const h2 = orderMeta(a, b, "__lt");
  if (h2 !== undefined) return !truthy(first(call(h2, b, a)));
  return compareError(a, b);
}

export function truthy(v: LuaValue): boolean {
  return v !== undefined && v !== false;
}

// ---------------------------------------------------------------- tostring

// LuaJIT names its fast functions "builtin#N"; tsresty numbers its builtins as they are first printed.
const builtinIds = new WeakMap<object, number>();
let nextBuiltinId = 1;
function builtinId(f: object): number {
  let id = builtinIds.get(f);
  if (id === undefined) builtinIds.set(f, (id = nextBuiltinId++));
  return id;
}

/** tostring(v), with __tostring. */
export function tostring(v: LuaValue): string {
  switch (typeof v) {
    case "string": return v;
    case "number": return numberToString(v);
    case "undefined": return "nil";
    case "boolean": return v ? "true" : "false";
    case "function": {
      const name = (v as LuaFunction).$name;
      return name !== undefined ? `function: builtin#${builtinId(v)}` : `function: ${addressOf(v)}`;
    }
  }
  const h = metamethod(v, "__tostring");
  if (h !== undefined) {
    const s = first(call(h, v));
    if (typeof s !== "string") {
      if (typeof s === "number") return numberToString(s);
      return luaError("'__tostring' must return a string");
    }
    return s;
  }
  if (v === LUA_NULL) return "userdata: NULL";
  return `${typeName(v)}: ${addressOf(v as object)}`;
}

/** Any thrown JS value as the Lua error value pcall returns. */
export function errorValue(e: unknown): LuaValue {
  if (e instanceof LuaError) return e.value;
  if (e instanceof RangeError && /call stack/.test(e.message)) {
    // The position of the innermost Lua frame where the stack ran out.
    keepStack(e);
    const f = luaFrames(e)[0];
    return (f !== undefined && f.line > 0 ? `${f.chunk.shortSrc}:${f.line}: ` : "") + "stack overflow";
  }
  // A JS exception from a host function: report its message as a Lua string.
  return e instanceof Error ? e.message : String(e);
}
