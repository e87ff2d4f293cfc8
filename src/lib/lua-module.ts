// Bundled libraries written in Lua: the source lives in a TypeScript file (so the build needs
// no asset copying) and compiles through our own compiler into each state's globals on its
// first require. Libraries that sleep, wait on sockets or call ngx.shared in loops are Lua
// because the compiler then gives every function that may wait its generator form by itself,
// and they call the ngx API exactly as Lua code does (same results, same errors, async stores).
import { loadLua } from "../lua/compile.js";
import { call, first } from "../lua/runtime/ops.js";
import type { LuaTable } from "../lua/runtime/table.js";
import type { LuaValue } from "../lua/runtime/value.js";
import type { ModuleLoader } from "../lua/stdlib/package.js";

/**
 * A package.preload loader for Lua source. The chunk is named after the file the original
 * library installs (`resty/limit/req.lua`), which is what error messages show; it runs with
 * the module name as its argument, as require passes it.
 */
export function luaModule(name: string, source: string): ModuleLoader {
  const chunkname = "@" + name.replace(/\./g, "/") + ".lua";
  return (G: LuaTable): LuaValue => first(call(loadLua(source, chunkname, G, { main: "plain" }), name));
}
