// limit_req_zone and limit_req (ngx_http_limit_req_module): nginx's leaky bucket, in
// milli-requests. Each key's node remembers its excess and the time it was last updated;
// a request adds 1000 and the rate drains `rate` per second. Past `burst` the request is
// rejected (limit_req_status, 503 by default); past `delay` it waits until the bucket has
// drained to `delay`. With several limit_req, only the last one decides at once; the others
// are accounted after it, and the longest delay wins.
import type { Directive } from "../../conf/ast.js";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { LocationConf } from "../config/model.js";
import { ConfigError, type SettingSpec } from "../config/settings.js";
import { NEXT, type PhaseHandler, type PhaseResult } from "../phases.js";
import { LEVEL_NUMBER, type LogLevel } from "../log/error-log.js";
import { registerVariable } from "../variables.js";
import { checkRedeclared, parseZone, type ZoneDef } from "./limit-zone.js";
import { checkZoneKeys, checkZoneUses, cycle } from "./limit-shared-zone.js";
import { AGAIN, BUSY, ERROR, ReqZoneMemory, type LookupRc } from "./limit-req-shared.js";

interface ReqZone extends ZoneDef {
  /** Milli-requests per second. */
  readonly rate: number;
}

interface ReqLimit {
  readonly zone: string;
  readonly burst: number;
  readonly delay: number;
  readonly file: string;
  readonly line: number;
}

const NO_DELAY = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

function parseReqZone(d: Directive): ReqZone {
  const z = parseZone(d);
  let rate = 1000;
  for (const p of z.params) {
    // nginx: an optional r/s or r/m suffix (per second without one), then a positive integer
    const m = /^rate=([0-9]+)(r\/s|r\/m)?$/.exec(p);
    if (p.startsWith("rate=")) {
      if (!m || Number(m[1]) === 0) throw new ConfigError(`invalid rate "${p}"`, d.file, d.line);
      rate = m[2] === "r/m" ? Math.floor((Number(m[1]) * 1000) / 60) : Number(m[1]) * 1000;
    } else throw new ConfigError(`invalid parameter "${p}"`, d.file, d.line);
  }
  return { ...z, rate };
}

function parseLimit(d: Directive): ReqLimit {
  let zone: string | undefined;
  let burst = 0;
  let delay = 0;
  for (const a of d.args) {
    const eq = a.indexOf("=");
    const name = eq < 0 ? a : a.slice(0, eq + 1);
    const v = a.slice(eq + 1);
    const n = (): number => {
      if (!/^[0-9]+$/.test(v) || Number(v) === 0) throw new ConfigError(`invalid ${name.slice(0, -1)} value "${v}"`, d.file, d.line);
      return Number(v);
    };
    if (name === "zone=") zone = v;
    else if (name === "burst=") burst = n() * 1000;
    else if (name === "delay=") delay = n() * 1000;
    else if (a === "nodelay") delay = NO_DELAY;
    else throw new ConfigError(`invalid parameter "${a}"`, d.file, d.line);
  }
  if (zone === undefined) throw new ConfigError(`"limit_req" must have "zone" parameter`, d.file, d.line);
  return { zone, burst, delay, file: d.file, line: d.line };
}

function logLevel(directive: string): SettingSpec<LogLevel> {
  return {
    directive, key: directive, default: "error",
    parse(d) {
      const v = d.args[0] ?? "";
      if (v !== "info" && v !== "notice" && v !== "warn" && v !== "error") throw new ConfigError(`invalid value "${v}"`, d.file, d.line);
      return v;
    },
  };
}

export function statusSetting(directive: string): SettingSpec<number> {
  return {
    directive, key: directive, default: 503,
    parse(d) {
      const v = d.args[0] ?? "";
      const n = /^[0-9]+$/.test(v) ? Number(v) : NaN;
      if (!(n >= 400 && n <= 599)) throw new ConfigError(`value must be between 400 and 599`, d.file, d.line);
      return n;
    },
  };
}

export function dryRunSetting(directive: string): SettingSpec<boolean> {
  return {
    directive, key: directive, default: false,
    parse(d) {
      const v = d.args[0];
      if (v !== "on" && v !== "off") throw new ConfigError(`invalid value "${v}" in "${d.name}" directive, it must be "on" or "off"`, d.file, d.line);
      return v === "on";
    },
  };
}

const SETTINGS: readonly SettingSpec[] = [
  { directive: "limit_req_zone", key: "limit_req_zones", default: [], parse: (d, prev: readonly ReqZone[] | undefined) => {
    const z = parseReqZone(d);
    checkRedeclared(d, z, prev);
    return [...(prev ?? []), z];
  } },
  { directive: "limit_req", key: "limit_req", default: [], parse: (d, prev: readonly ReqLimit[] | undefined) => [...(prev ?? []), parseLimit(d)] },
  logLevel("limit_req_log_level"),
  statusSetting("limit_req_status"),
  dryRunSetting("limit_req_dry_run"),
];

