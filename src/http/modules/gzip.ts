// ngx_http_gzip_filter_module: responses of gzip_types (text/html always), status 200, 403
// or 404, at least gzip_min_length long when the length is known, and not already encoded,
// are gzipped for clients that accept it (gzip-ok.ts). The header filter drops
// Content-Length and Accept-Ranges, makes the ETag weak and adds Content-Encoding; the body
// filter compresses as output comes (gzip-stream.ts), holding small pieces until 64 KB, a
// flush (ngx.flush: a sync flush, as nginx's deflate does) or the end. gzip_buffers,
// gzip_window, gzip_hash, postpone_gzipping and gzip_no_buffer are accepted and change nothing.
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { LocationConf } from "../config/model.js";
import type { BodyChunk, BodyFilter, HeaderFilter } from "../phases.js";
import { OK } from "../phases.js";
import { ConfigError, flag, invalid, size, type SettingSpec } from "../config/settings.js";
import { compileRegex } from "../regex.js";
import { registerVariable } from "../variables.js";
import { varyAcceptEncoding } from "../response.js";
import { GzipStream } from "./gzip-stream.js";
import { gzipOk, PROXIED, type GzipOkConf } from "./gzip-ok.js";

/** Input held before compressing, unless flushed or ended. */
const HOLD = 65536;
const STATE = "gzip";

const typesSpec: SettingSpec<ReadonlySet<string> | "*"> = {
  directive: "gzip_types",
  key: "gzip_types",
  default: new Set(["text/html"]),
  parse: (d) => (d.args.includes("*") ? "*" : new Set(["text/html", ...d.args.map((a) => a.toLowerCase())])),
};

const compLevel: SettingSpec<number> = {
  directive: "gzip_comp_level",
  key: "gzip_comp_level",
  default: 1,
  parse(d) {
    const a = d.args[0] ?? "";
    const n = /^[0-9]+$/.test(a) ? Number(a) : NaN;
    if (Number.isNaN(n)) throw invalid(d, a);
    if (n < 1 || n > 9) throw new ConfigError(`the value must be between 1 and 9 in "${d.name}" directive`, d.file, d.line);
    return n;
  },
};

const httpVersion: SettingSpec<number> = {
  directive: "gzip_http_version",
  key: "gzip_http_version",
  default: 1001,
  parse: (d) => (d.args[0] === "1.0" ? 1000 : 1001),
};

const proxied: SettingSpec<number> = {
  directive: "gzip_proxied",
  key: "gzip_proxied",
  default: PROXIED.off,
  parse(d) {
    let bits = 0;
    for (const a of d.args) {
      const b = (PROXIED as Record<string, number>)[a];
      if (b === undefined) throw invalid(d, a);
      bits |= b;
    }
    return bits;
  },
};

interface Disable {
  readonly msie6: boolean;
  readonly regexes: readonly RegExp[];
}

const disable: SettingSpec<Disable> = {
  directive: "gzip_disable",
  key: "gzip_disable",
  default: { msie6: false, regexes: [] },
  parse(d, prev) {
    let msie6 = prev?.msie6 ?? false;
    const regexes = [...(prev?.regexes ?? [])];
    for (const a of d.args) {
      if (a === "msie6") msie6 = true;
      else if (a !== "degradation") regexes.push(compileRegex(a, true, { file: d.file, line: d.line }));
    }
    return { msie6, regexes };
  },
};

const accepted = (name: string): SettingSpec<string> => ({ directive: name, key: name, default: "", parse: (d) => d.args.join(" ") });

interface GzipConf {
  readonly types: ReadonlySet<string> | "*";
  readonly minLength: number;
  readonly level: number;
  readonly vary: boolean;
  readonly ok: GzipOkConf;
}

function confOf(loc: LocationConf): GzipConf | undefined {
  const s = loc.settings;
  if (s.gzip !== true) return undefined;
  const dis = s.gzip_disable as Disable;
  return {
    types: s.gzip_types as ReadonlySet<string> | "*",
    minLength: s.gzip_min_length as number,
    level: s.gzip_comp_level as number,
    vary: s.gzip_vary as boolean,
    ok: { httpVersion: s.gzip_http_version as number, proxied: s.gzip_proxied as number, disableMsie6: dis.msie6, disable: dis.regexes },
  };
}

/** The response's type without parameters, lowercased (nginx's content_type_lowcase). */
export function bareType(ct: string | undefined): string {
  if (ct === undefined) return "";
  const semi = ct.indexOf(";");
  return (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}

/** ngx_http_weak_etag: a strong ETag becomes W/"..."; one that is neither is dropped. */
export function weakenEtag(r: Request): void {
  const e = r.headersOut.get("etag");
  if (e === undefined || e.startsWith("W/")) return;
  if (e.startsWith('"')) r.headersOut.set("ETag", "W/" + e);
  else r.headersOut.remove("ETag");
}

function headerFilter(loc: LocationConf): HeaderFilter | undefined {
  const c = confOf(loc);
  if (c === undefined) return undefined;
  return (r) => {
    const st = r.status;
    if ((st !== 200 && st !== 403 && st !== 404) || r.headerOnly) return OK;
    const ce = r.headersOut.get("content-encoding");
    if (ce !== undefined && ce !== "") return OK;
    if (r.contentLength >= 0 && r.contentLength < c.minLength) return OK;
    if (c.types !== "*" && !c.types.has(bareType(r.contentType))) return OK;
    if (c.vary) varyAcceptEncoding.add(r);
    if (!gzipOk(r, c.ok)) return OK;
    r.notes.set(STATE, { stream: new GzipStream(c.level), held: [] as Buffer[], heldLen: 0 });
    r.headersOut.add("Content-Encoding", "gzip");
    r.contentLength = -1;
    r.headersOut.remove("Accept-Ranges");
    weakenEtag(r);
    return OK;
  };
}

interface GzipState {
  readonly stream: GzipStream;
  held: Buffer[];
  heldLen: number;
}

const bodyFilter: BodyFilter = (r: Request, chunk: BodyChunk) => {
  if (!r.headerSent) return;
  const g = r.notes.get(STATE) as GzipState | undefined;
  if (g === undefined) return;
  if (r.method === "HEAD") {
    chunk.data = "";
    return;
  }
  const d = chunk.data;
  if (d.length > 0) {
    g.held.push(typeof d === "string" ? Buffer.from(d, "latin1") : d);
    g.heldLen += d.length;
  }
  if (!chunk.eof && !chunk.flush && g.heldLen < HOLD) {
    // Held past this call: a Buffer is copied, its memory may be reused (static's read buffer).
    if (typeof d !== "string" && d.length > 0) g.held[g.held.length - 1] = Buffer.from(d);
    chunk.data = "";
    return;
  }
  const input = g.held.length === 1 ? g.held[0]! : Buffer.concat(g.held, g.heldLen);
  g.held = [];
  g.heldLen = 0;
  chunk.data = g.stream.push(input, chunk.eof);
};

registerVariable("gzip_ratio", {
  get: (r) => (r.notes.get(STATE) as GzipState | undefined)?.stream.ratio(),
});

export const gzipModule: HttpModule = {
  name: "gzip",
  settings: [
    flag("gzip", false), typesSpec, size("gzip_min_length", 20), compLevel, flag("gzip_vary", false),
    httpVersion, proxied, disable,
    accepted("gzip_buffers"), accepted("gzip_window"), accepted("gzip_hash"), accepted("postpone_gzipping"), accepted("gzip_no_buffer"),
  ],
  headerFilter,
  bodyFilter: (loc) => (loc.settings.gzip === true ? bodyFilter : undefined),
};
