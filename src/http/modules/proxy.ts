// ngx_http_proxy_module on the upstream layer (src/http/upstream): proxy_pass as a content
// handler. The request body is read first (in memory, or the temporary file past
// client_body_buffer_size, streamed from there); the response streams to the client as it
// arrives, with backpressure from the client socket. Failed tries go to the next peer as
// proxy_next_upstream says; nginx's statuses and log lines come out of every failure.
import type { HttpConfig, LocationConf, LocationTree } from "../config/model.js";
import type { HttpModule } from "../module.js";
import { ConfigError, flag, list, msTime, num, size, str, type SettingSpec } from "../config/settings.js";
import { BodyError, type Request, type RequestBody } from "../request.js";
import { DONE, ERROR, OK, type PhaseResult } from "../phases.js";
import { compileComplexValue, type ComplexValue } from "../script.js";
import { registerVariable } from "../variables.js";
import { implicitUpstream, readUpstreams, type UpstreamSpec } from "../upstream/config.js";
import { resolveUpstream, type Peer, type Upstream } from "../upstream/peers.js";
import { BALANCERS, peerChoosers } from "../upstream/balancer.js";
import {
  callUpstream, Pools, type PoolOptions, type UpstreamCall, type UpstreamControl, type UpstreamFailure,
} from "../upstream/client.js";
import { newGroup, newTry, type TryState } from "../upstream/variables.js";
import { compileProxyPass, isAddress, parseUrlRest, upstreamUri, urlScheme, type ProxyPass, type ProxyUrl } from "./proxy-pass.js";
import { proxyUpgraded } from "./proxy-upgrade.js";
import { compileProxyTls, PROXY_SSL_SETTINGS, tlsFor, type ProxyTls } from "./proxy-ssl.js";
import {
  compileRedirects, cookieRules, hiddenHeaders, parseCookieRule, rewriteCookie, type CookieRule, parseRedirect, planRequestHeaders, requestHeaders, rewriteLocation, rewriteRefresh,
  type Redirect, type RedirectSetting, type RequestHeaderPlan,
} from "./proxy-headers.js";

const NEXT_UPSTREAM_WORDS = new Set(["error", "timeout", "invalid_header", "non_idempotent", "http_500", "http_502", "http_503", "http_504", "http_403", "http_404", "http_429", "off"]);

const nextUpstreamSpec: SettingSpec<ReadonlySet<string>> = {
  directive: "proxy_next_upstream",
  key: "proxy_next_upstream",
  default: new Set(["error", "timeout"]),
  parse(d) {
    for (const a of d.args) if (!NEXT_UPSTREAM_WORDS.has(a)) throw new ConfigError(`invalid value "${a}"`, d.file, d.line);
    return new Set(d.args.includes("off") ? [] : d.args);
  },
};

const SETTINGS: SettingSpec[] = [
  list("proxy_set_header", (d) => [d.args[0] ?? "", d.args[1] ?? ""] as const),
  list("proxy_hide_header", (d) => d.args[0] ?? ""),
  list("proxy_pass_header", (d) => d.args[0] ?? ""),
  list("proxy_redirect", (d) => parseRedirect(d)),
  list("proxy_cookie_domain", (d) => parseCookieRule(d, true)),
  list("proxy_cookie_path", (d) => parseCookieRule(d, false)),
  flag("proxy_pass_request_headers", true),
  flag("proxy_pass_request_body", true),
  str("proxy_http_version", "1.0"),
  msTime("proxy_connect_timeout", 60_000),
  msTime("proxy_send_timeout", 60_000),
  msTime("proxy_read_timeout", 60_000),
  nextUpstreamSpec,
  num("proxy_next_upstream_tries", 0),
  msTime("proxy_next_upstream_timeout", 0),
  flag("proxy_intercept_errors", false),
  flag("proxy_buffering", true),
  flag("proxy_ignore_client_abort", false),
  size("proxy_buffer_size", 4096),
  { directive: "proxy_ignore_headers", key: "proxy_ignore_headers", default: new Set<string>(), parse: (d) => new Set(d.args.map((a) => a.toLowerCase())) },
  { directive: "proxy_method", key: "proxy_method", default: undefined, parse: (d) => compileComplexValue(d.args[0] ?? "") },
  { directive: "proxy_set_body", key: "proxy_set_body", default: undefined, parse: (d) => compileComplexValue(d.args[0] ?? "") },
  ...PROXY_SSL_SETTINGS,
] as SettingSpec[];

