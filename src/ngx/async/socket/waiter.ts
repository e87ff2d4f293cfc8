// What tcp and udp cosockets share: one pending read waiting for data (woken by the
// socket's events, or given up after the read timeout), and the check every method makes
// of its `self` (the right kind of socket, a phase that may yield, the request that made it).
import { luaError } from "../../../lua/runtime/error.js";
import { typeName } from "../../../lua/runtime/convert.js";
import type { LuaValue } from "../../../lua/runtime/value.js";
import type { AsyncHost, AsyncRequest } from "../host.js";
import { YIELDABLE, checkPhase } from "../phase.js";
import { running, setRunning, type Coroutine } from "../../../lua/runtime/coroutine.js";

/**
 * Log a socket's line as from `thread`, the Lua thread the operation runs for: the socket's
 * events come after it yielded, when another request (or none) may be running, and nginx
 * writes the line with that thread's request or timer context and its location's
 * lua_socket_log_errors. `always`: nginx's own syscall lines ("recv() failed (...)"), which
 * that setting does not silence.
 */
export function logAs(host: AsyncHost, thread: Coroutine | undefined, msg: string, always = false): void {
  const prev = running();
  setRunning(thread);
  try {
    if (always || host.settings().socketLogErrors) host.log(4, msg);
  } finally {
    setRunning(prev);
  }
}

export class Waiter {
  private pending: (() => void) | undefined = undefined;

  /** Wait for wake(), or `ms` (0: forever): resolves false on timeout. */
  wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = ms > 0 ? setTimeout(() => { this.pending = undefined; resolve(false); }, ms) : undefined;
      this.pending = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** Data, the end or an error arrived: the pending read (if any) goes on. */
  wake(): void {
    const w = this.pending;
    this.pending = undefined;
    if (w !== undefined) w();
  }
}

/** `self` of a socket method, checked as ngx_lua checks it. */
export function ownSocket<T extends { readonly req: AsyncRequest | undefined }>(
  kind: abstract new (...a: never[]) => T, self: LuaValue, host: AsyncHost,
): T {
  if (!(self instanceof kind)) return luaError("bad argument #1 to '?' (table expected, got " + typeName(self) + ")");
  checkPhase(host, YIELDABLE);
  if (self.req !== host.request()) luaError("bad request");
  return self;
}
