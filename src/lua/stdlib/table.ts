// Lua's table library as LuaJIT 2.1 (OpenResty's branch) has it, with OpenResty's
// additions (table.new, table.clear, table.nkeys, table.isempty, table.isarray,
// table.clone) reachable through require "table.new" and friends.
//
// LuaJIT implements insert, concat, sort, maxn and getn in C, and remove, move, foreach
// and foreachi in Lua bytecode that reads and writes with raw integer-keyed accesses
// (BC_TGETR/TSETR). Those truncate a fractional key toward zero, so table.remove(t, 1.5)
// reads t[1]; the helpers rawGetR/rawSetR reproduce that.
import { LuaTable } from "../runtime/table.js";
import { luaError } from "../runtime/error.js";
import { call, first, metamethod, truthy } from "../runtime/ops.js";
import { numberToString, typeName } from "../runtime/convert.js";
import { joinBytes } from "../runtime/join.js";
import { NONE, type LuaFunction, type LuaValue, type LuaResult } from "../runtime/value.js";
import { checkNumber, checkTable, library, builtin } from "./args.js";
import { argTypeError } from "../runtime/error.js";

/** C's (int32_t) cast of a double on x86-64 (cvttsd2si): truncation, INT_MIN when out of range or NaN. */
export function num2int(x: number): number {
  const t = Math.trunc(x);
  return t >= -2147483648 && t <= 2147483647 ? t + 0 : -2147483648;
}

/** lj_lib_checkint: a number (or numeric string) converted with num2int. */
function checkInt32(a: readonly LuaValue[], i: number, fname: string): number {
  return num2int(checkNumber(a, i, fname));
}

function optInt32(a: readonly LuaValue[], i: number, fname: string, def: number): number {
  return a[i] === undefined ? def : checkInt32(a, i, fname);
}

/** lj_lib_optstr: nil or absent gives the default; numbers convert. */
function optStr(a: readonly LuaValue[], i: number, fname: string, def: string): string {
  const v = a[i];
  if (v === undefined) return def;
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberToString(v);
  return argTypeError(i + 1, fname, "string", typeName(v));
}

/**
 * The argument checks of the functions LuaJIT writes in Lua (remove, move, foreach,
 * foreachi): a missing argument is a nil parameter there, so it is reported as "nil".
 */
function checkTableL(a: readonly LuaValue[], i: number, fname: string): LuaTable {
  const v = a[i];
  if (v instanceof LuaTable) return v;
  return argTypeError(i + 1, fname, "table", typeName(v));
}

function checkNumberL(a: readonly LuaValue[], i: number, fname: string): number {
  if (a[i] === undefined) return argTypeError(i + 1, fname, "number", "nil");
  return checkNumber(a, i, fname);
}

function checkFuncL(a: readonly LuaValue[], i: number, fname: string): LuaFunction {
  const v = a[i];
  if (typeof v === "function") return v as LuaFunction;
  return argTypeError(i + 1, fname, "function", typeName(v));
}

function checkFunc(a: readonly LuaValue[], i: number, fname: string): LuaFunction {
  const v = a[i];
  if (typeof v === "function") return v as LuaFunction;
  return argTypeError(i + 1, fname, "function", i >= a.length ? "no value" : typeName(v));
}

/** BC_TGETR: raw get with the key converted to an int32. */
function rawGetR(t: LuaTable, k: number): LuaValue {
  return t.get(num2int(k));
}

/** BC_TSETR: raw set with the key converted to an int32. */
function rawSetR(t: LuaTable, k: number, v: LuaValue): void {
  t.set(num2int(k), v);
}

/** Drop trailing undefined from the array part (LuaTable's invariant). */
function trimArr(t: LuaTable): void {
  const a = t.arr;
  let n = a.length;
  while (n > 0 && a[n - 1] === undefined) n--;
  if (n !== a.length) a.length = n;
}

// ---------------------------------------------------------------- insert

