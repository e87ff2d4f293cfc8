// ngx_http_autoindex_module: a directory's listing for a URI ending in `/` that the index
// module left alone, as html (nginx's <pre> table: names cut and padded to 50 columns,
// dd-Mon-yyyy hh:mm, sizes exact or as 5M), json, jsonp (?callback=) or xml. Hidden names
// (a leading dot) are left out; directories come first, then names in byte order.
import * as fs from "node:fs";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { LocationConf } from "../config/model.js";
import { NEXT, OK, type PhaseHandler, type PhaseResult } from "../phases.js";
import { flag, type SettingSpec } from "../config/settings.js";
import { fsPath, mapUriToPath } from "./static-path.js";
import { errnoText } from "./static.js";
import { httpDate } from "../log/time-format.js";
import { findArg } from "../uri.js";

type Format = "html" | "json" | "jsonp" | "xml";

const format: SettingSpec<Format> = {
  directive: "autoindex_format",
  key: "autoindex_format",
  default: "html",
  parse: (d) => (d.args[0] ?? "html") as Format,
};

interface Entry {
  readonly name: string; // latin1 bytes
  readonly dir: boolean;
  readonly mtime: number; // ms
  readonly size: number;
}

const NAME_LEN = 50;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const HTML_ESC: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" };

/** nginx core's NGX_ESCAPE_URI_COMPONENT: all but letters, digits and "-._~" (ngx.escape_uri keeps more). */
function escapeComponent(s: string): string {
  return s.replace(/[^A-Za-z0-9\-._~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
}

function escapeHtml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => HTML_ESC[c]!);
}

