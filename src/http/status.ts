// Status lines as nginx 1.22 words them. A status missing here is sent as "HTTP/1.1 NNN "
// (with the trailing space), as nginx does for codes it has no text for.
import { NGINX_VERSION } from "../version.js";

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  101: "Switching Protocols",
  200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 206: "Partial Content",
  301: "Moved Permanently", 302: "Moved Temporarily", 303: "See Other", 304: "Not Modified",
  307: "Temporary Redirect", 308: "Permanent Redirect",
  400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
  404: "Not Found", 405: "Not Allowed", 406: "Not Acceptable", 408: "Request Time-out",
  409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed",
  413: "Request Entity Too Large", 414: "Request-URI Too Large", 415: "Unsupported Media Type",
  416: "Requested Range Not Satisfiable", 421: "Misdirected Request", 429: "Too Many Requests",
  500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
  503: "Service Temporarily Unavailable", 504: "Gateway Time-out", 505: "HTTP Version Not Supported",
  507: "Insufficient Storage",
};

/** nginx's internal codes that are sent as 400 with their own page. */
export const HTTP_REQUEST_HEADER_TOO_LARGE = 494;
export const HTTPS_CERT_ERROR = 495;
export const HTTPS_NO_CERT = 496;
export const HTTP_TO_HTTPS = 497;
/** Codes that close the connection without any response. */
export const HTTP_CLOSE = 444;
export const HTTP_REQUEST_TIME_OUT = 408;
export const HTTP_CLIENT_CLOSED_REQUEST = 499;

/** Statuses after which nginx turns keep-alive off (ngx_http_special_response_handler). */
export const CLOSES_CONNECTION: ReadonlySet<number> = new Set([400, 413, 414, 497, 495, 496, 500, 501]);

/** Codes that are answered by closing the connection, without a status line. */
export const SILENT_CLOSE: ReadonlySet<number> = new Set([HTTP_CLOSE, HTTP_REQUEST_TIME_OUT, HTTP_CLIENT_CLOSED_REQUEST]);

const lineCache = new Map<number, string>();

/** "HTTP/1.1 200 OK\r\n"; nginx answers every version with HTTP/1.1. */
export function statusLine(status: number): string {
  let l = lineCache.get(status);
  if (l === undefined) {
    l = `HTTP/1.1 ${String(status).padStart(3, "0")} ${STATUS_TEXT[status] ?? ""}\r\n`;
    if (lineCache.size < 1000) lineCache.set(status, l);
  }
  return l;
}

export { NGINX_VERSION };
