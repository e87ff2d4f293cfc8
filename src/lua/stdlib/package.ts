// load, loadstring, loadfile, dofile, require and the package table; setfenv/getfenv.
import { readFileSync } from "node:fs";
import { LuaTable } from "../runtime/table.js";
import { LuaError, luaError, argError } from "../runtime/error.js";
import { luaFrames } from "../runtime/callstack.js";
import { typeName, luaToUtf8 } from "../runtime/convert.js";
import { call, first } from "../runtime/ops.js";
import { fn as callableOf, type CompiledFunction } from "../runtime/prims.js";
import { loadLua, LuaLoadError } from "../compile.js";
import { builtin, checkString, checkTable, checkInt, optString } from "./args.js";
import type { LuaFunction, LuaResult, LuaValue } from "../runtime/value.js";

/** Read a file as a Lua byte string, or undefined when it cannot be read. */
function readSource(path: string): string | undefined {
  try {
    return readFileSync(luaToUtf8(path)).toString("latin1");
  } catch {
    return undefined;
  }
}

/** "cannot open PATH: No such file or directory", as luaL_loadfile words it. */
function cannotOpen(path: string): string {
  try {
    readFileSync(luaToUtf8(path));
    return `cannot open ${path}`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const text = code === "ENOENT" ? "No such file or directory" : code === "EACCES" ? "Permission denied" : code === "EISDIR" ? "Is a directory" : String(code);
    return `cannot open ${path}: ${text}`;
  }
}

/** The environment of a compiled Lua function (builtins have none). */
function envOf(f: unknown): LuaTable | undefined {
  return typeof f === "function" ? (f as CompiledFunction).$env : undefined;
}

export interface PackageOptions {
  /** Initial package.path (LuaJIT's default when absent). */
  readonly path?: string;
  readonly cpath?: string;
  /** Modules provided by tsresty itself (cjson, resty.*, table.new, bit, ffi...). */
  readonly preload?: Record<string, ModuleLoader>;
}

/** A package.preload loader of tsresty's: gets the state's globals (modules written in Lua compile into them). */
export type ModuleLoader = (G: LuaTable) => LuaValue;

export const DEFAULT_PATH = "./?.lua;/usr/local/share/luajit-2.1/?.lua;/usr/local/share/lua/5.1/?.lua;/usr/local/share/lua/5.1/?/init.lua";
export const DEFAULT_CPATH = "./?.so;/usr/local/lib/lua/5.1/?.so;/usr/local/lib/lua/5.1/loadall.so";