/** The upstreams of one configuration: blocks by name, implicit ones by host:port, the pools. */
interface UpstreamRuntime {
  readonly blocks: Map<string, Upstream>;
  readonly implicit: Map<string, Upstream>;
  readonly pools: Pools;
}

/** What a proxied location needs, compiled at load. */
interface ProxyLoc {
  readonly pass: ProxyPass;
  readonly headers: RequestHeaderPlan;
  readonly passClientHeaders: boolean;
  readonly passBody: boolean;
  readonly hidden: ReadonlySet<string>;
  readonly redirects: readonly Redirect[];
  readonly cookieDomains: readonly CookieRule[];
  readonly cookiePaths: readonly CookieRule[];
  readonly http11: boolean;
  readonly connectTimeout: number;
  readonly sendTimeout: number;
  readonly readTimeout: number;
  readonly nextUpstream: ReadonlySet<string>;
  readonly nextTries: number;
  readonly nextTimeout: number;
  readonly intercept: boolean;
  readonly buffering: boolean;
  readonly ignoreClientAbort: boolean;
  readonly bufferSize: number;
  /** proxy_ignore_headers X-Accel-Redirect turns the redirect off (the others only matter to a cache). */
  readonly accelRedirect: boolean;
  /** proxy_method and proxy_set_body. */
  readonly method: ComplexValue | undefined;
  readonly setBody: ComplexValue | undefined;
  /** The proxy_ssl_* settings, for https:// targets. */
  readonly tls: ProxyTls;
  /** Set when the configuration is bound. */
  upstream: Upstream | undefined;
  runtime: UpstreamRuntime | undefined;
}

const S = <T>(loc: LocationConf, key: string): T => loc.settings[key] as T;

function compileLocation(loc: LocationConf): void {
  const d = loc.directives.find((x) => x.name === "proxy_pass");
  if (!d) return;
  const pass = compileProxyPass(d, loc);
  const p: ProxyLoc = {
    pass,
    headers: planRequestHeaders(S<readonly (readonly [string, string])[]>(loc, "proxy_set_header")),
    passClientHeaders: S<boolean>(loc, "proxy_pass_request_headers"),
    passBody: S<boolean>(loc, "proxy_pass_request_body"),
    hidden: hiddenHeaders(S<readonly string[]>(loc, "proxy_hide_header"), S<readonly string[]>(loc, "proxy_pass_header")),
    redirects: compileRedirects(S<readonly RedirectSetting[]>(loc, "proxy_redirect"), {
      text: pass.text, uri: pass.url?.uri ?? "", location: pass.location, dynamic: pass.url === undefined,
    }, d),
    cookieDomains: cookieRules(S<readonly (CookieRule | "off")[]>(loc, "proxy_cookie_domain")),
    cookiePaths: cookieRules(S<readonly (CookieRule | "off")[]>(loc, "proxy_cookie_path")),
    http11: S<string>(loc, "proxy_http_version") === "1.1",
    connectTimeout: S<number>(loc, "proxy_connect_timeout"),
    sendTimeout: S<number>(loc, "proxy_send_timeout"),
    readTimeout: S<number>(loc, "proxy_read_timeout"),
    nextUpstream: S<ReadonlySet<string>>(loc, "proxy_next_upstream"),
    nextTries: S<number>(loc, "proxy_next_upstream_tries"),
    nextTimeout: S<number>(loc, "proxy_next_upstream_timeout"),
    intercept: S<boolean>(loc, "proxy_intercept_errors"),
    buffering: S<boolean>(loc, "proxy_buffering"),
    ignoreClientAbort: S<boolean>(loc, "proxy_ignore_client_abort"),
    bufferSize: S<number>(loc, "proxy_buffer_size"),
    accelRedirect: !S<ReadonlySet<string>>(loc, "proxy_ignore_headers").has("x-accel-redirect"),
    method: S<ComplexValue | undefined>(loc, "proxy_method"),
    setBody: S<ComplexValue | undefined>(loc, "proxy_set_body"),
    tls: compileProxyTls(loc.settings, pass.url === undefined || pass.url.ssl),
    upstream: undefined,
    runtime: undefined,
  };
  loc.moduleData.set("proxy", p);
  // "/dir" is redirected to a location "/dir/" that proxies (core's find_location does it).
  if (loc.name.endsWith("/") && loc.modifier !== "~" && loc.modifier !== "~*" && loc.modifier !== "@") loc.moduleData.set("auto_redirect", true);
}

