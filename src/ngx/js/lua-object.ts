// A Lua object (a cosocket, a resty.redis/mysql/http client) as a TypeScript object: every
// method of the Lua object is a method here, called with the object as self. A method
// that has a suspendable form returns a Promise of its results as a tuple (`[res, err]`);
// the others return the tuple at once. Functions among the results (receiveuntil's
// iterator, a body reader) become async functions the same way.
import { index } from "../../lua/runtime/ops.js";
import { LuaTable } from "../../lua/runtime/table.js";
import type { LuaFunction, LuaValue } from "../../lua/runtime/value.js";
import { atCall, CALL_IN, callLua, callLuaSync } from "./bridge.js";
import { toJs, toLua } from "./convert.js";
import { inThread } from "./facade.js";

type Fn = (...args: unknown[]) => unknown;

/** One result: a function becomes callable; a table's function fields become its methods (res:read_body()). */
function result(v: LuaValue): unknown {
  if (typeof v === "function") return luaCallable(v as LuaFunction, undefined);
  const o = toJs(v);
  if (v instanceof LuaTable && o !== null && typeof o === "object" && !Array.isArray(o)) {
    const rec = o as Record<string, unknown>;
    for (const [k, x] of Object.entries(rec)) if (typeof x === "function") rec[k] = luaCallable(x as LuaFunction, v);
  }
  return o;
}

/** The results as a tuple of at least two (so that `[res, err]` always destructures). */
function results(vs: LuaValue[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < Math.max(2, vs.length); i++) out.push(result(vs[i]));
  return out;
}

/** Lua function `f` (a method of `self` when given) as a TypeScript function returning tuples. */
export function luaCallable(f: LuaFunction, self: LuaValue, single = false): Fn {
  const conv = (vs: LuaValue[]): unknown => (single ? toJs(vs[0]) : results(vs));
  return (...a: unknown[]) => {
    const site = f.$g !== undefined ? new Error() : undefined;
    const args = a.map((x) => toLua(x, CALL_IN));
    let r: LuaValue[] | Promise<LuaValue[]>;
    try {
      r = callLua(f, self === undefined ? args : [self, ...args]);
    } catch (e) {
      throw atCall(e);
    }
    if (r instanceof Promise) {
      return r.then(conv, (e: unknown) => {
        throw atCall(e, site);
      });
    }
    return f.$g !== undefined ? Promise.resolve(conv(r)) : conv(r);
  };
}

/** A proxy for Lua object `obj`; `single` names the methods whose one result is returned alone. */
export function luaObject<T extends object>(obj: LuaValue, single: ReadonlySet<string> = new Set()): T {
  const methods = new Map<string, Fn>();
  return new Proxy({} as T, {
    get: (_t, k) => {
      // not a thenable: `await new Redis()` must not call a "then" command
      if (typeof k !== "string" || k === "then") return undefined;
      const m = methods.get(k);
      if (m !== undefined) return m;
      const v = inThread(() => index(obj, k));
      if (typeof v !== "function") return toJs(v);
      const fn = luaCallable(v as LuaFunction, obj, single.has(k));
      methods.set(k, fn);
      return fn;
    },
  });
}

/**
 * A class over a bundled Lua library whose `new()` makes the objects (resty.redis, mysql,
 * http): `new C()` calls it (made on first use) and gives the object's proxy.
 */
export function luaClass<T extends object>(name: string, makeModule: () => LuaValue, single?: ReadonlySet<string>): new () => T {
  let M: LuaValue;
  const C = function (): T {
    const [obj, err] = callLuaSync(index((M ??= makeModule()), "new") as LuaFunction, []);
    if (obj === undefined) throw new Error(typeof err === "string" ? err : `failed to instantiate ${name}`);
    return luaObject<T>(obj, single);
  };
  return C as unknown as new () => T;
}
