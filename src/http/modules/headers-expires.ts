// `expires [modified] epoch|max|off|TIME|-TIME|@TIME` and what it writes: Expires and
// Cache-Control, as ngx_http_set_expires words them.
import type { Request } from "../request.js";
import type { ComplexValue } from "../script.js";
import { httpDate, httpDateNow } from "../log/time-format.js";
import { parseTimeMs } from "../config/values.js";

export type Expires =
  | { readonly kind: "off" | "epoch" | "max" }
  /** Seconds after the access (or after Last-Modified with `modified`); negative: no-cache. */
  | { readonly kind: "time"; readonly seconds: number; readonly modified: boolean }
  /** `@15h30m`: the next such time of day. */
  | { readonly kind: "daily"; readonly seconds: number }
  | { readonly kind: "variable"; readonly value: ComplexValue; readonly modified: boolean };

/** Parse one value; a string is nginx's error text. */
export function parseExpires(v: string, modified: boolean): Exclude<Expires, { kind: "variable" }> | string {
  if (!modified) {
    if (v === "epoch" || v === "max" || v === "off") return { kind: v };
  }
  if (v.startsWith("@")) {
    const ms = parseTimeMs(v.slice(1));
    if (ms === undefined || ms % 1000 !== 0) return "invalid value";
    if (ms >= 86_400_000) return "daily time value must be less than 24 hours";
    return { kind: "daily", seconds: ms / 1000 };
  }
  let s = v;
  let sign = 1;
  if (s.startsWith("+")) s = s.slice(1);
  else if (s.startsWith("-")) {
    sign = -1;
    s = s.slice(1);
  }
  const ms = parseTimeMs(s);
  if (ms === undefined || ms % 1000 !== 0) return "invalid value";
  return { kind: "time", seconds: (sign * ms) / 1000, modified };
}

function setPair(r: Request, expires: string, cacheControl: string): void {
  r.headersOut.set("Expires", expires);
  r.headersOut.set("Cache-Control", cacheControl);
}

/** The next time of day `seconds` after midnight (local time), as ngx_next_time. */
function nextTime(nowS: number, seconds: number): number {
  const d = new Date(nowS * 1000);
  d.setHours(0, 0, 0, 0);
  let t = d.getTime() / 1000 + seconds;
  if (t <= nowS) {
    d.setDate(d.getDate() + 1);
    t = d.getTime() / 1000 + seconds;
  }
  return t;
}

export function setExpires(r: Request, e: Expires): void {
  if (e.kind === "variable") {
    const parsed = parseExpires(e.value(r), e.modified);
    if (typeof parsed === "string") {
      r.log("error", `invalid "expires" value "${e.value(r)}"`);
      return;
    }
    e = parsed;
  }
  switch (e.kind) {
    case "off":
      return;
    case "epoch":
      return setPair(r, "Thu, 01 Jan 1970 00:00:01 GMT", "no-cache");
    case "max":
      return setPair(r, "Thu, 31 Dec 2037 23:55:55 GMT", "max-age=315360000");
  }
  if (e.kind === "time" && e.seconds === 0) return setPair(r, httpDateNow(), "max-age=0");
  const now = Math.floor(Date.now() / 1000);
  let at: number;
  let maxAge: number;
  if (e.kind === "daily") {
    at = nextTime(now, e.seconds);
    maxAge = at - now;
  } else {
    const lmText = r.headersOut.get("last-modified") ?? r.lastModified;
    const lm = e.modified && lmText !== undefined ? Date.parse(lmText) : NaN;
    if (Number.isNaN(lm)) {
      maxAge = e.seconds;
      at = now + e.seconds;
    } else {
      at = Math.floor(lm / 1000) + e.seconds;
      maxAge = at - now;
    }
  }
  const negative = (e.kind === "time" && e.seconds < 0) || maxAge < 0;
  setPair(r, httpDate(at * 1000), negative ? "no-cache" : `max-age=${maxAge}`);
}
