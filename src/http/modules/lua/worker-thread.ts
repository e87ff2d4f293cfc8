// ngx.run_worker_thread(threadpool, module, func, ...): a function of a Lua module run in a
// separate Lua VM with a reduced ngx table, its arguments and results copied between the
// VMs (functions, userdata and threads refused with lua-nginx-module's words). Here the call
// runs at once, on the event loop, in one VM per configuration kept for its module cache
// (nginx runs it on a thread of `thread_pool`, with up to lua_worker_thread_vm_pool_size VMs).
import type { Directive } from "../../../conf/ast.js";
import { LuaTable } from "../../../lua/runtime/table.js";
import { LuaError } from "../../../lua/runtime/error.js";
import { call, tostring } from "../../../lua/runtime/ops.js";
import { LUA_NULL, type LuaFunction, type LuaResult, type LuaValue } from "../../../lua/runtime/value.js";
import { hostFor } from "../../../ngx/host.js";
import type { LuaVm } from "../../../ngx/vm.js";

/** What the worker thread's ngx table holds (listed on the reference with pairs(ngx)). */
const WORKER_NGX = [
  "config", "cookie_time", "crc32_long", "crc32_short", "decode_args", "decode_base64", "encode_args", "encode_base64",
  "get_phase", "hmac_sha1", "http_time", "localtime", "md5", "md5_bin", "now", "parse_http_time", "quote_sql_str", "re",
  "sha1_bin", "shared", "time", "today", "update_time", "utctime",
];

class Unsupported extends Error {}

/** A value copied into the other VM; tables deeply (a table met twice is copied once). */
function copy(v: LuaValue, where: string, seen: Map<LuaTable, LuaTable>): LuaValue {
  switch (typeof v) {
    case "undefined": case "boolean": case "number": case "string":
      return v;
    case "function":
      throw new Unsupported(`unsupported Lua type: LUA_TFUNCTION in the ${where}`);
  }
  if (v instanceof LuaTable) {
    let t = seen.get(v);
    if (t !== undefined) return t;
    seen.set(v, (t = new LuaTable()));
    let k: LuaValue = undefined;
    for (;;) {
      const e = v.next(k);
      if (e === undefined || e === false) break;
      k = e[0];
      t.set(copy(e[0], where, seen), copy(e[1], where, seen));
    }
    return t;
  }
  const kind = v === LUA_NULL ? "LUA_TLIGHTUSERDATA" : (v as { luaType?: string }).luaType === "thread" ? "LUA_TTHREAD" : "LUA_TUSERDATA";
  throw new Unsupported(`unsupported Lua type: ${kind} in the ${where}`);
}

/** The `thread_pool` names of the configuration (main context). */
export function threadPools(tree: readonly Directive[]): Set<string> {
  return new Set(tree.filter((d) => d.name === "thread_pool").map((d) => d.args[0] ?? ""));
}

/** ngx.run_worker_thread for the VM `vm`; `newVm` makes the worker's VM on first use. */
export function makeRunWorkerThread(pools: ReadonlySet<string>, newVm: () => LuaVm): LuaFunction {
  let worker: LuaVm | undefined;
  const workerVm = (): LuaVm => {
    if (worker !== undefined) return worker;
    const vm = newVm();
    const reduced = new LuaTable();
    for (const k of WORKER_NGX) reduced.setStr(k, vm.ngx.getStr(k));
    vm.G.setStr("ngx", reduced);
    ((vm.G.getStr("package") as LuaTable).getStr("loaded") as LuaTable).setStr("ngx", reduced);
    return (worker = vm);
  };
  return function run_worker_thread(...a: LuaValue[]): LuaResult {
    hostFor("ngx.run_worker_thread");
    if (a.length < 3) return [false, "expecting at least 3 arguments"];
    const [pool, mod, fn] = a;
    if (typeof pool !== "string" || !pools.has(pool)) return [false, `thread pool ${tostring(pool)} not found`];
    let args: LuaValue[];
    try {
      const seen = new Map<LuaTable, LuaTable>();
      args = a.slice(3).map((v) => copy(v, "argument", seen));
    } catch (e) {
      if (e instanceof Unsupported) return [false, e.message];
      throw e;
    }
    const vm = workerVm();
    let res: LuaResult;
    try {
      const m = call(vm.G.getStr("require"), typeof mod === "string" ? mod : tostring(mod));
      const t = Array.isArray(m) ? m[0] : m;
      const f = t instanceof LuaTable ? t.get(typeof fn === "string" ? fn : tostring(fn)) : undefined;
      if (typeof f !== "function") return [false, "invalid function"];
      res = call(f, ...args);
    } catch (e) {
      if (e instanceof LuaError) return [false, typeof e.value === "string" ? e.value : tostring(e.value)];
      throw e;
    }
    const out = Array.isArray(res) ? res : [res];
    try {
      const seen = new Map<LuaTable, LuaTable>();
      return [true, ...out.map((v) => copy(v, "return value", seen))];
    } catch (e) {
      if (e instanceof Unsupported) return [false, e.message];
      throw e;
    }
  };
}
