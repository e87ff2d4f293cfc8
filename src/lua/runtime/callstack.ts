// Maps the JS call stack back to Lua positions. Compiled chunks run as vm.Script code whose
// filename is registered here with a table from JS line to Lua line, so that error
// positions, tracebacks and debug.getinfo cost nothing until they are asked for.

export interface ChunkInfo {
  /** Lua chunk name as shown in messages: "test.lua", "content_by_lua(nginx.conf:6)". */
  readonly shortSrc: string;
  /** The chunk name as given to load (with its "@" or "=" prefix), for debug.getinfo().source. */
  readonly source: string;
  /** luaLine[jsLine] for every line of the generated JS (0 where unknown). */
  readonly luaLine: Int32Array;
  /** JS positions of method calls (line * 100000 + column), for argument numbering. */
  readonly methodSites?: Set<number>;
  /** The protos of the latest instance of the chunk (set when it is instantiated), by index. */
  protos?: readonly { last?: unknown; readonly name?: string | undefined; readonly line?: number }[];
}

const chunks = new Map<string, ChunkInfo>();
let nextId = 0;

/** Register a compiled chunk; returns the filename the generated script must be run under. */
export function registerChunk(info: ChunkInfo): string {
  const file = `lua:${nextId++}:${info.shortSrc}`;
  chunks.set(file, info);
  return file;
}

export function chunkInfo(file: string): ChunkInfo | undefined {
  return chunks.get(file);
}

export interface LuaFrame {
  readonly chunk: ChunkInfo;
  readonly line: number;
  /** JS function name of the frame, as the compiler named it (see compiler/emit). */
  readonly fn: string;
  /** The Lua function running in the frame (the latest closure of its proto). */
  readonly func: unknown;
}

type CallSite = NodeJS.CallSite;

function captureSites(from?: Error): CallSite[] {
  const prev = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  Error.prepareStackTrace = (_e, sites) => sites;
  let sites: CallSite[];
  if (from !== undefined) {
    // The frames where an error was created (read once: V8 keeps what the first read returned).
    sites = sitesOf.get(from) ?? [];
  } else {
    const holder: { stack?: CallSite[] } = {};
    Error.captureStackTrace(holder);
    sites = holder.stack ?? [];
  }
  Error.prepareStackTrace = prev;
  Error.stackTraceLimit = prevLimit;
  return sites;
}

// Errors whose creation stack is kept for tracebacks (xpcall handlers, uncaught errors).
const sitesOf = new WeakMap<Error, CallSite[]>();

/** Keep the Lua-relevant call sites of an error at the time it is thrown. */
export function keepStack(e: Error): void {
  if (sitesOf.has(e)) return;
  const prev = Error.prepareStackTrace;
  let got: CallSite[] = [];
  Error.prepareStackTrace = (_e, sites) => {
    got = sites;
    return "";
  };
  void e.stack;
  Error.prepareStackTrace = prev;
  sitesOf.set(e, got);
}

/** The Lua frames on the current JS stack (or where error `from` was created), innermost first. */
export function luaFrames(from?: Error): LuaFrame[] {
  const out: LuaFrame[] = [];
  for (const s of captureSites(from)) {
    const file = s.getFileName();
    if (file === undefined || file === null) continue;
    const chunk = chunks.get(file);
    if (chunk === undefined) continue;
    const jsLine = s.getLineNumber() ?? 0;
    // Compiled functions are named NAME$<proto index>[$g]: the index finds the proto, and
    // the proto its latest closure.
    const fn = s.getFunctionName() ?? "";
    const m = /\$(\d+)(?:\$g)?$/.exec(fn);
    const func = m !== null ? chunk.protos?.[Number(m[1])]?.last : undefined;
    out.push({ chunk, line: chunk.luaLine[jsLine] ?? 0, fn, func });
  }
  return out;
}

// Builtins that call other functions directly: a builtin they call has no Lua caller, so
// its errors carry no position and name it '?', as LuaJIT reports them.
const DIRECT_CALLERS = /^(pcall|xpcall)\b/;

/** True when the innermost Lua frame is at a method call (`s:sub()`): LuaJIT then does not count self. */
export function calledAsMethod(): boolean {
  for (const s of captureSites()) {
    const file = s.getFileName();
    if (file === undefined || file === null) continue;
    const chunk = chunks.get(file);
    if (chunk === undefined) {
      if (DIRECT_CALLERS.test(s.getFunctionName() ?? "")) return false;
      continue;
    }
    return chunk.methodSites?.has((s.getLineNumber() ?? 0) * 100000 + (s.getColumnNumber() ?? 0)) === true;
  }
  return false;
}

