// ngx_http_gzip_static_module: for a file request, FILE.gz is sent instead when it exists
// and the client takes gzip (`on`: the gzip filter's client rules) or always (`always`),
// with its own Content-Length, Last-Modified and ETag, the type of FILE, Content-Encoding:
// gzip and no ranges. With gzip_vary, a found FILE.gz also adds Vary (even when the
// original is sent). A missing .gz declines to the static module.
import * as fs from "node:fs";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { LocationConf } from "../config/model.js";
import { NEXT, OK, type PhaseHandler, type PhaseResult } from "../phases.js";
import type { SettingSpec } from "../config/settings.js";
import { setContentType } from "../content-type.js";
import { varyAcceptEncoding } from "../response.js";
import { fsPath, mapUriToPath } from "./static-path.js";
import { errnoText, setFileHeaders } from "./static.js";
import { gzipOk, type GzipOkConf } from "./gzip-ok.js";

type Mode = "off" | "on" | "always";
const mode: SettingSpec<Mode> = { directive: "gzip_static", key: "gzip_static", default: "off", parse: (d) => (d.args[0] ?? "off") as Mode };

/** Pieces of a large file, each sent once the client took the previous one. */
const PIECE = 256 * 1024;

async function sendFile(r: Request, fd: number, size: number): Promise<PhaseResult> {
  try {
    for (let pos = 0; pos < size; ) {
      const buf = Buffer.allocUnsafe(Math.min(PIECE, size - pos));
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      r.write(n === buf.length ? buf : buf.subarray(0, n));
      if (pos < size) await r.flush();
      if (r.finalized || r.detached) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  return OK;
}

function handlerFor(loc: LocationConf): PhaseHandler | undefined {
  const m = loc.settings.gzip_static as Mode;
  if (m === "off") return undefined;
  const s = loc.settings;
  const dis = s.gzip_disable as { msie6: boolean; regexes: readonly RegExp[] };
  const okConf: GzipOkConf = { httpVersion: s.gzip_http_version as number, proxied: s.gzip_proxied as number, disableMsie6: dis.msie6, disable: dis.regexes };
  const vary = s.gzip_vary as boolean;
  return (r: Request): PhaseResult | Promise<PhaseResult> => {
    if ((r.method !== "GET" && r.method !== "HEAD") || r.uri.endsWith("/")) return NEXT;
    const ok = m === "always" || gzipOk(r, okConf);
    if (!vary && !ok) return NEXT;
    const path = mapUriToPath(r).path + ".gz";
    let fd: number;
    let st: fs.Stats;
    try {
      fd = fs.openSync(fsPath(path), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      st = fs.fstatSync(fd);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR" && code !== "ENAMETOOLONG") {
        r.log(code === "EACCES" || code === "ELOOP" ? "error" : "crit", `open() "${path}" failed (${errnoText(e)})`);
      }
      return NEXT;
    }
    if (m === "on" && vary) varyAcceptEncoding.add(r);
    if (!ok || st.isDirectory()) {
      fs.closeSync(fd);
      return NEXT;
    }
    if (!st.isFile()) {
      fs.closeSync(fd);
      r.log("crit", `"${path}" is not a regular file`);
      return 404;
    }
    const drc = r.discardBody();
    if (drc !== OK) {
      fs.closeSync(fd);
      return drc;
    }
    setFileHeaders(r, st);
    r.headersOut.add("Content-Encoding", "gzip");
    setContentType(r);
    const rc = r.sendHeader();
    if (rc !== OK || r.headerOnly || r.method === "HEAD" || st.size === 0) {
      fs.closeSync(fd);
      return rc;
    }
    return sendFile(r, fd, st.size);
  };
}

export const gzipStaticModule: HttpModule = {
  name: "gzip_static",
  settings: [mode],
  handler: (phase, loc) => (phase === "content" ? handlerFor(loc) : undefined),
};