function* allLocations(tree: LocationTree): Generator<LocationConf> {
  for (const l of [...tree.exact.values(), ...tree.prefixes, ...tree.regexes]) {
    yield l;
    yield* allLocations(l.children);
  }
}

async function bind(cfg: HttpConfig): Promise<void> {
  const specs = readUpstreams(cfg.tree);
  const rt: UpstreamRuntime = { blocks: new Map(), implicit: new Map(), pools: new Pools() };
  for (const [name, spec] of specs) {
    const up = await resolveUpstream(spec);
    if (spec.hashKey !== undefined) up.key = compileComplexValue(spec.hashKey);
    for (const choose of peerChoosers) up.picker ??= choose(cfg, up);
    rt.blocks.set(name, up);
  }
  cfg.moduleData.set("upstream", rt);
  for (const srv of cfg.servers) {
    for (const loc of [srv.root, ...allLocations(srv.locations), ...srv.named.values()]) {
      const p = loc.moduleData.get("proxy") as ProxyLoc | undefined;
      if (p) await bindLocation(rt, p);
    }
  }
}

/** Resolve a location's static target: an upstream block by name, or an implicit upstream. */
async function bindLocation(rt: UpstreamRuntime, p: ProxyLoc): Promise<void> {
  p.runtime = rt;
  const url = p.pass.url;
  if (!url) return;
  const block = rt.blocks.get(url.host.toLowerCase());
  if (block) {
    if (url.hasPort) throw new ConfigError(`upstream "${url.host}" may not have port ${url.port}`, p.pass.directive.file, p.pass.directive.line);
    p.upstream = block;
    return;
  }
  const key = url.path !== undefined ? url.hostPort : `${url.host}:${url.port}`;
  let up = rt.implicit.get(key);
  if (!up) rt.implicit.set(key, (up = await resolveUpstream(implicitUpstream(url.host, url.port, p.pass.directive, url.hostPort, url.path), p.pass.directive)));
  p.upstream = up;
}

// ------------------------------------------------------------------ variables

interface ProxyVars {
  readonly url: ProxyUrl;
}

const VARS_KEY = "proxy_vars";

registerVariable("proxy_host", { get: (r) => (r.notes.get(VARS_KEY) as ProxyVars | undefined)?.url.proxyHost });
registerVariable("proxy_port", { get: (r) => (r.notes.get(VARS_KEY) as ProxyVars | undefined)?.url.proxyPort });
registerVariable("proxy_add_x_forwarded_for", {
  get: (r) => {
    const all = r.headersIn.getAll("x-forwarded-for");
    return all.length === 0 ? r.conn.remoteAddress : `${all.join(", ")}, ${r.conn.remoteAddress}`;
  },
});

// ------------------------------------------------------------------ the handler

const NON_IDEMPOTENT = new Set(["POST", "LOCK", "PATCH"]);
const STATUS_FAILS = new Set([500, 502, 503, 504, 429]);
const FAILURE_STATUS: Record<UpstreamFailure["kind"], number> = { error: 502, timeout: 504, invalid_header: 502 };

