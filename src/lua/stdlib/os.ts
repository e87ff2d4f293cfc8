// Lua's os library as LuaJIT 2.1 has it on Linux: os.date passes its whole format to
// glibc's strftime (C locale), so this file carries an strftime with glibc's flags
// (_ - 0 ^ #), widths and E/O modifiers, and its way of copying a bad conversion
// literally. Local time comes from the process's time zone (TZ) through JS Date, and
// zone abbreviations from the TZif file glibc reads, so that %Z says "CET", not "GMT+1".
import { readFileSync, unlinkSync, rmdirSync, renameSync, openSync, closeSync, constants as fsc } from "node:fs";
import { tmpdir, constants as osConstants } from "node:os";
import { spawnSync } from "node:child_process";
import { LuaTable } from "../runtime/table.js";
import { argError, argTypeError, luaError } from "../runtime/error.js";
import { index } from "../runtime/ops.js";
import { luaToBytes, luaToUtf8, stringToNumber, typeName, utf8ToLua } from "../runtime/convert.js";
import type { LuaValue, LuaResult } from "../runtime/value.js";
import { checkNumber, checkString, library, optString } from "./args.js";
import { flushStdout } from "./stdio.js";
import { fsErrorResult, flushAllFiles } from "./io.js";

// ---------------------------------------------------------------- calendar arithmetic

/** Days from 1970-01-01 to year-month-day (proleptic Gregorian; month 1..12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month 1..12, day] of a day count from 1970-01-01. */
function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** C's struct tm, with tm_year as the full year and mon 1..12. */
interface Tm {
  year: number; mon: number; mday: number; hour: number; min: number; sec: number;
  wday: number; yday: number; isdst: boolean; gmtoff: number; zone: string;
}

function splitTime(t: number): [number, number] {
  // Days and seconds of day, exact beyond 2^53 too.
  if (Math.abs(t) <= 2 ** 53) {
    const days = Math.floor(t / 86400);
    return [days, t - days * 86400];
  }
  const b = BigInt(t);
  let days = b / 86400n, rem = b % 86400n;
  if (rem < 0n) { rem += 86400n; days -= 1n; }
  return [Number(days), Number(rem)];
}

/** The broken-down time of t + off seconds; undefined when the year does not fit C's int. */
function breakDown(t: number, off: number, isdst: boolean, zone: string): Tm | undefined {
  const [days, secs] = splitTime(t + off);
  const [year, mon, mday] = civilFromDays(days);
  if (year - 1900 > 2147483647 || year - 1900 < -2147483648) return undefined;
  const yday = days - daysFromCivil(year, 1, 1);
  const wday = (((days + 4) % 7) + 7) % 7;
  return {
    year, mon, mday, hour: Math.floor(secs / 3600), min: Math.floor(secs / 60) % 60, sec: secs % 60,
    wday, yday, isdst, gmtoff: off, zone,
  };
}

// ---------------------------------------------------------------- the local time zone

interface ZoneType { off: number; isdst: boolean; abbr: string }
interface Zone { times: number[]; idx: number[]; types: ZoneType[] }
let zoneCache: { tz: string | undefined; zone: Zone | undefined } | undefined;

/** The TZif file glibc would read for TZ (undefined when there is none to read). */
function loadZone(): Zone | undefined {
  const tz = process.env["TZ"];
  if (zoneCache !== undefined && zoneCache.tz === tz) return zoneCache.zone;
  let zone: Zone | undefined;
  try {
    let file = "/etc/localtime";
    if (tz !== undefined) {
      const name = tz.startsWith(":") ? tz.slice(1) : tz;
      file = name.startsWith("/") ? name : "/usr/share/zoneinfo/" + (name === "" ? "UTC" : name);
    }
    zone = parseTzif(readFileSync(file));
  } catch {
    zone = undefined;
  }
  zoneCache = { tz, zone };
  return zone;
}

