// The blocks whose lines are not directives but data their module reads itself (nginx's
// cf->handler): `types`, `map`, `geo`, `split_clients`, `charset_map`. Each kind has a
// line checker with its module's messages; `include` inside them reads more lines.

import type { BlockKind } from "./registry/index.js";

/** What one such block remembers across its lines. */
export interface LineState {
  readonly keys: Set<string>;
  hasDefault: boolean;
  lines: number;
  percent: number;
  hostnames: boolean;
}

export function newLineState(): LineState {
  return { keys: new Set(), hasDefault: false, lines: 0, percent: 0, hostnames: false };
}

/** null when the line is fine; "include" when it includes a file; else nginx's message. */
export type LineCheck = (words: readonly string[], state: LineState) => string | null | "include";

function mapLine(w: readonly string[], s: LineState): string | null | "include" {
  if (w.length === 1 && (w[0] === "hostnames" || w[0] === "volatile")) {
    if (w[0] === "hostnames") s.hostnames = true;
    return null;
  }
  if (w.length !== 2) return "invalid number of the map parameters";
  const key = w[0]!;
  if (key === "include") return "include";
  if (key === "default") {
    if (s.hasDefault) return "duplicate default map parameter";
    s.hasDefault = true;
    return null;
  }
  if (key.startsWith("~")) return null;
  // Keys go into a hash that folds case; a leading backslash only escapes the key.
  const k = (key.startsWith("\\") ? key.slice(1) : key).toLowerCase();
  if (s.keys.has(k)) return `conflicting parameter "${k}"`;
  s.keys.add(k);
  return null;
}

function geoLine(w: readonly string[], s: LineState): string | null | "include" {
  s.lines++;
  if (w.length === 1 && (w[0] === "ranges" || w[0] === "proxy_recursive")) {
    if (w[0] === "ranges" && s.lines !== 1) return 'the "ranges" directive must be the first directive inside "geo" block';
    return null;
  }
  if (w.length !== 2) return "invalid number of the geo parameters";
  return w[0] === "include" ? "include" : null;
}

/** ngx_atofp with two decimals: "33.3%" is 3330 hundredths, or -1. */
function hundredths(s: string): number {
  const m = /^(\d*)(?:\.(\d{0,2}))?$/.exec(s);
  if (m === null || s === "" || s === ".") return -1;
  return Number(m[1] || "0") * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

function splitClientsLine(w: readonly string[], s: LineState): string | null | "include" {
  const v = w[0]!;
  if (v === "*") return null;
  const n = v.endsWith("%") ? hundredths(v.slice(0, -1)) : -1;
  if (n <= 0) return `invalid percent value "${v}"`;
  s.percent += n;
  return s.percent > 10000 ? "percent total is greater than 100%" : null;
}

function typesLine(w: readonly string[]): string | null | "include" {
  return w.length === 2 && w[0] === "include" ? "include" : null;
}

export const LINE_CHECKS: Partial<Record<BlockKind, LineCheck>> = {
  map: mapLine,
  geo: geoLine,
  split_clients: splitClientsLine,
  types: typesLine,
  charset_map: () => null,
};
