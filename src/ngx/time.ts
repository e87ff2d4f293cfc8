// ngx.time, now, today, localtime, utctime, update_time, cookie_time, http_time,
// parse_http_time, all answering from the event loop's cached clock (clock.ts), as nginx.
import type { LuaFunction, LuaResult, LuaValue } from "../lua/runtime/value.js";
import { checkNum, checkStr } from "./values.js";
import { cachedNowMs, updateCachedTime } from "./clock.js";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number): string => String(n).padStart(2, "0");

function local(d: Date): string {
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}
function utc(d: Date): string {
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

export function httpTime(sec: number): string {
  const d = new Date(sec * 1000);
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT`;
}

/** ngx_http_cookie_time: two-digit years up to 2037. */
export function cookieTime(sec: number): string {
  const d = new Date(sec * 1000);
  const y = d.getUTCFullYear();
  const ys = y > 2037 ? String(y) : p2(y % 100);
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${ys} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT`;
}

/** ngx_parse_http_time: RFC 1123, RFC 850 and asctime dates; undefined when not one. */
export function parseHttpTime(s: string): number | undefined {
  const m =
    /^[A-Za-z]{3}, (\d\d) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/.exec(s) ??
    /^[A-Za-z]+, (\d\d)-([A-Za-z]{3})-(\d\d) (\d\d):(\d\d):(\d\d) GMT$/.exec(s);
  let day: number, mon: number, year: number, hh: number, mm: number, ss: number;
  if (m) {
    day = Number(m[1]);
    mon = MONTHS.indexOf(m[2]!);
    year = Number(m[3]);
    if (m[3]!.length === 2) year += year < 70 ? 2000 : 1900;
    hh = Number(m[4]);
    mm = Number(m[5]);
    ss = Number(m[6]);
  } else {
    const a = /^[A-Za-z]{3} ([A-Za-z]{3}) ( \d|\d\d) (\d\d):(\d\d):(\d\d) (\d{4})$/.exec(s);
    if (!a) return undefined;
    mon = MONTHS.indexOf(a[1]!);
    day = Number(a[2]!.trim());
    hh = Number(a[3]);
    mm = Number(a[4]);
    ss = Number(a[5]);
    year = Number(a[6]);
  }
  if (mon < 0 || hh > 23 || mm > 59 || ss > 59 || day < 1 || day > 31) return undefined;
  return Date.UTC(year, mon, day, hh, mm, ss) / 1000;
}

export const timeApi: Record<string, LuaFunction> = {
  time: (): LuaResult => Math.floor(cachedNowMs() / 1000),
  now: (): LuaResult => cachedNowMs() / 1000,
  today: (): LuaResult => local(new Date(cachedNowMs())).slice(0, 10),
  localtime: (): LuaResult => local(new Date(cachedNowMs())),
  utctime: (): LuaResult => utc(new Date(cachedNowMs())),
  update_time: (): LuaResult => {
    updateCachedTime();
    return [];
  },
  cookie_time: (...a: LuaValue[]): LuaResult => cookieTime(checkNum(a[0], 1, "cookie_time")),
  http_time: (...a: LuaValue[]): LuaResult => httpTime(checkNum(a[0], 1, "http_time")),
  parse_http_time: (...a: LuaValue[]): LuaResult => parseHttpTime(checkStr(a[0], 1, "parse_http_time")),
};
