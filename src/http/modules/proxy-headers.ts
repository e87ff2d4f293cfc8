// The headers of a proxied exchange. Going up: proxy_set_header's list merged with nginx's
// defaults (Host $proxy_host, Connection close, and the hop-by-hop ones removed), then the
// client's own headers that none of those names. Coming back: the upstream's headers minus
// the hidden ones (Date, Server, X-Pad, X-Accel-* unless proxy_pass_header), with Location
// and Refresh rewritten by proxy_redirect.
import type { Directive } from "../../conf/ast.js";
import { ConfigError } from "../config/settings.js";
import type { Request } from "../request.js";
import { compileComplexValue, hasVariables, type ComplexValue } from "../script.js";
import { compileRegex } from "../regex.js";
import { setCaptures } from "../config/locations.js";

export interface SetHeader {
  readonly name: string;
  readonly value: ComplexValue;
  /** nginx's default Content-Length ($proxy_internal_body_length): the body's length. */
  readonly bodyLength?: true;
}

export interface RequestHeaderPlan {
  /** The lines proxy_set_header and nginx's defaults write, in nginx's order (empty values left out). */
  readonly fixed: readonly SetHeader[];
  /** The Connection value, to know whether the upstream connection may be kept. */
  readonly connection: ComplexValue | undefined;
  /** Lowercase names whose client headers are not passed. */
  readonly skip: ReadonlySet<string>;
}

// nginx's ngx_http_proxy_headers, after the configured ones that do not name them. An empty
// value only keeps the client's header of that name from being passed. Transfer-Encoding is
// $proxy_internal_chunked, empty unless the body streams unbuffered (never here).
const DEFAULTS: readonly [string, string][] = [
  ["Host", "$proxy_host"], ["Connection", "close"], ["Content-Length", "$proxy_internal_body_length"], ["Transfer-Encoding", ""],
  ["TE", ""], ["Keep-Alive", ""], ["Expect", ""], ["Upgrade", ""],
];

export function planRequestHeaders(set: readonly (readonly [string, string])[]): RequestHeaderPlan {
  const merged: [string, string, boolean][] = set.map(([n, v]) => [n, v, false]);
  for (const [n, v] of DEFAULTS) if (!merged.some(([m]) => m.toLowerCase() === n.toLowerCase())) merged.push([n, v, true]);
  const fixed: SetHeader[] = [];
  let connection: ComplexValue | undefined;
  const skip = new Set<string>();
  for (const [n, v, dflt] of merged) {
    const l = n.toLowerCase();
    skip.add(l);
    if (v === "") continue;
    const cv = compileComplexValue(dflt && l === "content-length" ? "" : v);
    if (l === "connection") connection = cv;
    fixed.push(dflt && l === "content-length" ? { name: n, value: cv, bodyLength: true } : { name: n, value: cv });
  }
  return { fixed, connection, skip };
}

/**
 * The header lines to send, as [name, value, ...] in order. `bodyLength` is nginx's
 * $proxy_internal_body_length (the client's Content-Length after the body was read, or the
 * length of a body set by Lua or proxy_set_body), undefined when there is none.
 */
