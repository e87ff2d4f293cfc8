// The coroutine library over runtime/coroutine.ts.
import { LuaTable } from "../runtime/table.js";
import { LuaError, luaError } from "../runtime/error.js";
import { argError } from "../runtime/error.js";
import { Coroutine, resume, resumeG, running } from "../runtime/coroutine.js";
import { builtin, checkFunction } from "./args.js";
import { CoYield, type LuaFunction, type LuaResult, type LuaValue, type Suspension } from "../runtime/value.js";

function checkCo(a: LuaValue[], i: number, fname: string): Coroutine {
  const v = a[i];
  if (v instanceof Coroutine) return v;
  return argError(i + 1, fname, "coroutine expected");
}

function create(...a: LuaValue[]): LuaValue {
  return new Coroutine(checkFunction(a, 0, "create")) as unknown as LuaValue;
}

function resumeB(...a: LuaValue[]): LuaResult {
  return resume(checkCo(a, 0, "resume"), a.slice(1));
}
resumeB.$g = function* (...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  return yield* resumeG(checkCo(a, 0, "resume"), a.slice(1));
};

function yieldB(..._a: LuaValue[]): LuaResult {
  // Reached only from code that cannot suspend: a builtin's callback, or the main chunk,
  // which LuaJIT's command line also runs behind a C call.
  return luaError("attempt to yield across C-call boundary");
}
yieldB.$g = function* (...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  if (running() === undefined) return luaError("attempt to yield from outside a coroutine");
  const sent = yield new CoYield(a);
  return sent as LuaValue[];
};

function status(...a: LuaValue[]): string {
  const co = checkCo(a, 0, "status");
  return co === running() ? "running" : co.status;
}

function runningB(): LuaValue {
  return running() as unknown as LuaValue;
}

function isyieldable(): boolean {
  return running() !== undefined;
}

/** wrap's error: a string error gains the position of the wrap call, as in LuaJIT. */
function rethrow(r: LuaValue[]): never {
  const v = r[1];
  if (typeof v === "string") return luaError(v);
  throw new LuaError(v);
}

function wrap(...a: LuaValue[]): LuaValue {
  const co = new Coroutine(checkFunction(a, 0, "wrap"));
  const w: LuaFunction = (...args: LuaValue[]) => {
    const r = resume(co, args);
    return r[0] === true ? r.slice(1) : rethrow(r);
  };
  w.$g = function* (...args: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
    const r = yield* resumeG(co, args);
    return r[0] === true ? r.slice(1) : rethrow(r);
  };
  return builtin("wrap", w);
}

export function openCoroutine(G: LuaTable): void {
  const t = new LuaTable();
  const fns: Record<string, LuaFunction> = {
    create, resume: resumeB as LuaFunction, yield: yieldB as LuaFunction, status, running: runningB, isyieldable, wrap,
  };
  for (const k of Object.keys(fns)) t.setStr(k, builtin(k, fns[k]!));
  G.setStr("coroutine", t);
}

