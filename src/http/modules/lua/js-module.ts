// *_by_lua_file with a TypeScript or JavaScript module (.ts, .mts, .js, .mjs): the module's
// default export `(ngx) => void | Promise<void>` is the chunk's code. The module is bundled
// with esbuild (its own relative imports and npm packages included; `tsresty` and
// `tsresty/*` left out and answered with the server's own modules, so that the handler
// shares the server's runtime), as CommonJS, and compiled in memory under the file's own
// path with an inline source map: stack traces then name the .ts file and line. Loading is
// synchronous, so it happens where Lua chunks are compiled (postConfiguration, or per
// request under `lua_code_cache off`, where an unchanged module is reused).
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire, Module } from "node:module";
import type * as Esbuild from "esbuild";
import { lazyRequire } from "../../../lazy-require.js";
import type { LuaVm } from "../../../ngx/vm.js";
import { registerUserFiles, userPosition } from "../../../ngx/js/bridge.js";
import { handlerFunction } from "../../../ngx/js/facade.js";
import type { Ngx } from "../../../ngx/js/types.js";
import * as root from "../../../index.js";
import * as cjson from "../../../ngx/js/lib/cjson.js";
import * as redis from "../../../ngx/js/lib/redis.js";
import * as mysql from "../../../ngx/js/lib/mysql.js";
import * as http from "../../../ngx/js/lib/http.js";
import type { LuaChunk } from "./chunks.js";
// `tsresty compile`'s modules are bound as the Lua chunks they were compiled from.
import { bindCompiledLuaModule, isCompiledLuaModule } from "../../../lua/compiled-module.js";

const esbuild = lazyRequire<typeof Esbuild>("esbuild");

/** The file extensions loaded as modules rather than as Lua. */
const MODULE_FILE = /\.(?:m?ts|m?js)$/;

export function isJsModulePath(p: string): boolean {
  return MODULE_FILE.test(p);
}

/** What `import ... from "tsresty..."` gives a handler module: the server's own modules. */
const PACKAGE_MODULES: Readonly<Record<string, object>> = {
  "tsresty": root,
  "tsresty/cjson": cjson,
  "tsresty/resty/redis": redis,
  "tsresty/resty/mysql": mysql,
  "tsresty/resty/http": http,
};

interface Loaded {
  readonly exports: Record<string, unknown>;
  /** The files the bundle was made of, with their mtimes (lua_code_cache off checks them). */
  readonly inputs: readonly { readonly file: string; readonly mtime: number }[];
}

const cache = new Map<string, Loaded>();

class ModuleLoadError extends Error {}

function mtimeOf(f: string): number {
  try {
    return fs.statSync(f).mtimeMs;
  } catch {
    return -1;
  }
}

function fresh(l: Loaded): boolean {
  return l.inputs.every((i) => mtimeOf(i.file) === i.mtime);
}

/** esbuild's first error as "FILE:LINE:COL: TEXT", as Lua's load errors name the position. */
function buildErrorText(e: unknown, dir: string): string {
  const errs = (e as Partial<Esbuild.BuildFailure>).errors;
  const m = errs?.[0];
  if (m === undefined) return (e as Error).message;
  const loc = m.location;
  return loc === null ? m.text : `${path.resolve(dir, loc.file)}:${loc.line}:${loc.column + 1}: ${m.text}`;
}

let sourceMapsOn = false;

const META_URL = "__tsresty_import_meta_url";

/** Bundle and evaluate the module at `file` (absolute). Throws ModuleLoadError. */
function load(file: string): Loaded {
  const dir = path.dirname(file);
  let out: Esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    out = esbuild().buildSync({
      entryPoints: [file],
      absWorkingDir: dir,
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node20",
      write: false,
      metafile: true,
      sourcemap: "inline",
      sourcesContent: false,
      external: ["tsresty", "tsresty/*"],
      // CommonJS has no import.meta: its url is the module's file URL (the entry file's for all of a bundle).
      banner: { js: `var ${META_URL} = require("node:url").pathToFileURL(__filename).href;` },
      define: { "import.meta.url": META_URL },
      logLevel: "silent",
    });
  } catch (e) {
    throw new ModuleLoadError(buildErrorText(e, dir));
  }
  const code = out.outputFiles[0]?.text ?? "";
  const inputs = Object.keys(out.metafile.inputs).map((f) => path.resolve(dir, f));
  registerUserFiles(inputs);
  if (!sourceMapsOn) {
    process.setSourceMapsEnabled(true);
    sourceMapsOn = true;
  }
  const m = new Module(file);
  m.filename = file;
  const req = createRequire(file);
  const mm = m as unknown as { require(id: string): unknown; paths: string[]; _compile(code: string, file: string): void };
  mm.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(dir);
  mm.require = (id: string): unknown => {
    if (id === "tsresty" || id.startsWith("tsresty/")) {
      const ns = PACKAGE_MODULES[id];
      if (ns === undefined) throw new Error(`Cannot find module '${id}' (not exported by tsresty)`);
      return { __esModule: true, ...ns };
    }
    return req(id);
  };
  try {
    mm._compile(code, file);
  } catch (e) {
    throw new ModuleLoadError(e instanceof Error ? `${userPosition(e)}${e.name === "Error" ? "" : e.name + ": "}${e.message}` : String(e));
  }
  const exports = m.exports as Record<string, unknown>;
  return { exports, inputs: inputs.map((f) => ({ file: f, mtime: mtimeOf(f) })) };
}

/** The module at `file`: loaded again only when one of its sources changed (a reload, lua_code_cache off). */
function moduleAt(file: string): Loaded {
  const l = cache.get(file);
  if (l !== undefined && fresh(l)) return l;
  const n = load(file);
  cache.set(file, n);
  return n;
}

/** Bind a *_by_lua_file chunk naming a module: its handler (or compiled Lua) in `vm`. */
export function bindJsChunk(c: LuaChunk, vm: LuaVm, file: string): void {
  c.fn = undefined;
  c.loadError = undefined;
  if (!fs.existsSync(file)) {
    c.loadError = `failed to load external TypeScript file "${file}": cannot open ${file}`;
    return;
  }
  try {
    const { exports } = moduleAt(file);
    if (isCompiledLuaModule(exports)) {
      c.fn = bindCompiledLuaModule(exports, vm, c);
      return;
    }
    const handler = typeof exports.default === "function" ? exports.default : typeof exports === "function" ? exports : undefined;
    if (handler === undefined) throw new ModuleLoadError("the module has no default export function (the handler)");
    c.fn = handlerFunction(vm, handler as (ngx: Ngx) => unknown, c.suspendable);
  } catch (e) {
    // Kept and reported per request as Lua load errors are (a compiled module's binding errors too).
    c.loadError = `failed to load external TypeScript file "${file}": ${e instanceof Error ? e.message : String(e)}`;
  }
}
