// nginx's built-in error pages, byte for byte: the head for each status, then a tail that
// names the server as server_tokens says (`nginx/1.22.1`, `nginx`, or a custom build string).
import { NGINX_VERSION } from "../version.js";

const TITLE: Readonly<Record<number, string>> = {
  301: "301 Moved Permanently", 302: "302 Found", 303: "303 See Other",
  307: "307 Temporary Redirect", 308: "308 Permanent Redirect",
  400: "400 Bad Request", 401: "401 Authorization Required", 402: "402 Payment Required",
  403: "403 Forbidden", 404: "404 Not Found", 405: "405 Not Allowed", 406: "406 Not Acceptable",
  408: "408 Request Time-out", 409: "409 Conflict", 410: "410 Gone", 411: "411 Length Required",
  412: "412 Precondition Failed", 413: "413 Request Entity Too Large",
  414: "414 Request-URI Too Large", 415: "415 Unsupported Media Type",
  416: "416 Requested Range Not Satisfiable", 421: "421 Misdirected Request",
  429: "429 Too Many Requests",
  500: "500 Internal Server Error", 501: "501 Not Implemented", 502: "502 Bad Gateway",
  503: "503 Service Temporarily Unavailable", 504: "504 Gateway Time-out",
  505: "505 HTTP Version Not Supported", 507: "507 Insufficient Storage",
};

/** The 400 variants nginx uses internally (494..497): a title and an extra line. */
const BAD_REQUEST_VARIANTS: Readonly<Record<number, string>> = {
  494: "Request Header Or Cookie Too Large",
  495: "The SSL certificate error",
  496: "No required SSL certificate was sent",
  497: "The plain HTTP request was sent to HTTPS port",
};

function head(status: number): string | undefined {
  const variant = BAD_REQUEST_VARIANTS[status];
  if (variant !== undefined) {
    return `<html>\r\n<head><title>400 ${variant}</title></head>\r\n<body>\r\n` +
      `<center><h1>400 Bad Request</h1></center>\r\n<center>${variant}</center>\r\n`;
  }
  // 498 has nginx's 404 page (its table keeps that slot for it).
  const t = TITLE[status === 498 ? 404 : status];
  if (t === undefined) return undefined;
  return `<html>\r\n<head><title>${t}</title></head>\r\n<body>\r\n<center><h1>${t}</h1></center>\r\n`;
}

export type ServerTokens = "on" | "off" | "build";

function tail(tokens: ServerTokens): string {
  const name = tokens === "off" ? "nginx" : `nginx/${NGINX_VERSION}`;
  return `<hr><center>${name}</center>\r\n</body>\r\n</html>\r\n`;
}

/** MSIE shows its own page for short error bodies; nginx pads them (msie_padding). */
const MSIE_PADDING =
  "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n".repeat(6);

const cache = new Map<string, string | null>();

/** The page for `status`, or undefined when nginx has none (it then sends an empty body). */
export function errorPage(status: number, tokens: ServerTokens, msiePadding = false): string | undefined {
  const key = `${status}|${tokens}|${msiePadding ? 1 : 0}`;
  let p = cache.get(key);
  if (p === undefined) {
    const h = head(status);
    p = h === undefined ? null : h + tail(tokens) + (msiePadding && status >= 400 ? MSIE_PADDING : "");
    cache.set(key, p);
  }
  return p ?? undefined;
}

/** The Server header value for server_tokens. */
export function serverHeader(tokens: ServerTokens): string {
  return tokens === "off" ? "nginx" : `nginx/${NGINX_VERSION}`;
}
