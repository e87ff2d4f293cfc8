// The response header as nginx's header filter writes it: the status line, then Server,
// Date, Content-Type, Content-Length, Last-Modified, a relative Location made absolute,
// Transfer-Encoding, Connection, Keep-Alive, and then the other headers in the order set.
import type { Request } from "./request.js";
import { statusLine } from "./status.js";
import { serverHeader } from "./error-pages.js";
import { httpDateNow } from "./log/time-format.js";

/** Responses the gzip filters marked for `Vary: Accept-Encoding` (gzip_vary; nginx's r->gzip_vary). */
export const varyAcceptEncoding = new WeakSet<Request>();

/** Chunked or Content-Length, and keep-alive, as nginx's chunked filter decides. */
export function decideFraming(r: Request): void {
  const st = r.status;
  if (st === 204) {
    r.headerOnly = true;
    r.contentType = undefined;
    r.contentLength = -1;
    r.lastModified = undefined;
  } else if (st === 304) {
    r.headerOnly = true;
  }
  if (r !== r.main || r.version >= 2000) return; // HTTP/2 frames the body itself
  if (st === 304 || st === 204 || st < 200 || r.method === "HEAD" || r.headerOnly) return;
  if (r.contentLength < 0) {
    if (r.version >= 1001 && r.loc.core.chunked_transfer_encoding) r.chunked = true;
    else r.keepalive = false;
  }
}

export function buildHeader(r: Request): string {
  const core = r.loc.core;
  let h = r.statusLine !== undefined ? `HTTP/1.1 ${r.statusLine}\r\n` : statusLine(r.status);
  const out = r.headersOut;
  if (!r.serverHeaderOff && (r.addedServer === 0 ? !out.has("server") : out.getAll("server").length <= r.addedServer)) {
    h += "Server: " + serverHeader(core.server_tokens) + "\r\n";
  }
  if (!r.dateHeaderOff && (r.addedDate === 0 ? !out.has("date") : out.getAll("date").length <= r.addedDate)) {
    h += "Date: " + httpDateNow() + "\r\n";
  }
  if (r.contentType !== undefined && r.contentType !== "") {
    h += "Content-Type: " + r.contentType;
    if (r.charset) h += "; charset=" + r.charset;
    h += "\r\n";
  }
  // A Content-Length in the header list (set by name, from Lua) is written there instead.
  let clInList = r.contentLengthListed && out.has("content-length");
  if (r.contentLength >= 0 && !clInList) h += "Content-Length: " + r.contentLength + "\r\n";
  // nginx drops the file's Last-Modified from other statuses (an error_page served from a file).
  if (r.lastModified !== undefined && (r.status === 200 || r.status === 206 || r.status === 304)) {
    h += "Last-Modified: " + r.lastModified + "\r\n";
  }
  if (r.location !== undefined && r.location.startsWith("/") && core.absolute_redirect) {
    h += "Location: " + absoluteLocation(r, r.location) + "\r\n";
  }
  if (r.chunked) h += "Transfer-Encoding: chunked\r\n";
  if (r.status === 101) {
    // nginx's header filter: a protocol switch says so instead of keep-alive or close.
    h += "Connection: upgrade\r\n";
  } else if (r.keepalive) {
    h += "Connection: keep-alive\r\n";
    if (core.keepalive_header >= 0) h += "Keep-Alive: timeout=" + core.keepalive_header + "\r\n";
  } else {
    h += "Connection: close\r\n";
  }
  if (varyAcceptEncoding.has(r)) h += "Vary: Accept-Encoding\r\n";
  if (r.location !== undefined && !(r.location.startsWith("/") && core.absolute_redirect)) {
    h += "Location: " + r.location + "\r\n";
  }
  const raw = out.raw;
  for (let i = 0; i < raw.length; i += 2) {
    if (clInList && raw[i]!.length === 14 && raw[i]!.toLowerCase() === "content-length") {
      // Cleared since (a body filter changed the body): nginx drops the line. Later lines of
      // that name (add_header) go out as they are.
      if (r.contentLength >= 0) h += raw[i] + ": " + r.contentLength + "\r\n";
      clInList = false;
      continue;
    }
    h += raw[i] + ": " + raw[i + 1] + "\r\n";
  }
  return h + "\r\n";
}

/** scheme://host[:port] + uri, as nginx builds it (server_name_in_redirect, port_in_redirect). */
export function absoluteLocation(r: Request, uri: string): string {
  const core = r.loc.core;
  let host: string;
  // server_name_in_redirect names the server as configured, even an empty name (as nginx).
  if (core.server_name_in_redirect) host = r.server.serverName;
  else if (r.host !== "") host = r.host;
  // Without a Host header nginx names the local address, not the server.
  else host = r.conn.localAddress.includes(":") ? `[${r.conn.localAddress}]` : r.conn.localAddress;
  const port = r.conn.localPort;
  const showPort = core.port_in_redirect && port !== (r.conn.tls ? 443 : 80);
  return `${r.conn.tls ? "https" : "http"}://${host}${showPort ? ":" + port : ""}${uri}`;
}
