// ngx_http_gunzip_filter_module: a gzip-encoded response (an upstream's, or Lua's) is
// decompressed for a client that does not take gzip (the gzip filter's client rules):
// Content-Encoding, Content-Length and Accept-Ranges go, the ETag becomes weak. Unlike
// nginx, which inflates as the body streams, the compressed body is held and inflated at
// its end: Node's streaming zlib is asynchronous only, and body filters are synchronous.
import zlib from "node:zlib";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { LocationConf } from "../config/model.js";
import type { BodyChunk, BodyFilter, HeaderFilter } from "../phases.js";
import { OK } from "../phases.js";
import { flag, type SettingSpec } from "../config/settings.js";
import { varyAcceptEncoding } from "../response.js";
import { gzipOk, type GzipOkConf } from "./gzip-ok.js";
import { weakenEtag } from "./gzip.js";

const STATE = "gunzip";
const buffers: SettingSpec<string> = { directive: "gunzip_buffers", key: "gunzip_buffers", default: "", parse: (d) => d.args.join(" ") };

function headerFilter(loc: LocationConf): HeaderFilter | undefined {
  const s = loc.settings;
  if (s.gunzip !== true) return undefined;
  const dis = s.gzip_disable as { msie6: boolean; regexes: readonly RegExp[] };
  const ok: GzipOkConf = { httpVersion: s.gzip_http_version as number, proxied: s.gzip_proxied as number, disableMsie6: dis.msie6, disable: dis.regexes };
  const vary = s.gzip_vary as boolean;
  return (r) => {
    const ce = r.headersOut.get("content-encoding");
    if (ce === undefined || ce.toLowerCase() !== "gzip") return OK;
    if (vary) varyAcceptEncoding.add(r);
    if (gzipOk(r, ok)) return OK;
    r.headersOut.remove("Content-Encoding");
    r.contentLength = -1;
    r.headersOut.remove("Accept-Ranges");
    weakenEtag(r);
    r.notes.set(STATE, [] as Buffer[]);
    return OK;
  };
}

const bodyFilter: BodyFilter = (r: Request, chunk: BodyChunk) => {
  const held = r.notes.get(STATE) as Buffer[] | undefined;
  if (held === undefined) return;
  const d = chunk.data;
  if (d.length > 0) held.push(typeof d === "string" ? Buffer.from(d, "latin1") : Buffer.from(d));
  if (!chunk.eof) {
    chunk.data = "";
    return;
  }
  r.notes.delete(STATE);
  try {
    // finishFlush: a stream cut short gives what it holds, as nginx sends what it inflated.
    chunk.data = zlib.gunzipSync(Buffer.concat(held), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch (e) {
    r.log("error", `inflate() failed: ${(e as Error).message}`);
    chunk.data = "";
  }
};

export const gunzipModule: HttpModule = {
  name: "gunzip",
  settings: [flag("gunzip", false), buffers],
  headerFilter,
  bodyFilter: (loc) => (loc.settings.gunzip === true ? bodyFilter : undefined),
};
