// echo-nginx-module: a content handler running the location's echo_* commands in order
// (text, duplicates, sleeps, subrequests whose output takes its place in the response,
// echo_exec, the request body), echo_status, the echo_before_body / echo_after_body body
// filter, and the $echo_* variables. Measured on the reference: `echo` joins its arguments
// with spaces and ends with a newline unless -n (options end at --); async subrequests'
// output keeps its place in the body; empty items of echo_foreach_split are skipped.
import { setTimeout as sleep } from "node:timers/promises";
import type { Directive } from "../../conf/ast.js";
import type { LocationConf } from "../config/model.js";
import type { HttpModule } from "../module.js";
import * as fs from "node:fs";
import type { Request, RequestBody } from "../request.js";
import { DONE, ERROR, type BodyFilter, type HeaderFilter, type PhaseHandler } from "../phases.js";
import { compileComplexValue, type ComplexValue } from "../script.js";
import { setContentType } from "../content-type.js";
import { registerVariable } from "../variables.js";
import { resolvePath } from "../config/core-settings.js";
import { errnoText } from "./static.js";

/** Per-request state (in r.notes). */
interface EchoState {
  timerStart: number;
  it: string | undefined;
  incr: string | undefined;
  /** The main request's counter for $echo_incr. */
  counter: number;
  /** The body written so far, in order: async subrequests' output waits for its turn. */
  out: Promise<void>;
  beforeDone: boolean;
}

const KEY = "echo";

function state(r: Request): EchoState {
  let s = r.notes.get(KEY) as EchoState | undefined;
  if (!s) {
    s = { timerStart: r.start, it: undefined, incr: undefined, counter: 0, out: Promise.resolve(), beforeDone: false };
    r.notes.set(KEY, s);
  }
  return s;
}

/** Queue output: text now or later (a subrequest's body), always in command order. */
function emit(r: Request, s: EchoState, data: string | Promise<string>): void {
  s.out = s.out.then(async () => {
    const d = await data;
    if (d !== "") r.write(d);
  });
}

type Cmd = (r: Request, s: EchoState) => void | "exec" | "error" | Promise<void | "exec" | "error">;

/** echo's text: options -n / -- first, the rest joined with spaces. */
function compileText(d: Directive, newlineByDefault: boolean): ComplexValue {
  let i = 0;
  let newline = newlineByDefault;
  for (; i < d.args.length; i++) {
    const a = d.args[i]!;
    if (a === "-n") newline = false;
    else if (a === "--") {
      i++;
      break;
    } else break;
  }
  const parts = d.args.slice(i).map(compileComplexValue);
  return (r) => parts.map((p) => p(r)).join(" ") + (newline ? "\n" : "");
}

async function subrequestBody(r: Request, uri: string, method: string, args: string | undefined, body: Buffer | RequestBody | undefined): Promise<string> {
  const res = await r.subrequest(uri, { method, args, body, errorPages: true, bodyLengthHeader: body !== undefined && (!Buffer.isBuffer(body) || body.length > 0) });
  return res.body.toString("latin1");
}

function compileLocation(d: Directive, async: boolean): Cmd {
  const uri = compileComplexValue(d.args[0] ?? "");
  const args = d.args[1] !== undefined ? compileComplexValue(d.args[1]) : undefined;
  return (r, s) => {
    const p = subrequestBody(r, uri(r), "GET", args?.(r), undefined);
    emit(r, s, p);
    if (!async) return p.then(() => undefined);
  };
}

