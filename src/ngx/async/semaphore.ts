// The ngx.semaphore module: new(n), sema:post(n), sema:wait(timeout), sema:count(). Waiters
// queue in order; a post wakes as many as it adds resources, each on its own continuation,
// so the posting thread goes on first as in ngx_lua. A waiter whose request ends leaves the
// queue.
import { LuaTable } from "../../lua/runtime/table.js";
import { luaError } from "../../lua/runtime/error.js";
import { stringToNumber } from "../../lua/runtime/convert.js";
import type { LuaFunction, LuaResult, LuaValue, Suspension } from "../../lua/runtime/value.js";
import type { AsyncHost } from "./host.js";
import { YIELDABLE, phaseFailure, yieldAcrossC } from "./phase.js";

interface Waiter {
  wake(ok: boolean): void;
}

export class Semaphore extends LuaTable {
  resources = 0;
  readonly waiters: Waiter[] = [];
}

function sem(self: LuaValue): Semaphore {
  if (self instanceof Semaphore) return self;
  return luaError("not a semaphore instance");
}

function numArg(v: LuaValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") return stringToNumber(v);
  return undefined;
}

function nilArith(): never {
  return luaError("attempt to perform arithmetic on a nil value");
}

export function semaphoreModule(host: AsyncHost): LuaTable {
  const methods = new LuaTable();
  const mt = new LuaTable();
  mt.setStr("__index", methods);

  const wakeSome = (s: Semaphore): void => {
    while (s.resources > 0 && s.waiters.length > 0) {
      s.resources--;
      s.waiters.shift()!.wake(true);
    }
  };

  const post = (self: LuaValue, n: LuaValue): LuaResult => {
    const s = sem(self);
    const k = n === undefined ? 1 : numArg(n);
    if (k === undefined) return nilArith();
    if (k <= 0) return luaError("positive number required");
    s.resources += Math.floor(k);
    wakeSome(s);
    return true;
  };

  /** What wait can answer at once, or undefined when it must wait. */
  const waitNow = (self: LuaValue, timeout: LuaValue): LuaResult | number => {
    const s = sem(self);
    const t = numArg(timeout);
    if (t === undefined) return nilArith();
    if (t < 0) return luaError("no negative number");
    if (s.resources > 0 && s.waiters.length === 0) {
      s.resources--;
      return true;
    }
    if (t === 0) return [undefined, "timeout"];
    const bad = phaseFailure(host, YIELDABLE);
    if (bad !== undefined) return [undefined, bad];
    return t;
  };

  const wait = ((self: LuaValue, timeout: LuaValue): LuaResult => {
    const r = waitNow(self, timeout);
    return typeof r === "number" ? yieldAcrossC() : r;
  }) as LuaFunction;
  wait.$g = function* (self: LuaValue, timeout: LuaValue): Generator<Suspension, LuaResult, unknown> {
    const r = waitNow(self, timeout);
    if (typeof r !== "number") return r;
    const s = self as Semaphore;
    const req = host.request();
    const ok = (yield new Promise<boolean>((resolve) => {
      let done = false;
      const w: Waiter = {
        wake(v) {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve(v);
        },
      };
      const leave = (): void => {
        const i = s.waiters.indexOf(w);
        if (i >= 0) s.waiters.splice(i, 1);
      };
      const timer = setTimeout(() => {
        leave();
        w.wake(false);
      }, r * 1000);
      s.waiters.push(w);
      req?.onCleanup(() => {
        leave();
        w.wake(false);
      });
    })) as boolean;
    return ok ? true : [undefined, "timeout"];
  };

  const count = (self: LuaValue): LuaResult => {
    const s = sem(self);
    return s.resources - s.waiters.length;
  };

  for (const [k, f] of Object.entries({ post, wait, count } as Record<string, LuaFunction>)) {
    f.$name = k;
    methods.setStr(k, f);
  }

  const mod = new LuaTable();
  const create = ((n: LuaValue): LuaResult => {
    const k = n === undefined ? 0 : numArg(n) ?? 0;
    if (k < 0) return luaError("no negative number");
    const s = new Semaphore();
    s.resources = Math.floor(k);
    s.mt = mt;
    return s;
  }) as LuaFunction;
  create.$name = "new";
  mod.setStr("new", create);
  mod.setStr("version", "0.1.25");
  return mod;
}