type TryOutcome =
  | { readonly kind: "failed"; readonly failure: UpstreamFailure; readonly sent: boolean }
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "done"; readonly rc: PhaseResult };

/** The target of this request: the static upstream, or the one the URL's variables name. */
function target(r: Request, p: ProxyLoc): { up: Upstream; url: ProxyUrl } | number {
  if (p.pass.url) return { up: p.upstream!, url: p.pass.url };
  const text = p.pass.dynamic!(r);
  const scheme = urlScheme(text);
  if (scheme === undefined) {
    r.log("error", `invalid URL prefix in "${text}"`);
    return 500;
  }
  const url = parseUrlRest(text.slice(scheme.length), scheme.ssl);
  if (!url) {
    r.log("error", `invalid port in upstream "${text.slice(scheme.length)}"`);
    return 500;
  }
  const rt = p.runtime!;
  const block = url.hasPort || url.path !== undefined ? undefined : rt.blocks.get(url.host.toLowerCase());
  if (block) return { up: block, url };
  if (url.path === undefined && !isAddress(url.host)) {
    r.log("error", `no resolver defined to resolve ${url.host}`);
    return 502;
  }
  const key = url.path !== undefined ? url.hostPort : `${url.host}:${url.port}`;
  let up = rt.implicit.get(key);
  if (!up) {
    const spec: UpstreamSpec = implicitUpstream(url.host, url.port, p.pass.directive, url.path !== undefined ? url.hostPort : undefined, url.path);
    const peers = { spec, primary: singleGroup(spec) };
    rt.implicit.set(key, (up = peers));
  }
  return { up, url };
}

/** An address needs no lookup: its group is built at once. */
function singleGroup(spec: UpstreamSpec): Upstream["primary"] {
  const s = spec.servers[0]!;
  const peer: Peer = {
    name: spec.name, server: s.name, host: s.host, port: s.port, path: s.path, weight: 1, maxFails: 1, failTimeout: 10_000, maxConns: 0, down: false,
    fails: 0, accessed: 0, checked: Math.floor(Date.now() / 1000), currentWeight: 0, effectiveWeight: 1, conns: 0,
  };
  return { peers: [peer], totalWeight: 1, single: true, backup: undefined };
}

