// lua_capture_error_log and `require "ngx.errlog"` (lua-resty-core): a bounded buffer of the
// error-log lines this worker writes (oldest dropped first when full), read and emptied by
// get_logs; set_filter_level narrows what is kept; get_sys_filter_level is the error_log
// level that applies; raw_log writes a message without ngx.log's "[lua] file:line:" prefix.
// Error texts as lua-nginx-module's C functions and resty.core's Lua side word them.
import type { LuaResult, LuaValue } from "../lua/runtime/value.js";
import { LuaTable } from "../lua/runtime/table.js";
import { LuaError, luaError } from "../lua/runtime/error.js";
import { calledDirectly } from "../lua/runtime/callstack.js";
import { toNumber } from "../lua/runtime/convert.js";
import { moduleTable } from "../lib/util.js";
import { setLogInterceptor } from "../http/log/error-log.js";
import { currentHost } from "./host.js";

/** One captured line's bookkeeping cost besides its text (the C ring buffer's header). */
const ENTRY_OVERHEAD = 24;
const NGX_LOG_STDERR = 0;
const NGX_LOG_DEBUG = 8;

interface Entry {
  readonly level: number;
  readonly time: number;
  readonly msg: string;
}

class CaptureBuffer {
  private readonly entries: Entry[] = [];
  private head = 0;
  private used = 0;
  filterLevel = NGX_LOG_DEBUG;

  constructor(readonly size: number) {}

  push(level: number, line: string): void {
    if (level > this.filterLevel) return;
    const msg = line.endsWith("\n") ? line.slice(0, -1) : line;
    const cost = msg.length + ENTRY_OVERHEAD;
    if (cost > this.size) return;
    while (this.used + cost > this.size) this.used -= this.take()!.msg.length + ENTRY_OVERHEAD;
    this.entries.push({ level, time: Date.now() / 1000, msg });
    this.used += cost;
  }

  /** The oldest entry, removed. */
  take(): Entry | undefined {
    if (this.head >= this.entries.length) return undefined;
    const e = this.entries[this.head++]!;
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    return e;
  }

  shift(): Entry | undefined {
    const e = this.take();
    if (e !== undefined) this.used -= e.msg.length + ENTRY_OVERHEAD;
    return e;
  }
}

let buffer: CaptureBuffer | undefined;

/** lua_capture_error_log SIZE (0: not set): a fresh buffer for the configuration being started. */
export function configureCapture(size: number): void {
  buffer = size > 0 ? new CaptureBuffer(size) : undefined;
  const b = buffer;
  setLogInterceptor(b === undefined ? undefined : (level, line) => b.push(level, line));
}

const NOT_SET = 'directive "lua_capture_error_log" is not set';

function setFilterLevel(level: LuaValue): LuaResult {
  if (level === undefined || level === false) return [undefined, 'missing "level" argument'];
  const n = typeof level === "number" ? level : toNumber(level);
  if (typeof n !== "number") return luaError("bad argument #1 to 'ngx_http_lua_ffi_errlog_set_filter_level' (cannot convert 'string' to 'int')");
  if (buffer === undefined) return [undefined, NOT_SET];
  const l = Math.trunc(n);
  if (l > NGX_LOG_DEBUG || l < NGX_LOG_STDERR) return [undefined, `bad log level: ${l}`];
  buffer.filterLevel = l;
  return [true];
}

function getLogs(max: LuaValue, logs: LuaValue): LuaResult {
  if (buffer === undefined) return [undefined, NOT_SET];
  const m = max === undefined || max === false ? 10 : Math.trunc(Number(typeof max === "number" ? max : toNumber(max) ?? NaN));
  if (Number.isNaN(m)) return luaError("attempt to perform arithmetic on local 'max' (a string value)");
  const t = logs instanceof LuaTable ? logs : new LuaTable();
  let count = 0;
  for (let i = 1; i <= m; i++) {
    const e = buffer.shift();
    if (e === undefined) break;
    t.set(count + 1, e.level);
    t.set(count + 2, e.time);
    t.set(count + 3, e.msg);
    count += 3;
  }
  t.set(count + 1, undefined);
  return [t];
}

function getSysFilterLevel(): LuaResult {
  const h = currentHost();
  const r = h?.r;
  if (r !== undefined) return [r.loc.errorLog.maxLevel];
  return [h?.vm.opts.errorLog.maxLevel ?? 4];
}

/** resty.core's error(msg, 2): the position of raw_log's caller, none when pcall called it. */
function callerError(msg: string): never {
  if (calledDirectly()) throw new LuaError(msg);
  return luaError(msg);
}

function rawLog(level: LuaValue, msg: LuaValue): LuaResult {
  if (typeof level !== "number") return callerError("bad argument #1 to 'raw_log' (must be a number)");
  if (typeof msg !== "string") return callerError("bad argument #2 to 'raw_log' (must be a string)");
  const l = Math.trunc(level);
  if (l > NGX_LOG_DEBUG || l < NGX_LOG_STDERR) return callerError("bad log level");
  currentHost()?.vm.log(l, msg, currentHost()?.r);
  return [];
}

/** The package.preload loader of "ngx.errlog". */
export function makeErrlogModule(): LuaValue {
  return moduleTable({
    set_filter_level: setFilterLevel,
    get_logs: getLogs,
    get_sys_filter_level: getSysFilterLevel,
    raw_log: rawLog,
  }, { version: "0.1.25" });
}
