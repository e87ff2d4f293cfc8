// The shared memory of limit_req_zone and limit_conn_zone: a SharedArrayBuffer of the zone's
// declared size, laid out and allocated by the same building blocks as lua_shared_dict's
// shared zones (src/ngx/async/shdict/shared-*.ts: layout, slab, hash index, lock), so that
// a zone fills where nginx's does and every worker thread counts in the same memory.
//
// One implementation serves one thread and N: with worker_processes N the master creates
// the buffers (src/http/workers/shared-zones.ts) and each worker adopts them before it
// builds its configuration; a single process creates its own. Either way a zone keeps its
// memory across reloads while its size is the same, as nginx keeps a zone.
import type { Directive } from "../../conf/ast.js";
import type { HttpConfig } from "../config/model.js";
import { ConfigError } from "../config/settings.js";
import type { ErrorLog } from "../log/error-log.js";
import { H, zoneLayout, type ZoneLayout } from "../../ngx/async/shdict/shared-layout.js";
import { SharedSlab } from "../../ngx/async/shdict/shared-slab.js";
import { SharedHash } from "../../ngx/async/shdict/shared-hash.js";
import { ZoneLock } from "../../ngx/async/shdict/shared-lock.js";

export type LimitKind = "limit_req" | "limit_conn";

/** What nginx allocates when it sets a zone up: the shared context, then the log context. */
const SETUP: Record<LimitKind, { shctx: number; logCtx: (name: string) => number }> = {
  // rbtree + sentinel + LRU queue; sizeof(" in limit_req zone \"\"") + name
  limit_req: { shctx: 80, logCtx: (name) => 22 + name.length },
  // rbtree + sentinel; sizeof(" in limit_conn_zone \"\"") + name (nginx's text has the underscore)
  limit_conn: { shctx: 64, logCtx: (name) => 23 + name.length },
};

/** Marks a buffer as a limit zone's (a lua_shared_dict store refuses it: its magic differs). */
const LIMIT_MAGIC = 0x4c494d31;

/** A new zone's buffer (the master's, or a single process's own). */
export function createLimitZone(kind: LimitKind, name: string, size: number): SharedArrayBuffer {
  const layout = zoneLayout(size);
  const sab = new SharedArrayBuffer(layout.bytes);
  const slab = new SharedSlab(sab, layout);
  slab.init();
  slab.alloc(SETUP[kind].shctx);
  slab.alloc(SETUP[kind].logCtx(name));
  new Int32Array(sab)[H.MAGIC] = LIMIT_MAGIC;
  return sab;
}

export interface LimitZoneDecl {
  readonly kind: LimitKind;
  readonly name: string;
  readonly size: number;
}

/** The limit zones `cfg` declares (the master makes their memory before starting workers). */
export function limitZonesOf(cfg: HttpConfig): LimitZoneDecl[] {
  const out: LimitZoneDecl[] = [];
  for (const kind of ["limit_req", "limit_conn"] as const) {
    for (const z of (cfg.httpSettings[`${kind}_zones`] as readonly { name: string; size: number }[] | undefined) ?? []) {
      out.push({ kind, name: z.name, size: z.size });
    }
  }
  return out;
}

/** This thread's zone buffers by kind and name. */
const buffers = new Map<string, { size: number; sab: SharedArrayBuffer }>();

/** Use the master's buffers (a worker thread, before it builds its configuration). */
export function adoptLimitZones(zones: readonly { readonly kind?: string; readonly name: string; readonly size: number; readonly sab: SharedArrayBuffer }[]): void {
  for (const z of zones) {
    if (z.kind === "limit_req" || z.kind === "limit_conn") buffers.set(z.kind + "\0" + z.name, { size: z.size, sab: z.sab });
  }
}

/** The buffer of zone `name`: adopted, kept from an earlier configuration of the same size, or new. */
export function limitZoneBuffer(kind: LimitKind, name: string, size: number): SharedArrayBuffer {
  const id = kind + "\0" + name;
  const b = buffers.get(id);
  if (b !== undefined && b.size === size) return b.sab;
  const sab = createLimitZone(kind, name, size);
  buffers.set(id, { size, sab });
  return sab;
}

/**
 * nginx's cycle log (ngx_cycle->log), where zone failures are logged without a request's
 * context; set by the modules' postConfiguration.
 */
export const cycle: { log: ErrorLog | undefined } = { log: undefined };

/** What a limit zone's node store is built on. */
export class LimitZoneBase {
  protected readonly i32: Int32Array;
  protected readonly f64: Float64Array;
  protected readonly buf: Buffer;
  protected readonly slab: SharedSlab;
  protected readonly hash: SharedHash;
  protected readonly mutex: ZoneLock;

  constructor(readonly name: string, sab: SharedArrayBuffer, size: number, keyOffset: number) {
    const layout: ZoneLayout = zoneLayout(size);
    this.i32 = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
    this.buf = Buffer.from(sab);
    this.slab = new SharedSlab(sab, layout);
    this.hash = new SharedHash(this.i32, this.slab, layout, keyOffset);
    this.mutex = new ZoneLock(this.i32);
  }
}

const ZONE_TAGS: Readonly<Record<string, (d: Directive) => string | undefined>> = {
  lua_shared_dict: (d) => d.args[0],
  limit_req_zone: (d) => zoneName(d),
  limit_conn_zone: (d) => zoneName(d),
};

function zoneName(d: Directive): string | undefined {
  const a = d.args.find((x) => x.startsWith("zone="));
  return a?.slice(5, a.indexOf(":") < 0 ? undefined : a.indexOf(":"));
}

/**
 * ngx_shared_memory_add's check across modules: one name, one use. (A zone declared twice
 * by one module is the module's own check, in limit-zone.ts.)
 */
export function checkZoneUses(cfg: HttpConfig): void {
  const uses = new Map<string, string>();
  for (const http of cfg.tree) {
    if (http.name !== "http") continue;
    for (const d of http.block ?? []) {
      const name = ZONE_TAGS[d.name]?.(d);
      if (name === undefined) continue;
      const prev = uses.get(name);
      if (prev !== undefined && prev !== d.name) {
        throw new ConfigError(`the shared memory zone "${name}" is already declared for a different use`, d.file, d.line);
      }
      uses.set(name, d.name);
    }
  }
}

/** How nginx names each kind in the key-change refusal. */
const KEY_LABEL: Record<LimitKind, string> = { limit_req: "limit_req", limit_conn: "limit_conn_zone" };

/** The keys of the zones this thread's configuration uses, by kind and name (with the zone's size). */
let boundKeys = new Map<string, { size: number; key: string }>();

/**
 * A new configuration keeps a zone of the same name and size, nodes and all, so its key must
 * not change (nginx refuses such a reload; a resized zone starts afresh and may).
 */
export function checkZoneKeys(cfg: HttpConfig): void {
  const next = new Map<string, { size: number; key: string }>();
  for (const kind of ["limit_req", "limit_conn"] as const) {
    for (const z of (cfg.httpSettings[`${kind}_zones`] as readonly { name: string; size: number; keyText: string }[] | undefined) ?? []) {
      const id = kind + "\0" + z.name;
      const prev = boundKeys.get(id);
      if (prev !== undefined && prev.size === z.size && prev.key !== z.keyText) {
        throw new ConfigError(`${KEY_LABEL[kind]} "${z.name}" uses the "${z.keyText}" key while previously it used the "${prev.key}" key`);
      }
      next.set(id, { size: z.size, key: z.keyText });
    }
  }
  boundKeys = next;
}