async function proxyHandler(r: Request, p: ProxyLoc): Promise<PhaseResult> {
  if (!p.runtime) {
    // An `if` block's location is not in the location tree bind() walks: bound on first use.
    try {
      await bindLocation(r.config.moduleData.get("upstream") as UpstreamRuntime, p);
    } catch (e) {
      r.log("error", (e as Error).message);
      return 502;
    }
  }
  const t = target(r, p);
  if (typeof t === "number") return t;
  const { up, url } = t;
  r.notes.set(VARS_KEY, { url } satisfies ProxyVars);

  let body: RequestBody | undefined;
  if (r === r.main) {
    try {
      body = r.bodyNow() ?? (await r.readBody());
    } catch (e) {
      if (e instanceof BodyError) return e.status;
      throw e;
    }
  } else body = r.body;
  const sendBody = p.passBody && body !== undefined && body.length > 0;
  const setBody = p.setBody ? Buffer.from(p.setBody(r), "latin1") : undefined;
  // nginx's $proxy_internal_body_length: the client's length once the body was read (a
  // chunked body's total, a Lua-set body's), whether or not the body itself is passed.
  // A subrequest without a body of its own keeps the client's length only as a POST or PUT
  // (ngx.location.capture passes the parent's body to those), even when that body was not read.
  const bodyLength = setBody?.length ?? (body !== undefined && body.length > 0 ? body.length
    : r === r.main || r.method === "POST" || r.method === "PUT" ? clientLength(r) : undefined);

  const uri = upstreamUri(r, url.uri, p.pass.location, p.pass.url === undefined);
  const headers = requestHeaders(r, p.headers, p.passClientHeaders, bodyLength);
  const connection = p.headers.connection?.(r) ?? "";
  const keepalive = up.spec.keepalive > 0 && p.http11 && connection.toLowerCase() !== "close";
  const call: UpstreamCall = {
    method: p.method?.(r) || r.method, path: uri, http11: p.http11, headers,
    body: setBody ?? (!sendBody ? undefined : body!.data ?? { file: body!.file!, length: body!.length }),
    keepalive, readSize: p.buffering ? 0 : p.bufferSize, upgrade: r.version < 2000 && r.headersIn.get("upgrade") !== undefined,
    connectTimeout: p.connectTimeout, sendTimeout: p.sendTimeout, readTimeout: p.readTimeout,
  };
  const pool: PoolOptions = {
    upstream: up.spec.name, connectTimeout: p.connectTimeout, keepalive: up.spec.keepalive, keepaliveTimeout: up.spec.keepaliveTimeout, keepaliveRequests: up.spec.keepaliveRequests,
    maxHeaderSize: p.bufferSize, tls: url.ssl ? tlsFor(r, p.tls, url.proxyHost) : undefined,
  };
  const scheme = url.ssl ? "https://" : "http://";

  const picker = up.picker?.(r, p.nextTries) ?? BALANCERS[up.spec.method](up, r, up.key?.(r) ?? "");
  if (p.nextTries > 0 && picker.tries > p.nextTries) picker.tries = p.nextTries;
  const group = newGroup(r);
  const started = Date.now();
  const idempotent = !NON_IDEMPOTENT.has(r.method);
  // The client going away ends the current try (nginx: proxy_ignore_client_abort off).
  const abortSlot: { abort?: () => void } = {};
  if (!p.ignoreClientAbort) r.onClientAbort(() => abortSlot.abort?.());
  for (;;) {
    const peer = picker.next();
    if (!peer && picker.failStatus !== undefined) {
      newTry(group, ""); // nginx's state of the failed try: no address, status "-"
      return picker.failStatus;
    }
    if (!peer) {
      r.notes.set("upstream_log", `, upstream: "${scheme}${up.spec.name}${uri}"`);
      r.log("error", "no live upstreams", "connecting to upstream");
      const st = newTry(group, up.spec.name);
      st.status = 502;
      st.response = 0;
      return 502;
    }
    // nginx puts a ':' between a unix socket's path and the URI.
    r.notes.set("upstream_log", `, upstream: "${scheme}${peer.name}${peer.path !== undefined ? ":" : ""}${uri}"`);
    const st = newTry(group, peer.name);
    const log = (level: "warn", msg: string, action: string): void => r.log(level, msg, action);
    const canRetry = (sent: boolean): boolean =>
      picker.tries > 0 && (!sent || idempotent || p.nextUpstream.has("non_idempotent")) &&
      !(p.nextTimeout > 0 && Date.now() - started >= p.nextTimeout);
    const to = picker.timeouts;
    const out = to === undefined ? await tryPeer(r, p, call, pool, peer, st, picker.tries, idempotent, abortSlot)
      : await tryPeer(r, p, { ...call, connectTimeout: to.connect ?? call.connectTimeout, sendTimeout: to.send ?? call.sendTimeout, readTimeout: to.read ?? call.readTimeout },
        { ...pool, connectTimeout: to.connect ?? pool.connectTimeout }, peer, st, picker.tries, idempotent, abortSlot);
    if (out.kind === "done") {
      picker.free(peer, false, (l, m) => log(l, m, "reading upstream"));
      return out.rc;
    }
    if (out.kind === "status") {
      picker.free(peer, STATUS_FAILS.has(out.status), (l, m) => log(l, m, "reading response header from upstream"));
      if (!canRetry(true)) return out.status;
      continue;
    }
    const f = out.failure;
    st.status = FAILURE_STATUS[f.kind];
    r.log(f.level ?? "error", f.message, f.stage);
    picker.free(peer, true, (l, m) => log(l, m, f.stage));
    if (!p.nextUpstream.has(f.kind) || !canRetry(out.sent)) return st.status;
  }
}