function compileSubrequest(d: Directive, async: boolean): Cmd {
  const method = d.args[0] ?? "GET";
  const uri = compileComplexValue(d.args[1] ?? "");
  let query: ComplexValue | undefined;
  let body: ComplexValue | undefined;
  let file: ComplexValue | undefined;
  for (let i = 2; i < d.args.length; i++) {
    // The reference accepts unknown options and a missing value at load.
    const a = d.args[i]!;
    const v = d.args[++i] ?? "";
    if (a === "-q") query = compileComplexValue(v);
    else if (a === "-b") body = compileComplexValue(v);
    else if (a === "-f") file = compileComplexValue(v);
  }
  return (r, s) => {
    let b: Buffer | RequestBody = body ? Buffer.from(body(r), "latin1") : Buffer.alloc(0);
    if (body === undefined && file !== undefined) {
      // -f: the file is the subrequest's body as nginx's temp files are (not in $echo_request_body);
      // one that cannot be opened fails the request (NGX_ERROR: the connection just closes).
      const path = resolvePath(file(r), r.config.main.prefix);
      try {
        b = { data: undefined, file: path, length: fs.statSync(path).size };
        fs.accessSync(path, fs.constants.R_OK);
      } catch (e) {
        r.log(4, `open() "${path}" failed (${errnoText(e)})`);
        r.finalize(ERROR);
        return "error";
      }
    }
    const p = subrequestBody(r, uri(r), method, query?.(r), b);
    emit(r, s, p);
    if (!async) return p.then(() => undefined);
  };
}

function compileDuplicate(d: Directive): Cmd {
  const n = compileComplexValue(d.args[0] ?? "");
  const text = compileComplexValue(d.args.slice(1).join(" "));
  return (r, s) => {
    const count = Number(n(r));
    if (count > 0) emit(r, s, text(r).repeat(count));
  };
}

function compileSleep(d: Directive, blocking: boolean): Cmd {
  const t = compileComplexValue(d.args[0] ?? "");
  return async (r, s): Promise<void> => {
    const ms = Math.max(0, Number(t(r)) * 1000);
    await s.out;
    if (!blocking) await sleep(ms);
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  };
}

function compileExec(d: Directive): Cmd {
  const uri = compileComplexValue(d.args[0] ?? "");
  const args = d.args[1] !== undefined ? compileComplexValue(d.args[1]) : undefined;
  return async (r, s): Promise<"exec"> => {
    await s.out;
    const u = uri(r);
    if (u.startsWith("@")) r.namedRedirect(u);
    else {
      const q = u.indexOf("?");
      if (q >= 0) r.internalRedirect(u.slice(0, q), args ? args(r) : u.slice(q + 1));
      else r.internalRedirect(u, args?.(r));
    }
    return "exec";
  };
}

/** The commands of a location, by directive; echo_foreach_split takes the ones up to echo_end. */
const COMMANDS: Record<string, (d: Directive) => Cmd> = {
  echo: (d) => {
    const text = compileText(d, true);
    return (r, s) => emit(r, s, text(r));
  },
  echo_duplicate: compileDuplicate,
  echo_flush: () => (r, s) => {
    s.out = s.out.then(() => r.write("", true));
  },
  echo_sleep: (d) => compileSleep(d, false),
  echo_blocking_sleep: (d) => compileSleep(d, true),
  echo_location: (d) => compileLocation(d, false),
  echo_location_async: (d) => compileLocation(d, true),
  echo_subrequest: (d) => compileSubrequest(d, false),
  echo_subrequest_async: (d) => compileSubrequest(d, true),
  echo_exec: compileExec,
  echo_read_request_body: () => async (r) => {
    await r.readBody();
  },
  echo_request_body: () => (r, s) => {
    const data = r.body?.data;
    if (data) emit(r, s, data.toString("latin1"));
  },
  echo_reset_timer: () => (_r, s) => {
    s.timerStart = Date.now();
  },
};

function compileForeach(d: Directive, body: readonly Cmd[]): Cmd {
  const delim = compileComplexValue(d.args[0] ?? "");
  const values = d.args.slice(1).map(compileComplexValue);
  return async (r, s): Promise<void | "exec" | "error"> => {
    const sep = delim(r);
    const items: string[] = [];
    for (const v of values) for (const it of sep === "" ? [v(r)] : v(r).split(sep)) if (it !== "") items.push(it);
    for (const it of items) {
      s.it = it;
      for (const c of body) {
        const rc = await c(r, s);
        if (rc === "exec" || rc === "error") return rc;
      }
    }
    s.it = undefined;
  };
}