export function requestHeaders(r: Request, plan: RequestHeaderPlan, passClient: boolean, bodyLength: number | undefined): string[] {
  const out: string[] = [];
  for (const h of plan.fixed) {
    const v = h.bodyLength ? (bodyLength === undefined ? "" : String(bodyLength)) : h.value(r);
    if (v !== "") out.push(h.name, v);
  }
  if (passClient) {
    const raw = r.headersIn.raw;
    for (let i = 0; i < raw.length; i += 2) {
      if (!plan.skip.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
    }
  }
  return out;
}

// ---------------------------------------------------------------- going back

const HIDDEN = ["date", "server", "x-pad", "x-accel-expires", "x-accel-redirect", "x-accel-limit-rate", "x-accel-buffering", "x-accel-charset"];
/** The upstream module consumes these itself (framing and the connection). */
const HOP = new Set(["connection", "keep-alive", "transfer-encoding"]);

export function hiddenHeaders(hide: readonly string[], pass: readonly string[]): ReadonlySet<string> {
  const s = new Set(HIDDEN);
  for (const h of hide) s.add(h.toLowerCase());
  for (const p of pass) s.delete(p.toLowerCase());
  for (const h of HOP) s.add(h);
  return s;
}

export interface Redirect {
  readonly pattern: ComplexValue;
  /** `~` / `~*` patterns: the whole value is matched, and $1.. are its captures. */
  readonly regex?: RegExp;
  readonly replacement: ComplexValue;
}

/** proxy_redirect's setting: "default", "off", or a pattern and a replacement. */
export type RedirectSetting = { readonly kind: "default" } | { readonly kind: "off" } | { readonly kind: "pair"; readonly pattern: string; readonly replacement: string; readonly d: Directive };

export function parseRedirect(d: Directive): RedirectSetting {
  const a = d.args;
  if (a.length === 1) {
    if (a[0] === "default") return { kind: "default" };
    if (a[0] === "off") return { kind: "off" };
    throw new ConfigError(`invalid parameter "${a[0]}"`, d.file, d.line);
  }
  if (a[0] === "default") throw new ConfigError(`invalid parameter "${a[0]}"`, d.file, d.line);
  return { kind: "pair", pattern: a[0] ?? "", replacement: a[1] ?? "", d };
}

/**
 * The rewrites of a location: `default` is the proxy_pass URL (with "/" when it has no URI
 * part) replaced by the location's name (or "/").
 */
export function compileRedirects(
  settings: readonly RedirectSetting[], pass: { text: string; uri: string; location: string; dynamic: boolean }, d: Directive,
): Redirect[] {
  const list: RedirectSetting[] = settings.length === 0 ? [{ kind: "default" }] : [...settings];
  const out: Redirect[] = [];
  for (const s of list) {
    if (s.kind === "off") return [];
    if (s.kind === "default") {
      if (pass.dynamic) {
        if (settings.length === 0) return [];
        throw new ConfigError(`"proxy_redirect default" cannot be used with "proxy_pass" directive with variables`, d.file, d.line);
      }
      const pattern = pass.uri !== "" ? pass.text : pass.text + "/";
      const replacement = pass.uri !== "" ? pass.location : "/";
      out.push({ pattern: () => pattern, replacement: () => replacement });
      continue;
    }
    const p = s.pattern;
    if (p.startsWith("~")) {
      const caseless = p.startsWith("~*");
      const regex = compileRegex(p.slice(caseless ? 2 : 1), caseless, s.d);
      out.push({ pattern: () => "", regex, replacement: compileComplexValue(s.replacement) });
      continue;
    }
    out.push({ pattern: hasVariables(p) ? compileComplexValue(p) : () => p, replacement: compileComplexValue(s.replacement) });
  }
  return out;
}

/** Rewrite a Location value by the first matching prefix. */
export function rewriteLocation(r: Request, value: string, redirects: readonly Redirect[]): string {
  for (const rd of redirects) {
    if (rd.regex) {
      const m = rd.regex.exec(value);
      if (!m) continue;
      setCaptures(r, m);
      return rd.replacement(r);
    }
    const p = rd.pattern(r);
    if (p !== "" && value.startsWith(p)) return rd.replacement(r) + value.slice(p.length);
  }
  return value;
}

/** Refresh: "5; url=http://..." has its url= part rewritten. */
export function rewriteRefresh(r: Request, value: string, redirects: readonly Redirect[]): string {
  const m = /url=/i.exec(value);
  if (!m) return value;
  const at = m.index + 4;
  return value.slice(0, at) + rewriteLocation(r, value.slice(at), redirects);
}

// ---------------------------------------------------------------- cookies

/** One proxy_cookie_domain or proxy_cookie_path rule. */
export interface CookieRule {
  /** The pattern (domains: without a leading dot), or a regex for `~` / `~*`. */
  readonly pattern: ComplexValue;
  readonly regex?: RegExp;
  readonly replacement: ComplexValue;
}

/** proxy_cookie_domain / proxy_cookie_path: `off`, or a pattern and a replacement. */
export function parseCookieRule(d: Directive, domain: boolean): CookieRule | "off" {
  const [p = "", rep = ""] = d.args;
  if (d.args.length === 1) {
    if (p === "off") return "off";
    throw new ConfigError(`invalid parameter "${p}"`, d.file, d.line);
  }
  const replacement = compileComplexValue(rep);
  if (p.startsWith("~")) {
    const caseless = p.startsWith("~*");
    return { pattern: () => "", regex: compileRegex(p.slice(caseless ? 2 : 1), caseless, d), replacement };
  }
  const text = domain && p.startsWith(".") ? p.slice(1) : p;
  return { pattern: hasVariables(text) ? compileComplexValue(text) : () => text, replacement };
}

/** The rules a level ends up with: a level's `off` drops the ones before it. */
export function cookieRules(list: readonly (CookieRule | "off")[]): CookieRule[] {
  const out: CookieRule[] = [];
  for (const x of list) {
    if (x === "off") out.length = 0;
    else out.push(x);
  }
  return out;
}

function rewriteAttr(r: Request, value: string, rules: readonly CookieRule[], domain: boolean): string {
  // A domain's leading dot stays; the rest is what the rules match.
  const lead = domain && value.startsWith(".") ? 1 : 0;
  const v = value.slice(lead);
  for (const rule of rules) {
    if (rule.regex) {
      const m = rule.regex.exec(v);
      if (!m) continue;
      setCaptures(r, m);
      return value.slice(0, lead) + rule.replacement(r);
    }
    const p = rule.pattern(r);
    if (domain) {
      if (p.toLowerCase() === v.toLowerCase()) return value.slice(0, lead) + rule.replacement(r);
    } else if (v.startsWith(p)) return rule.replacement(r) + v.slice(p.length);
  }
  return value;
}

/** Set-Cookie with its domain= and path= attributes rewritten. */
export function rewriteCookie(r: Request, cookie: string, domains: readonly CookieRule[], paths: readonly CookieRule[]): string {
  const parts = cookie.split(";");
  let changed = false;
  for (let i = 1; i < parts.length; i++) {
    const m = /^(\s*)(domain|path)(\s*=\s*)(.*?)(\s*)$/i.exec(parts[i]!);
    if (!m) continue;
    const isDomain = m[2]!.toLowerCase() === "domain";
    const rules = isDomain ? domains : paths;
    if (rules.length === 0) continue;
    const v = rewriteAttr(r, m[4]!, rules, isDomain);
    if (v === m[4]) continue;
    parts[i] = m[2]! + m[3]! + v;
    changed = true;
  }
  // nginx writes a cookie it changed back with its attributes trimmed and joined by "; ".
  return changed ? parts.map((x) => x.trim()).join("; ") : cookie;
}
