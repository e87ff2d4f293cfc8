// The `ngx` object of TypeScript handlers: a typed face over the Lua-facing ngx table of one
// VM (src/ngx), never a second implementation. Each function is a row of a table saying
// where the Lua function is and how its results come back (one value, a tuple, bytes, a
// Promise...); the handful that need more (ngx.re's captures and ctx, ngx.log's position,
// the shared dicts) are written out below.
import { LuaTable } from "../../lua/runtime/table.js";
import { index, setIndex } from "../../lua/runtime/ops.js";
import { running, setRunning } from "../../lua/runtime/coroutine.js";
import { LuaError } from "../../lua/runtime/error.js";
import type { LuaFunction, LuaValue } from "../../lua/runtime/value.js";
import { currentHost, NgxHost } from "../host.js";
import { logPiece } from "../values.js";
import type { LuaVm } from "../vm.js";
import { NgxExitSignal } from "../thread.js";
import { atCall, CALL_IN, callLua, callLuaPlain, callLuaSync, currentThread, jsFunction, userPosition } from "./bridge.js";
import { luaObject } from "./lua-object.js";
import { bytesOut, integerKey, registerProxy, textIn, textOut, toJs, toLua, type JsValue } from "./convert.js";
import type { Ngx, RegexCtx } from "./types.js";
import { PHASE_ACTION } from "../phases.js";

/** How a Lua function's results come back to TypeScript. */
type Shape =
  | "void" // nothing
  | "one" // the first value
  | "list" // the first value, a table, as an array (empty too)
  | "bytes" // the first value as a Buffer
  | "never" // ngx.exit and friends: stops the handler
  | ["tuple", number] // the values as a tuple of that length (nil as null)
  | "async-void"
  | ["async-tuple", number]
  | "async-one"
  | "async-all" // every value, as an array
  | "object"; // [a Lua object as a TypeScript object (or null), err]

/** Where each function is in the Lua ngx table, and its shape. */
const FUNCTIONS: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  "": {
    say: ["tuple", 2], print: ["tuple", 2], flush: ["async-tuple", 2], eof: ["tuple", 2],
    exit: "never", redirect: "never", exec: "never",
    sleep: "async-void",
    time: "one", now: "one", today: "one", localtime: "one", utctime: "one", update_time: "void",
    cookie_time: "one", http_time: "one", parse_http_time: "one",
    md5: "one", md5_bin: "bytes", sha1_bin: "bytes", hmac_sha1: "bytes", crc32_short: "one", crc32_long: "one",
    encode_base64: "one", decode_base64: "one", escape_uri: "one", unescape_uri: "one",
    encode_args: "one", decode_args: "one", quote_sql_str: "one",
    get_phase: "one", on_abort: ["tuple", 2],
  },
  req: {
    get_method: "one", set_method: "void", get_uri_args: "one", set_uri_args: "void",
    get_post_args: ["tuple", 2], get_headers: "one", set_header: "void", clear_header: "void",
    read_body: "async-void", discard_body: "void", get_body_data: "one", get_body_file: "one",
    set_body_data: "void", set_body_file: "void", init_body: "void", append_body: "void", finish_body: "void",
    http_version: "one", raw_header: "one", start_time: "one", is_internal: "one", set_uri: "void",
    socket: "object",
  },
  resp: { get_headers: "one" },
  location: { capture: "async-one", capture_multi: "async-all" },
  timer: { at: ["tuple", 2], every: ["tuple", 2], running_count: "one", pending_count: "one" },
  worker: { id: "one", count: "one", pid: "one", exiting: "one" },
  config: { prefix: "one" },
};

/** Methods of a shared dict (called as dict:method(...)). */
const SHDICT: Readonly<Record<string, Shape>> = {
  get: ["tuple", 2], get_stale: ["tuple", 3], set: ["tuple", 3], safe_set: ["tuple", 2], add: ["tuple", 3],
  safe_add: ["tuple", 2], replace: ["tuple", 3], delete: "void", incr: ["tuple", 3],
  lpush: ["tuple", 2], rpush: ["tuple", 2], lpop: ["tuple", 2], rpop: ["tuple", 2], llen: ["tuple", 2],
  ttl: ["tuple", 2], expire: ["tuple", 2], flush_all: "void", flush_expired: "one", get_keys: "list",
  capacity: "one", free_space: "one",
};

function tuple(vs: LuaValue[], n: number): JsValue[] {
  const out: JsValue[] = [];
  for (let i = 0; i < Math.max(n, vs.length); i++) out.push(toJs(vs[i]));
  return out;
}