/** for (j = i; j > n; j--) t[j] = t[j-1], as lj_cf_table_insert does it, in any range. */
function shiftUp(t: LuaTable, i: number, n: number): void {
  if (i - n <= 1 << 20) {
    for (let j = i; j > n; j--) t.set(j, t.get(j - 1));
    return;
  }
  // A position far below the border (e.g. INT_MIN from an out-of-range double): LuaJIT
  // walks two billion slots; the result is that every existing key k in [n, i-1] moves to
  // k+1 and the rest of t[n+1..i] is cleared. Do that without the walk.
  const found: [number, LuaValue][] = [];
  const a = t.arr;
  for (let k = Math.max(1, n); k <= Math.min(a.length, i); k++) {
    if (a[k - 1] !== undefined) found.push([k, a[k - 1]]);
  }
  t.forEachHash((v, k) => {
    if (typeof k === "number" && Number.isInteger(k) && k >= n && k <= i && v !== undefined) found.push([k, v]);
  });
  for (const [k] of found) if (k > n) t.set(k, undefined);
  // Highest first, so that growing the array part never meets a key still to be moved.
  found.sort((x, y) => y[0] - x[0]);
  for (const [k, v] of found) if (k < i) t.set(k + 1, v);
}

function insert(...a: LuaValue[]): LuaResult {
  const t = checkTable(a, 0, "insert");
  const nargs = a.length;
  let i = t.length() + 1;
  if (nargs !== 2) {
    if (nargs !== 3) luaError("wrong number of arguments to 'insert'");
    const n = checkInt32(a, 1, "insert");
    const arr = t.arr;
    if (n >= 1 && n < i && i === arr.length + 1 && t.hashEmpty() && a[2] !== undefined) {
      arr.splice(n - 1, 0, a[2]);
      return NONE;
    }
    shiftUp(t, i, n);
    i = n;
  }
  t.set(i, a[nargs - 1]);
  return NONE;
}

// ---------------------------------------------------------------- remove

function remove(...a: LuaValue[]): LuaResult {
  const t = checkTableL(a, 0, "remove");
  const len = t.length();
  if (a[1] === undefined) {
    if (len === 0) return NONE;
    const old = t.get(len);
    t.set(len, undefined);
    return old;
  }
  const pos = checkNumber(a, 1, "remove");
  if (!(pos >= 1 && pos <= len)) return NONE;
  const arr = t.arr;
  if (Number.isInteger(pos) && len === arr.length && t.hashEmpty()) {
    const old = arr[pos - 1];
    arr.splice(pos - 1, 1);
    trimArr(t);
    return old;
  }
  const old = rawGetR(t, pos);
  for (let i = pos + 1; i <= len; i++) rawSetR(t, i - 1, rawGetR(t, i));
  rawSetR(t, len, undefined);
  return old;
}

// ---------------------------------------------------------------- concat

function concatError(v: LuaValue, i: number): never {
  return luaError(`invalid value (${typeName(v)}) at index ${i} in table for 'concat'`);
}

function concat(...a: LuaValue[]): LuaResult {
  const t = checkTable(a, 0, "concat");
  const sep = optStr(a, 1, "concat", "");
  let i = optInt32(a, 2, "concat", 1);
  const e = a[3] === undefined ? t.length() : checkInt32(a, 3, "concat");
  if (i > e) return "";
  const arr = t.arr;
  if (i >= 1 && e <= arr.length) {
    // Array part only: collect, then one join.
    const parts: string[] = new Array(e - i + 1);
    for (let k = i; k <= e; k++) {
      const v = arr[k - 1];
      if (typeof v === "string") parts[k - i] = v;
      else if (typeof v === "number") parts[k - i] = numberToString(v);
      else concatError(v, k);
    }
    return joinBytes(parts, sep);
  }
  let out = "";
  for (;;) {
    const v = t.get(i);
    if (typeof v === "string") out += v;
    else if (typeof v === "number") out += numberToString(v);
    else concatError(v, i);
    if (i === e) break;
    out += sep;
    i++;
  }
  return out;
}

// ---------------------------------------------------------------- sort

function compareError(x: LuaValue, y: LuaValue): never {
  const t1 = typeName(x), t2 = typeName(y);
  // Raised inside the C function sort: LuaJIT gives it no position.
  if (t1 === t2) return luaError(`attempt to compare two ${t1} values`, 0);
  return luaError(`attempt to compare ${t1} with ${t2}`, 0);
}