/**
 * True when the builtin raising an error was called by pcall/xpcall rather than by Lua code.
 * `skip` 1 when the builtin raising is itself pcall or xpcall (its own frame is not its caller).
 */
export function calledDirectly(skip = 0): boolean {
  for (const s of captureSites()) {
    const file = s.getFileName();
    if (file !== undefined && file !== null && chunks.has(file)) return false;
    const name = s.getFunctionName();
    if (name !== null && DIRECT_CALLERS.test(name) && skip-- === 0) return true;
  }
  return false;
}

/**
 * The Lua frame at `level` (1 = the caller of the builtin asking) with its chunk and line,
 * or undefined when that function is not Lua. Levels count Lua frames and the builtins that
 * call functions (pcall, xpcall), which are C functions to LuaJIT and so have no position.
 */
function frameAt(level: number): { readonly site: CallSite; readonly chunk: ChunkInfo; readonly line: number } | undefined {
  let n = 0;
  for (const s of captureSites()) {
    const file = s.getFileName();
    const chunk = file !== undefined && file !== null ? chunks.get(file) : undefined;
    if (chunk === undefined) {
      const name = s.getFunctionName();
      if (name !== null && DIRECT_CALLERS.test(name) && ++n === level) return undefined;
      continue;
    }
    if (++n === level) {
      const line = chunk.luaLine[s.getLineNumber() ?? 0] ?? 0;
      return line > 0 ? { site: s, chunk, line } : undefined;
    }
  }
  return undefined;
}

/** "chunk:line: " for the function at `level` (see frameAt), or "" when it is not Lua. */
export function where(level: number): string {
  const f = frameAt(level);
  return f === undefined ? "" : `${f.chunk.shortSrc}:${f.line}: `;
}

/**
 * ngx_lua's log prefix for the function at `level`: the base name of its source and the line
 * (`h.lua:3: ` for lua/h.lua), then `NAME(): ` when it is a named Lua function (not the main
 * chunk). The name is the function's declared one (`local function f`, `function t.f`,
 * `function t:f` give f), where LuaJIT names it from the call site; they agree for functions
 * called by the name they were declared with.
 */
export function whereNamed(level: number): string {
  const f = frameAt(level);
  if (f === undefined) return "";
  const m = /\$(\d+)(?:\$g)?$/.exec(f.site.getFunctionName() ?? "");
  const proto = m !== null ? f.chunk.protos?.[Number(m[1])] : undefined;
  const name = proto !== undefined && (proto.line ?? 0) > 0 ? proto.name : undefined;
  const src = f.chunk.shortSrc.slice(f.chunk.shortSrc.lastIndexOf("/") + 1);
  return name === undefined ? `${src}:${f.line}: ` : `${src}:${f.line}: ${name.replace(/^.*[.:]/, "")}(): `;
}

/**
 * For an error kept with keepStack: the JS function directly called by the innermost Lua
 * frame when the error was raised (a builtin such as `error`, or a runtime helper), so
 * that tracebacks can show LuaJIT's `[C]: in function 'error'` line. Undefined when the
 * error has no Lua frame.
 */
export function calleeOfError(e: Error): { readonly name: string; readonly file: string } | undefined {
  keepStack(e);
  const sites = sitesOf.get(e) ?? [];
  let above: CallSite | undefined;
  for (const s of sites) {
    const file = s.getFileName();
    if (file !== undefined && file !== null && chunks.has(file)) {
      return above === undefined ? undefined : { name: above.getFunctionName() ?? "?", file: above.getFileName() ?? "" };
    }
    above = s;
  }
  return undefined;
}

/**
 * For an error kept with keepStack: when a function outside the runtime (a builtin such as
 * string.rep, or an ngx API metamethod) raised it below the runtime helpers the Lua frame
 * called, i.e. a builtin called as a metamethod rather than the VM itself: the name of the
 * runtime helper that called it (setIndex, index, add, ...). Undefined otherwise.
 */
