// How a zone's values are written in Redis: one string per scalar, "<type><flags>:<payload>"
// with type s (string), n (number, written so that it reads back to the same double) or
// b (boolean, payload 1 or 0); list items the same way with flags 0. The Redis scripts of
// ./redis-ops.ts read numbers in this form too (incr).
import type { ShValue } from "./store.js";

/** A number as text that reads back to the same double (Lua's tonumber and Number() agree). */
export function encodeNumber(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (Object.is(n, -0)) return "-0";
  return String(n);
}

/** The inverse of encodeNumber, also for Redis Lua's %.17g ("inf", "-nan"). */
export function decodeNumber(s: string): number {
  const n = Number(s);
  if (!Number.isNaN(n)) return n;
  if (s === "inf") return Infinity;
  if (s === "-inf") return -Infinity;
  return NaN;
}

export function encodeValue(v: ShValue, flags: number): string {
  if (typeof v === "string") return `s${flags}:${v}`;
  if (typeof v === "number") return `n${flags}:${encodeNumber(v)}`;
  return `b${flags}:${v ? 1 : 0}`;
}

export interface Decoded {
  readonly value: ShValue;
  readonly flags: number;
}

export function decodeValue(s: string): Decoded {
  const c = s.indexOf(":");
  const flags = Number(s.slice(1, c)) | 0;
  const payload = s.slice(c + 1);
  const t = s.charCodeAt(0);
  // 0x6e "n", 0x62 "b"; anything else is a string (written by us as "s")
  const value = t === 0x6e ? decodeNumber(payload) : t === 0x62 ? payload === "1" : payload;
  return { value, flags };
}
