// One Lua VM per loaded configuration (tsresty's single worker): the one `_G` every request
// shares, with the standard library, the bundled libraries preloaded, and the ngx table.
// A reload makes a new VM, as nginx's new workers start with fresh Lua states.
import type { HttpConfig } from "../http/config/model.js";
import type { ErrorLog } from "../http/log/error-log.js";
import { currentHost } from "./host.js";
import type { Request } from "../http/request.js";
import { newGlobals } from "../lua/state.js";
import { DEFAULT_CPATH, DEFAULT_PATH, type ModuleLoader } from "../lua/stdlib/package.js";
import { bundledModules } from "../lib/index.js";
import type { LuaTable } from "../lua/runtime/table.js";
import { buildNgx } from "./index.js";

export interface VmOptions {
  /** The prefix, with its trailing slash ($prefix in lua_package_path). */
  readonly prefix: string;
  readonly packagePath: string | undefined;
  readonly packageCpath: string | undefined;
  /** The main error log (logging outside requests: init_by_lua, timers). */
  readonly errorLog: ErrorLog;
  readonly codeCache: boolean;
  readonly sharedDicts: readonly { readonly name: string; readonly size: number }[];
}

/** lua_package_path's rules: `;;` is the default path, `$prefix` and `${prefix}` the prefix. */
export function expandPackagePath(conf: string | undefined, def: string, prefix: string): string {
  if (conf === undefined) return def;
  const p = conf.replace(/\$\{prefix\}|\$prefix/g, prefix);
  return p.replace(/;;/g, `;${def};`);
}

export class LuaVm {
  readonly G: LuaTable;
  readonly ngx: LuaTable;
  /** The configuration once it is bound (postConfiguration). */
  config: HttpConfig | undefined;
  exiting = false;
  /** Requests being served, for ngx.worker.exiting-time cleanups. */
  readonly exitHooks = new Set<() => void>();
  /** lua_shared_dict zones of the configuration (the async API keeps the stores). */
  sharedDicts: readonly { readonly name: string; readonly size: number }[] = [];

  constructor(readonly opts: VmOptions) {
    const preload: Record<string, ModuleLoader> = { ...bundledModules };
    this.G = newGlobals({
      packagePath: expandPackagePath(opts.packagePath, DEFAULT_PATH, opts.prefix),
      packageCpath: expandPackagePath(opts.packageCpath, DEFAULT_CPATH, opts.prefix),
      preload,
    });
    this.sharedDicts = opts.sharedDicts;
    this.ngx = buildNgx(this);
    this.G.setStr("ngx", this.ngx);
    const loaded = (this.G.getStr("package") as LuaTable).getStr("loaded") as LuaTable;
    loaded.setStr("ngx", this.ngx);
  }

  /** Log for Lua code: with the request's context when there is one. */
  log(level: number, message: string, r: Request | undefined, action?: string): void {
    if (r !== undefined) r.log(level, message, action);
    // a phase without a request (the TLS handshake's) may give its own connection and context
    else this.opts.errorLog.log(level, message, currentHost()?.logContext);
  }
}
