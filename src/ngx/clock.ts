// nginx reads the clock once per event-loop iteration (ngx_time_update) and every API that
// asks for "now" (ngx.now, ngx.time, shared-dict expiry) answers from that cache: two calls
// in one handler see the same time unless ngx.update_time() is called between them. Here the
// cache is filled on first use and dropped when the loop turns (one setImmediate per turn
// that read the clock, shared by every request of that turn).

let cachedMs = 0;
let valid = false;

function invalidate(): void {
  valid = false;
}

/** The cached time in milliseconds since the epoch (a whole number, as ngx_current_msec). */
export function cachedNowMs(): number {
  if (!valid) {
    cachedMs = Date.now();
    valid = true;
    setImmediate(invalidate);
  }
  return cachedMs;
}

/** ngx.update_time(): read the clock again now. */
export function updateCachedTime(): void {
  const wasValid = valid;
  cachedMs = Date.now();
  valid = true;
  if (!wasValid) setImmediate(invalidate);
}
