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
}

type CallSite = NodeJS.CallSite;

function captureSites(): CallSite[] {
  const prev = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  Error.prepareStackTrace = (_e, sites) => sites;
  const holder: { stack?: CallSite[] } = {};
  Error.captureStackTrace(holder);
  const sites = holder.stack ?? [];
  Error.prepareStackTrace = prev;
  Error.stackTraceLimit = prevLimit;
  return sites;
}

/** The Lua frames on the current JS stack, innermost first. */
export function luaFrames(): LuaFrame[] {
  const out: LuaFrame[] = [];
  for (const s of captureSites()) {
    const file = s.getFileName();
    if (file === undefined || file === null) continue;
    const chunk = chunks.get(file);
    if (chunk === undefined) continue;
    const jsLine = s.getLineNumber() ?? 0;
    out.push({ chunk, line: chunk.luaLine[jsLine] ?? 0, fn: s.getFunctionName() ?? "" });
  }
  return out;
}

/** "chunk:line: " for the Lua frame at `level` (1 = innermost), or "" when there is none. */
export function where(level: number): string {
  const frames = luaFrames();
  const f = frames[level - 1];
  if (f === undefined || f.line <= 0) return "";
  return `${f.chunk.shortSrc}:${f.line}: `;
}