function parseTzif(b: Buffer): Zone | undefined {
  if (b.toString("latin1", 0, 4) !== "TZif") return undefined;
  const header = (at: number) => ({
    isutc: b.readUInt32BE(at + 20), isstd: b.readUInt32BE(at + 24), leap: b.readUInt32BE(at + 28),
    time: b.readUInt32BE(at + 32), type: b.readUInt32BE(at + 36), char: b.readUInt32BE(at + 40),
  });
  let h = header(0);
  let p = 44;
  let wide = false;
  if (b[4]! >= 0x32) {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    p += h.time * 5 + h.type * 6 + h.char + h.leap * 8 + h.isstd + h.isutc;
    h = header(p);
    p += 44;
    wide = true;
  }
  const times: number[] = [];
  for (let i = 0; i < h.time; i++) {
    times.push(wide ? Number(b.readBigInt64BE(p)) : b.readInt32BE(p));
    p += wide ? 8 : 4;
  }
  const idx: number[] = [];
  for (let i = 0; i < h.time; i++) idx.push(b[p++]!);
  const raw: [number, boolean, number][] = [];
  for (let i = 0; i < h.type; i++) {
    raw.push([b.readInt32BE(p), b[p + 4] !== 0, b[p + 5]!]);
    p += 6;
  }
  const chars = b.toString("latin1", p, p + h.char);
  const types = raw.map(([off, isdst, ai]) => ({ off, isdst, abbr: chars.slice(ai, chars.indexOf("\0", ai)) }));
  return { times, idx, types };
}

const MAX_MS = 8.64e15;

/** The UTC offset of the local zone at time t (seconds), from JS Date. */
function jsOffset(t: number): number {
  let ms = t * 1000;
  if (ms > MAX_MS) ms = MAX_MS;
  if (ms < -MAX_MS) ms = -MAX_MS;
  return -Math.round(new Date(ms).getTimezoneOffset() * 60);
}

/** Offset, DST flag and abbreviation of the local zone at t. */
function localZone(t: number): { off: number; isdst: boolean; abbr: string } {
  const off = jsOffset(t);
  const z = loadZone();
  if (z !== undefined && z.types.length > 0) {
    // The transition in force at t, if its offset agrees with JS (it does but past the
    // table, where the footer's rule applies); else the latest type with that offset.
    let lo = 0, hi = z.times.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (z.times[mid]! <= t) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const ty = at >= 0 ? z.types[z.idx[at]!] : z.types[0];
    if (ty !== undefined && ty.off === off) return { off, isdst: ty.isdst, abbr: ty.abbr };
    for (let i = z.idx.length - 1; i >= 0; i--) {
      const c = z.types[z.idx[i]!]!;
      if (c.off === off) return { off, isdst: c.isdst, abbr: c.abbr };
    }
    for (const c of z.types) if (c.off === off) return { off, isdst: c.isdst, abbr: c.abbr };
  }
  // No zone file: DST is the larger of the year's two offsets; a numeric abbreviation.
  const y = new Date(Math.max(-MAX_MS, Math.min(MAX_MS, t * 1000))).getUTCFullYear();
  const jan = jsOffset(Date.UTC(y, 0, 1) / 1000), jul = jsOffset(Date.UTC(y, 6, 1) / 1000);
  const isdst = jan !== jul && off === Math.max(jan, jul);
  return { off, isdst, abbr: off === 0 ? "UTC" : numericAbbr(off) };
}

function numericAbbr(off: number): string {
  const a = Math.abs(off);
  const hh = String(Math.floor(a / 3600)).padStart(2, "0"), mm = Math.floor(a / 60) % 60;
  return (off < 0 ? "-" : "+") + hh + (mm !== 0 ? String(mm).padStart(2, "0") : "");
}

function localtime(t: number): Tm | undefined {
  const z = localZone(t);
  return breakDown(t, z.off, z.isdst, z.abbr);
}

