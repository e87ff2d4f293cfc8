// The body half of charset recoding, one recoder per response: byte to byte, a single-byte
// charset to UTF-8, or UTF-8 to a single-byte charset. UTF-8 is decoded as nginx's
// ngx_utf8_decode does it: a bad sequence becomes one "?" with what it swallowed, a
// character the map lacks becomes "&#N;", and a sequence cut by the end of a piece waits for
// the next one.
import type { Recoding } from "./charset-map.js";

export type Recoder = (s: string, last: boolean) => string;

/** Decode one sequence at `p`: [code point or BAD or SHORT, next position]. */
const BAD = -1;
const SHORT = -2;
function decode(s: string, p: number): [number, number] {
  let u = s.charCodeAt(p);
  let len: number;
  let valid: number;
  if (u >= 0xf0) {
    u &= 0x07;
    valid = 0xffff;
    len = 3;
  } else if (u >= 0xe0) {
    u &= 0x0f;
    valid = 0x7ff;
    len = 2;
  } else if (u >= 0xc2) {
    u &= 0x1f;
    valid = 0x7f;
    len = 1;
  } else return [BAD, p + 1];
  if (s.length - p - 1 < len) return [SHORT, p];
  p++;
  while (len > 0) {
    const c = s.charCodeAt(p++);
    if (c < 0x80) return [BAD, p];
    u = (u << 6) | (c & 0x3f);
    len--;
  }
  return u > valid ? [u, p] : [BAD, p];
}

export function recoderFor(rec: Exclude<Recoding, { kind: "name" }>): Recoder {
  switch (rec.kind) {
    case "bytes": {
      const t = rec.table;
      return (s) => {
        let out = "";
        for (let i = 0; i < s.length; i++) out += t[s.charCodeAt(i)]!;
        return out;
      };
    }
    case "to_utf8": {
      const t = rec.table;
      return (s) => {
        let out = "";
        for (let i = 0; i < s.length; i++) out += t[s.charCodeAt(i)]!;
        return out;
      };
    }
    case "from_utf8": {
      const t = rec.table;
      let held = "";
      return (piece, last) => {
        const s = held + piece;
        held = "";
        let out = "";
        let p = 0;
        while (p < s.length) {
          const c = s.charCodeAt(p);
          if (c < 0x80) {
            out += s[p++];
            continue;
          }
          const [cp, next] = decode(s, p);
          if (cp === SHORT) {
            if (!last) held = s.slice(p);
            else out += "?";
            break;
          }
          p = next;
          if (cp === BAD || cp > 0x10ffff) out += "?";
          else out += t.get(cp) ?? `&#${cp};`;
        }
        return out;
      };
    }
  }
}
