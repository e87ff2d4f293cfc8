// The ngx table of one Lua VM, assembled from the API files (one concept each). Fields
// that depend on the running request (ngx.status, ngx.ctx, ngx.arg) go through the ngx
// table's metatable, as in ngx_lua.
import * as fs from "node:fs";
import { LuaTable } from "../lua/runtime/table.js";
import { LUA_NULL, type LuaFunction, type LuaResult, type LuaValue, type Suspension } from "../lua/runtime/value.js";
import { luaError } from "../lua/runtime/error.js";
import { typeName } from "../lua/runtime/convert.js";
import { library } from "../lua/stdlib/args.js";
import { NGINX_VERSION } from "../version.js";
import { ctxTable, currentHost, hostFor, requestFor, requestState, setCtxTable } from "./host.js";
import { CORE_CONSTANTS, LOG_CONSTANTS, METHOD_CONSTANTS, STATUS_CONSTANTS } from "./constants.js";
import { getStatus, makeHeaderTable, outputApi, setStatus } from "./output.js";
import { makeLog } from "./log.js";
import { timeApi } from "./time.js";
import { encodingApi } from "./encoding.js";
import { makeVarTable } from "./var.js";
import { makeReq, makeResp } from "./req.js";
import { makeRe } from "./re.js";
import { makeLocation } from "./location.js";
import { installAsync } from "./async-host.js";
import type { LuaVm } from "./vm.js";
import { checkNum } from "./values.js";
import { workerIdentity } from "./worker-identity.js";

/** nginx_version as ngx.config gives it: 1.22.1 is 1022001. */
function versionNumber(v: string): number {
  const [a = 0, b = 0, c = 0] = v.split(".").map(Number);
  return a * 1000000 + b * 1000 + c;
}

function sleepDelay(a: LuaValue[]): number {
  hostFor("ngx.sleep");
  const s = checkNum(a[0], 1, "sleep");
  if (s < 0) return luaError("invalid sleep duration \"" + s + "\"");
  return s * 1000;
}
function sleep(...a: LuaValue[]): LuaResult {
  sleepDelay(a);
  return luaError("attempt to yield across C-call boundary");
}
sleep.$g = function* sleep(...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  const ms = sleepDelay(a);
  yield new Promise<void>((resolve) => setTimeout(resolve, ms));
  return 0;
};

export function buildNgx(vm: LuaVm): LuaTable {
  const ngx = new LuaTable();
  for (const t of [CORE_CONSTANTS, METHOD_CONSTANTS, STATUS_CONSTANTS, LOG_CONSTANTS]) {
    for (const [k, v] of Object.entries(t)) ngx.setStr(k, v);
  }
  ngx.setStr("null", LUA_NULL);
  const fns: Record<string, LuaFunction> = {
    ...outputApi,
    ...timeApi,
    ...encodingApi,
    log: makeLog(vm),
    sleep,
    get_phase: (): LuaResult => currentHost()?.phase ?? "init",
    on_abort: (...a: LuaValue[]): LuaResult => {
      const { r } = requestFor("ngx.on_abort");
      if (typeof a[0] !== "function") return luaError(`bad argument #1 to 'on_abort' (function expected, got ${typeName(a[0])})`);
      if (r.loc.settings.lua_check_client_abort !== true) return [undefined, "lua_check_client_abort is off"];
      const s = requestState(r);
      if (s.onAbort !== undefined) return [undefined, "duplicate call"];
      s.onAbort = a[0] as LuaFunction;
      return 1;
    },
  };
  for (const [k, f] of Object.entries(fns)) ngx.setStr(k, library({ [k]: f }).getStr(k));

  const prefix = (): LuaResult => vm.opts.prefix;
  const config = library({
    prefix,
    nginx_configure: (): LuaResult => "",
  });
  config.setStr("subsystem", "http");
  config.setStr("debug", false);
  config.setStr("nginx_version", versionNumber(NGINX_VERSION));
  config.setStr("ngx_lua_version", 10023);
  ngx.setStr("config", config);

  const worker = library({
    id: (): LuaResult => (currentHost()?.phase === "init" ? undefined : workerIdentity.id),
    count: (): LuaResult => workerIdentity.count,
    pid: (): LuaResult => process.pid,
    exiting: (): LuaResult => vm.exiting,
  });
  ngx.setStr("worker", worker);

  ngx.setStr("header", makeHeaderTable());
  ngx.setStr("var", makeVarTable());
  ngx.setStr("req", makeReq(vm));
  ngx.setStr("resp", makeResp());
  ngx.setStr("re", makeRe(vm));
  ngx.setStr("location", makeLocation(vm));
  ngx.setStr("arg", makeArgTable());

  const mt = new LuaTable();
  mt.setStr("__index", ((_t: LuaValue, k: LuaValue): LuaResult => {
    if (k === "status") return getStatus();
    if (k === "ctx") {
      const { r } = requestFor("ngx.ctx");
      return ctxTable(r, () => new LuaTable());
    }
    return undefined;
  }) as LuaFunction);
  mt.setStr("__newindex", ((t: LuaValue, k: LuaValue, v: LuaValue): LuaResult => {
    if (k === "status") setStatus(v);
    else if (k === "ctx") {
      const { r } = requestFor("ngx.ctx");
      if (!(v instanceof LuaTable)) return luaError("ctx should be a table while setting ngx.ctx");
      setCtxTable(r, v);
    } else (t as LuaTable).set(k, v);
    return [];
  }) as LuaFunction);
  ngx.mt = mt;

  installAsync(ngx, vm);
  return ngx;
}

/** ngx.arg: set_by_lua's arguments, or body_filter_by_lua's chunk and eof flag. */
function makeArgTable(): LuaTable {
  const t = new LuaTable();
  const mt = new LuaTable();
  mt.setStr("__index", ((_t: LuaValue, k: LuaValue): LuaResult => {
    const h = currentHost();
    if (h === undefined) return undefined;
    if (h.phase === "body_filter" && h.chunk) {
      const c = h.chunk;
      if (k === 1) return typeof c.data === "string" ? c.data : c.data.toString("latin1");
      if (k === 2) return c.eof;
      return undefined;
    }
    if (h.setArgs && typeof k === "number") return h.setArgs[k - 1];
    return undefined;
  }) as LuaFunction);
  mt.setStr("__newindex", ((_t: LuaValue, k: LuaValue, v: LuaValue): LuaResult => {
    const h = currentHost();
    if (h === undefined || h.phase !== "body_filter" || !h.chunk) return luaError("attempt to write to ngx.arg");
    const c = h.chunk;
    if (k === 1) {
      if (v === undefined) c.data = "";
      else if (typeof v === "string") c.data = v;
      else if (typeof v === "number") c.data = String(v);
      else if (v instanceof LuaTable) {
        let s = "";
        for (let i = 1; i <= v.length(); i++) s += String(v.get(i));
        c.data = s;
      } else return luaError(`bad argument #2 to '?' (string, number, or table expected, got ${typeName(v)})`);
    } else if (k === 2) {
      if (v === true || (v !== undefined && v !== false)) {
        c.eof = true;
        if (h.r) requestState(h.r).bodyEof = true;
      } else c.eof = false;
    } else return luaError("bad index: " + String(k));
    return [];
  }) as LuaFunction);
  t.mt = mt;
  return t;
}

/** For docs and tests: whether a file is there (ngx.req.get_body_file). */
export function fileExists(p: string): boolean {
  return fs.existsSync(p);
}
