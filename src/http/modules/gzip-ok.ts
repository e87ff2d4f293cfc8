// Whether a client may get a gzipped response (nginx's ngx_http_gzip_ok, shared by gzip and
// gzip_static): an Accept-Encoding naming gzip without q=0, not MSIE 4-6 under
// `gzip_disable msie6`, the HTTP version of gzip_http_version, and for a proxied request
// (Via) the gzip_proxied rules; last the gzip_disable regexes on User-Agent.
import type { Request } from "../request.js";
import { parseHttpTime } from "./not-modified.js";

/** gzip_proxied keywords as bits. */
export const PROXIED = {
  off: 1, expired: 2, "no-cache": 4, "no-store": 8, private: 16, no_last_modified: 32, no_etag: 64, auth: 128, any: 256,
} as const;

export interface GzipOkConf {
  readonly httpVersion: number;
  readonly proxied: number;
  readonly disableMsie6: boolean;
  readonly disable: readonly RegExp[];
}

/** A q value as nginx reads it: 0 refuses; digits after the point are only checked. */
function quantity(s: string, p: number): number {
  let c = s[p++];
  if (c !== "0" && c !== "1") return 0;
  let q = (c === "1" ? 100 : 0);
  if (p === s.length) return q;
  c = s[p++];
  if (c === "," || c === " ") return q;
  if (c !== ".") return 0;
  let n = 0;
  while (p < s.length) {
    c = s[p++]!;
    if (c === "," || c === " ") break;
    if (c >= "0" && c <= "9") {
      q += c.charCodeAt(0) - 48;
      n++;
      continue;
    }
    return 0;
  }
  return q > 100 || n > 3 ? 0 : q;
}

/** The Accept-Encoding test: "gzip" as a token (after the start, "," or " "), then q. */
export function acceptsGzip(ae: string): boolean {
  if (ae.length < 4) return false;
  if (ae.startsWith("gzip,")) return true;
  const low = ae.toLowerCase();
  let p = -1;
  for (let from = 0; ; ) {
    p = low.indexOf("gzip", from);
    if (p < 0) return false;
    if (p === 0 || ae[p - 1] === "," || ae[p - 1] === " ") break;
    from = p + 4;
  }
  p += 4;
  let state: "after" | "q" = "after";
  while (p < ae.length) {
    const c = ae[p++];
    if (state === "after") {
      if (c === ",") return true;
      if (c === ";") state = "q";
      else if (c !== " ") return false;
    } else {
      if (c === "q" || c === "Q") {
        if (p + 2 > ae.length || ae[p++] !== "=") return false;
        return quantity(ae, p) !== 0;
      }
      if (c !== " ") return false;
    }
  }
  return true;
}

/** MSIE 4, 5 and 6 without SV1 (not Opera), as nginx's User-Agent parser flags msie6. */
export function isMsie6(ua: string): boolean {
  const m = ua.indexOf("MSIE ");
  if (m < 0 || m + 7 >= ua.length || ua.includes("Opera")) return false;
  if (ua[m + 6] !== ".") return false;
  const v = ua[m + 5];
  if (v === "4" || v === "5") return true;
  return v === "6" && !ua.slice(m + 8).includes("SV1");
}

function hasToken(values: readonly string[], token: string): boolean {
  return values.some((v) => v.toLowerCase().includes(token));
}

function proxiedOk(r: Request, p: number): boolean {
  if (p & PROXIED.off) return false;
  if (p & PROXIED.any) return true;
  if (r.headersIn.has("authorization") && (p & PROXIED.auth)) return true;
  const expires = r.headersOut.get("expires");
  if (expires !== undefined) {
    if (!(p & PROXIED.expired)) return false;
    const e = parseHttpTime(expires);
    const d = r.headersOut.get("date");
    const date = d !== undefined ? parseHttpTime(d) : Math.floor(Date.now() / 1000);
    return e >= 0 && date >= 0 && e < date;
  }
  const cc = r.headersOut.getAll("cache-control");
  if (cc.length > 0) {
    return ((p & PROXIED["no-cache"]) !== 0 && hasToken(cc, "no-cache"))
      || ((p & PROXIED["no-store"]) !== 0 && hasToken(cc, "no-store"))
      || ((p & PROXIED.private) !== 0 && hasToken(cc, "private"));
  }
  if ((p & PROXIED.no_last_modified) && (r.lastModified !== undefined || r.headersOut.has("last-modified"))) return false;
  if ((p & PROXIED.no_etag) && r.headersOut.has("etag")) return false;
  return true;
}

export function gzipOk(r: Request, c: GzipOkConf): boolean {
  if (r !== r.main) return false;
  const ae = r.headersIn.get("accept-encoding");
  if (ae === undefined || !acceptsGzip(ae)) return false;
  const ua = r.headersIn.get("user-agent");
  if (c.disableMsie6 && ua !== undefined && isMsie6(ua)) return false;
  if (r.version < c.httpVersion) return false;
  if (r.headersIn.has("via") && !proxiedOk(r, c.proxied)) return false;
  if (ua !== undefined) for (const re of c.disable) if (re.test(ua)) return false;
  return true;
}
