// limit_conn_zone and limit_conn (ngx_http_limit_conn_module): requests in progress per
// key. A request takes one unit in each zone it passes and gives it back when it is done
// (nginx frees it with the request's pool); one that finds a zone full is rejected with
// limit_conn_status (503 by default) and `limiting connections by zone "name"`.
import type { Directive } from "../../conf/ast.js";
import type { HttpModule } from "../module.js";
import { requestHooks, type Request } from "../request.js";
import type { LocationConf } from "../config/model.js";
import { ConfigError, type SettingSpec } from "../config/settings.js";
import { NEXT, type PhaseHandler, type PhaseResult } from "../phases.js";
import { LEVEL_NUMBER, type LogLevel } from "../log/error-log.js";
import { registerVariable } from "../variables.js";
import { checkRedeclared, parseZone, type ZoneDef } from "./limit-zone.js";
import { cycle } from "./limit-shared-zone.js";
import { ConnZoneMemory, FULL, NO_MEMORY } from "./limit-conn-shared.js";
import { dryRunSetting, statusSetting } from "./limit-req.js";

interface ConnLimit {
  readonly zone: string;
  readonly conn: number;
}

function parseConnZone(d: Directive): ZoneDef {
  const z = parseZone(d);
  if (z.params.length > 0) throw new ConfigError(`invalid parameter "${z.params[0]}"`, d.file, d.line);
  return z;
}

function parseLimit(d: Directive): ConnLimit {
  const v = d.args[1] ?? "";
  const n = /^[0-9]+$/.test(v) ? Number(v) : 0;
  if (n <= 0) throw new ConfigError(`invalid number of connections "${v}"`, d.file, d.line);
  if (n > 65535) throw new ConfigError(`connection limit must be less 65536`, d.file, d.line);
  return { zone: d.args[0] ?? "", conn: n };
}

const SETTINGS: readonly SettingSpec[] = [
  { directive: "limit_conn_zone", key: "limit_conn_zones", default: [], parse: (d, prev: readonly ZoneDef[] | undefined) => {
    const z = parseConnZone(d);
    checkRedeclared(d, z, prev);
    return [...(prev ?? []), z];
  } },
  { directive: "limit_conn", key: "limit_conn", default: [], parse: (d, prev: readonly ConnLimit[] | undefined) => [...(prev ?? []), parseLimit(d)] },
  {
    directive: "limit_conn_log_level", key: "limit_conn_log_level", default: "error",
    parse(d: Directive): LogLevel {
      const v = d.args[0] ?? "";
      if (v !== "info" && v !== "notice" && v !== "warn" && v !== "error") throw new ConfigError(`invalid value "${v}"`, d.file, d.line);
      return v;
    },
  } satisfies SettingSpec<LogLevel>,
  statusSetting("limit_conn_status"),
  dryRunSetting("limit_conn_dry_run"),
];

const STATUS_NOTE = "limit_conn_status";
/** The units a request holds, released when it completes. */
const HELD_NOTE = "limit_conn_held";
const STATUS_NAMES = ["", "PASSED", "REJECTED", "REJECTED_DRY_RUN"] as const;

registerVariable("limit_conn_status", {
  get: (r) => {
    const s = r.main.notes.get(STATUS_NOTE) as 1 | 2 | 3 | undefined;
    return s === undefined ? undefined : STATUS_NAMES[s];
  },
});

/** Units held: zone and node address, in pairs. */
type Held = (ConnZoneMemory | number)[];

function release(r: Request): void {
  const held = r.notes.get(HELD_NOTE) as Held | undefined;
  if (!held) return;
  r.notes.delete(HELD_NOTE);
  for (let i = 0; i < held.length; i += 2) (held[i] as ConnZoneMemory).release(held[i + 1] as number);
}
requestHooks.cleanup.push(release);

function handlerFor(loc: LocationConf): PhaseHandler | undefined {
  const limits = (loc.settings.limit_conn as readonly ConnLimit[] | undefined) ?? [];
  if (limits.length === 0) return undefined;
  const zones = (loc.settings.limit_conn_zones as readonly ZoneDef[] | undefined) ?? [];
  const bound = limits.map((limit) => {
    const zone = zones.find((z) => z.name === limit.zone);
    if (!zone) throw new ConfigError(`zero size shared memory zone "${limit.zone}"`);
    return { limit, zone, mem: new ConnZoneMemory(zone.name, zone.size) };
  });
  const level = LEVEL_NUMBER[loc.settings.limit_conn_log_level as LogLevel];
  const status = loc.settings.limit_conn_status as number;
  const dryRun = loc.settings.limit_conn_dry_run as boolean;
  return (r: Request): PhaseResult => {
    const main = r.main;
    if (main.notes.has(STATUS_NOTE)) return NEXT;
    for (const b of bound) {
      const key = b.zone.key(r);
      if (key.length === 0) continue;
      if (key.length > 255) {
        r.log("error", `the value of the "${b.zone.keyText}" key is more than 255 bytes: "${key}"`);
        continue;
      }
      main.notes.set(STATUS_NOTE, 1);
      const a = b.mem.acquire(key, b.limit.conn);
      if (a === FULL || a === NO_MEMORY) {
        if (a === FULL) r.log(level, `limiting connections${dryRun ? ", dry run," : ""} by zone "${b.zone.name}"`);
        // the slab's own line, on the cycle log: limit_conn adds none
        else cycle.log?.log("crit", `ngx_slab_alloc() failed: no memory in limit_conn_zone "${b.zone.name}"`);
        release(main);
        if (dryRun) {
          main.notes.set(STATUS_NOTE, 3);
          return NEXT;
        }
        main.notes.set(STATUS_NOTE, 2);
        return status;
      }
      let held = main.notes.get(HELD_NOTE) as Held | undefined;
      if (held === undefined) main.notes.set(HELD_NOTE, (held = []));
      held.push(b.mem, a);
    }
    return NEXT;
  };
}

export const limitConnModule: HttpModule = {
  name: "limit_conn",
  settings: SETTINGS,
  handler(phase, loc) {
    return phase === "preaccess" ? handlerFor(loc) : undefined;
  },
  postConfiguration(cfg) {
    cycle.log = cfg.main.errorLog;
  },
};