export function metamethodHelperOfError(e: Error): string | undefined {
  keepStack(e);
  const sites = sitesOf.get(e) ?? [];
  const k = sites.findIndex((s) => chunks.has(s.getFileName() ?? ""));
  const inRuntime = (s: CallSite): boolean => /\/lua\/runtime\//.test(s.getFileName() ?? "");
  let j = k - 1;
  while (j >= 0 && inRuntime(sites[j]!)) j--;
  if (k < 1 || j < 0 || j === k - 1) return undefined;
  // The outermost operator helper (index, setIndex, add, ...), past prims' wrappers.
  for (let i = k - 1; i > j; i--) {
    if (/\/lua\/runtime\/ops\.[jt]s$/.test(sites[i]!.getFileName() ?? "")) return (sites[i]!.getFunctionName() ?? "").replace(/^.*\./, "");
  }
  return undefined;
}

/** A builtin that calls Lua functions, as a traceback shows it between two Lua frames. */
export interface BuiltinFrame {
  readonly builtin: string;
}

export type TraceFrame = LuaFrame | BuiltinFrame;

export function isBuiltinFrame(f: TraceFrame): f is BuiltinFrame {
  return (f as BuiltinFrame).builtin !== undefined;
}

// The standard library's functions that call Lua (plain and generator forms: "pcall",
// "pcall.$g"): LuaJIT lists them as `[C]: in function 'NAME'` frames.
const CALLING_BUILTIN = /^(require|pcall|xpcall)(?:\.?\$g)?$/;
const STDLIB_FILE = /\/lua\/stdlib\/[^/]+\.js$/;
// Where a coroutine's (or an ngx thread's) own stack begins: the driver that resumes it. A
// traceback inside a coroutine shows only that coroutine's frames, as LuaJIT's.
const COROUTINE_DRIVER = /\/lua\/runtime\/coroutine\.js$|\/ngx\/(?:async\/)?thread\.js$/;

/**
 * The frames a traceback shows, innermost first: the Lua frames and, between them, the
 * builtins that called the Lua function above (require, pcall, xpcall); up to the start of
 * the running coroutine.
 */
export function traceFrames(from?: Error): TraceFrame[] {
  return sections(captureSites(from), 1)[0] ?? [];
}

// The builtins that resume another coroutine, by their JS names, as LuaJIT names them.
const RESUMER_NAME: Readonly<Record<string, string>> = { resumeB: "resume" };

/**
 * The frames of error `from` (see keepStack) by coroutine, innermost first, as ngx_lua's
 * traceback of a light thread lists them ("coroutine 0:", "coroutine 1:", ...): the first is
 * traceFrames'; each next one is the coroutine that resumed the one before while still on the
 * JS stack (the parent in ngx.thread.spawn, a resumer in coroutine.resume), headed by that
 * builtin ('spawn', 'resume'). A section may be empty (an error recorded inside the builtin).
 */
export function traceSections(from: Error): TraceFrame[][] {
  keepStack(from);
  return sections(captureSites(from), Infinity);
}

function sections(sites: CallSite[], max: number): TraceFrame[][] {
  const all: TraceFrame[][] = [];
  let out: TraceFrame[] = [];
  // Between two coroutines: the last builtin seen before the resumer's Lua frames.
  let crossing: string | undefined;
  const close = (): void => {
    // A builtin below the outermost Lua frame is the host's entry, not a Lua caller.
    while (out.length > 0 && isBuiltinFrame(out[out.length - 1]!)) out.pop();
    all.push(out);
    out = [];
  };
  for (const s of sites) {
    const file = s.getFileName();
    if (file === undefined || file === null) continue;
    const chunk = chunks.get(file);
    if (chunk === undefined) {
      const name = s.getFunctionName() ?? "";
      if (crossing !== undefined) {
        crossing = name;
        continue;
      }
      if (COROUTINE_DRIVER.test(file)) {
        close();
        if (all.length >= max) return all;
        crossing = name;
        continue;
      }
      const m = out.length > 0 && STDLIB_FILE.test(file) ? CALLING_BUILTIN.exec(name) : null;
      if (m !== null) out.push({ builtin: m[1]! });
      continue;
    }
    if (crossing !== undefined) {
      const n = crossing.replace(/\.?\$g$/, "").replace(/^.*\./, "");
      out.push({ builtin: RESUMER_NAME[n] ?? n });
      crossing = undefined;
    }
    const jsLine = s.getLineNumber() ?? 0;
    const fn = s.getFunctionName() ?? "";
    const m = /\$(\d+)(?:\$g)?$/.exec(fn);
    const func = m !== null ? chunk.protos?.[Number(m[1])]?.last : undefined;
    out.push({ chunk, line: chunk.luaLine[jsLine] ?? 0, fn, func });
  }
  if (crossing === undefined) close();
  return all;
}