function compileCommands(loc: LocationConf): Cmd[] | undefined {
  const out: Cmd[] = [];
  let loop: { d: Directive; body: Cmd[] } | undefined;
  let any = false;
  for (const d of loc.directives) {
    // The reference takes a dangling echo_end, and a loop without one, at load.
    if (d.name === "echo_foreach_split") {
      if (loop) out.push(compileForeach(loop.d, loop.body));
      loop = { d, body: [] };
      any = true;
      continue;
    }
    if (d.name === "echo_end") {
      if (loop) out.push(compileForeach(loop.d, loop.body));
      loop = undefined;
      continue;
    }
    const c = COMMANDS[d.name];
    if (!c) continue;
    any = true;
    (loop ? loop.body : out).push(c(d));
  }
  if (loop) out.push(compileForeach(loop.d, loop.body));
  return any ? out : undefined;
}

function statusOf(loc: LocationConf): number {
  let st = 200;
  for (const d of loc.directives) if (d.name === "echo_status") st = Number(d.args[0]);
  return st;
}

function contentHandler(loc: LocationConf): PhaseHandler | undefined {
  const cmds = compileCommands(loc);
  if (!cmds) return undefined;
  const status = statusOf(loc);
  return async (r) => {
    const s = state(r);
    r.status = status;
    setContentType(r);
    for (const c of cmds) {
      const rc = await c(r, s);
      if (rc === "exec" || rc === "error") return DONE;
    }
    await s.out;
    if (r.finalized) return DONE;
    r.eof();
    r.finalize(0);
    return DONE;
  };
}

// ------------------------------------------------------------------ before/after body

function textsOf(loc: LocationConf, name: string): ComplexValue[] {
  return loc.directives.filter((d) => d.name === name).map((d) => compileText(d, true));
}

function headerFilter(loc: LocationConf): HeaderFilter | undefined {
  if (!loc.directives.some((d) => d.name === "echo_before_body" || d.name === "echo_after_body")) return undefined;
  // The body grows: its length is no longer known, and ranges of it are not offered.
  return (r) => {
    r.contentLength = -1;
    r.headersOut.remove("Accept-Ranges");
  };
}

function bodyFilter(loc: LocationConf): BodyFilter | undefined {
  const before = textsOf(loc, "echo_before_body");
  const after = textsOf(loc, "echo_after_body");
  if (before.length === 0 && after.length === 0) return undefined;
  return (r, chunk) => {
    const s = state(r);
    let pre = "";
    if (!s.beforeDone) {
      s.beforeDone = true;
      for (const b of before) pre += b(r);
    }
    let post = "";
    if (chunk.eof) for (const a of after) post += a(r);
    if (pre === "" && post === "") return;
    const data = typeof chunk.data === "string" ? chunk.data : chunk.data.toString("latin1");
    chunk.data = pre + data + post;
  };
}

// ------------------------------------------------------------------ variables

/** The reference gives the URI without its arguments for both. */
function cacheableUri(r: Request): string {
  return r.uri;
}

registerVariable("echo_timer_elapsed", { get: (r) => ((Date.now() - state(r).timerStart) / 1000).toFixed(3) });
registerVariable("echo_request_body", {
  get: (r) => r.body?.data?.toString("latin1"),
});
registerVariable("echo_request_method", { get: (r) => r.method });
registerVariable("echo_client_request_method", { get: (r) => r.main.method });
registerVariable("echo_client_request_headers", { get: (r) => r.rawHeader() || undefined });
registerVariable("echo_cacheable_request_uri", { get: cacheableUri });
registerVariable("echo_request_uri", { get: cacheableUri });
registerVariable("echo_it", { get: (r) => state(r).it ?? "" });
registerVariable("echo_incr", {
  // Counted on the main request; nginx caches the value per request.
  get: (r) => {
    const s = state(r);
    if (s.incr === undefined) s.incr = String(++state(r.main).counter);
    return s.incr;
  },
});

const ALL = [...Object.keys(COMMANDS), "echo_foreach_split", "echo_end", "echo_status", "echo_before_body", "echo_after_body"];

export const echoModule: HttpModule = {
  name: "echo",
  directives: ALL,
  contentHandler,
  headerFilter,
  bodyFilter,
};