function list(v: LuaValue): JsValue[] {
  if (!(v instanceof LuaTable)) return [];
  const out: JsValue[] = [];
  for (let i = 1, n = v.length(); i <= n; i++) out.push(toJs(v.get(i)));
  return out;
}

const SYNC_OUT: Readonly<Record<string, (vs: LuaValue[]) => unknown>> = {
  "void": () => undefined,
  "one": (vs) => toJs(vs[0]),
  "list": (vs) => list(vs[0]),
  "bytes": (vs) => bytesOut(vs[0]),
  "object": (vs) => [vs[0] === undefined ? null : luaObject(vs[0]), toJs(vs[1])],
};

/** A TypeScript function calling Lua function `f` (with `self` first, for methods). */
export function wrap(f: LuaFunction, shape: Shape, self?: LuaValue, plainForm = false): (...a: unknown[]) => unknown {
  const lua = (a: unknown[]): LuaValue[] => {
    const args = a.map((x) => toLua(x, CALL_IN));
    return self === undefined ? args : [self, ...args];
  };
  // A call that may wait keeps where it was made, for the position of a later error.
  const later = (a: unknown[], then: (vs: LuaValue[]) => unknown): Promise<unknown> => {
    const site = new Error();
    let r: LuaValue[] | Promise<LuaValue[]>;
    try {
      r = callLua(f, lua(a));
    } catch (e) {
      throw atCall(e);
    }
    return Promise.resolve(r).then(then, (e: unknown) => {
      throw atCall(e, site);
    });
  };
  const now = (a: unknown[]): LuaValue[] => {
    try {
      return plainForm ? callLuaPlain(f, lua(a)) : callLuaSync(f, lua(a));
    } catch (e) {
      throw atCall(e);
    }
  };
  if (shape === "never") {
    return (...a) => {
      now(a);
      throw new NgxExitSignal();
    };
  }
  if (Array.isArray(shape)) {
    const [kind, n] = shape;
    if (kind === "tuple") return (...a) => tuple(now(a), n);
    return (...a) => later(a, (vs) => tuple(vs, n));
  }
  if (shape === "async-void") return (...a) => later(a, () => undefined);
  if (shape === "async-one") return (...a) => later(a, (vs) => toJs(vs[0]));
  if (shape === "async-all") return (...a) => later(a, (vs) => vs.map(toJs));
  const out = SYNC_OUT[shape]!;
  return (...a) => out(now(a));
}

/** Run `fn` with the TypeScript call's Lua thread as the running coroutine (for metamethods). */
export function inThread<T>(fn: () => T): T {
  const co = currentThread();
  const prev = running();
  if (co !== undefined) setRunning(co);
  try {
    return fn();
  } catch (e) {
    throw atCall(e);
  } finally {
    setRunning(prev);
  }
}

function key(k: string): LuaValue {
  return integerKey(k) ?? textIn(k);
}

/** A JS object over a Lua table whose fields are read and written through Lua's indexing (metamethods). */
function fieldProxy(t: LuaValue, out: (v: LuaValue) => unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return new Proxy(extra, {
    get: (target, k) => (typeof k === "symbol" || k in target ? (target as Record<string | symbol, unknown>)[k] : inThread(() => out(index(t, key(k))))),
    set: (_target, k, v) => {
      if (typeof k === "symbol") return false;
      inThread(() => setIndex(t, key(k), toLua(v, CALL_IN)));
      return true;
    },
    deleteProperty: (_target, k) => {
      if (typeof k !== "symbol") inThread(() => setIndex(t, key(k), undefined));
      return true;
    },
  });
}

const tableProxies = new WeakMap<LuaTable, Record<string, unknown>>();

