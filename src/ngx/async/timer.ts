// ngx.timer.at, ngx.timer.every, running_count and pending_count. A timer is a Node timeout
// that, when due, hands its callback to AsyncHost.spawnThread: a new entry thread with a
// fake request, phase "timer". On worker shutdown every pending timer fires at once with
// premature = true, and `every` timers stop rescheduling, as in ngx_lua.
import { LuaTable } from "../../lua/runtime/table.js";
import { argError, luaError } from "../../lua/runtime/error.js";
import { stringToNumber, typeName } from "../../lua/runtime/convert.js";
import type { LuaFunction, LuaResult, LuaValue } from "../../lua/runtime/value.js";
import type { Proto } from "../../lua/runtime/prims.js";
import type { AsyncHost, TimerOrigin } from "./host.js";
import { disabledMessage } from "./phase.js";

interface PendingTimer {
  handle: NodeJS.Timeout;
  fire(premature: boolean): void;
}

export class TimerState {
  pending = 0;
  running = 0;
  private readonly timers = new Set<PendingTimer>();
  private unregister: (() => void) | undefined;

  constructor(readonly host: AsyncHost) {}

  private onExit = (): void => {
    for (const t of [...this.timers]) {
      clearTimeout(t.handle);
      t.fire(true);
    }
  };

  private watchExit(): void {
    this.unregister ??= this.host.onExit(this.onExit);
  }

  /** Arm a one-shot timer; `again` makes it periodic. */
  schedule(delayMs: number, fn: LuaFunction, args: LuaValue[], every: boolean): LuaResult {
    const host = this.host;
    const settings = host.settings();
    if (this.pending >= settings.maxPendingTimers) return [undefined, "too many pending timers"];
    this.watchExit();
    // Taken now: the timer's log lines name the connection that created it.
    const origin = host.timerOrigin?.();
    const arm = (): void => {
      this.pending++;
      const t: PendingTimer = {
        handle: setTimeout(() => t.fire(false), Math.max(delayMs, 0)),
        fire: (premature: boolean) => {
          if (!this.timers.delete(t)) return;
          this.pending--;
          // A periodic timer is re-armed before its callback runs, as ngx_lua does.
          if (every && !premature && !host.exiting()) arm();
          this.run(fn, [premature, ...args], origin);
        },
      };
      this.timers.add(t);
    };
    arm();
    return 1;
  }

  private run(fn: LuaFunction, args: LuaValue[], origin: TimerOrigin | undefined): void {
    const max = this.host.settings().maxRunningTimers;
    if (this.running >= max) {
      // ngx_lua names the callback by lua_getinfo(">S"): its chunk's source ("=content_by_lua(
      // nginx.conf:10)", "@/path/file.lua") and the line of its `function` keyword.
      const p = (fn as { $p?: Proto }).$p;
      const site = p === undefined ? "=[C]:-1" : `${p.chunk.source}:${p.line}`;
      this.host.log(2, `lua failed to run timer with function defined at ${site}: ${max} lua_max_running_timers are not enough`);
      return;
    }
    this.running++;
    void this.host.spawnThread(fn, args, origin).then(
      () => { this.running--; },
      () => { this.running--; },
    );
  }
}

function timerArgs(name: string, a: LuaValue[]): [number, LuaFunction] {
  if (a.length < 2) luaError(`expecting at least 2 arguments but got ${a.length}`);
  let d = a[0];
  if (typeof d === "string") d = stringToNumber(d) ?? d;
  if (typeof d !== "number") argError(1, name, `number expected, got ${typeName(a[0])}`);
  const f = a[1];
  // A builtin (JS) function stands for ngx_lua's C functions, which it refuses too.
  // A TypeScript handler's callback (marked $user by the bridge) counts as a Lua function.
  const u = f as { $p?: unknown; $user?: true };
  if (typeof f !== "function" || (u.$p === undefined && u.$user !== true)) argError(2, name, "Lua function expected");
  return [d as number, f as LuaFunction];
}

export function timerTable(state: TimerState): LuaTable {
  const host = state.host;
  const t = new LuaTable();
  const check = (): void => {
    if (host.phase() === "init" || host.phase() === undefined) luaError(disabledMessage(host));
  };
  const at = (...a: LuaValue[]): LuaResult => {
    check();
    const [delay, fn] = timerArgs("at", a);
    if (host.exiting() && delay > 0) return [undefined, "process exiting"];
    return state.schedule(delay * 1000, fn, a.slice(2), false);
  };
  const every = (...a: LuaValue[]): LuaResult => {
    check();
    const [delay, fn] = timerArgs("every", a);
    if (delay === 0) luaError("delay cannot be zero");
    if (host.exiting()) return [undefined, "process exiting"];
    return state.schedule(delay * 1000, fn, a.slice(2), true);
  };
  const fns: Record<string, LuaFunction> = {
    at,
    every,
    running_count: () => state.running,
    pending_count: () => state.pending,
  };
  for (const [k, f] of Object.entries(fns)) {
    f.$name = k;
    t.setStr(k, f);
  }
  return t;
}
