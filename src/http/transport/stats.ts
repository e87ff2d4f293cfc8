// nginx's connection counters (ngx_stat_*), for stub_status and $connections_*: the
// transport moves each connection between waiting, reading (a request head is arriving)
// and writing (a request is being served). tsresty is one process, so plain numbers do.
export const connStats = {
  accepted: 0,
  active: 0,
  requests: 0,
  reading: 0,
  writing: 0,
};

/** A connection's state in the counters: 0 waiting, 1 reading, 2 writing. */
export type StatState = 0 | 1 | 2;

/** Move one connection from `from` to `to`; returns `to`. */
export function moveStat(from: StatState, to: StatState): StatState {
  if (from === 1) connStats.reading--;
  else if (from === 2) connStats.writing--;
  if (to === 1) connStats.reading++;
  else if (to === 2) connStats.writing++;
  return to;
}
