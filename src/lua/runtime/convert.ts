// Conversions between Lua values and text, as LuaJIT does them.
import { LuaTable } from "./table.js";
import type { LuaValue } from "./value.js";

/** type(v) */
export function typeName(v: LuaValue): string {
  switch (typeof v) {
    case "undefined": return "nil";
    case "boolean": return "boolean";
    case "number": return "number";
    case "string": return "string";
    case "function": return "function";
    default:
      if (v instanceof LuaTable) return "table";
      return (v as { luaType?: string }).luaType ?? "userdata";
  }
}

/** A number as LuaJIT prints it: "%.14g", with inf, -inf, nan and -0. */
export function numberToString(n: number): string {
  if (Number.isInteger(n)) {
    if (n > -1e14 && n < 1e14) return n === 0 && 1 / n < 0 ? "-0" : String(n);
  } else if (n !== n) {
    return "nan";
  } else if (n === Infinity) {
    return "inf";
  } else if (n === -Infinity) {
    return "-inf";
  }
  return formatG(n, 14, false);
}

/** C's %.<prec>g (alt: the '#' flag keeps trailing zeros). `n` is finite. */
export function formatG(n: number, prec: number, alt: boolean): string {
  if (prec === 0) prec = 1;
  if (n === 0) {
    const z = alt ? "0." + "0".repeat(prec - 1) : "0";
    return (1 / n < 0 ? "-" : "") + z;
  }
  const e = n.toExponential(prec - 1);
  const ei = e.indexOf("e");
  const exp = parseInt(e.slice(ei + 1), 10);
  if (exp < -4 || exp >= prec) {
    let mant = e.slice(0, ei);
    if (!alt && mant.indexOf(".") >= 0) mant = mant.replace(/\.?0+$/, "");
    const ae = Math.abs(exp);
    return `${mant}e${exp < 0 ? "-" : "+"}${ae < 10 ? "0" : ""}${ae}`;
  }
  let fixed = n.toFixed(Math.max(0, prec - 1 - exp));
  if (!alt && fixed.indexOf(".") >= 0) fixed = fixed.replace(/\.?0+$/, "");
  return fixed;
}

const SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
const DEC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/** A string converted as LuaJIT's lj_strscan does for tonumber() and arithmetic; undefined when it is not a number. */
export function stringToNumber(s: string): number | undefined {
  const t = s.indexOf(" ") >= 0 || /[\t\n\v\f\r]/.test(s) ? s.replace(SPACE, "") : s;
  if (t.length === 0) return undefined;
  if (DEC.test(t)) return Number(t);
  const m = HEX.exec(t);
  if (m !== null) {
    const int = m[2] ?? "", frac = m[3] ?? "";
    if (int.length + frac.length === 0) return undefined;
    let v = 0;
    for (const c of int) v = v * 16 + parseInt(c, 16);
    let scale = 1 / 16;
    for (const c of frac) { v += parseInt(c, 16) * scale; scale /= 16; }
    if (m[4] !== undefined) v *= Math.pow(2, parseInt(m[4], 10));
    return m[1] === "-" ? -v : v;
  }
  const lower = t.toLowerCase();
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (lower === "nan" || lower === "-nan" || lower === "+nan") return NaN;
  return undefined;
}

/** tonumber(v) without a base: numbers pass, numeric strings convert, anything else is undefined. */
export function toNumber(v: LuaValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") return stringToNumber(v);
  return undefined;
}

// Fake addresses for tostring(table) and friends: stable per object, never reused.
const ids = new WeakMap<object, number>();
let nextAddr = 0x40000000;
export function addressOf(o: object): string {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextAddr;
    nextAddr += 0x38;
    ids.set(o, id);
  }
  return "0x" + id.toString(16).padStart(8, "0");
}

/** Latin1 byte string <-> Buffer, at the I/O edges. */
export function bytesToLua(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}
export function luaToBytes(s: string): Buffer {
  return Buffer.from(s, "latin1");
}
/** A JS (UTF-16) string as a Lua byte string of its UTF-8 encoding. */
export function utf8ToLua(s: string): string {
  return Buffer.from(s, "utf8").toString("latin1");
}
/** A Lua byte string read as UTF-8 text (for JS APIs that want text: paths, messages). */
export function luaToUtf8(s: string): string {
  return Buffer.from(s, "latin1").toString("utf8");
}
