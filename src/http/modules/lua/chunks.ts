// Lua code from the configuration: one LuaChunk per *_by_lua, *_by_lua_block and
// *_by_lua_file directive. Directives are recorded while the configuration is built and
// compiled, all of them, when it is bound (postConfiguration), before any request: a
// request never compiles (except under `lua_code_cache off`, which reloads on purpose).
import * as fs from "node:fs";
import type { Directive } from "../../../conf/ast.js";
import { luaChunkName } from "../../../conf/lua-chunk-name.js";
import { loadLua, LuaLoadError } from "../../../lua/compile.js";
import type { LuaFunction } from "../../../lua/runtime/value.js";
import type { LuaVm } from "../../../ngx/vm.js";
import { resolvePath } from "../../config/core-settings.js";
import { bindJsChunk, isJsModulePath } from "./js-module.js";

export type ChunkForm = "inline" | "block" | "file";

export interface LuaChunk {
  /** "content_by_lua", "set_by_lua"... (the chunk-name tag, without `_block`/`_file`). */
  readonly tag: string;
  readonly form: ChunkForm;
  readonly directive: Directive;
  /** Inline code, or the path as written for the file form. */
  readonly text: string;
  /** Whether the thread may suspend (rewrite, access, content) or runs plain. */
  readonly suspendable: boolean;
  /** Filled in at bind time. */
  name: string;
  path: string | undefined;
  fn: LuaFunction | undefined;
  vm: LuaVm | undefined;
  /** The load error, logged (and answered with 500) per request, as ngx_lua does. */
  loadError: string | undefined;
}

const pending: LuaChunk[] = [];

/** The directive's code as a chunk to bind later; `codeArg` is the argument index of the code. */
export function recordChunk(d: Directive, suspendable: boolean, codeArg = 0): LuaChunk {
  const form: ChunkForm = d.name.endsWith("_block") ? "block" : d.name.endsWith("_file") ? "file" : "inline";
  const tag = d.name.replace(/_(block|file)$/, "");
  const text = form === "block" ? (d.lua?.code ?? "") : (d.args[codeArg] ?? "");
  const c: LuaChunk = {
    tag, form, directive: d, text, suspendable, name: tag, path: undefined, fn: undefined, vm: undefined, loadError: undefined,
  };
  pending.push(c);
  return c;
}

/** The chunks recorded since the last bind (the configuration being loaded). */
export function takePending(): LuaChunk[] {
  return pending.splice(0);
}

/** Compile the chunk's code into `vm` (reading its file). Load errors are kept, not thrown. */
export function bindChunk(c: LuaChunk, vm: LuaVm, prefix: string, confPrefix: string): void {
  c.vm = vm;
  let source: string;
  if (c.form === "file") {
    const p = resolvePath(c.text, prefix);
    c.path = p;
    c.name = "@" + p;
    if (isJsModulePath(p)) return bindJsChunk(c, vm, p);
    try {
      source = fs.readFileSync(p).toString("latin1");
    } catch (e) {
      c.loadError = `failed to load external Lua file "${p}": cannot open ${p}`;
      void e;
      c.fn = undefined;
      return;
    }
  } else {
    const d = c.directive;
    const line = c.form === "block" ? (d.lua?.line ?? d.line) : d.endLine;
    // ngx_lua 0.10.23 names the client hello chunk without its place (checked on the reference)
    c.name = "=" + (c.tag === "ssl_client_hello_by_lua" ? c.tag : luaChunkName(c.tag, d.file, line, confPrefix));
    source = c.text;
  }
  try {
    c.fn = loadLua(source, c.name, vm.G, { main: c.suspendable ? "suspendable" : "plain", skipShebang: c.form === "file" });
    c.loadError = undefined;
  } catch (e) {
    if (!(e instanceof LuaLoadError)) throw e;
    c.fn = undefined;
    c.loadError = c.form === "file" ? `failed to load external Lua file "${c.path}": ${e.message}` : `failed to load inlined Lua code: ${e.message}`;
  }
}

/** lua_code_cache off: a fresh copy of the chunk in `vm`, its file read again. */
export function reloadChunk(c: LuaChunk, vm: LuaVm, prefix: string, confPrefix: string): LuaChunk {
  const copy: LuaChunk = { ...c, fn: undefined, vm: undefined, loadError: undefined };
  bindChunk(copy, vm, prefix, confPrefix);
  return copy;
}
