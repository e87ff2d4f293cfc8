// Response headers by name, with nginx's special fields: Content-Type, Content-Length,
// Location and Last-Modified live on the Request (the header filter writes them in its own
// order), everything else in r.headersOut. ngx.header, add_header and more_set_headers all
// go through here.
import type { Request } from "./request.js";

type Special = {
  get(r: Request): string | undefined;
  set(r: Request, v: string | undefined): void;
};

const SPECIAL: Record<string, Special> = {
  "content-type": {
    get: (r) => (r.contentType === undefined ? undefined : r.charset ? `${r.contentType}; charset=${r.charset}` : r.contentType),
    set: (r, v) => {
      r.contentType = v;
      r.charset = undefined;
    },
  },
  "content-length": {
    get: (r) => (r.contentLength >= 0 ? String(r.contentLength) : undefined),
    set: (r, v) => {
      const n = v === undefined ? -1 : Number(v);
      r.contentLength = Number.isFinite(n) && n >= 0 ? Math.floor(n) : -1;
    },
  },
  location: {
    get: (r) => r.location,
    set: (r, v) => {
      r.location = v;
    },
  },
  // r.lastModified is the time a file gave (written in its own place); a header set by
  // name is an ordinary line, where nginx writes it too (in the order set).
  "last-modified": {
    get: (r) => r.headersOut.get("last-modified") ?? r.lastModified,
    set: (r, v) => {
      r.lastModified = undefined;
      if (v === undefined) r.headersOut.remove("Last-Modified");
      else r.headersOut.set("Last-Modified", v);
    },
  },
};

/** Set (or, with undefined or [], clear) a response header; several values give several lines. */
export function setResponseHeader(r: Request, name: string, value: string | readonly string[] | undefined): void {
  const sp = SPECIAL[name.toLowerCase()];
  const values = value === undefined ? [] : typeof value === "string" ? [value] : value;
  if (sp) {
    sp.set(r, values.length > 0 ? values[values.length - 1] : undefined);
    return;
  }
  if (values.length === 0) r.headersOut.remove(name);
  else r.headersOut.set(name, values);
}

/** Add one more line for `name` (add_header). */
export function addResponseHeader(r: Request, name: string, value: string): void {
  const sp = SPECIAL[name.toLowerCase()];
  if (sp) sp.set(r, value);
  else r.headersOut.add(name, value);
}

/** The value(s) of a response header: a string, an array for several lines, or undefined. */
export function getResponseHeader(r: Request, name: string): string | string[] | undefined {
  const sp = SPECIAL[name.toLowerCase()];
  if (sp) return sp.get(r);
  const all = r.headersOut.getAll(name);
  return all.length === 0 ? undefined : all.length === 1 ? all[0] : all;
}

/** Every response header as [name, value] pairs (specials first, as the header filter sends them). */
export function responseHeaders(r: Request): [string, string][] {
  const out: [string, string][] = [];
  const ct = SPECIAL["content-type"]!.get(r);
  if (ct !== undefined) out.push(["Content-Type", ct]);
  if (r.contentLength >= 0) out.push(["Content-Length", String(r.contentLength)]);
  if (r.lastModified !== undefined) out.push(["Last-Modified", r.lastModified]);
  if (r.location !== undefined) out.push(["Location", r.location]);
  let skipCl = r.contentLengthListed;
  for (const e of r.headersOut.entries()) {
    if (skipCl && e[0].toLowerCase() === "content-length") skipCl = false;
    else out.push(e);
  }
  return out;
}
