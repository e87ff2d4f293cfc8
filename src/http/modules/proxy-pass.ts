// proxy_pass's target: the URL parsed at load (an upstream block by name, or host:port),
// or compiled as a complex value evaluated per request; and the URI sent upstream, as
// ngx_http_proxy_create_request builds it.
import * as net from "node:net";
import type { Directive } from "../../conf/ast.js";
import type { LocationConf } from "../config/model.js";
import { ConfigError } from "../config/settings.js";
import type { Request } from "../request.js";
import { compileComplexValue, hasVariables, type ComplexValue } from "../script.js";
import { parseTarget } from "../uri.js";
import { splitHostPort } from "../upstream/config.js";
import { isIfLocation } from "./rewrite-if.js";

/** A URL's parts, as ngx_http_proxy_set_vars keeps them. */
export interface ProxyUrl {
  /** "host" or "host:port" as written (an upstream block's name when it is one). */
  readonly hostPort: string;
  readonly host: string;
  readonly port: number;
  readonly hasPort: boolean;
  /** $proxy_host and the Host header: the host, with the port unless it is 80. */
  readonly proxyHost: string;
  /** $proxy_port */
  readonly proxyPort: string;
  /** The URI part ("" when none). */
  readonly uri: string;
  /** https:// */
  readonly ssl: boolean;
  /** http://unix:/path:/uri: the socket's path (host is "localhost"). */
  readonly path: string | undefined;
}

export interface ProxyPass {
  /** Static target, or undefined when the URL has variables. */
  readonly url: ProxyUrl | undefined;
  readonly dynamic: ComplexValue | undefined;
  /** The location prefix the URI part replaces ("" in regex and named locations). */
  readonly location: string;
  /** The URL as written (proxy_redirect default uses it). */
  readonly text: string;
  readonly directive: Directive;
}

const URI_PART_ERROR =
  `"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block`;

/** A URL's scheme: its length and whether it is https; undefined for another prefix. */
export function urlScheme(text: string): { readonly length: number; readonly ssl: boolean } | undefined {
  if (/^http:\/\//i.test(text)) return { length: 7, ssl: false };
  if (/^https:\/\//i.test(text)) return { length: 8, ssl: true };
  return undefined;
}

/**
 * Split `host:port/uri` or `unix:/path:/uri` (the URL without its scheme) into its parts, as
 * ngx_parse_url does; undefined when invalid.
 */
export function parseUrlRest(rest: string, ssl = false): ProxyUrl | undefined {
  if (/^unix:/i.test(rest)) {
    // The path ends at the first ':' (the URI part follows it), or at the end.
    const colon = rest.indexOf(":", 5);
    const path = colon < 0 ? rest.slice(5) : rest.slice(5, colon);
    if (path === "") return undefined;
    return {
      hostPort: `unix:${path}`, host: "localhost", port: 0, hasPort: false, proxyHost: "localhost", proxyPort: "",
      uri: colon < 0 ? "" : rest.slice(colon + 1), ssl, path,
    };
  }
  let end = rest.length;
  for (const c of ["/", "?"]) {
    const i = rest.indexOf(c);
    if (i >= 0 && i < end) end = i;
  }
  const hostPort = rest.slice(0, end);
  let uri = rest.slice(end);
  if (uri.startsWith("?")) uri = "/" + uri;
  const hp = splitHostPort(hostPort, ssl ? 443 : 80);
  if (!hp || hp.host === "") return undefined;
  const showPort = hp.hasPort && hp.port !== (ssl ? 443 : 80);
  return {
    hostPort, host: hp.host, port: hp.port, hasPort: hp.hasPort,
    proxyHost: showPort ? hostPort : hostPort.slice(0, hp.hasPort ? hostPort.lastIndexOf(":") : hostPort.length),
    proxyPort: String(hp.port), uri, ssl, path: undefined,
  };
}

export function compileProxyPass(d: Directive, loc: LocationConf): ProxyPass {
  const text = d.args[0] ?? "";
  const noUriPart = loc.modifier === "@" || loc.modifier === "~" || loc.modifier === "~*" || isIfLocation(loc);
  if (hasVariables(text)) {
    return { url: undefined, dynamic: compileComplexValue(text), location: "", text, directive: d };
  }
  const scheme = urlScheme(text);
  if (scheme === undefined) throw new ConfigError(`invalid URL prefix in "${text}"`, d.file, d.line);
  const url = parseUrlRest(text.slice(scheme.length), scheme.ssl);
  if (!url) throw new ConfigError(`invalid port in upstream "${text.slice(scheme.length)}"`, d.file, d.line);
  if (noUriPart && url.uri !== "") throw new ConfigError(URI_PART_ERROR, d.file, d.line);
  return { url, dynamic: undefined, location: noUriPart ? "" : loc.name, text, directive: d };
}

// ngx_escape_uri's NGX_ESCAPE_URI set: controls, space, "#", "%", "?", DEL and bytes >= 0x80.
function escapeUri(s: string): string {
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x23 || c === 0x25 || c === 0x3f || c >= 0x7f) {
      out += s.slice(last, i) + "%" + (c < 16 ? "0" : "") + c.toString(16).toUpperCase();
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Whether the request still has the URI the client sent (nginx's valid_unparsed_uri). */
function unparsedValid(r: Request): boolean {
  if (r !== r.main || r.internal) return false;
  const full = r.requestUri;
  const q = full.indexOf("?");
  const path = q < 0 ? full : full.slice(0, q);
  const args = q < 0 ? "" : full.slice(q + 1);
  if (args !== r.args) return false;
  const parsed = parseTarget(path, r.server.core.merge_slashes);
  return parsed !== undefined && parsed.uri === r.uri;
}

/** The request target sent upstream for a URL whose URI part is `uriPart`. */
export function upstreamUri(r: Request, uriPart: string, location: string, dynamic: boolean): string {
  if (dynamic && uriPart !== "") return uriPart;
  if (uriPart === "" && unparsedValid(r)) return r.requestUri;
  const locLen = uriPart !== "" && r.uri.startsWith(location) ? location.length : 0;
  const rest = r.uri.slice(locLen);
  const quoted = r.main.requestUri.includes("%");
  let uri = uriPart + (quoted || r.internal ? escapeUri(rest) : rest);
  if (r.args.length > 0) uri += "?" + r.args;
  return uri;
}

/** Whether `host` needs a resolver (a name that is no upstream and no address). */
export function isAddress(host: string): boolean {
  return net.isIP(host) !== 0;
}