function gmtime(t: number): Tm | undefined {
  return breakDown(t, 0, false, "GMT");
}

/** glibc's mktime remembers the offset of its last result as its next first guess. */
let lastMktimeOffset = 0;

/** mktime: normalise the fields and interpret them as local time; undefined when it fails (-1). */
function mktime(year: number, mon0: number, mday: number, hour: number, min: number, sec: number, isdst: number): number | undefined {
  const y = year + Math.floor(mon0 / 12);
  const m = ((mon0 % 12) + 12) % 12;
  const days = daysFromCivil(y, m + 1, 1) + (mday - 1);
  const s = days * 86400 + hour * 3600 + min * 60 + sec;
  // glibc's search: from a guess made with the offset of the previous mktime call, step
  // by the difference between the wanted and the obtained local time until they agree.
  // A repeated hour (clocks going back) is thus resolved by that previous offset.
  let t = s - lastMktimeOffset;
  let t1 = t, t2 = t;
  for (let probes = 0; probes < 6; probes++) {
    const gt = t + (s - (t + jsOffset(t)));
    if (gt === t) break;
    if (t === t1 && t !== t2) {
      // Oscillating across a skipped hour: glibc ends on the side that is in DST.
      t = localZone(t).isdst || !localZone(t2).isdst ? t : t2;
      break;
    }
    t1 = t2;
    t2 = t;
    t = gt;
  }
  lastMktimeOffset = s - t;
  if (isdst >= 0) {
    const actual = localZone(t).isdst;
    const want = isdst > 0;
    // glibc looks for a time with the requested DST flag: it moves by the zone's DST
    // shift (an hour where the zone has none).
    const half = 182 * 86400;
    const o = jsOffset(t);
    const delta = Math.max(Math.abs(jsOffset(t + half) - o), Math.abs(jsOffset(t - half) - o)) || 3600;
    if (want && !actual) t -= delta;
    else if (!want && actual) t += delta;
  }
  return t === -1 ? undefined : t;
}

// ---------------------------------------------------------------- strftime

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** ISO 8601 week-based year and week of tm. */
function isoWeek(tm: Tm): [number, number] {
  const wdayMon = (tm.wday + 6) % 7; // Monday = 0
  let year = tm.year;
  // Day of year of this week's Thursday decides the year.
  let yday = tm.yday - wdayMon + 3;
  if (yday < 0) {
    year--;
    yday += isLeap(year) ? 366 : 365;
  } else {
    const len = isLeap(year) ? 366 : 365;
    if (yday >= len) {
      yday -= len;
      year++;
    }
  }
  return [year, Math.floor(yday / 7) + 1];
}

// Which modifiers each conversion accepts (glibc): E, O, both, or none.
const MOD_E = new Set("cCxXyYuprRsTtnzZP%");
const MOD_O = new Set("bBhCdegGHIjklmMSuUVwWyprRsTtnzZP%");

/**
 * glibc's strftime in the C locale. `secs` is the time for %s (mktime of the fields).
 * A NUL ends the format, as it would in C.
 */