/** Lua's `<` as sort's default order (lua_lessthan). */
function defaultLess(x: LuaValue, y: LuaValue): boolean {
  if (typeof x === "number" && typeof y === "number") return x < y;
  if (typeof x === "string" && typeof y === "string") return x < y;
  if (typeName(x) === typeName(y)) {
    const h = metamethod(x, "__lt");
    if (h !== undefined && h === metamethod(y, "__lt")) return truthy(first(call(h, x, y)));
  }
  return compareError(x, y);
}

/**
 * The quicksort of Lua 5.1 that LuaJIT uses (median of three, tail loop on the larger
 * part), so that the comparator sees the same calls in the same order and an
 * inconsistent comparator is caught at the same point.
 */
function sortTable(t: LuaTable, cmp: LuaFunction | undefined): void {
  const get = (i: number): LuaValue => {
    const a = t.arr;
    return i >= 1 && i <= a.length ? a[i - 1] : t.get(i);
  };
  const set = (i: number, v: LuaValue): void => {
    const a = t.arr;
    if (i >= 1 && i <= a.length && v !== undefined) a[i - 1] = v;
    else t.set(i, v);
  };
  const less = cmp === undefined ? defaultLess : (x: LuaValue, y: LuaValue) => truthy(first(cmp(x, y)));
  const orderError = (): never => luaError("invalid order function for sorting");

  const aux = (l: number, u: number): void => {
    while (l < u) {
      // Order a[l], a[mid], a[u].
      let al = get(l), au = get(u);
      if (less(au, al)) { set(l, au); set(u, al); }
      if (u - l === 1) break;
      let i = Math.floor((l + u) / 2);
      let ai = get(i);
      al = get(l);
      if (less(ai, al)) {
        set(i, al); set(l, ai);
      } else {
        au = get(u);
        if (less(au, ai)) { set(i, au); set(u, ai); }
      }
      if (u - l === 2) break;
      const p = get(i);
      // Pivot to u-1: a[l] <= P == a[u-1] <= a[u].
      set(i, get(u - 1));
      set(u - 1, p);
      i = l;
      let j = u - 1;
      for (;;) {
        let vi: LuaValue, vj: LuaValue;
        // LuaJIT stops at the bounds (i >= u, j <= l) rather than reading past them.
        while (less((vi = get(++i)), p)) if (i >= u) orderError();
        while (less(p, (vj = get(--j)))) if (j <= l) orderError();
        if (j < i) break;
        set(i, vj);
        set(j, vi);
      }
      const last = get(u - 1);
      set(u - 1, get(i));
      set(i, last);
      // Recurse into the smaller part, loop on the larger one.
      let lo: number, hi: number;
      if (i - l < u - i) {
        lo = l; hi = i - 1; l = i + 1;
      } else {
        lo = i + 1; hi = u; u = i - 1;
      }
      aux(lo, hi);
    }
  };
  aux(1, t.length());
}

function sort(...a: LuaValue[]): LuaResult {
  const t = checkTable(a, 0, "sort");
  let cmp: LuaFunction | undefined;
  if (a[1] !== undefined) cmp = checkFunc(a, 1, "sort");
  sortTable(t, cmp);
  return NONE;
}

// ---------------------------------------------------------------- the others

function maxn(...a: LuaValue[]): LuaResult {
  const t = checkTable(a, 0, "maxn");
  let m = 0;
  const arr = t.arr;
  for (let i = arr.length; i > 0; i--) {
    if (arr[i - 1] !== undefined) { m = i; break; }
  }
  t.forEachHash((v, k) => {
    if (typeof k === "number" && v !== undefined && k > m) m = k;
  });
  return m;
}

function getn(...a: LuaValue[]): LuaResult {
  return checkTable(a, 0, "getn").length();
}

