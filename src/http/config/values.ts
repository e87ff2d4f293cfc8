// nginx's value syntaxes: sizes (`8k`, `1m`), times (`75s`, `1h30m`, `500ms`), flags.
// Each parser returns undefined for an invalid value; the caller words the error.

const SIZE_UNITS: Readonly<Record<string, number>> = { "": 1, k: 1024, K: 1024, m: 1048576, M: 1048576, g: 1073741824, G: 1073741824 };

/** ngx_parse_size / ngx_parse_offset: "16k" -> 16384. */
export function parseSize(s: string): number | undefined {
  const m = /^([0-9]+)([kKmMgG]?)$/.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * SIZE_UNITS[m[2]!]!;
}

const TIME_UNITS: Readonly<Record<string, number>> = {
  ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000,
};

/** ngx_parse_time in milliseconds: "75s", "1h 30m", "500ms"; a bare number is seconds. */
export function parseTimeMs(s: string): number | undefined {
  const t = s.replace(/ /g, "");
  if (/^[0-9]+$/.test(t)) return Number(t) * 1000;
  const re = /([0-9]+)(ms|[smhdwMy])/y;
  let total = 0;
  let pos = 0;
  while (pos < t.length) {
    re.lastIndex = pos;
    const m = re.exec(t);
    if (!m) return undefined;
    total += Number(m[1]) * TIME_UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

export function parseFlag(s: string): boolean | undefined {
  if (s === "on") return true;
  if (s === "off") return false;
  return undefined;
}