export function strftime(fmt: string, tm: Tm, secs: number): string {
  const nul = fmt.indexOf("\0");
  if (nul >= 0) fmt = fmt.slice(0, nul);
  let out = "";
  const n = fmt.length;
  let i = 0;
  while (i < n) {
    const c = fmt[i]!;
    if (c !== "%") {
      out += c;
      i++;
      continue;
    }
    const start = i;
    i++;
    let pad = "";
    let upcase = false, swapcase = false;
    for (; i < n; i++) {
      const f = fmt[i];
      if (f === "_" || f === "-" || f === "0") pad = f;
      else if (f === "^") upcase = true;
      else if (f === "#") swapcase = true;
      else break;
    }
    let width = -1;
    if (i < n && fmt[i]! >= "0" && fmt[i]! <= "9") {
      width = 0;
      while (i < n && fmt[i]! >= "0" && fmt[i]! <= "9") {
        width = Math.min(width * 10 + (fmt.charCodeAt(i) - 48), 1 << 20);
        i++;
      }
    }
    let mod = "";
    if (i < n && (fmt[i] === "E" || fmt[i] === "O")) mod = fmt[i++]!;
    const conv = i < n ? fmt[i]! : "";
    i++;

    /** Append with glibc's width padding (zeros only for the 0 flag). */
    const add = (s: string): void => {
      if (width > s.length) out += (pad === "0" ? "0" : " ").repeat(width - s.length);
      out += s;
    };
    const text = (s: string, lowerOnSwap = false): void => {
      if (lowerOnSwap && swapcase) s = s.toLowerCase();
      else if (upcase || swapcase) s = s.toUpperCase();
      add(s);
    };
    const num = (digits: number, v: number, spacePad = false): void => {
      const p = pad === "" && spacePad ? "_" : pad;
      const d = Math.max(digits, width);
      const neg = v < 0;
      let s = String(Math.abs(v));
      if (p !== "-") {
        const padding = d - s.length - (neg ? 1 : 0);
        if (padding > 0) {
          if (p === "_") s = " ".repeat(padding) + (neg ? "-" : "") + s;
          else s = (neg ? "-" : "") + "0".repeat(padding) + s;
        } else if (neg) s = "-" + s;
      } else if (neg) s = "-" + s;
      add(s);
    };
    const sub = (f: string): void => {
      let s = strftime(f, tm, secs);
      if (upcase) s = s.toUpperCase();
      add(s);
    };
    const bad = (): void => {
      // glibc copies the conversion as written, from the '%', padded to the width.
      const lit = fmt.slice(start, Math.min(i, n));
      add(lit);
    };

    if (conv === "") {
      // A '%' (with flags) at the end of the format: copied literally.
      i = n;
      bad();
      break;
    }
    if ((mod === "E" && !MOD_E.has(conv)) || (mod === "O" && !MOD_O.has(conv))) {
      bad();
      continue;
    }
    const h12 = tm.hour % 12 === 0 ? 12 : tm.hour % 12;
    switch (conv) {
      case "%": add("%"); break;
      case "a": text(DAYS[tm.wday]!.slice(0, 3)); break;
      case "A": text(DAYS[tm.wday]!); break;
      case "b": case "h": text(MONTHS[tm.mon - 1]!.slice(0, 3)); break;
      case "B": text(MONTHS[tm.mon - 1]!); break;
      case "c": sub("%a %b %e %H:%M:%S %Y"); break;
      case "C": num(1, Math.floor(tm.year / 100)); break;
      case "d": num(2, tm.mday); break;
      case "D": sub("%m/%d/%y"); break;
      case "e": num(2, tm.mday, true); break;
      case "F": sub("%Y-%m-%d"); break;
      case "g": num(2, ((isoWeek(tm)[0] % 100) + 100) % 100); break;
      case "G": num(1, isoWeek(tm)[0]); break;
      case "H": num(2, tm.hour); break;
      case "I": num(2, h12); break;
      case "j": num(3, tm.yday + 1); break;
      case "k": num(2, tm.hour, true); break;
      case "l": num(2, h12, true); break;
      case "m": num(2, tm.mon); break;
      case "M": num(2, tm.min); break;
      case "n": add("\n"); break;
      case "t": add("\t"); break;
      case "p": text(tm.hour < 12 ? "AM" : "PM", true); break;
      case "P": add(tm.hour < 12 ? "am" : "pm"); break;
      case "r": sub("%I:%M:%S %p"); break;
      case "R": sub("%H:%M"); break;
      case "s": add(String(secs)); break; // glibc formats it apart: width pads with spaces
      case "S": num(2, tm.sec); break;
      case "T": sub("%H:%M:%S"); break;
      case "u": num(1, ((tm.wday + 6) % 7) + 1); break;
      case "U": num(2, Math.floor((tm.yday - tm.wday + 7) / 7)); break;
      case "V": num(2, isoWeek(tm)[1]); break;
      case "w": num(1, tm.wday); break;
      case "W": num(2, Math.floor((tm.yday - ((tm.wday - 1 + 7) % 7) + 7) / 7)); break;
      case "x": sub("%m/%d/%y"); break;
      case "X": sub("%H:%M:%S"); break;
      case "y": num(2, ((tm.year % 100) + 100) % 100); break;
      case "Y": num(1, tm.year); break;
      case "z": {
        // glibc writes the sign as text (padded to the width), then the number.
        const off = tm.gmtoff;
        const a = Math.abs(off);
        add(off < 0 ? "-" : "+");
        num(4, Math.floor(a / 3600) * 100 + (Math.floor(a / 60) % 60));
        break;
      }
      case "Z": text(tm.zone, true); break;
      default: bad(); break;
    }
  }
  return out;
}

