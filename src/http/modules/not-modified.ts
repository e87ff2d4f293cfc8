// nginx's not_modified filter: conditional requests against the response's Last-Modified
// and ETag. If-Unmodified-Since and If-Match failing give 412; If-Modified-Since and
// If-None-Match matching turn a 200 into a 304 (header only). Applies to every main 200
// response that has the validators, whoever set them (static files, Lua, proxy).
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import { OK } from "../phases.js";
import { ConfigError, flag, type SettingSpec } from "../config/settings.js";

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};
const MDAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

function twoDigits(s: string, i: number): number {
  const a = digit(s, i), b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * ngx_parse_http_time: RFC 1123 ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850
 * ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994"), in seconds;
 * -1 when it does not parse. What follows the time (" GMT") is not checked, as in nginx.
 */
export function parseHttpTime(v: string): number {
  const end = v.length;
  let p = 0;
  let fmt: "rfc822" | "rfc850" | "isoc" | "" = "";
  for (; p < end; p++) {
    if (v[p] === ",") break;
    if (v[p] === " ") {
      fmt = "isoc";
      break;
    }
  }
  for (p++; p < end; p++) if (v[p] !== " ") break;
  if (end - p < 18) return -1;
  let day = 0;
  if (fmt !== "isoc") {
    day = twoDigits(v, p);
    if (day < 0) return -1;
    p += 2;
    if (v[p] === " ") {
      if (end - p < 18) return -1;
      fmt = "rfc822";
    } else if (v[p] === "-") fmt = "rfc850";
    else return -1;
    p++;
  }
  const month = MONTHS[v.slice(p, p + 3)];
  if (month === undefined) return -1;
  p += 3;
  if ((fmt === "rfc822" && v[p] !== " ") || (fmt === "rfc850" && v[p] !== "-")) return -1;
  p++;
  let year = 0;
  if (fmt === "rfc822") {
    const a = twoDigits(v, p), b = twoDigits(v, p + 2);
    if (a < 0 || b < 0) return -1;
    year = a * 100 + b;
    p += 4;
  } else if (fmt === "rfc850") {
    year = twoDigits(v, p);
    if (year < 0) return -1;
    year += year < 70 ? 2000 : 1900;
    p += 2;
  } else {
    if (v[p] === " ") p++;
    day = digit(v, p++);
    if (day < 0) return -1;
    if (v[p] !== " ") {
      const d2 = digit(v, p++);
      if (d2 < 0) return -1;
      day = day * 10 + d2;
    }
    if (end - p < 14) return -1;
  }
  if (v[p++] !== " ") return -1;
  const hour = twoDigits(v, p);
  if (hour < 0 || v[p + 2] !== ":") return -1;
  const min = twoDigits(v, p + 3);
  if (min < 0 || v[p + 5] !== ":") return -1;
  const sec = twoDigits(v, p + 6);
  if (sec < 0) return -1;
  p += 8;
  if (fmt === "isoc") {
    if (v[p++] !== " ") return -1;
    const a = twoDigits(v, p), b = twoDigits(v, p + 2);
    if (a < 0 || b < 0) return -1;
    year = a * 100 + b;
  }
  if (hour > 23 || min > 59 || sec > 59) return -1;
  if (day === 29 && month === 1) {
    if ((year & 3) !== 0 || (year % 100 === 0 && year % 400 !== 0)) return -1;
  } else if (day > MDAYS[month]!) return -1;
  return Date.UTC(year, month, day, hour, min, sec) / 1000;
}

/** The response's Last-Modified in seconds, -1 when none (or unparsable). */
export function lastModifiedTime(r: Request): number {
  // Set as a special field (static files) or as a header (ngx.header, proxied responses).
  const lm = r.lastModified ?? r.headersOut.get("last-modified");
  if (lm === undefined) return -1;
  return parseHttpTime(lm);
}

/** ngx_http_test_if_match: `*`, or the ETag in the list (weakly compared for If-None-Match). */
export function testIfMatch(r: Request, list: string, weak: boolean): boolean {
  if (list === "*") return true;
  let etag = r.headersOut.get("etag");
  if (etag === undefined) return false;
  if (weak && etag.length > 2 && etag.startsWith("W/")) etag = etag.slice(2);
  let s = 0;
  const end = list.length;
  while (s < end) {
    if (weak && end - s > 2 && list[s] === "W" && list[s + 1] === "/") s += 2;
    if (etag.length > end - s) return false;
    if (list.startsWith(etag, s)) {
      s += etag.length;
      while (s < end && (list[s] === " " || list[s] === "\t")) s++;
      if (s === end || list[s] === ",") return true;
    }
    while (s < end && list[s] !== ",") s++;
    while (s < end && (list[s] === " " || list[s] === "\t" || list[s] === ",")) s++;
  }
  return false;
}

type ImsMode = "off" | "exact" | "before";

const ifModifiedSince: SettingSpec<ImsMode> = {
  directive: "if_modified_since",
  key: "if_modified_since",
  default: "exact",
  parse(d) {
    const v = d.args[0] ?? "";
    if (v !== "off" && v !== "exact" && v !== "before") {
      throw new ConfigError(`invalid value "${v}" in "if_modified_since" directive, it must be "off", "exact" or "before"`, d.file, d.line);
    }
    return v;
  },
};

function modifiedSince(r: Request, ims: string): boolean {
  const lm = lastModifiedTime(r);
  if (lm < 0) return true;
  const mode = r.loc.settings.if_modified_since as ImsMode;
  if (mode === "off") return true;
  const t = parseHttpTime(ims);
  if (t === lm) return false;
  return mode === "exact" || t < lm;
}

function notModifiedFilter(r: Request): number {
  if (r.status !== 200 || r !== r.main) return OK;
  const h = r.headersIn;
  const ius = h.get("if-unmodified-since");
  if (ius !== undefined) {
    const lm = lastModifiedTime(r);
    if (lm < 0 || parseHttpTime(ius) < lm) return 412;
  }
  const im = h.get("if-match");
  if (im !== undefined && !testIfMatch(r, im, false)) return 412;
  const ims = h.get("if-modified-since");
  const inm = h.get("if-none-match");
  if (ims === undefined && inm === undefined) return OK;
  if (ims !== undefined && modifiedSince(r, ims)) return OK;
  if (inm !== undefined && !testIfMatch(r, inm, true)) return OK;
  r.status = 304;
  r.statusLine = undefined;
  r.contentType = undefined;
  r.charset = undefined;
  r.contentLength = -1;
  r.headersOut.remove("content-length");
  r.headersOut.remove("accept-ranges");
  r.headersOut.remove("content-encoding");
  return OK;
}

export const notModifiedModule: HttpModule = {
  name: "not_modified",
  settings: [ifModifiedSince, flag("etag", true)],
  headerFilter: () => notModifiedFilter,
};
