// The error log, in nginx's format:
//   2026/11/23 22:15:40 [error] 31113#31113: *14 message, client: 127.0.0.1, server: x, request: "GET / HTTP/1.1", host: "a"
// One ErrorLog is what one level's `error_log` directives give (several files, each with its
// own level). ngx.log and every module write through `log()`.
import { openLogFile, type LogFile } from "./log-file.js";
import { localTimeStamp } from "./time-format.js";

export const LOG_LEVELS = ["stderr", "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"] as const;
export type LogLevel = Exclude<(typeof LOG_LEVELS)[number], "stderr">;

/** nginx's numeric levels (NGX_LOG_EMERG = 1 ... NGX_LOG_DEBUG = 8), as ngx.ERR and friends use. */
export const LEVEL_NUMBER: Readonly<Record<LogLevel, number>> = {
  emerg: 1, alert: 2, crit: 3, error: 4, warn: 5, notice: 6, info: 7, debug: 8,
};

/** nginx cuts a log line at NGX_MAX_ERROR_STR (2048) bytes, the newline included. */
const MAX_LINE = 2047;

export interface ErrorLogTarget {
  readonly file: LogFile;
  readonly level: number;
}

/** Where a log line comes from: a connection and, for requests, nginx's context suffix. */
export interface LogContext {
  /** The connection number (the `*N`), 0 for none. */
  readonly conn: number;
  /** ", client: ..., server: ..., request: ..." built by the request; "" for none. */
  suffix(): string;
}

export class ErrorLog {
  /** The most verbose level any target accepts: lines above it are not even formatted. */
  readonly maxLevel: number;

  constructor(readonly targets: readonly ErrorLogTarget[]) {
    let m = 0;
    for (const t of targets) m = Math.max(m, t.level);
    this.maxLevel = m;
  }

  enabled(level: LogLevel | number): boolean {
    return (typeof level === "number" ? level : LEVEL_NUMBER[level]) <= this.maxLevel;
  }

  /** Log `message` at `level`; `ctx` gives the `*N` and the request suffix. */
  log(level: LogLevel | number, message: string, ctx?: LogContext): void {
    const n = typeof level === "number" ? level : LEVEL_NUMBER[level];
    if (n > this.maxLevel) return;
    const line = formatErrorLine(n, message, ctx);
    for (const t of this.targets) if (n <= t.level) t.file.write(line);
    if (interceptor !== undefined) interceptor(n, line);
  }

  /** Paths of the files, for closing the unused ones after a reload. */
  paths(): string[] {
    return this.targets.map((t) => t.file.path);
  }
}

/** Sees every line written (lua_capture_error_log's buffer): its level and text, newline included. */
export type LogInterceptor = (level: number, line: string) => void;
let interceptor: LogInterceptor | undefined;
export function setLogInterceptor(f: LogInterceptor | undefined): void {
  interceptor = f;
}

let pidPart = `${process.pid}#${process.pid}: `;

/** After a fork-like restart the pid changes; tests set it too. A worker thread gives its thread id as `tid`. */
export function setLogPid(pid: number, tid = pid): void {
  pidPart = `${pid}#${tid}: `;
}

export function formatErrorLine(level: number, message: string, ctx?: LogContext): string {
  const name = LOG_LEVELS[level] ?? "error";
  let line = `${localTimeStamp()} [${name}] ${pidPart}`;
  if (ctx && ctx.conn > 0) line += `*${ctx.conn} `;
  line += message;
  if (ctx) line += ctx.suffix();
  if (line.length > MAX_LINE) line = line.slice(0, MAX_LINE);
  return line + "\n";
}

/** An error_log directive's parsed form. */
export interface ErrorLogSpec {
  /** Absolute path, or "stderr". */
  readonly path: string;
  readonly level: LogLevel;
}

export function openErrorLog(specs: readonly ErrorLogSpec[]): ErrorLog {
  return new ErrorLog(specs.map((s) => ({ file: openLogFile(s.path), level: LEVEL_NUMBER[s.level] })));
}
