// Running Lua snippets through tsresty's compiler with the bundled libraries preloaded.
import { newGlobals } from "../../src/lua/state.js";
import { loadLua } from "../../src/lua/compile.js";
import { bundledModules } from "../../src/lib/index.js";
import type { LuaValue } from "../../src/lua/runtime/value.js";

let n = 0;

/** Run `source` as a chunk with `globals` set; returns what the chunk returns. */
export function runLua(source: string, globals: Record<string, LuaValue> = {}): LuaValue[] {
  const G = newGlobals({ preload: bundledModules });
  for (const [k, v] of Object.entries(globals)) G.setStr(k, v);
  const f = loadLua(source, `=snippet${++n}`, G);
  const r = f();
  return Array.isArray(r) ? r : [r];
}