// ---------------------------------------------------------------- os functions

/** (time_t) of a double: truncation; NaN and out-of-range values give INT64_MIN. */
function toTimeT(x: number): number {
  const t = Math.trunc(x);
  return t !== t || t >= 2 ** 63 || t < -(2 ** 63) ? -(2 ** 63) : t + 0;
}

/** (int) lua_tointeger(x): a 64-bit truncation, then the low 32 bits. */
function toCInt(x: number): number {
  const t = Math.trunc(x);
  if (t !== t || t >= 2 ** 63 || t < -(2 ** 63)) return 0;
  return t | 0;
}

function date(...a: LuaValue[]): LuaResult {
  let s = optString(a, 0, "date", "%c");
  const t = a[1] === undefined ? Math.floor(Date.now() / 1000) : toTimeT(checkNumber(a, 1, "date"));
  let tm: Tm | undefined;
  let utc = false;
  if (s.startsWith("!")) {
    s = s.slice(1);
    utc = true;
    tm = gmtime(t);
  } else {
    tm = localtime(t);
  }
  if (tm === undefined) return undefined;
  if (s === "*t") {
    const r = new LuaTable();
    r.setStr("sec", tm.sec);
    r.setStr("min", tm.min);
    r.setStr("hour", tm.hour);
    r.setStr("day", tm.mday);
    r.setStr("month", tm.mon);
    r.setStr("year", tm.year);
    r.setStr("wday", tm.wday + 1);
    r.setStr("yday", tm.yday + 1);
    r.setStr("isdst", tm.isdst);
    return r;
  }
  // %s is mktime of the fields, so for "!" it reads the UTC fields as local time.
  const secs = utc ? t - jsOffset(t) : t;
  return strftime(s, tm, secs);
}

function getField(t: LuaValue, key: string, d: number): number {
  const v = index(t, key);
  let n: number | undefined;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") n = stringToNumber(v);
  if (n === undefined) {
    if (d < 0) luaError(`field '${key}' missing in date table`);
    return d;
  }
  return toCInt(n);
}

function time(...a: LuaValue[]): LuaResult {
  const t = a[0];
  if (t === undefined) return Math.floor(Date.now() / 1000);
  if (!(t instanceof LuaTable)) return argTypeError(1, "time", "table", typeName(t));
  const sec = getField(t, "sec", 0);
  const min = getField(t, "min", 0);
  const hour = getField(t, "hour", 12);
  const day = getField(t, "day", -1);
  const month = getField(t, "month", -1) - 1;
  const year = getField(t, "year", -1);
  const d = index(t, "isdst");
  const isdst = d === undefined ? -1 : d === false ? 0 : 1;
  return mktime(year, month, day, hour, min, sec, isdst);
}

