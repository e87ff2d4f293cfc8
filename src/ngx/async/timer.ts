// ngx.timer.at, ngx.timer.every, running_count and pending_count. A timer is a Node timeout
// that, when due, hands its callback to AsyncHost.spawnThread: a new entry thread with a
// fake request, phase "timer". On worker shutdown every pending timer fires at once with
// premature = true, and `every` timers stop rescheduling, as in ngx_lua.
import { LuaTable } from "../../lua/runtime/table.js";
import { luaError } from "../../lua/runtime/error.js";
import { stringToNumber, typeName } from "../../lua/runtime/convert.js";
import type { LuaFunction, LuaResult, LuaValue } from "../../lua/runtime/value.js";
import type { AsyncHost } from "./host.js";
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
    const arm = (): void => {
      this.pending++;
      const t: PendingTimer = {
        handle: setTimeout(() => t.fire(false), Math.max(delayMs, 0)),
        fire: (premature: boolean) => {
          if (!this.timers.delete(t)) return;
          this.pending--;
          // A periodic timer is re-armed before its callback runs, as ngx_lua does.
          if (every && !premature && !host.exiting()) arm();
          this.run(fn, [premature, ...args]);
        },
      };
      this.timers.add(t);
    };
    arm();
    return 1;
  }

  private run(fn: LuaFunction, args: LuaValue[]): void {
    const max = this.host.settings().maxRunningTimers;
    if (this.running >= max) {
      this.host.log(2, `${max} lua_max_running_timers are not enough`);
      return;
    }
    this.running++;
    void this.host.spawnThread(fn, args).then(
      () => { this.running--; },
      () => { this.running--; },
    );
  }
}

function timerArgs(name: string, a: LuaValue[]): [number, LuaFunction] {
  if (a.length < 2) luaError(`expecting at least 2 arguments but got ${a.length}`);
  let d = a[0];
  if (typeof d === "string") d = stringToNumber(d) ?? d;
  if (typeof d !== "number") luaError(`bad argument #1 to '?' (number expected, got ${typeName(a[0])})`);
  const f = a[1];
  if (typeof f !== "function") luaError("bad argument #2 to '?' (Lua function expected)");
  void name;
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
    const [delay, fn] = timerArgs("ngx.timer.at", a);
    if (host.exiting() && delay > 0) return [undefined, "process exiting"];
    return state.schedule(delay * 1000, fn, a.slice(2), false);
  };
  const every = (...a: LuaValue[]): LuaResult => {
    check();
    const [delay, fn] = timerArgs("ngx.timer.every", a);
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
