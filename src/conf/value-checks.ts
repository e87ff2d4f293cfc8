// The values nginx's standard handlers read (ngx_conf_set_num_slot, _size_, _off_, _msec_,
// _sec_, _bufs_, _enum_, _bitmask_slot), with their errors: `"name" directive invalid
// number`, `"name" directive invalid value`, or `invalid value "word"`, and the bitmask's
// `duplicate value` warning.

import type { ValueRule } from "./registry/index.js";

const MAX_INT = (1n << 63n) - 1n;

/** ngx_atoi and friends: decimal digits only, within a signed 64-bit integer. */
export function integer(s: string): bigint | null {
  if (!/^\d+$/.test(s)) return null;
  const v = BigInt(s);
  return v > MAX_INT ? null : v;
}

const SCALES: Readonly<Record<string, bigint>> = { k: 1024n, K: 1024n, m: 1048576n, M: 1048576n, g: 1073741824n, G: 1073741824n };

/** ngx_parse_size (units "kKmM") and ngx_parse_offset ("kKmMgG"): the bytes, or null. */
export function parseScaled(s: string, units: string): bigint | null {
  const unit = s.slice(-1);
  const scale = units.includes(unit) ? SCALES[unit]! : 1n;
  const v = integer(scale === 1n ? s : s.slice(0, -1));
  return v !== null && v <= MAX_INT / scale ? v * scale : null;
}

function scaled(s: string, units: string): boolean {
  return parseScaled(s, units) !== null;
}

const TIME_UNITS: Readonly<Record<string, [number, bigint]>> = {
  y: [1, 31536000n],
  M: [2, 2592000n],
  w: [3, 604800n],
  d: [4, 86400n],
  h: [5, 3600n],
  m: [6, 60n],
  s: [7, 1n],
};

/** ngx_parse_time: units in decreasing order (`1h30m`), `ms` only for msec, `y` only for sec. */
export function parseTime(s: string, isSec: boolean): bigint | null {
  const ST_MSEC = 8;
  const ST_LAST = 9;
  let step = isSec ? 0 : 2;
  let value = 0n;
  let total = 0n;
  let valid = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c >= "0" && c <= "9") {
      value = value * 10n + BigInt(c.charCodeAt(0) - 48);
      if (value > MAX_INT) return null;
      valid = true;
      i++;
      continue;
    }
    i++;
    let scale: bigint;
    let next: number;
    if (c === "m" && s[i] === "s") {
      if (isSec || step >= ST_MSEC) return null;
      i++;
      next = ST_MSEC;
      scale = 1n;
    } else if (c === " ") {
      if (step >= 7) return null;
      next = ST_LAST;
      scale = 1n;
    } else {
      const unit = TIME_UNITS[c];
      if (unit === undefined) return null;
      if (c === "y" ? step > 0 : step >= unit[0]) return null;
      next = unit[0];
      scale = unit[1];
    }
    step = next;
    let max = MAX_INT / scale;
    if (step !== ST_MSEC && !isSec) {
      scale *= 1000n;
      max /= 1000n;
    }
    if (value > max) return null;
    value *= scale;
    if (total > MAX_INT - value) return null;
    total += value;
    value = 0n;
    while (s[i] === " ") i++;
  }
  if (!valid) return null;
  if (!isSec) {
    if (value > MAX_INT / 1000n) return null;
    value *= 1000n;
  }
  return total > MAX_INT - value ? null : total + value;
}

export interface ValueVerdict {
  readonly error: string | null;
  readonly warnings: readonly string[];
}

const OK: ValueVerdict = { error: null, warnings: [] };

function invalid(name: string, what: "number" | "value"): ValueVerdict {
  return { error: `"${name}" directive invalid ${what}`, warnings: [] };
}

export function checkValue(rule: ValueRule, name: string, args: readonly string[]): ValueVerdict {
  const v = args[0] ?? "";
  switch (rule) {
    case "number":
      return integer(v) === null ? invalid(name, "number") : OK;
    case "size":
      return scaled(v, "kKmM") ? OK : invalid(name, "value");
    case "offset":
      return scaled(v, "kKmMgG") ? OK : invalid(name, "value");
    case "msec":
      return parseTime(v, false) === null ? invalid(name, "value") : OK;
    case "sec":
      return parseTime(v, true) === null ? invalid(name, "value") : OK;
    case "bufs": {
      const n = integer(v);
      const size = args[1] ?? "";
      return n === null || n === 0n || !scaled(size, "kKmM") || /^0+[kKmM]?$/.test(size) ? invalid(name, "value") : OK;
    }
  }
  const lower = (w: string): string => w.toLowerCase();
  if ("oneOf" in rule) {
    return rule.oneOf.some((w) => lower(w) === lower(v)) ? OK : { error: `invalid value "${v}"`, warnings: [] };
  }
  const seen = new Set<string>();
  const warnings: string[] = [];
  for (const a of args) {
    const known = rule.anyOf.find((w) => lower(w) === lower(a));
    if (known === undefined) return { error: `invalid value "${a}"`, warnings };
    if (seen.has(known)) warnings.push(`duplicate value "${a}"`);
    seen.add(known);
  }
  return warnings.length === 0 ? OK : { error: null, warnings };
}