/** A live view of a Lua table (ngx.ctx): reads and writes go to the table; nested tables are views too. */
export function tableView(t: LuaTable): Record<string, unknown> {
  let p = tableProxies.get(t);
  if (p !== undefined) return p;
  const out = (v: LuaValue): unknown => (v instanceof LuaTable ? tableView(v) : toJs(v));
  const keys = (): string[] => {
    const ks: string[] = [];
    for (let e = t.next(undefined); e; e = t.next(e[0])) {
      if (typeof e[0] === "string") ks.push(textOut(e[0]));
      else if (typeof e[0] === "number") ks.push(String(e[0]));
    }
    return ks;
  };
  p = new Proxy({} as Record<string, unknown>, {
    get: (_t, k) => (typeof k === "symbol" ? undefined : out(t.get(key(k)))),
    set: (_t, k, v) => {
      if (typeof k === "symbol") return false;
      t.set(key(k), toLua(v, CALL_IN));
      return true;
    },
    has: (_t, k) => typeof k !== "symbol" && t.get(key(k)) !== undefined,
    deleteProperty: (_t, k) => {
      if (typeof k !== "symbol") t.set(key(k), undefined);
      return true;
    },
    ownKeys: () => keys(),
    getOwnPropertyDescriptor: (_t, k) => {
      if (typeof k === "symbol") return undefined;
      const v = t.get(key(k));
      return v === undefined ? undefined : { value: out(v), writable: true, enumerable: true, configurable: true };
    },
  });
  tableProxies.set(t, p);
  registerProxy(p, t);
  return p;
}

function table(ngx: LuaTable, name: string): LuaTable {
  const t = name === "" ? ngx : ngx.getStr(name);
  return t instanceof LuaTable ? t : new LuaTable();
}

/** The functions of one FUNCTIONS row, as an object. */
function functions(ngx: LuaTable, name: string): Record<string, unknown> {
  const t = table(ngx, name);
  const o: Record<string, unknown> = {};
  for (const [fname, shape] of Object.entries(FUNCTIONS[name]!)) {
    const f = t.getStr(fname);
    if (typeof f === "function") o[fname] = wrap(f as LuaFunction, shape);
  }
  return o;
}

/** ngx.re: captures as objects; a pattern error is thrown; ctx.pos copied back. */
function makeRe(ngx: LuaTable): Record<string, unknown> {
  const t = table(ngx, "re");
  const fn = (n: string): LuaFunction => t.getStr(n) as LuaFunction;
  const withCtx = <T>(ctx: RegexCtx | undefined, call: (c: LuaValue) => T): T => {
    if (ctx === undefined || ctx === null) return call(undefined);
    const c = toLua(ctx) as LuaTable;
    try {
      return call(c);
    } finally {
      const pos = c.getStr("pos");
      if (typeof pos === "number") ctx.pos = pos;
    }
  };
  const guard = <A extends unknown[], R>(f: (...a: A) => R) => (...a: A): R => {
    try {
      return f(...a);
    } catch (e) {
      throw atCall(e);
    }
  };
  const failIf = (err: LuaValue): void => {
    if (typeof err === "string") throw new Error(textOut(err));
  };
  return {
    match: guard((s: string, re: string, opts?: string, ctx?: RegexCtx, nth?: number) =>
      withCtx(ctx, (c) => {
        const [m, err] = callLuaSync(fn("match"), [textIn(s), textIn(re), toLua(opts), c, toLua(nth)]);
        failIf(err);
        return m instanceof LuaTable ? toJs(m) : null;
      })),
    find: guard((s: string, re: string, opts?: string, ctx?: RegexCtx, nth?: number) =>
      withCtx(ctx, (c) => {
        const [from, to, err] = callLuaSync(fn("find"), [textIn(s), textIn(re), toLua(opts), c, toLua(nth)]);
        failIf(err);
        return typeof from === "number" ? [from, to] : null;
      })),
    gmatch: guard((s: string, re: string, opts?: string) => {
      const [it, err] = callLuaSync(fn("gmatch"), [textIn(s), textIn(re), toLua(opts)]);
      failIf(err);
      return {
        *[Symbol.iterator]() {
          for (;;) {
            const [m] = callLuaSync(it as LuaFunction, []);
            if (!(m instanceof LuaTable)) return;
            yield toJs(m);
          }
        },
      };
    }),
    sub: wrap(fn("sub"), ["tuple", 2]),
    gsub: wrap(fn("gsub"), ["tuple", 2]),
  };
}

/** ngx.socket.tcp()/udp(): the cosocket as an object whose waiting methods return Promises. */
function makeSocket(ngx: LuaTable): Record<string, unknown> {
  const t = table(ngx, "socket");
  const make = (name: string) => (): unknown => {
    const f = t.getStr(name);
    if (typeof f !== "function") throw new Error(`ngx.socket.${name} is not available`);
    const [s] = callLuaSync(f as LuaFunction, []);
    return luaObject(s);
  };
  return { tcp: make("tcp"), udp: make("udp") };
}