function difftime(...a: LuaValue[]): LuaResult {
  const t1 = toTimeT(checkNumber(a, 0, "difftime"));
  const t2 = a[1] === undefined ? 0 : toTimeT(checkNumber(a, 1, "difftime"));
  return t1 - t2;
}

function clock(): LuaResult {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function getenv(...a: LuaValue[]): LuaResult {
  const name = checkString(a, 0, "getenv");
  const v = process.env[luaToUtf8(name)];
  return v === undefined ? undefined : utf8ToLua(v);
}

function remove(...a: LuaValue[]): LuaResult {
  const name = checkString(a, 0, "remove");
  const p = luaToBytes(name);
  try {
    try {
      unlinkSync(p);
    } catch (e) {
      // C's remove(): a directory is removed with rmdir.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EISDIR" && code !== "EPERM") throw e;
      rmdirSync(p);
    }
    return true;
  } catch (e) {
    return fsErrorResult(e, name);
  }
}

function rename(...a: LuaValue[]): LuaResult {
  const from = checkString(a, 0, "rename");
  const to = checkString(a, 1, "rename");
  try {
    renameSync(luaToBytes(from), luaToBytes(to));
    return true;
  } catch (e) {
    return fsErrorResult(e, from);
  }
}

const TMP_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function tmpname(): LuaResult {
  // As mkstemp("/tmp/lua_XXXXXX"): the file is created, empty, so the name stays ours.
  const dir = process.platform === "win32" ? tmpdir() : "/tmp";
  for (let tries = 0; tries < 100; tries++) {
    let name = dir + "/lua_";
    for (let i = 0; i < 6; i++) name += TMP_CHARS[Math.floor(Math.random() * TMP_CHARS.length)];
    try {
      closeSync(openSync(name, fsc.O_CREAT | fsc.O_EXCL | fsc.O_RDWR, 0o600));
      return utf8ToLua(name);
    } catch {
      continue;
    }
  }
  return luaError("unable to generate a unique filename");
}

function execute(...a: LuaValue[]): LuaResult {
  if (a[0] === undefined) return 1; // a shell is available
  const cmd = checkString(a, 0, "execute");
  flushStdout();
  flushAllFiles();
  const r = spawnSync("/bin/sh", ["-c", luaToUtf8(cmd)], { stdio: "inherit" });
  // system()'s raw wait status, as Lua 5.1 returns it.
  if (r.error !== undefined) return -1;
  if (r.signal !== null) {
    return ((osConstants.signals as Record<string, number>)[r.signal] ?? 0) & 0x7f;
  }
  return (r.status ?? 0) * 256;
}

const CATEGORIES = ["all", "collate", "ctype", "monetary", "numeric", "time"];

function setlocale(...a: LuaValue[]): LuaResult {
  const l = a[0] === undefined ? undefined : checkString(a, 0, "setlocale");
  const cat = optString(a, 1, "setlocale", "all");
  if (!CATEGORIES.includes(cat)) argError(2, "setlocale", `invalid option '${cat}'`);
  // Only the C locale exists here (as in a program that never set another one).
  if (l === undefined || l === "" || l === "C" || l === "POSIX") return "C";
  return undefined;
}

/** What os.exit does after flushing stdout: exit the process. The server may replace it. */
let exitHandler: (code: number) => never = (code: number): never => {
  flushAllFiles();
  process.exit(code);
};

export function setExitHandler(h: (code: number) => never): void {
  exitHandler = h;
}

function exit(...a: LuaValue[]): LuaResult {
  const v = a[0];
  let code: number;
  if (typeof v === "boolean") code = v ? 0 : 1;
  else code = v === undefined ? 0 : toCInt(checkNumber(a, 0, "exit"));
  flushStdout();
  return exitHandler(code);
}

export function openOs(G: LuaTable): void {
  G.setStr("os", library({ clock, date, difftime, execute, exit, getenv, remove, rename, setlocale, time, tmpname }));
}

