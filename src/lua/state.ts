// A Lua state: a globals table with the whole standard library, as LuaJIT opens it.
// The HTTP server makes one per worker and adds the ngx API on top.
import { LuaTable } from "./runtime/table.js";
import { openBase } from "./stdlib/base.js";
import { openPackage, type ModuleLoader, type PackageOptions } from "./stdlib/package.js";
import { openString } from "./stdlib/string.js";
import { openTable, preloads as tablePreloads } from "./stdlib/table.js";
import { openMath } from "./stdlib/math.js";
import { openOs } from "./stdlib/os.js";
import { openIo } from "./stdlib/io.js";
import { openBit, preloads as bitPreloads } from "./stdlib/bit.js";
import { openJit, preloads as jitPreloads } from "./stdlib/jit.js";
import { openCoroutine } from "./stdlib/coroutine.js";
import { openDebug } from "./stdlib/debug.js";

export interface LuaStateOptions {
  readonly packagePath?: string;
  readonly packageCpath?: string;
  /** Extra built-in modules for require (the resty libraries, cjson...). */
  readonly preload?: Record<string, ModuleLoader>;
}

export function newGlobals(opts: LuaStateOptions = {}): LuaTable {
  const G = new LuaTable();
  openBase(G);
  openCoroutine(G);
  openString(G);
  openTable(G);
  openMath(G);
  openIo(G);
  openOs(G);
  openBit(G);
  openJit(G);
  openDebug(G);
  const pkg: PackageOptions = {
    path: opts.packagePath,
    cpath: opts.packageCpath,
    preload: { ...tablePreloads, ...bitPreloads, ...jitPreloads, ...(opts.preload ?? {}) },
  };
  openPackage(G, pkg);
  return G;
}