/** An empty body's length: 0 when the client sent one (`Content-Length: 0`, a chunked end), else none. */
function clientLength(r: Request): number | undefined {
  const v = r.headersIn.get("content-length");
  if (v !== undefined) return /^[0-9]+$/.test(v) ? Number(v) : undefined;
  return r.headersIn.get("transfer-encoding") !== undefined ? 0 : undefined;
}

/** Whether error_page would take `status` (proxy_intercept_errors hands such responses to it). */
function hasErrorPage(r: Request, status: number): boolean {
  const pages = r.loc.settings.error_page as readonly { status: number }[] | undefined;
  return pages !== undefined && pages.some((e) => e.status === status);
}

function tryPeer(
  r: Request, p: ProxyLoc, call: UpstreamCall, pool: PoolOptions, peer: Peer, st: TryState, triesLeft: number,
  idempotent: boolean, abortSlot: { abort?: () => void },
): Promise<TryOutcome> {
  return new Promise<TryOutcome>((resolve) => {
    let ctl: UpstreamControl | undefined;
    let sent = false;
    let streaming = false;
    let settled = false;
    const settle = (o: TryOutcome): void => {
      if (settled) return;
      settled = true;
      if (st.response < 0) st.response = Date.now() - st.start;
      resolve(o);
    };
    abortSlot.abort = () => {
      ctl?.abort();
      if (!settled) settle({ kind: "done", rc: 499 });
    };
    ctl = callUpstream(p.runtime!.pools.get(peer, pool), call, {
      onConnect() {
        sent = true;
        st.connect = Date.now() - st.start;
      },
      onHeaders(status, statusText, raw) {
        st.header = Date.now() - st.start;
        st.status = status;
        const nu = p.nextUpstream;
        if (nu.has(`http_${status}`) && triesLeft > 1 && (idempotent || nu.has("non_idempotent"))) {
          ctl?.abort();
          settle({ kind: "status", status });
          return;
        }
        const xa = p.accelRedirect ? accelRedirect(raw) : undefined;
        if (xa !== undefined) {
          ctl?.abort();
          settle({ kind: "done", rc: redirectTo(r, xa, raw) });
          return;
        }
        if (p.intercept && status >= 300 && hasErrorPage(r, status)) {
          ctl?.abort();
          settle({ kind: "done", rc: status });
          return;
        }
        streaming = true;
        try {
          applyHeaders(r, p, status, statusText, raw);
          r.action = "reading response header from upstream";
          r.sendHeader();
          // nginx's body filters run in its event pipe's writes to the client; unbuffered,
          // what came with the head goes on as it is sent, later reads while reading upstream.
          r.action = "sending to client";
          if (!p.buffering) queueMicrotask(() => {
            if (r.action === "sending to client") r.action = "reading upstream";
          });
        } catch (e) {
          // A filter failed: nginx's 500 would need a header not yet sent; close instead.
          r.log("error", `proxy header failed: ${(e as Error).message}`);
          ctl?.abort();
          settle({ kind: "done", rc: ERROR });
        }
      },
      onData(chunk) {
        if (!streaming || settled || chunk.length === 0) return true;
        try {
          r.write(chunk, !p.buffering);
        } catch (e) {
          r.log("error", `proxy body failed: ${(e as Error).message}`);
          ctl?.abort();
          settle({ kind: "done", rc: ERROR });
          return true;
        }
        // Pause the upstream only while the client's socket is full: a pause per piece
        // costs a promise and a parser restart each time.
        if (r.outputReady()) return true;
        // Only a wait: nginx's pipe waits for the client without a flush through the body filters.
        void r.drained().then(() => ctl?.resume());
        return false;
      },
      onComplete() {
        // nginx finalizes (the last buffer through the body filters) while sending to client.
        if (streaming) r.action = "sending to client";
        settle({ kind: "done", rc: OK });
      },
      onUpgrade(sock, rest) {
        // The client going away ends the tunnel, as a close: not the abort of a try.
        abortSlot.abort = undefined;
        void proxyUpgraded(r, sock, rest, { readTimeout: call.readTimeout, sendTimeout: call.sendTimeout })
          .then((rc) => settle({ kind: "done", rc }));
      },
      onError(f) {
        if (!streaming) {
          settle({ kind: "failed", failure: f, sent });
          return;
        }
        r.log("error", f.message, f.stage === "reading response header from upstream" ? "reading upstream" : f.stage);
        // nginx's finalize with a 502/504 after the header: a flush through the body filters, then the close.
        r.action = "sending to client";
        void r.flush();
        settle({ kind: "done", rc: ERROR });
      },
    });
  });
}

