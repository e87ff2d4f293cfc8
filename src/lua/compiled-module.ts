// The contract between `tsresty compile`'s modules (lua/compiled/*.ts, written by
// src/lua/compiler/readable-module.ts) and the *_by_lua_file loader: a module that exports
// `compiledLua` (format, the original chunk name, the line table) and `factory` is compiled
// Lua, not a TypeScript handler. Binding it runs the module's code region, read from the
// module's file, as loadLua runs the compiler's output: under a registered chunk whose
// name is the original directive's, so errors read `content_by_lua(nginx.conf:6):3: ...`
// exactly as they did before the Lua was compiled out.
import * as fs from "node:fs";
import { Script } from "node:vm";
import { shortSource } from "./compile.js";
import { lineTable, REGION_END, REGION_START, FORMAT } from "./compiler/readable-module.js";
import { registerChunk, type ChunkInfo } from "./runtime/callstack.js";
import * as prims from "./runtime/prims.js";
import * as ops from "./runtime/ops.js";
import * as coroutine from "./runtime/coroutine.js";
import { RUNTIME_NAMES } from "./compiler/emit.js";
import { LuaError } from "./runtime/error.js";
import type { LuaTable } from "./runtime/table.js";
import type { LuaFunction } from "./runtime/value.js";
import type { LuaVm } from "../ngx/vm.js";
import type { LuaChunk } from "../http/modules/lua/chunks.js";

interface CompiledLuaInfo {
  readonly format: number;
  readonly chunkName: string;
  readonly main: "suspendable" | "plain";
  readonly lines: readonly (readonly [number, number])[];
  readonly methodSites: readonly (readonly [number, number])[];
}

function infoOf(mod: Record<string, unknown>): CompiledLuaInfo | undefined {
  const info = mod["compiledLua"];
  if (typeof info !== "object" || info === null) return undefined;
  const i = info as Partial<CompiledLuaInfo>;
  if (typeof i.format !== "number" || typeof i.chunkName !== "string" || !Array.isArray(i.lines)) return undefined;
  return i as CompiledLuaInfo;
}

/** True for a module `tsresty compile` wrote (it exports `compiledLua` and `factory`). */
export function isCompiledLuaModule(mod: Record<string, unknown>): boolean {
  return infoOf(mod) !== undefined && typeof mod["factory"] === "function";
}

/** What the compiled code's `$rt` holds: the runtime names the emitter uses (as loadLua gives them). */
const RT: Record<string, unknown> = (() => {
  const all: Record<string, unknown> = { ...coroutine, ...ops, ...prims };
  const rt: Record<string, unknown> = {};
  for (const n of RUNTIME_NAMES) rt[n] = all[n];
  return rt;
})();
/** Runtime names this file does not find (a helper added elsewhere than ops, prims, coroutine). */
const MISSING = RUNTIME_NAMES.filter((n) => RT[n] === undefined);

type Factory = (rt: Record<string, unknown>, env: LuaTable, meta: { source: string; shortSrc: string; protos?: readonly { last?: unknown }[] }) => LuaFunction;

interface Loaded {
  readonly factory: Factory;
  readonly info: ChunkInfo;
}

// By file and its text: a module bound again (a reload, lua_code_cache off) compiles once
// while unchanged.
const cache = new Map<string, Loaded>();
const CACHE_MAX = 512;

/**
 * The chunk name the module runs under: inline code keeps its `=directive(file:line)`; a
 * Lua file's `@path` is relative to the prefix when the original was, and resolves against
 * the prefix being served (its Lua file is copied beside the module).
 */
function chunkNameFor(name: string, prefix: string): string {
  if (!name.startsWith("@") || name.startsWith("@/")) return name;
  return "@" + prefix + name.slice(1);
}

/**
 * The module's main function in `vm`'s globals. `chunk.path` is the module's file: its code
 * region is what runs (see readable-module.ts for why it is read from the file).
 */
export function bindCompiledLuaModule(mod: Record<string, unknown>, vm: LuaVm, chunk: LuaChunk): LuaFunction {
  try {
    return bind(mod, vm, chunk);
  } catch (e) {
    // A module that cannot be bound (edited, from another tsresty) fails its requests, as a
    // Lua file that does not load does, instead of the configuration.
    const message = `failed to load compiled Lua module "${chunk.path ?? "?"}": ${(e as Error).message}`;
    return (() => {
      throw new LuaError(message);
    }) as LuaFunction;
  }
}

function bind(mod: Record<string, unknown>, vm: LuaVm, chunk: LuaChunk): LuaFunction {
  const info = infoOf(mod);
  if (info === undefined) throw new Error("not a compiled Lua module");
  if (MISSING.length > 0) throw new Error(`compiled Lua modules: the runtime is missing ${MISSING.join(", ")}`);
  if (info.format !== FORMAT) throw new Error(`compiled Lua module of format ${info.format} (this tsresty reads format ${FORMAT}): compile it again`);
  const file = chunk.path;
  if (file === undefined) throw new Error("compiled Lua module without a file path");
  const text = fs.readFileSync(file).toString("latin1");
  const name = chunkNameFor(info.chunkName, vm.opts.prefix);
  const key = `${file}\u0000${name}\u0000${text}`;
  let loaded = cache.get(key);
  if (loaded === undefined) {
    const lines = text.split("\n");
    // (A file saved with CRLF line ends keeps its markers.)
    const start = lines.findIndex((l) => l.replace(/\r$/, "") === REGION_START);
    const end = lines.findIndex((l, i) => i > start && l.replace(/\r$/, "") === REGION_END);
    if (start < 0 || end < 0) throw new Error(`${file}: the compiled code region is missing`);
    // The region's lines keep their file line numbers: the function head takes the
    // marker's line, so V8 reports file lines, which the table maps to Lua lines.
    const code = "\n".repeat(start) + "(function ($rt, $env, $meta) {\n" + lines.slice(start + 1, end).join("\n") + "\n})";
    const table = lineTable(info.lines, info.methodSites, lines.length);
    const chunkInfo: ChunkInfo = { shortSrc: shortSource(name), source: name, luaLine: table.luaLine, methodSites: table.methodSites };
    const filename = registerChunk(chunkInfo);
    const factory = new Script(code, { filename }).runInThisContext() as Factory;
    loaded = { factory, info: chunkInfo };
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, loaded);
  }
  const meta: { source: string; shortSrc: string; protos?: readonly { last?: unknown }[] } = { source: name, shortSrc: loaded.info.shortSrc };
  const main = loaded.factory(RT, vm.G, meta);
  loaded.info.protos = meta.protos;
  chunk.name = name;
  return main;
}