function escapeJson(s: string): string {
  return s.replace(/["\\\x00-\x1f]/g, (c) => (c === '"' || c === "\\" ? "\\" + c : "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")));
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** The first `n` UTF-8 characters of a byte string (a bad sequence ends the copy, as nginx's). */
function utf8Prefix(s: string, n: number): string {
  let i = 0;
  while (n > 0 && i < s.length) {
    const c = s.charCodeAt(i);
    const len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
    if (len === 0 || i + len > s.length) break;
    i += len;
    n--;
  }
  return s.slice(0, i);
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) & 0xc0) !== 0x80) n++;
  return n;
}

function humanSize(len: number): string {
  const scaled = (unit: number, c: string): string => `${String(Math.floor(len / unit) + (len % unit > unit / 2 - 1 ? 1 : 0)).padStart(6)}${c}`;
  if (len > 1024 * 1024 * 1024 - 1) return scaled(1024 * 1024 * 1024, "G");
  if (len > 1024 * 1024 - 1) return scaled(1024 * 1024, "M");
  if (len > 9999) return scaled(1024, "K");
  return " " + String(len).padStart(6);
}

function htmlLine(e: Entry, utf8: boolean, exact: boolean, local: boolean): string {
  let s = `<a href="${escapeComponent(e.name)}${e.dir ? "/" : ""}">`;
  let len = utf8 ? utf8Length(e.name) : e.name.length;
  const shown = len > NAME_LEN ? (utf8 ? utf8Prefix(e.name, NAME_LEN - 3) : e.name.slice(0, NAME_LEN - 3)) : e.name;
  s += escapeHtml(shown);
  if (len > NAME_LEN) s += "..&gt;</a>";
  else {
    if (e.dir && NAME_LEN - len > 0) {
      s += "/";
      len++;
    }
    s += "</a>" + " ".repeat(Math.max(0, NAME_LEN - len));
  }
  const t = new Date(e.mtime);
  const [day, mon, year, h, m] = local
    ? [t.getDate(), t.getMonth(), t.getFullYear(), t.getHours(), t.getMinutes()]
    : [t.getUTCDate(), t.getUTCMonth(), t.getUTCFullYear(), t.getUTCHours(), t.getUTCMinutes()];
  s += ` ${pad2(day)}-${MONTHS[mon]}-${year} ${pad2(h)}:${pad2(m)} `;
  if (exact) s += e.dir ? "-".padStart(19) : String(e.size).padStart(19);
  else s += e.dir ? "      -" : humanSize(e.size);
  return s + "\r\n";
}

function html(r: Request, entries: readonly Entry[], loc: LocationConf): string {
  const s = loc.settings;
  const utf8 = (r.charset ?? "").toLowerCase() === "utf-8";
  const title = escapeHtml(r.uri);
  let out = `<html>\r\n<head><title>Index of ${title}</title></head>\r\n<body>\r\n<h1>Index of ${title}</h1><hr><pre><a href="../">../</a>\r\n`;
  for (const e of entries) out += htmlLine(e, utf8, s.autoindex_exact_size as boolean, s.autoindex_localtime as boolean);
  return out + "</pre><hr></body>\r\n</html>\r\n";
}

function json(entries: readonly Entry[]): string {
  const items = entries.map((e) => {
    const base = `{ "name":"${escapeJson(e.name)}", "type":"${e.dir ? "directory" : "file"}", "mtime":"${httpDate(e.mtime)}"`;
    return e.dir ? base + " }" : `${base}, "size":${e.size} }`;
  });
  return "[\r\n" + items.join(",\r\n") + "\r\n]";
}

function xml(entries: readonly Entry[]): string {
  let out = '<?xml version="1.0"?>\r\n<list>\r\n';
  for (const e of entries) {
    const t = new Date(e.mtime).toISOString().slice(0, 19) + "Z";
    out += e.dir
      ? `<directory mtime="${t}">${escapeHtml(e.name)}</directory>\r\n`
      : `<file mtime="${t}" size="${e.size}">${escapeHtml(e.name)}</file>\r\n`;
  }
  return out + "</list>\r\n";
}

const CALLBACK_OK = /^[A-Za-z0-9_.]*$/;

function readEntries(r: Request, dir: string): Entry[] | number {
  const out: Entry[] = [];
  for (const raw of fs.readdirSync(fsPath(dir), { encoding: "buffer" })) {
    const name = raw.toString("latin1");
    if (name.startsWith(".")) continue;
    const file = dir + "/" + name;
    let st: fs.Stats;
    try {
      st = fs.statSync(fsPath(file));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ELOOP") {
        r.log("crit", `stat() "${file}" failed (${errnoText(e)})`);
        return 500;
      }
      // A dangling link: listed as the link itself.
      try {
        st = fs.lstatSync(fsPath(file));
      } catch {
        continue;
      }
    }
    out.push({ name, dir: st.isDirectory(), mtime: Math.floor(st.mtimeMs / 1000) * 1000, size: st.size });
  }
  out.sort((a, b) => (a.dir !== b.dir ? (a.dir ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

function handlerFor(loc: LocationConf): PhaseHandler | undefined {
  if (loc.settings.autoindex !== true) return undefined;
  const fmt = loc.settings.autoindex_format as Format;
  return (r: Request): PhaseResult => {
    if (!r.uri.endsWith("/") || (r.method !== "GET" && r.method !== "HEAD")) return NEXT;
    let { path } = mapUriToPath(r);
    if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
    let entries: Entry[] | number;
    try {
      fs.accessSync(fsPath(path), fs.constants.R_OK);
      entries = readEntries(r, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const rc = code === "ENOENT" || code === "ENOTDIR" || code === "ENAMETOOLONG" ? 404 : code === "EACCES" ? 403 : 500;
      r.log(rc === 500 ? "crit" : "error", `opendir() "${path}" failed (${errnoText(e)})`);
      return rc;
    }
    if (typeof entries === "number") return entries;
    let f = fmt;
    let callback = "";
    if (f === "jsonp") {
      callback = findArg(r.args, "callback") ?? "";
      if (callback.length > 128 || !CALLBACK_OK.test(callback)) {
        r.log("info", callback.length > 128 ? "client sent too long callback" : "client sent invalid callback");
        return 400;
      }
      if (callback === "") f = "json";
    }
    r.status = 200;
    r.contentType = f === "html" ? "text/html" : f === "json" ? "application/json" : f === "jsonp" ? "application/javascript" : "text/xml";
    if (f === "xml") r.charset = "utf-8";
    const drc = r.discardBody();
    if (drc !== OK) return drc;
    const rc = r.sendHeader();
    if (rc !== OK || r.headerOnly || r.method === "HEAD") return rc;
    const body = f === "html" ? html(r, entries, loc)
      : f === "json" ? json(entries)
      : f === "jsonp" ? `/* callback */\r\n${callback}(${json(entries)});`
      : xml(entries);
    r.write(body);
    return OK;
  };
}

export const autoindexModule: HttpModule = {
  name: "autoindex",
  settings: [flag("autoindex", false), format, flag("autoindex_exact_size", true), flag("autoindex_localtime", false)],
  handler: (phase, loc) => (phase === "content" ? handlerFor(loc) : undefined),
};
