// The time strings nginx caches once per second: the error log's local time, $time_local,
// $time_iso8601, the Date header (http_time) and $msec.
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const p2 = (n: number): string => (n < 10 ? "0" + n : String(n));

let sec = -1;
let errStamp = "";
let httpDateStr = "";
let timeLocal = "";
let iso = "";

function refresh(nowMs: number): void {
  const s = Math.floor(nowMs / 1000);
  if (s === sec) return;
  sec = s;
  const d = new Date(s * 1000);
  const Y = d.getFullYear(), M = d.getMonth(), D = d.getDate();
  const h = p2(d.getHours()), m = p2(d.getMinutes()), ss = p2(d.getSeconds());
  errStamp = `${Y}/${p2(M + 1)}/${p2(D)} ${h}:${m}:${ss}`;
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? "-" : "+";
  const ao = Math.abs(off);
  timeLocal = `${p2(D)}/${MONTHS[M]}/${Y}:${h}:${m}:${ss} ${sign}${p2(Math.floor(ao / 60))}${p2(ao % 60)}`;
  iso = `${Y}-${p2(M + 1)}-${p2(D)}T${h}:${m}:${ss}${sign}${p2(Math.floor(ao / 60))}:${p2(ao % 60)}`;
  httpDateStr = `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT`;
}

/** "2026/11/23 22:15:40" (local time), the error log's stamp. */
export function localTimeStamp(now = Date.now()): string {
  refresh(now);
  return errStamp;
}

/** "Mon, 23 Nov 2026 22:15:27 GMT" for the Date header. */
export function httpDateNow(now = Date.now()): string {
  refresh(now);
  return httpDateStr;
}

/** $time_local: "23/Nov/2026:22:15:40 +0000". */
export function timeLocalNow(now = Date.now()): string {
  refresh(now);
  return timeLocal;
}

/** $time_iso8601: "2026-11-23T22:15:40+00:00". */
export function timeIso8601Now(now = Date.now()): string {
  refresh(now);
  return iso;
}

/** An HTTP date for any time (Last-Modified, ngx.http_time). */
export function httpDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT`;
}

/** $msec: seconds with millisecond resolution, "1700000000.123". */
export function msec(now = Date.now()): string {
  return (now / 1000).toFixed(3);
}
