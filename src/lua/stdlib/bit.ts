// LuaJIT's bit module (also the global `bit`): 32-bit operations on Lua numbers.
// Numbers become int32 as LuaJIT's lj_num2bit does it: the double plus 2^52+2^51 keeps
// the integer part, rounded half to even, in its low 32 mantissa bits, so 2.5 -> 2,
// 3.5 -> 4, 2^32+1 -> 1, and inf or NaN -> 0.
import type { LuaTable } from "../runtime/table.js";
import type { LuaValue, LuaResult } from "../runtime/value.js";
import { checkNumber, library } from "./args.js";

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer); // little-endian: i32[0] is the low word

/** lj_num2bit: any double to an int32. */
export function tobit32(x: number): number {
  if ((x | 0) === x) return x | 0; // | 0 also turns -0 into 0
  if (Number.isInteger(x) && x > -2251799813685248 && x < 2251799813685248) return x | 0;
  f64[0] = x + 6755399441055744.0;
  return i32[0]!;
}

function checkBit(a: readonly LuaValue[], i: number, fname: string): number {
  const v = a[i];
  if (typeof v === "number" && (v | 0) === v) return v | 0;
  return tobit32(checkNumber(a, i, fname));
}

function tohex(...a: LuaValue[]): LuaResult {
  let b = checkBit(a, 0, "tohex") >>> 0;
  let n = a.length < 2 ? 8 : checkBit(a, 1, "tohex");
  let upper = false;
  if (n < 0) {
    n = -n; // INT_MIN stays huge and is clamped below
    upper = true;
  }
  if (n > 254) n = 254;
  if (n < 8) b = n === 0 ? 0 : b % 16 ** n;
  let s = n === 0 && b === 0 ? "" : b.toString(16).padStart(n, "0");
  if (upper) s = s.toUpperCase();
  return s;
}

// The common calls (two int32 numbers) take a fast path without a rest array.
function variadic(name: string, op: (x: number, y: number) => number): (...a: LuaValue[]) => LuaResult {
  const slow = (a: LuaValue[]): LuaResult => {
    let r = checkBit(a, 0, name);
    for (let i = 1; i < a.length; i++) r = op(r, checkBit(a, i, name));
    return r;
  };
  return function (this: unknown, x?: LuaValue, y?: LuaValue): LuaResult {
    if (arguments.length === 2 && typeof x === "number" && typeof y === "number" && (x | 0) === x && (y | 0) === y) return op(x, y);
    return slow(Array.prototype.slice.call(arguments) as LuaValue[]);
  } as (...a: LuaValue[]) => LuaResult;
}

function shift(name: string, op: (x: number, n: number) => number): (...a: LuaValue[]) => LuaResult {
  return function (this: unknown, x?: LuaValue, n?: LuaValue): LuaResult {
    if (typeof x === "number" && typeof n === "number" && (x | 0) === x && (n | 0) === n) return op(x, n & 31);
    const a = Array.prototype.slice.call(arguments) as LuaValue[];
    return op(checkBit(a, 0, name), checkBit(a, 1, name) & 31);
  } as (...a: LuaValue[]) => LuaResult;
}

let bitLib: LuaTable | undefined;

function makeBit(): LuaTable {
  return library({
    tobit: (...a: LuaValue[]) => checkBit(a, 0, "tobit"),
    tohex,
    bnot: (...a: LuaValue[]) => ~checkBit(a, 0, "bnot"),
    band: variadic("band", (x, y) => x & y),
    bor: variadic("bor", (x, y) => x | y),
    bxor: variadic("bxor", (x, y) => x ^ y),
    lshift: shift("lshift", (x, n) => x << n),
    rshift: shift("rshift", (x, n) => (x >>> n) | 0),
    arshift: shift("arshift", (x, n) => x >> n),
    // JS masks shift counts to 5 bits, so n = 0 gives x | x.
    rol: shift("rol", (x, n) => (x << n) | (x >>> (32 - n))),
    ror: shift("ror", (x, n) => (x >>> n) | (x << (32 - n))),
    bswap: (...a: LuaValue[]) => {
      const x = checkBit(a, 0, "bswap");
      return ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) | 0;
    },
  });
}

export function openBit(G: LuaTable): void {
  bitLib = makeBit();
  G.setStr("bit", bitLib);
}

/** require "bit" gives the same table as the global. */
export const preloads: Record<string, () => LuaValue> = {
  bit: () => (bitLib ??= makeBit()),
};
