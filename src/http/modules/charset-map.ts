// charset_map blocks: `charset_map A B { XX YY; }` gives the recoding tables A->B and B->A.
// When B is utf-8, YY is the character's UTF-8 bytes in hex; otherwise one byte. As nginx
// builds them, ASCII maps to itself and any other byte not listed becomes "?"; a character
// from UTF-8 that the map lacks becomes "&#N;" (charset-recode.ts).
import type { Directive } from "../../conf/ast.js";
import { ConfigError, type SettingSpec } from "../config/settings.js";

export type Recoding =
  | { readonly kind: "bytes"; readonly table: string } // 256 chars, one per byte
  | { readonly kind: "to_utf8"; readonly table: readonly string[] } // 256 UTF-8 byte strings
  | { readonly kind: "from_utf8"; readonly table: ReadonlyMap<number, string> } // code point -> byte
  | { readonly kind: "name"; readonly name: string }; // a charset's spelling, by "name\0"

/** The recodings by "src\0dst" (names lowercased), and the names as first written by "name\0". */
export type CharsetMaps = ReadonlyMap<string, Recoding>;

export const isUtf8 = (name: string): boolean => name.toLowerCase() === "utf-8";

const HEX = /^[0-9a-fA-F]+$/;

function hexByte(d: Directive, s: string): number {
  if (s.length !== 2 || !HEX.test(s)) throw new ConfigError(`invalid value "${s}"`, d.file, d.line);
  return parseInt(s, 16);
}

/** The code point of UTF-8 bytes given in hex (checked as nginx decodes them). */
function utf8CodePoint(d: Directive, s: string): { bytes: string; cp: number } {
  if (s.length === 0 || s.length % 2 !== 0 || s.length > 8 || !HEX.test(s)) throw new ConfigError(`invalid value "${s}"`, d.file, d.line);
  const bytes = Buffer.from(s, "hex");
  const cp = bytes.toString("utf8").codePointAt(0);
  if (cp === undefined || Buffer.from(String.fromCodePoint(cp), "utf8").length !== bytes.length) {
    throw new ConfigError(`invalid value "${s}"`, d.file, d.line);
  }
  return { bytes: bytes.toString("latin1"), cp };
}

function identityOrQuestion(i: number): string {
  return i < 0x80 ? String.fromCharCode(i) : "?";
}

export function compileCharsetMap(d: Directive): [string, Recoding][] {
  const src = (d.args[0] ?? "").toLowerCase();
  const dst = (d.args[1] ?? "").toLowerCase();
  if (isUtf8(src)) throw new ConfigError(`"charset_map" directive has invalid value: "${d.args[0]}"`, d.file, d.line);
  if (isUtf8(dst)) {
    const to = Array.from({ length: 256 }, (_, i) => identityOrQuestion(i));
    const from = new Map<number, string>();
    for (const line of d.block ?? []) {
      const b = hexByte(line, line.name);
      const { bytes, cp } = utf8CodePoint(line, line.args[0] ?? "");
      to[b] = bytes;
      from.set(cp, String.fromCharCode(b));
    }
    return [[`${src}\0${dst}`, { kind: "to_utf8", table: to }], [`${dst}\0${src}`, { kind: "from_utf8", table: from }]];
  }
  const fwd = Array.from({ length: 256 }, (_, i) => identityOrQuestion(i));
  const back = fwd.slice();
  for (const line of d.block ?? []) {
    const a = hexByte(line, line.name);
    const b = hexByte(line, line.args[0] ?? "");
    fwd[a] = String.fromCharCode(b);
    back[b] = String.fromCharCode(a);
  }
  return [[`${src}\0${dst}`, { kind: "bytes", table: fwd.join("") }], [`${dst}\0${src}`, { kind: "bytes", table: back.join("") }]];
}

export const charsetMapSetting: SettingSpec<CharsetMaps> = {
  directive: "charset_map",
  key: "charset_map",
  default: new Map(),
  parse(d, prev) {
    const m = new Map(prev ?? []);
    for (const [k, v] of compileCharsetMap(d)) m.set(k, v);
    for (const a of d.args) if (!m.has(a.toLowerCase() + "\0")) m.set(a.toLowerCase() + "\0", { kind: "name", name: a });
    return m;
  },
};
