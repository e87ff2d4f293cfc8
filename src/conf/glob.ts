// `include` with `*`, `?` or `[` expands like glob(3) with no flags, as nginx calls it:
// each wildcard segment matches the names of one directory (not those starting with `.`
// unless the pattern does), `[...]` and `[!...]` are classes, `\` escapes, and the
// results come sorted bytewise (nginx never sets a locale). Paths are byte strings.

import { readdirSync, statSync } from "node:fs";
import { bytesToBuffer } from "./bytes.js";

const MAGIC = /[*?[]/;

export function hasGlobMagic(path: string): boolean {
  return MAGIC.test(path);
}

/** The fnmatch(3) pattern of one path segment as a RegExp over byte strings. */
function segmentRegExp(segment: string): RegExp {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "\\" && i + 1 < segment.length) {
      re += escapeRe(segment[++i]!);
    } else if (c === "*") {
      re += "[^]*";
    } else if (c === "?") {
      re += "[^]";
    } else if (c === "[") {
      const end = classEnd(segment, i);
      if (end === -1) {
        re += "\\[";
      } else {
        let body = segment.slice(i + 1, end);
        let negate = false;
        if (body[0] === "!" || body[0] === "^") {
          negate = true;
          body = body.slice(1);
        }
        re += (negate ? "[^" : "[") + body.replace(/[\\\]^]/g, "\\$&") + "]";
        i = end;
      }
    } else {
      re += escapeRe(c);
    }
  }
  return new RegExp("^" + re + "$");
}

/** Where a `[` class ends (its `]`, which may not be the first member), or -1. */
function classEnd(s: string, open: number): number {
  let j = open + 1;
  if (s[j] === "!" || s[j] === "^") j++;
  if (s[j] === "]") j++;
  const end = s.indexOf("]", j);
  return end;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? "\\" + c : c;
}

function listDir(dir: string): string[] {
  try {
    return (readdirSync(bytesToBuffer(dir === "" ? "." : dir), { encoding: "buffer" }) as Buffer[]).map((b) =>
      b.toString("latin1"),
    );
  } catch {
    return [];
  }
}

function exists(path: string): boolean {
  try {
    statSync(bytesToBuffer(path));
    return true;
  } catch {
    return false;
  }
}

/** The paths a pattern matches, sorted; none is not an error for `include`. */
export function expandGlob(pattern: string): string[] {
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/").filter((s, i) => s !== "" || i === 0);
  let found: string[] = [absolute ? "/" : ""];
  for (let i = absolute ? 1 : 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const base of found) {
      const join = (name: string): string => (base === "" ? name : base.endsWith("/") ? base + name : base + "/" + name);
      if (!hasGlobMagic(seg)) {
        const p = join(seg.replace(/\\(.)/g, "$1"));
        if (last ? exists(p) : true) next.push(p);
        continue;
      }
      const re = segmentRegExp(seg);
      const dotOk = seg.startsWith(".");
      for (const name of listDir(base)) {
        if (name.startsWith(".") && !dotOk) continue;
        if (re.test(name)) next.push(join(name));
      }
    }
    found = next;
  }
  return found.filter((p) => p !== "" && exists(p)).sort(compareBytes);
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