const STATUS_NOTE = "limit_req_status";
const STATUS_NAMES = ["", "PASSED", "DELAYED", "REJECTED", "DELAYED_DRY_RUN", "REJECTED_DRY_RUN"] as const;
type Status = 1 | 2 | 3 | 4 | 5;

registerVariable("limit_req_status", {
  get: (r) => {
    const s = r.main.notes.get(STATUS_NOTE) as Status | undefined;
    return s === undefined ? undefined : STATUS_NAMES[s];
  },
});

interface Bound {
  readonly limit: ReqLimit;
  readonly zone: ReqZone;
  readonly mem: ReqZoneMemory;
}

/** "excess: 1.500": milli-requests as nginx prints them. */
function milli(e: number): string {
  return `${Math.floor(e / 1000)}.${String(e % 1000).padStart(3, "0")}`;
}

function handlerFor(loc: LocationConf): PhaseHandler | undefined {
  const limits = (loc.settings.limit_req as readonly ReqLimit[] | undefined) ?? [];
  if (limits.length === 0) return undefined;
  const zones = (loc.settings.limit_req_zones as readonly ReqZone[] | undefined) ?? [];
  const bound: Bound[] = limits.map((limit) => {
    const zone = zones.find((z) => z.name === limit.zone);
    if (!zone) throw new ConfigError(`zero size shared memory zone "${limit.zone}"`);
    return { limit, zone, mem: new ReqZoneMemory(zone.name, zone.size, zone.rate) };
  });
  const level = LEVEL_NUMBER[loc.settings.limit_req_log_level as LogLevel];
  const status = loc.settings.limit_req_status as number;
  const dryRun = loc.settings.limit_req_dry_run as boolean;
  const dry = dryRun ? ", dry run" : "";
  const last = bound.length - 1;
  return (r: Request): PhaseResult | Promise<PhaseResult> => {
    if (r.main.notes.has(STATUS_NOTE)) return NEXT;
    const now = Date.now();
    // nodes looked up but not yet accounted (nginx's ctx->node), per limit index
    let pending: number[] | undefined;
    let rc: LookupRc | -1 = -1;
    let excess = 0;
    let n = 0;
    let cur = bound[0]!;
    for (; n < bound.length; n++) {
      cur = bound[n]!;
      const key = cur.zone.key(r);
      if (key.length === 0) continue;
      if (key.length > 65535) {
        r.log("error", `the value of the "${cur.zone.keyText}" key is more than 65535 bytes: "${key}"`);
        continue;
      }
      rc = cur.mem.lookup(key, cur.limit.burst, n === last, now);
      excess = cur.mem.excess;
      if (rc !== AGAIN) break;
      (pending ??= [])[n] = cur.mem.node;
    }
    if (rc === -1) return NEXT;
    if (rc === BUSY || rc === ERROR) {
      if (rc === BUSY) r.log(level, `limiting requests${dry}, excess: ${milli(excess)} by zone "${cur.zone.name}"`);
      else cycle.log?.log("alert", `could not allocate node in limit_req zone "${cur.zone.name}"`);
      if (pending) for (let i = 0; i < pending.length; i++) if (pending[i]) bound[i]!.mem.release(pending[i]!);
      if (dryRun) {
        r.main.notes.set(STATUS_NOTE, 5);
        return NEXT;
      }
      r.main.notes.set(STATUS_NOTE, 3);
      return status;
    }
    if (rc === AGAIN) excess = 0;
    // ngx_http_limit_req_account: the last limit's delay, then the earlier ones'.
    let limit = cur;
    let maxDelay = excess <= limit.limit.delay ? 0 : Math.trunc(((excess - limit.limit.delay) * 1000) / limit.zone.rate);
    if (pending) {
      for (let i = Math.min(n, bound.length) - 1; i >= 0; i--) {
        const node = pending[i];
        if (!node) continue;
        const b = bound[i]!;
        const e = b.mem.account(node, Date.now());
        if (e <= b.limit.delay) continue;
        const d = Math.trunc(((e - b.limit.delay) * 1000) / b.zone.rate);
        if (d > maxDelay) {
          maxDelay = d;
          excess = e;
          limit = b;
        }
      }
    }
    if (maxDelay === 0) {
      r.main.notes.set(STATUS_NOTE, 1);
      return NEXT;
    }
    // nginx logs the delay one level below the limit's (error: warn, info: debug).
    r.log(level + 1, `delaying request${dry}, excess: ${milli(excess)}, by zone "${limit.zone.name}"`);
    if (dryRun) {
      r.main.notes.set(STATUS_NOTE, 4);
      return NEXT;
    }
    r.main.notes.set(STATUS_NOTE, 2);
    return new Promise<PhaseResult>((resolve) => setTimeout(() => resolve(NEXT), maxDelay));
  };
}

export const limitReqModule: HttpModule = {
  name: "limit_req",
  settings: SETTINGS,
  handler(phase, loc) {
    return phase === "preaccess" ? handlerFor(loc) : undefined;
  },
  postConfiguration(cfg) {
    cycle.log = cfg.main.errorLog;
    checkZoneUses(cfg);
    checkZoneKeys(cfg);
  },
};
