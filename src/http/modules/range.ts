// nginx's range filter, header half: for a response that allows ranges (static files), a
// `Range: bytes=...` request turns the 200 into a 206 with Content-Range (one range) or a
// multipart/byteranges body (several), or a 416 with `Content-Range: bytes */SIZE`;
// otherwise `Accept-Ranges: bytes` is added. The body half is the static module's (it
// knows the file): it reads the plan this filter leaves in r.notes.
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import { OK } from "../phases.js";
import { ConfigError, type SettingSpec } from "../config/settings.js";
import { parseHttpTime, lastModifiedTime } from "./not-modified.js";

export interface ByteRange {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** What the body must be: the ranges, and for several the part headers and the closing line. */
export interface RangePlan {
  readonly ranges: readonly ByteRange[];
  /** Per range, the text before its bytes (multipart only). */
  readonly heads?: readonly string[];
  /** The closing boundary (multipart only). */
  readonly tail?: string;
}

export const ALLOW_RANGES = "allow_ranges";
export const RANGE_PLAN = "range_plan";

const MAX_OFF = Number.MAX_SAFE_INTEGER;
const NOT_SATISFIABLE = 416;
const DECLINED = -1;

/** ngx_http_range_parse: the ranges, 416, or DECLINED (serve the whole). */
function parseRanges(v: string, size: number, max: number, out: ByteRange[]): number {
  let p = 6;
  const at = (i: number): string => v[i] ?? "\0";
  const isDigit = (c: string): boolean => c >= "0" && c <= "9";
  let total = 0;
  let left = max;
  for (;;) {
    let start = 0;
    let end = 0;
    let suffix = false;
    let open = false;
    while (at(p) === " ") p++;
    if (at(p) !== "-") {
      if (!isDigit(at(p))) return NOT_SATISFIABLE;
      while (isDigit(at(p))) {
        start = start * 10 + (v.charCodeAt(p++) - 48);
        if (start > MAX_OFF) return NOT_SATISFIABLE;
      }
      while (at(p) === " ") p++;
      if (at(p++) !== "-") return NOT_SATISFIABLE;
      while (at(p) === " ") p++;
      if (at(p) === "," || at(p) === "\0") {
        end = size;
        open = true;
      }
    } else {
      suffix = true;
      p++;
    }
    if (!open) {
      if (!isDigit(at(p))) return NOT_SATISFIABLE;
      while (isDigit(at(p))) {
        end = end * 10 + (v.charCodeAt(p++) - 48);
        if (end > MAX_OFF) return NOT_SATISFIABLE;
      }
      while (at(p) === " ") p++;
      if (at(p) !== "," && at(p) !== "\0") return NOT_SATISFIABLE;
      if (suffix) {
        start = end < size ? size - end : 0;
        end = size - 1;
      }
      end = end >= size ? size : end + 1;
    }
    if (start < end) {
      out.push({ start, end });
      total += end - start;
      if (left-- === 0) return DECLINED;
    } else if (start === 0) return DECLINED;
    if (at(p++) !== ",") break;
  }
  if (out.length === 0) return NOT_SATISFIABLE;
  if (total > size) return DECLINED;
  return OK;
}

// nginx numbers multipart boundaries with its temp-file counter; the first response gets 1.
let boundaryCounter = 0;

function ifRangeAllows(r: Request, ir: string): boolean {
  if (ir.length >= 2 && ir.endsWith('"')) return r.headersOut.get("etag") === ir;
  const lm = lastModifiedTime(r);
  return lm >= 0 && parseHttpTime(ir) === lm;
}

function rangeFilter(r: Request): number {
  if (r.version < 1000 || r.status !== 200 || r !== r.main || r.contentLength < 0 || r.notes.get(ALLOW_RANGES) !== true) return OK;
  const max = r.loc.settings.max_ranges as number;
  if (max === 0) return OK;
  const v = r.headersIn.get("range");
  const ir = r.headersIn.get("if-range");
  if (v !== undefined && v.length >= 7 && v.slice(0, 6).toLowerCase() === "bytes=" && (ir === undefined || ifRangeAllows(r, ir))) {
    const ranges: ByteRange[] = [];
    const size = r.contentLength;
    const rc = parseRanges(v, size, max, ranges);
    if (rc === NOT_SATISFIABLE) {
      r.headersOut.add("Content-Range", `bytes */${size}`);
      r.contentLength = -1;
      return NOT_SATISFIABLE;
    }
    if (rc === OK) {
      r.status = 206;
      r.statusLine = undefined;
      if (ranges.length === 1) {
        const g = ranges[0]!;
        r.headersOut.add("Content-Range", `bytes ${g.start}-${g.end - 1}/${size}`);
        r.contentLength = g.end - g.start;
        r.notes.set(RANGE_PLAN, { ranges } satisfies RangePlan);
        return OK;
      }
      const boundary = String(++boundaryCounter).padStart(20, "0");
      let head = `\r\n--${boundary}\r\n`;
      if (r.contentType) head += `Content-Type: ${r.contentType}${r.charset ? "; charset=" + r.charset : ""}\r\n`;
      head += "Content-Range: bytes ";
      r.contentType = `multipart/byteranges; boundary=${boundary}`;
      r.charset = undefined;
      const tail = `\r\n--${boundary}--\r\n`;
      let len = tail.length;
      const heads = ranges.map((g) => {
        const h = `${head}${g.start}-${g.end - 1}/${size}\r\n\r\n`;
        len += h.length + g.end - g.start;
        return h;
      });
      r.contentLength = len;
      r.notes.set(RANGE_PLAN, { ranges, heads, tail } satisfies RangePlan);
      return OK;
    }
  }
  r.headersOut.add("Accept-Ranges", "bytes");
  return OK;
}

const maxRanges: SettingSpec<number> = {
  directive: "max_ranges",
  key: "max_ranges",
  default: 0x7fffffff,
  parse(d) {
    const a = d.args[0] ?? "";
    if (!/^[0-9]+$/.test(a)) throw new ConfigError(`invalid number "${a}" in "max_ranges" directive`, d.file, d.line);
    return Number(a);
  },
};

export const rangeModule: HttpModule = {
  name: "range",
  settings: [maxRanges],
  headerFilter: () => rangeFilter,
};
