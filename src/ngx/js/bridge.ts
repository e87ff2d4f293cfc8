// Running JavaScript as Lua and Lua from JavaScript. A TypeScript handler runs as the body
// of a Lua entry thread (a LuaFunction whose generator form yields the handler's Promise),
// so the phase drivers treat it as any Lua chunk. While it runs, and across its awaits, an
// AsyncLocalStorage holds the thread's Coroutine: every facade call makes that coroutine
// the running one before it calls into the Lua-facing API, which finds its request there.
import { AsyncLocalStorage } from "node:async_hooks";
import { Coroutine, running, setRunning } from "../../lua/runtime/coroutine.js";
import { LuaError } from "../../lua/runtime/error.js";
import { CoYield, type LuaFunction, type LuaResult, type LuaValue, type Suspension } from "../../lua/runtime/value.js";
import { many } from "../../lua/runtime/prims.js";
import { EXIT, NgxExitSignal } from "../thread.js";
import { toJs, toLua, type InOptions } from "./convert.js";

const context = new AsyncLocalStorage<Coroutine>();

/** The Lua thread a TypeScript call belongs to (its handler's or timer's), or the running one. */
export function currentThread(): Coroutine | undefined {
  return context.getStore() ?? running();
}

type Gen = Generator<Suspension, LuaResult, unknown>;

/** Step `gen` with `co` as the running coroutine. */
function step(co: Coroutine | undefined, gen: Gen, x: unknown): IteratorResult<Suspension, LuaResult> {
  const prev = running();
  const st = co?.status;
  if (co !== undefined) {
    setRunning(co);
    co.status = "running";
  }
  try {
    return gen.next(x);
  } finally {
    if (co !== undefined && st !== undefined) co.status = co.status === "running" ? st : co.status;
    setRunning(prev);
  }
}

/** Drive a suspendable Lua call to its end: synchronous until it waits, then a Promise. */
function drive(co: Coroutine | undefined, gen: Gen, x: unknown): LuaValue[] | Promise<LuaValue[]> {
  let r = step(co, gen, x);
  for (;;) {
    if (r.done === true) return many(r.value);
    const v = r.value;
    // ngx.exit/exec/redirect: stop the TypeScript handler (the entry wrapper ends the thread).
    if (v === EXIT) {
      gen.return([]);
      throw new NgxExitSignal();
    }
    if (v instanceof CoYield) {
      r = step(co, gen, []);
      continue;
    }
    // Such Promises resolve (I/O failures are Lua results); a rejection resumes with nothing, as the thread driver does.
    return v.then((got) => drive(co, gen, got), () => drive(co, gen, undefined));
  }
}

/**
 * Call a Lua-facing function from TypeScript. Its suspendable form is used when it has one
 * and the thread may wait; the result is then a Promise when the call waited.
 */
export function callLua(f: LuaFunction, args: LuaValue[]): LuaValue[] | Promise<LuaValue[]> {
  const co = currentThread();
  const g = f.$g;
  // Outside any Lua thread (a plain Node.js script using tsresty/resty/redis) waiting is fine.
  if (g !== undefined && (co === undefined || mayWait(co))) {
    let gen: Gen;
    const prev = running();
    if (co !== undefined) setRunning(co);
    try {
      gen = g(...args);
    } finally {
      setRunning(prev);
    }
    return drive(co, gen, undefined);
  }
  const prev = running();
  if (co !== undefined) setRunning(co);
  try {
    return many(f(...args));
  } finally {
    setRunning(prev);
  }
}

/** Call the plain form of `f` (in the TypeScript call's thread), even where the thread could wait. */
export function callLuaPlain(f: LuaFunction, args: LuaValue[]): LuaValue[] {
  const co = currentThread();
  const prev = running();
  if (co !== undefined) setRunning(co);
  try {
    return many(f(...args));
  } finally {
    setRunning(prev);
  }
}

/** A call that may not wait (its result is needed at once). */
export function callLuaSync(f: LuaFunction, args: LuaValue[]): LuaValue[] {
  const r = callLua(f, args);
  if (r instanceof Promise) throw new Error("a Lua API call waited where TypeScript expected an immediate result");
  return r;
}

// Threads whose body may wait: set by the entry wrapper (plain phases never may).
const waiting = new WeakSet<Coroutine>();

function mayWait(co: Coroutine): boolean {
  return waiting.has(co);
}

// ---------------------------------------------------------------- JS code as a Lua function

/** Paths of the loaded TypeScript/JavaScript modules, to find the user's frame in a stack. */
const userFiles = new Set<string>();