/** The X-Accel-Redirect header's value, if the upstream sent one. */
function accelRedirect(raw: readonly string[]): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === "x-accel-redirect") return raw[i + 1];
  return undefined;
}

// The upstream headers nginx keeps for the response of an X-Accel-Redirect target.
const KEPT_ON_REDIRECT = new Set(["content-type", "set-cookie", "content-disposition", "cache-control", "expires"]);

/** X-Accel-Redirect: an internal redirect (GET unless HEAD) to a URI or a named location. */
function redirectTo(r: Request, target: string, raw: readonly string[]): PhaseResult {
  for (let i = 0; i < raw.length; i += 2) {
    const l = raw[i]!.toLowerCase();
    if (!KEPT_ON_REDIRECT.has(l)) continue;
    if (l === "content-type") {
      r.contentType = raw[i + 1];
      r.charset = undefined;
    } else r.headersOut.add(raw[i]!, raw[i + 1]!);
  }
  if (r.method !== "HEAD") r.method = "GET";
  if (target.startsWith("@")) r.namedRedirect(target);
  else r.internalRedirect(target);
  return DONE;
}

function applyHeaders(r: Request, p: ProxyLoc, status: number, statusText: string, raw: string[]): void {
  r.status = status;
  r.statusLine = statusText ? `${status} ${statusText}` : String(status);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const l = name.toLowerCase();
    if (p.hidden.has(l)) continue;
    switch (l) {
      case "content-type":
        r.contentType = value;
        r.charset = undefined;
        continue;
      case "content-length": {
        const n = Number(value);
        if (/^[0-9]+$/.test(value.trim()) && Number.isSafeInteger(n)) r.contentLength = n;
        continue;
      }
      case "last-modified":
        r.lastModified = value;
        continue;
      case "location": {
        const v = rewriteLocation(r, value, p.redirects);
        // A relative Location is made absolute by the header filter, at its own place.
        if (v.startsWith("/")) r.location = v;
        else r.headersOut.add(name, v);
        continue;
      }
      case "refresh":
        r.headersOut.add(name, rewriteRefresh(r, value, p.redirects));
        continue;
      case "set-cookie":
        r.headersOut.add(name, p.cookieDomains.length + p.cookiePaths.length > 0 ? rewriteCookie(r, value, p.cookieDomains, p.cookiePaths) : value);
        continue;
    }
    r.headersOut.add(name, value);
  }
}

export const proxyModule: HttpModule = {
  name: "proxy",
  settings: SETTINGS,
  directives: [
    "proxy_pass", "upstream", "keepalive", "keepalive_timeout", "keepalive_requests", "keepalive_time", "ip_hash", "least_conn",
    "hash", "zone",
  ],
  compileLocation,
  contentHandler(loc) {
    const p = loc.moduleData.get("proxy") as ProxyLoc | undefined;
    if (!p) return undefined;
    return (r) => proxyHandler(r, p).then((rc) => (rc === DONE ? DONE : rc));
  },
  postConfiguration: bind,
  async exitWorker(cfg) {
    const rt = cfg.moduleData.get("upstream") as UpstreamRuntime | undefined;
    if (rt) await rt.pools.close();
  },
};