export function openPackage(G: LuaTable, opts: PackageOptions = {}): void {
  const pkg = new LuaTable();
  const loaded = new LuaTable();
  const preload = new LuaTable();
  pkg.setStr("path", opts.path ?? DEFAULT_PATH);
  pkg.setStr("cpath", opts.cpath ?? DEFAULT_CPATH);
  pkg.setStr("loaded", loaded);
  pkg.setStr("preload", preload);
  pkg.setStr("config", "/\n;\n?\n!\n-\n");
  for (const [name, make] of Object.entries(opts.preload ?? {})) {
    preload.setStr(name, builtin(name, (() => make(G)) as LuaFunction));
  }
  for (const lib of ["string", "table", "math", "io", "os", "coroutine", "debug", "bit", "jit", "package"]) {
    const v = lib === "package" ? pkg : G.getStr(lib);
    if (v !== undefined) loaded.setStr(lib, v);
  }
  loaded.setStr("_G", G);

  // LuaJIT's lexer skips a first line starting with '#' in every chunk it loads, strings included.
  const load = (source: string, chunkname: string, env: LuaTable): LuaResult => {
    try {
      return loadLua(source, chunkname, env, { skipShebang: true });
    } catch (e) {
      if (e instanceof LuaLoadError) return [undefined, e.message];
      throw e;
    }
  };

  const loadB = (...a: LuaValue[]): LuaResult => {
    const chunk = a[0];
    let source: string;
    let defName: string;
    if (typeof chunk === "string") {
      source = chunk;
      defName = chunk;
    } else if (typeof chunk === "function") {
      defName = "=(load)";
      const parts: string[] = [];
      for (;;) {
        const piece = first(call(chunk));
        if (piece === undefined || piece === "") break;
        if (typeof piece !== "string") return [undefined, "reader function must return a string"];
        parts.push(piece);
      }
      source = parts.join("");
    } else {
      return argError(1, "load", `function expected, got ${a.length === 0 ? "no value" : typeName(chunk)}`);
    }
    const name = optString(a, 1, "load", defName);
    const env = a[3] instanceof LuaTable ? a[3] : G;
    return load(source, name, env);
  };

  const loadstring = (...a: LuaValue[]): LuaResult => {
    // LuaJIT's loadstring is load: same checks, same message.
    if (typeof a[0] !== "string") return loadB(...a);
    const s = checkString(a, 0, "loadstring");
    return load(s, optString(a, 1, "loadstring", s), G);
  };

  const loadfile = (...a: LuaValue[]): LuaResult => {
    const path = checkString(a, 0, "loadfile");
    const src = readSource(path);
    if (src === undefined) return [undefined, cannotOpen(path)];
    return load(src, "@" + path, G);
  };

  const dofile = (...a: LuaValue[]): LuaResult => {
    const path = checkString(a, 0, "dofile");
    const src = readSource(path);
    if (src === undefined) return luaError(cannotOpen(path));
    let f: LuaFunction;
    try {
      f = loadLua(src, "@" + path, G, { skipShebang: true, main: "plain" });
    } catch (e) {
      if (e instanceof LuaLoadError) throw new LuaError(e.message);
      throw e;
    }
    return f();
  };

  /** package.searchpath's search: the first readable file for name in a path template. */
  const search = (name: string, path: string): { file?: string; tried: string } => {
    const base = name.replace(/\./g, "/");
    let tried = "";
    for (const tpl of path.split(";")) {
      if (tpl === "") continue;
      const file = tpl.replace(/\?/g, base);
      const src = readSource(file);
      if (src !== undefined) return { file, tried };
      tried += `\n\tno file '${file}'`;
    }
    return { tried };
  };

  const LOADING = builtin("loading", (() => undefined) as LuaFunction);
  const require = (...a: LuaValue[]): LuaResult => {
    const name = checkString(a, 0, "require");
    const have = loaded.getStr(name);
    if (have !== undefined) {
      if (have === LOADING) return luaError(`loop or previous error loading module '${name}'`);
      return have;
    }
    let loader: LuaValue = preload.getStr(name);
    let msg = `\n\tno field package.preload['${name}']`;
    if (loader === undefined) {
      const path = pkg.getStr("path");
      if (typeof path !== "string") return luaError("'package.path' must be a string", 0);
      const found = search(name, path);
      msg += found.tried;
      if (found.file !== undefined) {
        const src = readSource(found.file)!;
        try {
          loader = loadLua(src, "@" + found.file, G, { skipShebang: true, main: "plain" });
        } catch (e) {
          if (e instanceof LuaLoadError) return luaError(`error loading module '${name}' from file '${found.file}':\n\t${e.message}`, 0);
          throw e;
        }
      } else {
        const cpath = pkg.getStr("cpath");
        if (typeof cpath === "string") {
          for (const tpl of cpath.split(";")) if (tpl !== "") msg += `\n\tno file '${tpl.replace(/\?/g, name.replace(/\./g, "/"))}'`;
        }
        return luaError(`module '${name}' not found:${msg}`);
      }
    }
    loaded.setStr(name, LOADING);
    let r: LuaValue;
    try {
      // Lua 5.1 passes the loader the module name only.
      r = first(callableOf(loader)(name));
    } catch (e) {
      loaded.setStr(name, undefined);
      throw e;
    }
    if (r !== undefined) loaded.setStr(name, r);
    if (loaded.getStr(name) === LOADING) loaded.setStr(name, true);
    return loaded.getStr(name);
  };

  const searchpath = (...a: LuaValue[]): LuaResult => {
    const found = search(checkString(a, 0, "searchpath"), checkString(a, 1, "searchpath"));
    return found.file !== undefined ? found.file : [undefined, found.tried];
  };

  /** The function a setfenv/getfenv level names (1 = the caller). */
  const atLevel = (level: number, fname: string): unknown => {
    const f = luaFrames()[level - 1];
    if (f === undefined) return argError(1, fname, "invalid level");
    return f.func;
  };

  const getfenv = (...a: LuaValue[]): LuaValue => {
    const target = a[0] === undefined ? 1 : a[0];
    if (target === 0) return G;
    const f = typeof target === "number" ? atLevel(target, "getfenv") : target;
    return envOf(f) ?? G;
  };

  const setfenv = (...a: LuaValue[]): LuaValue => {
    const t = checkTable(a, 1, "setfenv");
    const target = a[0];
    if (target === 0) {
      // The thread's globals: tsresty's globals table is per state.
      return undefined;
    }
    const f = typeof target === "number" ? atLevel(checkInt(a, 0, "setfenv"), "setfenv") : target;
    if (envOf(f) === undefined) return luaError("'setfenv' cannot change environment of given object");
    (f as CompiledFunction).$env = t;
    return f as LuaValue;
  };

  /** Lua 5.1's module(name, ...): the module table becomes the caller's environment. */
  const module = (...a: LuaValue[]): LuaResult => {
    const name = checkString(a, 0, "module");
    const have = loaded.getStr(name);
    let m: LuaTable;
    if (have instanceof LuaTable) m = have;
    else {
      // Find or create the nested tables a.b.c in the globals.
      let t: LuaTable = G;
      for (const part of name.split(".")) {
        const next = t.getStr(part);
        if (next === undefined) {
          const created = new LuaTable();
          t.setStr(part, created);
          t = created;
        } else if (next instanceof LuaTable) {
          t = next;
        } else {
          return luaError(`name conflict for module '${name}'`);
        }
      }
      m = t;
      loaded.setStr(name, m);
    }
    if (m.getStr("_NAME") === undefined) {
      m.setStr("_M", m);
      m.setStr("_NAME", name);
      m.setStr("_PACKAGE", name.includes(".") ? name.slice(0, name.lastIndexOf(".") + 1) : "");
    }
    const caller = atLevel(1, "module");
    if (typeof caller === "function") (caller as CompiledFunction).$env = m;
    for (const opt of a.slice(1)) call(opt, m);
    return [];
  };

  /** package.seeall(m): globals visible through the module table. */
  const seeall = (...a: LuaValue[]): LuaResult => {
    const m = checkTable(a, 0, "seeall");
    if (m.mt === undefined) m.mt = new LuaTable();
    m.mt.setStr("__index", G);
    return [];
  };

  pkg.setStr("seeall", builtin("seeall", seeall));
  G.setStr("module", builtin("module", module));
  pkg.setStr("searchpath", builtin("searchpath", searchpath));
  pkg.setStr("loaders", new LuaTable());
  const fns: Record<string, LuaFunction> = { load: loadB, loadstring, loadfile, dofile, require, getfenv, setfenv };
  for (const k of Object.keys(fns)) G.setStr(k, builtin(k, fns[k]!));
  G.setStr("package", pkg);
}