function foreachi(...a: LuaValue[]): LuaResult {
  const t = checkTableL(a, 0, "foreachi");
  const f = checkFuncL(a, 1, "foreachi");
  const n = t.length();
  for (let i = 1; i <= n; i++) {
    const r = first(f(i, t.get(i)));
    if (r !== undefined) return r;
  }
  return NONE;
}

function foreach(...a: LuaValue[]): LuaResult {
  const t = checkTableL(a, 0, "foreach");
  const f = checkFuncL(a, 1, "foreach");
  let k: LuaValue = undefined;
  for (;;) {
    const e = t.next(k);
    if (e === undefined) return NONE;
    if (e === false) return luaError("invalid key to 'next'");
    k = e[0];
    const r = first(f(e[0], e[1]));
    if (r !== undefined) return r;
  }
}

function move(...a: LuaValue[]): LuaResult {
  const a1 = checkTableL(a, 0, "move");
  const f = checkNumberL(a, 1, "move");
  const e = checkNumberL(a, 2, "move");
  const t = checkNumberL(a, 3, "move");
  const a2 = a[4] === undefined ? a1 : checkTableL(a, 4, "move");
  if (e >= f) {
    const d = t - f;
    if (t > e || t <= f || a1 !== a2) {
      for (let i = f; i <= e; i++) rawSetR(a2, i + d, rawGetR(a1, i));
    } else {
      for (let i = e; i >= f; i--) rawSetR(a2, i + d, rawGetR(a1, i));
    }
  }
  return a2;
}

// ---------------------------------------------------------------- OpenResty additions

/** lj_tab_new's limits: an array part over 2^27 slots or a hash over 2^26 is an overflow. */
function tnew(...a: LuaValue[]): LuaResult {
  const narr = checkInt32(a, 0, "new");
  const nhash = checkInt32(a, 1, "new");
  const asize = narr > 0 ? narr + 1 : 0;
  const s = nhash >>> 0;
  const hbits = s === 0 ? 0 : s === 1 ? 1 : 1 + (31 - Math.clz32(s - 1));
  if (asize > (1 << 27) + 1 || hbits > 26) luaError("table overflow", 0);
  return new LuaTable();
}

function clear(...a: LuaValue[]): LuaResult {
  const t = checkTable(a, 0, "clear");
  t.clear();
  return NONE;
}

function nkeys(...a: LuaValue[]): LuaResult {
  return checkTable(a, 0, "nkeys").count();
}

function isempty(...a: LuaValue[]): LuaResult {
  const t = checkTable(a, 0, "isempty");
  if (!t.hashEmpty()) return false;
  for (const v of t.arr) if (v !== undefined) return false;
  return true;
}

/** True when every key is a number with an integral value (what OpenResty's LuaJIT checks). */
function isarray(...a: LuaValue[]): LuaResult {
  const t = checkTable(a, 0, "isarray");
  let ok = true;
  t.forEachHash((v, k) => {
    if (v !== undefined && (typeof k !== "number" || Math.floor(k) !== k)) ok = false;
  });
  return ok;
}

function clone(...a: LuaValue[]): LuaResult {
  const t = checkTable(a, 0, "clone");
  // A shallow copy without the metatable, as OpenResty's table.clone.
  return t.clone();
}

const extras: Record<string, LuaFunction> = {
  new: builtin("new", tnew),
  clear: builtin("clear", clear),
  nkeys: builtin("nkeys", nkeys),
  isempty: builtin("isempty", isempty),
  isarray: builtin("isarray", isarray),
  clone: builtin("clone", clone),
};

let tableLib: LuaTable | undefined;

export function openTable(G: LuaTable): void {
  const t = library({ concat, foreach, foreachi, getn, insert, maxn, move, remove, sort });
  tableLib = t;
  G.setStr("table", t);
}

/** The OpenResty additions, as LuaJIT loads them: require "table.new" also sets table.new. */
export const preloads: Record<string, () => LuaValue> = {};
for (const name of Object.keys(extras)) {
  preloads["table." + name] = () => {
    const f = extras[name]!;
    if (tableLib !== undefined) tableLib.setStr(name, f);
    return f;
  };
}

/** For other libraries: Lua 5.1's sort with an optional comparator. */
export { sortTable };
