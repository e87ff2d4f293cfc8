// $upstream_addr, $upstream_status and the timings, as nginx keeps them: one state per try,
// joined with ", "; a later upstream use by the same request (after an internal redirect)
// starts a new group, joined with " : ".
import type { Request } from "../request.js";
import { registerVariable } from "../variables.js";

export interface TryState {
  addr: string;
  status: number;
  /** Milliseconds since the try began, or -1 when not reached. */
  connect: number;
  header: number;
  response: number;
  readonly start: number;
}

type Group = TryState[];

const KEY = "upstream_states";

function groups(r: Request): Group[] | undefined {
  return r.notes.get(KEY) as Group[] | undefined;
}

/** Begin a new upstream use by `r`. */
export function newGroup(r: Request): Group {
  let gs = groups(r);
  if (!gs) r.notes.set(KEY, (gs = []));
  const g: Group = [];
  gs.push(g);
  return g;
}

export function newTry(g: Group, addr: string): TryState {
  const t: TryState = { addr, status: 0, connect: -1, header: -1, response: -1, start: Date.now() };
  g.push(t);
  return t;
}

/** The status of the request's latest try (0 before any), for ngx.balancer.get_last_failure. */
export function lastTryStatus(r: Request): number {
  const g = groups(r)?.at(-1);
  return g?.at(-1)?.status ?? 0;
}

const secs = (ms: number): string => (ms < 0 ? "-" : (ms / 1000).toFixed(3));

function joined(fmt: (t: TryState) => string): (r: Request) => string | undefined {
  return (r) => {
    const gs = groups(r);
    if (!gs || gs.length === 0) return undefined;
    return gs.map((g) => g.map(fmt).join(", ")).join(" : ");
  };
}

registerVariable("upstream_addr", { get: joined((t) => t.addr) });
registerVariable("upstream_status", { get: joined((t) => (t.status ? String(t.status) : "-")) });
registerVariable("upstream_response_time", { get: joined((t) => secs(t.response < 0 ? Date.now() - t.start : t.response)) });
registerVariable("upstream_connect_time", { get: joined((t) => secs(t.connect)) });
registerVariable("upstream_header_time", { get: joined((t) => secs(t.header)) });
