// Joining many Lua strings into one (table.concat, gsub's result). Lua strings hold one byte
// per char, so the result can be assembled in a Buffer and decoded once as latin1: V8's
// Array.prototype.join walks its parts through generic string code and measured 3-15 times
// slower on 250,000 short parts (bench/lua/strings.lua), where the Buffer is one allocation
// and one copy into a flat one-byte string.

/** Parts from which the Buffer pays off: below, join() is as fast and allocates less. */
const BUFFER_FROM = 64;
/** Parts up to this length are copied char by char: write() costs a C++ call each. */
const SHORT = 16;

/** parts.join(sep), for strings of bytes (code units 0-255). */
export function joinBytes(parts: readonly string[], sep: string): string {
  const n = parts.length;
  if (n < BUFFER_FROM) return parts.join(sep);
  const sl = sep.length;
  let total = sl * (n - 1);
  for (let k = 0; k < n; k++) total += parts[k]!.length;
  const buf = Buffer.allocUnsafe(total);
  const s0 = sl === 1 ? sep.charCodeAt(0) : 0;
  let off = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && sl > 0) {
      if (sl === 1) buf[off++] = s0;
      else off += buf.write(sep, off, "latin1");
    }
    const p = parts[k]!;
    const l = p.length;
    if (l <= SHORT) {
      for (let i = 0; i < l; i++) buf[off + i] = p.charCodeAt(i);
      off += l;
    } else {
      off += buf.write(p, off, "latin1");
    }
  }
  return buf.toString("latin1", 0, total);
}