export function registerUserFiles(paths: Iterable<string>): void {
  for (const p of paths) userFiles.add(p);
}

const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/** "FILE:LINE:COL: " of the innermost frame in a user module, or "". Reads e.stack (first read). */
export function userPosition(e: Error): string {
  const stack = e.stack ?? "";
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (m !== null && userFiles.has(m[1]!)) return `${m[1]}:${m[2]}:${m[3]}: `;
  }
  return "";
}

// Lua errors that already carry the TypeScript position of the call that raised them.
const located = new WeakSet<Error>();

/**
 * A Lua error raised by an API call from TypeScript, with the position of that call in
 * front ("FILE:LINE:COL: bad argument #1 to 'exit' ..."), as Lua's carry the Lua line.
 * `site` is an Error made where the call was (for calls that failed later, after waiting);
 * by default the position is read from the stack of this function's caller.
 */
export function atCall(e: unknown, site?: Error): unknown {
  if (!(e instanceof LuaError) || typeof e.value !== "string" || located.has(e)) return e;
  const pos = userPosition(site ?? new Error());
  const x = new LuaError(pos + e.value);
  located.add(x);
  return x;
}

/**
 * An exception from TypeScript as the Lua error the phase drivers report ("runtime error:
 * FILE:LINE:COL: MESSAGE"). A Lua error raised by an API call gets the TypeScript position
 * of the call in front, as Lua's errors carry the position of the Lua line.
 */
export function asLuaError(e: unknown): unknown {
  if (e instanceof NgxExitSignal) return e;
  if (e instanceof LuaError) {
    if (typeof e.value !== "string" || located.has(e)) return e;
    const pos = userPosition(e);
    return pos === "" ? e : new LuaError(pos + e.value);
  }
  if (e instanceof Error) {
    const pos = userPosition(e);
    return new LuaError(pos + (e.name === "Error" ? "" : e.name + ": ") + e.message);
  }
  return new LuaError(typeof e === "string" ? e : String(e));
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

function settle(p: Promise<unknown>): Promise<Settled> {
  return p.then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, error }));
}

/** What a TypeScript function's return value is for Lua (set_by_lua's value, a callback's). */
export type ResultIn = (v: unknown) => LuaResult;

const defaultResult: ResultIn = (v) => (v === undefined ? [] : toLua(v));

/**
 * A JS function as a Lua function. Its plain form runs it where nothing may wait (a
 * Promise it returns is then not waited for; its failure is passed to `onLateError`); its
 * generator form (none with `plainOnly`) waits for the Promise. `args` turns the Lua
 * arguments into the JS ones.
 */
export function jsFunction(
  fn: (...a: unknown[]) => unknown,
  opts: { args?: (a: LuaValue[]) => unknown[]; result?: ResultIn; onLateError?: (e: unknown, thread: Coroutine | undefined) => void; plainOnly?: boolean } = {},
): LuaFunction {
  const args = opts.args ?? ((a: LuaValue[]) => a.map(toJs));
  const result = opts.result ?? defaultResult;
  const start = (co: Coroutine | undefined, a: LuaValue[]): unknown => {
    try {
      return co === undefined ? fn(...args(a)) : context.run(co, () => fn(...args(a)));
    } catch (e) {
      throw asLuaError(e);
    }
  };
  const plain: LuaFunction = (...a: LuaValue[]): LuaResult => {
    const co = running();
    const v = start(co, a);
    if (v instanceof Promise) {
      v.catch((e: unknown) => {
        if (!(e instanceof NgxExitSignal)) opts.onLateError?.(asLuaError(e), co);
      });
      return [];
    }
    return result(v);
  };
  // User code, not a builtin: ngx.timer.at accepts it as it accepts a Lua function.
  (plain as { $user?: true }).$user = true;
  // A chunk of a phase that cannot wait has no generator form (as Lua chunks compiled "plain").
  if (opts.plainOnly === true) return plain;
  plain.$g = function* jsThread(...a: LuaValue[]): Gen {
    const co = running();
    if (co !== undefined) waiting.add(co);
    const v = start(co, a);
    if (!(v instanceof Promise)) return result(v);
    const s = (yield settle(v)) as Settled;
    if (s.ok) return result(s.value);
    const err = asLuaError(s.error);
    if (err instanceof NgxExitSignal) {
      yield EXIT;
      return [];
    }
    throw err;
  };
  return plain;
}

/** The JS -> Lua options used for calls from the facade (functions become Lua functions). */
export const CALL_IN: InOptions = { fn: (f) => jsFunction(f) };
