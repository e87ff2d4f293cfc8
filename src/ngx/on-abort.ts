// lua_check_client_abort: a client that closes its connection while the request's Lua code
// waits (rewrite, access, content) is noticed at once, as ngx_lua's read handler notices it.
// With an ngx.on_abort handler, the handler runs as a light thread of the request and the
// request goes on unless it calls ngx.exit; without one, the request ends there with 499
// and its Lua threads are stopped. Both log nginx's "client prematurely closed connection".
import type { Request } from "../http/request.js";
import { NgxHost, requestState } from "./host.js";
import { entryAbortText, runEntry, type ThreadEnd } from "./thread.js";

/** Per main request: the entry thread waiting now, if any. */
interface Watch {
  waiting: NgxHost | undefined;
}
const WATCH = "lua.abort_watch";

/** ngx_lua's 499 (NGX_HTTP_CLIENT_CLOSED_REQUEST). */
const CLIENT_CLOSED = 499;

/**
 * The entry thread `h` of `r` waits (its end is `end`): with lua_check_client_abort on, a
 * client closing the connection meanwhile is handled as ngx_lua handles it.
 */
export function watchClientAbort(r: Request, h: NgxHost, end: Promise<ThreadEnd>): void {
  if (r.loc.settings.lua_check_client_abort !== true) return;
  const m = r.main;
  let w = m.notes.get(WATCH) as Watch | undefined;
  if (w === undefined) {
    const watch: Watch = { waiting: undefined };
    w = watch;
    m.notes.set(WATCH, watch);
    m.onClientAbort(() => clientGone(m, watch));
  }
  const watch = w;
  watch.waiting = h;
  void end.then(() => {
    if (watch.waiting === h) watch.waiting = undefined;
  });
}

function clientGone(r: Request, w: Watch): void {
  const h = w.waiting;
  if (h === undefined || r.finalized || h.killed) return;
  r.log("info", "client prematurely closed connection");
  const st = requestState(r);
  const handler = st.onAbort;
  if (handler === undefined) {
    stop(r, h, CLIENT_CLOSED);
    return;
  }
  st.onAbort = undefined;
  // The handler: a light thread of the request, in the waiting thread's phase.
  const ah = new NgxHost(h.phase, h.vm, h.r);
  const after = (e: ThreadEnd): void => {
    if (e.error !== undefined) r.log("error", entryAbortText(e.error).replace("lua entry thread", "lua user thread"));
    if (ah.exitCode !== undefined && !r.finalized) stop(r, h, ah.exitCode);
  };
  const end = runEntry(handler, ah);
  if (end instanceof Promise) void end.then(after);
  else after(end);
}

/** End the request with `code`; the waiting entry thread never resumes. */
function stop(r: Request, h: NgxHost, code: number): void {
  h.killed = true;
  r.finalize(code);
}
