// The Lua compiler's entry points: source -> JavaScript text (compileLua), and source ->
// a callable Lua function bound to an environment (loadLua).
import { Script } from "node:vm";
import { parse } from "./syntax/parser.js";
import { LuaSyntaxError } from "./syntax/ast.js";
import { resolve } from "./compiler/resolve.js";
import { emitChunk, RUNTIME_NAMES, type MainForms } from "./compiler/emit.js";
import { registerChunk, type ChunkInfo } from "./runtime/callstack.js";
import * as prims from "./runtime/prims.js";
import * as ops from "./runtime/ops.js";
import { coYield, yieldValues } from "./runtime/coroutine.js";
import type { LuaTable } from "./runtime/table.js";
import type { LuaFunction, LuaGenFunction } from "./runtime/value.js";
import type { CompiledFunction, GenForm } from "./runtime/prims.js";

/** LuaJIT's LUA_IDSIZE: the longest short_src, terminator included. */
const IDSIZE = 60;

/** The name a chunk shows in messages (LuaJIT's short_src) for a chunkname given to load. */
export function shortSource(chunkname: string): string {
  if (chunkname.startsWith("=")) return chunkname.slice(1, IDSIZE);
  if (chunkname.startsWith("@")) {
    const path = chunkname.slice(1);
    return path.length <= IDSIZE - 1 ? path : "..." + path.slice(path.length - (IDSIZE - 4));
  }
  // [string "first line..."]
  const nl = chunkname.search(/[\r\n]/);
  let line = nl >= 0 ? chunkname.slice(0, nl) : chunkname;
  const max = IDSIZE - 15;
  let dots = nl >= 0;
  if (line.length > max) {
    line = line.slice(0, max);
    dots = true;
  }
  return `[string "${line}${dots ? "..." : ""}"]`;
}

export interface CompiledChunk {
  /** The generated JavaScript: `(function ($rt, $env, $meta) { ... return mainFunction; })`. */
  readonly code: string;
  /** Lua line for each line of `code` (index = 1-based JS line). */
  readonly luaLine: Int32Array;
  /** JS positions (siteKey) of method calls. */
  readonly methodSites: Set<number>;
  /** The main function may suspend (it has a suspendable form when compiled "both"). */
  readonly mainMaySuspend: boolean;
}

/** Compile Lua source to JavaScript. Throws LuaSyntaxError (message without chunk prefix). */
export interface CompileOptions {
  readonly skipShebang?: boolean;
  /** Which forms the main function gets (see MainForms); "both" by default. */
  readonly main?: MainForms;
}

export function compileToJs(source: string, chunkname: string, opts: CompileOptions = {}): CompiledChunk {
  const ast = parse(source, { skipShebang: opts.skipShebang ?? false });
  const res = resolve(ast);
  const out = emitChunk(ast, res, { chunkname, main: opts.main ?? "both" });
  return { ...out, mainMaySuspend: res.functions.get(ast)!.maySuspend };
}

/**
 * The code of a chunk as load() compiles it (plain main; the suspendable form, when one is
 * needed, is compiled on first use: see loadLua). Used by the benchmark.
 */
export function compileLua(source: string, chunkname: string): string {
  return compileToJs(source, chunkname, { main: "plain" }).code;
}

interface ChunkMeta {
  source: string;
  shortSrc: string;
  /** Set by the generated prologue: the chunk's protos, for stack frames. */
  protos?: readonly { last?: unknown }[];
}
type ChunkFactory = ((rt: Record<string, unknown>, env: LuaTable, meta: ChunkMeta) => LuaFunction) & { info?: ChunkInfo; maySuspend?: boolean };

const RT: Record<string, unknown> = (() => {
  const all: Record<string, unknown> = { ...ops, ...prims, coYield, yieldValues };
  const rt: Record<string, unknown> = {};
  for (const n of RUNTIME_NAMES) {
    if (all[n] === undefined) throw new Error(`runtime is missing ${n}`);
    rt[n] = all[n];
  }
  return rt;
})();

/** A syntax error as load() reports it: the message with its "chunk:line:" prefix. */
export class LuaLoadError extends Error {}

// Compiled factories by chunkname and source: load() of the same text compiles once.
const cache = new Map<string, ChunkFactory>();
const CACHE_MAX = 512;

/**
 * Compile and instantiate a chunk: returns the main function with `env` as its globals.
 * Throws LuaLoadError with LuaJIT's message ("chunk:3: '=' expected near 'x'").
 */
export function loadLua(source: string, chunkname: string, env: LuaTable, opts: CompileOptions = {}): LuaFunction {
  if ((opts.main ?? "both") !== "both") return instantiate(source, chunkname, env, opts).main;
  // A load()ed chunk may be called either way, but most are only ever called plain: its
  // suspendable form is compiled on first use. Both forms in one text would double the code
  // of every function in the chunk (each nested function sits inside both).
  const plain = instantiate(source, chunkname, env, { ...opts, main: "plain" });
  const f = plain.main as CompiledFunction;
  if (!plain.maySuspend) return f;
  Object.defineProperty(f, "$g", {
    configurable: true,
    enumerable: false,
    get(): LuaGenFunction {
      const s = instantiate(source, chunkname, f.$env ?? env, { ...opts, main: "suspendable" });
      const g = s.main.$g as GenForm;
      // The generator reads its environment, and stack frames find their function, through f.
      g.$f = f;
      const p0 = s.protos?.[0];
      if (p0 !== undefined) p0.last = f;
      Object.defineProperty(f, "$g", { value: g, writable: true, configurable: true, enumerable: false });
      return g;
    },
    set(v: LuaGenFunction | undefined): void {
      Object.defineProperty(f, "$g", { value: v, writable: true, configurable: true, enumerable: false });
    },
  });
  return f;
}

interface Instance {
  readonly main: LuaFunction;
  readonly maySuspend: boolean;
  readonly protos: readonly { last?: unknown }[] | undefined;
}

/** Compile (or take from the cache) and instantiate a chunk with `env` as its globals. */
function instantiate(source: string, chunkname: string, env: LuaTable, opts: CompileOptions): Instance {
  const shortSrc = shortSource(chunkname);
  const key = `${chunkname}\u0000${opts.skipShebang ? 1 : 0}${opts.main ?? "both"}\u0000${source}`;
  let factory = cache.get(key);
  if (factory === undefined) {
    let compiled: CompiledChunk;
    try {
      compiled = compileToJs(source, chunkname, opts);
    } catch (e) {
      if (e instanceof LuaSyntaxError) throw new LuaLoadError(`${shortSrc}:${e.line}: ${e.text}`);
      throw e;
    }
    const info: ChunkInfo = { shortSrc, source: chunkname, luaLine: compiled.luaLine, methodSites: compiled.methodSites };
    const filename = registerChunk(info);
    factory = new Script(compiled.code, { filename }).runInThisContext() as ChunkFactory;
    factory.info = info;
    factory.maySuspend = compiled.mainMaySuspend;
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, factory);
  }
  const meta: ChunkMeta = { source: chunkname, shortSrc };
  const main = factory(RT, env, meta);
  factory.info!.protos = meta.protos;
  return { main, maySuspend: factory.maySuspend ?? true, protos: meta.protos };
}
