// What tcp and udp cosockets share: one pending read waiting for data (woken by the
// socket's events, or given up after the read timeout), and the check every method makes
// of its `self` (the right kind of socket, a phase that may yield, the request that made it).
import { luaError } from "../../../lua/runtime/error.js";
import { typeName } from "../../../lua/runtime/convert.js";
import type { LuaValue } from "../../../lua/runtime/value.js";
import type { AsyncHost, AsyncRequest } from "../host.js";
import { YIELDABLE, checkPhase } from "../phase.js";

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
