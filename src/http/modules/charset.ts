// nginx's charset filter: `charset NAME` adds `; charset=NAME` to the Content-Type of
// responses whose type is one of charset_types (and that name none yet, unless
// override_charset). With source_charset (or the response's own charset under
// override_charset) naming another charset, the body is recoded through the charset_map
// between them (charset-map.ts, charset-recode.ts): Content-Length goes when UTF-8 is on
// either side, since the length changes. A type given with parameters (a Content-Type set
// whole, as Lua sets it) keeps them unless the body is recoded, as on the reference.
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { LocationConf } from "../config/model.js";
import type { BodyChunk, BodyFilter } from "../phases.js";
import { OK } from "../phases.js";
import { ConfigError, flag, type SettingSpec } from "../config/settings.js";
import { charsetMapSetting, type CharsetMaps } from "./charset-map.js";
import { recoderFor, type Recoder } from "./charset-recode.js";
import { compileComplexValue } from "../script.js";

const DEFAULT_TYPES: ReadonlySet<string> = new Set([
  "text/html", "text/xml", "text/plain", "text/vnd.wap.wml", "application/javascript", "application/rss+xml",
]);

const charset: SettingSpec<string> = { directive: "charset", key: "charset", default: "off", parse: (d) => d.args[0] ?? "off" };
const sourceCharset: SettingSpec<string> = { directive: "source_charset", key: "source_charset", default: "", parse: (d) => d.args[0] ?? "" };

/** `charset_types`: "*" for any type; text/html is always in the list, as nginx adds it. */
const charsetTypes: SettingSpec<ReadonlySet<string> | "*"> = {
  directive: "charset_types",
  key: "charset_types",
  default: DEFAULT_TYPES,
  parse(d) {
    if (d.args.includes("*")) return "*";
    return new Set(["text/html", ...d.args.map((a) => a.toLowerCase())]);
  },
};

const RECODER = "charset.recoder";

function bare(ct: string): string {
  const semi = ct.indexOf(";");
  return semi < 0 ? ct : ct.slice(0, semi).trimEnd();
}

/** The charset goes into Content-Type, except on redirects (old browsers took it for the next page's). */
function setCharset(r: Request, name: string): void {
  if (r.status !== 301 && r.status !== 302) r.charset = name;
}

/** nginx keeps one spelling per charset, the first it read (charset_map comes first here). */
function spelling(maps: CharsetMaps, name: string): string {
  const e = maps.get(`${name.toLowerCase()}\0`);
  return e?.kind === "name" ? e.name : name;
}

function filterFor(loc: LocationConf): ((r: Request) => number) | undefined {
  const name = loc.settings.charset as string;
  if (name === "off") return undefined;
  const types = loc.settings.charset_types as ReadonlySet<string> | "*";
  const override = loc.settings.override_charset as boolean;
  const source = loc.settings.source_charset as string;
  const maps = loc.settings.charset_map as CharsetMaps;
  // A name with variables is found per request (and its map not required at load).
  const nameOf = name.includes("$") ? compileComplexValue(name) : undefined;
  if (nameOf === undefined && source !== "" && source.toLowerCase() !== name.toLowerCase() && !maps.has(`${source.toLowerCase()}\0${name.toLowerCase()}`)) {
    throw new ConfigError(`no "charset_map" between the charsets "${source}" and "${name}"`);
  }
  const fixed = nameOf === undefined ? spelling(maps, name) : "";
  return (r) => {
    const ct = r.contentType;
    if (ct === undefined || ct === "") return OK;
    const own = r.charset;
    if (own) {
      if (!override) return OK;
    } else if (types !== "*" && !types.has(bare(ct).toLowerCase())) return OK;
    // A variable's value is written as it is, and looked up without case.
    const spelled = nameOf === undefined ? fixed : nameOf(r);
    const dstKey = spelled.toLowerCase();
    const src = own || source;
    if (src === "") {
      if (!ct.includes(";")) setCharset(r, spelled);
      return OK;
    }
    const srcKey = src.toLowerCase();
    if (srcKey === dstKey) {
      r.contentType = bare(ct);
      setCharset(r, spelled);
      return OK;
    }
    const ce = r.headersOut.get("content-encoding");
    if (ce !== undefined && ce !== "") return OK;
    const rec = maps.get(`${srcKey}\0${dstKey}`);
    if (rec === undefined || rec.kind === "name") {
      r.log("error", `no "charset_map" between the charsets "${src}" and "${spelled}"`, "sending response to client");
      return OK;
    }
    r.contentType = bare(ct);
    setCharset(r, spelled);
    if (r.headerOnly) return OK;
    r.notes.set(RECODER, recoderFor(rec));
    if (rec.kind !== "bytes") {
      r.contentLength = -1;
      r.headersOut.remove("Accept-Ranges");
    }
    return OK;
  };
}

const bodyFilter: BodyFilter = (r: Request, chunk: BodyChunk) => {
  const rec = r.notes.get(RECODER) as Recoder | undefined;
  if (rec === undefined) return;
  const d = chunk.data;
  chunk.data = rec(typeof d === "string" ? d : d.toString("latin1"), chunk.eof);
};

export const charsetModule: HttpModule = {
  name: "charset",
  settings: [charset, charsetTypes, sourceCharset, flag("override_charset", false), charsetMapSetting],
  headerFilter: filterFor,
  // Only where a recoding can happen: a source_charset, or override_charset with maps.
  bodyFilter: (loc) => (loc.settings.charset !== "off" && (loc.settings.source_charset !== "" || loc.settings.override_charset === true) ? bodyFilter : undefined),
};