/** ngx.shared: DICT -> an object with the dict's methods (tuples). */
function makeShared(ngx: LuaTable): Record<string, unknown> {
  const dicts = new Map<string, Record<string, unknown>>();
  return new Proxy({} as Record<string, unknown>, {
    get: (_t, k) => {
      if (typeof k === "symbol") return undefined;
      let d = dicts.get(k);
      if (d !== undefined) return d;
      const zone = inThread(() => index(index(ngx, "shared"), textIn(k)));
      if (zone === undefined) return undefined;
      d = {};
      for (const [m, shape] of Object.entries(SHDICT)) {
        const f = inThread(() => index(zone, m));
        // Plain forms: results at once, as the types say (a Redis-backed zone's plain form blocks on its twin).
        if (typeof f === "function") d[m] = wrap(f as LuaFunction, shape, zone, true);
      }
      dicts.set(k, d);
      return d;
    },
  });
}

/** "[lua] FILE:LINE: " as ngx_lua prefixes log lines, FILE being the TypeScript file's base name. */
function logPrefix(): string {
  const pos = userPosition(new Error());
  const m = /([^/]*):(\d+):\d+: $/.exec(pos);
  return m === null ? "[lua] " : `[lua] ${m[1]}:${m[2]}: `;
}

function makeLog(vm: LuaVm): (level: number, ...a: unknown[]) => void {
  return (level, ...a) => {
    if (typeof level !== "number" || level < 0 || level > 8) throw new Error(`bad log level: ${String(level)}`);
    const prefix = logPrefix();
    inThread(() => {
      let msg = "";
      a.forEach((v, i) => (msg += logPiece(toLua(v, { nullValue: undefined }), i + 2, "log")));
      const h = currentHost();
      vm.log(level, prefix + msg, h?.r, (h === undefined ? undefined : PHASE_ACTION[h.phase]));
    });
  };
}

const facades = new WeakMap<LuaVm, Ngx>();

/** The `ngx` object of `vm` (made once per VM). */
export function ngxFacade(vm: LuaVm): Ngx {
  let f = facades.get(vm);
  if (f === undefined) facades.set(vm, (f = buildFacade(vm)));
  return f;
}

function buildFacade(vm: LuaVm): Ngx {
  const ngx = vm.ngx;
  const o: Record<string, unknown> = functions(ngx, "");
  // Constants (numbers) as they are in the Lua table.
  for (let e = ngx.next(undefined); e; e = ngx.next(e[0])) {
    if (typeof e[0] === "string" && typeof e[1] === "number") o[e[0]] = e[1];
  }
  o.null = null;
  o.log = makeLog(vm);
  const decode = ngx.getStr("decode_base64") as LuaFunction;
  o.decode_base64_bytes = wrap(decode, "bytes");
  for (const n of ["req", "resp", "location", "timer", "worker"]) o[n] = functions(ngx, n);
  const config = functions(ngx, "config");
  const cfgT = table(ngx, "config");
  for (const k of ["nginx_version", "ngx_lua_version", "subsystem", "debug"]) config[k] = toJs(cfgT.getStr(k));
  o.config = config;
  o.re = makeRe(ngx);
  o.socket = makeSocket(ngx);
  o.shared = makeShared(ngx);
  o.header = fieldProxy(ngx.getStr("header"), toJs);
  o.var = fieldProxy(ngx.getStr("var"), toJs);
  o.arg = fieldProxy(ngx.getStr("arg"), toJs);
  Object.defineProperty(o, "status", {
    get: () => inThread(() => toJs(index(ngx, "status"))),
    set: (v: unknown) => inThread(() => setIndex(ngx, "status", toLua(v))),
    enumerable: true,
  });
  Object.defineProperty(o, "ctx", {
    get: () => inThread(() => {
      const t = index(ngx, "ctx");
      return t instanceof LuaTable ? tableView(t) : null;
    }),
    set: (v: unknown) => inThread(() => setIndex(ngx, "ctx", toLua(v, CALL_IN))),
    enumerable: true,
  });
  return Object.freeze(o) as unknown as Ngx;
}

/** A handler module's default export as the Lua function of its chunk. */
export function handlerFunction(vm: LuaVm, handler: (ngx: Ngx) => unknown, suspendable: boolean): LuaFunction {
  const ngx = ngxFacade(vm);
  return jsFunction(() => handler(ngx), {
    plainOnly: !suspendable,
    onLateError: (e, thread) => {
      const h = thread?.host instanceof NgxHost ? thread.host : undefined;
      const msg = e instanceof LuaError && typeof e.value === "string" ? e.value : String(e);
      vm.log(4, `TypeScript handler failed after returning: ${msg}`, h?.r);
    },
  });
}
