// The directive registry: every directive tsresty knows, as data, one table per nginx
// module (see types.ts for the fields). The order of MODULES is the reference nginx's
// module order, which decides between two modules that define one name (`server` in
// http, upstream, stream and mail): nginx takes the first whose context fits.

import type { Context, DirectiveSpec, ModuleTable, ModuleType } from "./types.js";
import { core, errlog, conf, openssl, regex, threadPool } from "./core.js";
import { events, eventCore, epoll } from "./events.js";
import { http, httpCore, httpHeaderCount, httpV2, httpCopyFilter } from "./http-core.js";
import { httpLog } from "./http-log.js";
import { httpUpstream, httpUpstreamHash, httpUpstreamIpHash, httpUpstreamLeastConn, httpUpstreamRandom, httpUpstreamKeepalive, httpUpstreamZone } from "./http-upstream.js";
import { httpGzipStatic, httpDav, httpAutoindex, httpIndex, httpRandomIndex, httpTryFiles, httpEmptyGif, httpFlv, httpMp4, httpSliceFilter } from "./http-static.js";
import { httpMirror, httpStubStatus } from "./http-misc.js";
import { httpAuthRequest, httpAuthBasic, httpAccess, httpLimitConn, httpLimitReq, httpRealip, httpReferer, httpBrowser, httpSecureLink } from "./http-access.js";
import { httpGeo, httpMap, httpSplitClients } from "./http-variables.js";
import { httpRewrite } from "./http-rewrite.js";
import { httpSsl } from "./http-ssl.js";
import { httpProxy } from "./http-proxy.js";
import { httpFastcgi, httpUwsgi, httpScgi, httpGrpc, httpMemcached } from "./http-other-upstreams.js";
import { httpGzipFilter, httpSsiFilter, httpCharsetFilter, httpSubFilter, httpAdditionFilter, httpGunzipFilter, httpUseridFilter, httpHeadersFilter } from "./http-filters.js";
import { httpLua } from "./lua.js";
import { httpEcho } from "./echo.js";
import { httpHeadersMoreFilter } from "./headers-more.js";
import { ndkHttp, httpSetMisc } from "./set-misc.js";
import { stream, streamCore, streamLog, streamProxy, streamUpstream, streamSsl, streamRealip, streamLimitConn, streamAccess, streamGeo, streamMap, streamSplitClients, streamReturn, streamSet, streamUpstreamHash, streamUpstreamLeastConn, streamUpstreamRandom, streamUpstreamZone, streamSslPreread } from "./stream.js";
import { mail, mailCore, mailSsl, mailPop3, mailImap, mailSmtp, mailAuthHttp, mailProxy, mailRealip } from "./mail.js";
import { httpPerl } from "./perl.js";
import { tsrestyHttp } from "./tsresty.js";

export type { ArgRule, BlockKind, Context, DirectiveSpec, ModuleTable, ModuleType, SupportStatus, ValueRule } from "./types.js";

export const MODULES: readonly ModuleTable[] = [
  core,
  errlog,
  conf,
  openssl,
  regex,
  events,
  eventCore,
  epoll,
  threadPool,
  http,
  httpCore,
  httpLog,
  httpHeaderCount,
  httpUpstream,
  httpV2,
  httpGzipStatic,
  httpDav,
  httpAutoindex,
  httpIndex,
  httpRandomIndex,
  httpMirror,
  httpTryFiles,
  httpAuthRequest,
  httpAuthBasic,
  httpAccess,
  httpLimitConn,
  httpLimitReq,
  httpRealip,
  httpGeo,
  httpMap,
  httpSplitClients,
  httpReferer,
  httpRewrite,
  httpSsl,
  httpProxy,
  httpFastcgi,
  httpUwsgi,
  httpScgi,
  httpGrpc,
  httpMemcached,
  httpEmptyGif,
  httpBrowser,
  httpSecureLink,
  httpFlv,
  httpMp4,
  httpUpstreamHash,
  httpUpstreamIpHash,
  httpUpstreamLeastConn,
  httpUpstreamRandom,
  httpUpstreamKeepalive,
  httpUpstreamZone,
  httpStubStatus,
  httpGzipFilter,
  httpSsiFilter,
  httpCharsetFilter,
  httpSubFilter,
  httpAdditionFilter,
  httpGunzipFilter,
  httpUseridFilter,
  httpHeadersFilter,
  httpLua,
  httpEcho,
  httpHeadersMoreFilter,
  httpCopyFilter,
  httpSliceFilter,
  ndkHttp,
  httpSetMisc,
  stream,
  streamCore,
  streamLog,
  streamProxy,
  streamUpstream,
  streamSsl,
  streamRealip,
  streamLimitConn,
  streamAccess,
  streamGeo,
  streamMap,
  streamSplitClients,
  streamReturn,
  streamSet,
  streamUpstreamHash,
  streamUpstreamLeastConn,
  streamUpstreamRandom,
  streamUpstreamZone,
  streamSslPreread,
  mail,
  mailCore,
  mailSsl,
  mailPop3,
  mailImap,
  mailSmtp,
  mailAuthHttp,
  mailProxy,
  mailRealip,
  httpPerl,
  tsrestyHttp,
];

/** A directive with the module that defines it. */
export interface RegistryEntry extends DirectiveSpec {
  readonly module: string;
  readonly moduleType: ModuleType;
  readonly inReference: boolean;
}

const entries: RegistryEntry[] = [];
const byName = new Map<string, RegistryEntry[]>();
for (const table of MODULES) {
  for (const spec of table.directives) {
    const entry: RegistryEntry = { ...spec, module: table.module, moduleType: table.type, inReference: table.inReference };
    entries.push(entry);
    const list = byName.get(spec.name);
    if (list === undefined) byName.set(spec.name, [entry]);
    else list.push(entry);
  }
}

/** Every directive, module by module in nginx's order (docs/compatibility.md is made from it). */
export function listRegistry(): readonly RegistryEntry[] {
  return entries;
}

/** Every definition of a name, in module order (empty when nobody defines it). */
export function lookupDirective(name: string): readonly RegistryEntry[] {
  return byName.get(name) ?? [];
}

const MODULE_TYPE_OF: Readonly<Record<Context, ModuleType>> = {
  main: "core",
  events: "event",
  http: "http",
  server: "http",
  location: "http",
  if_in_server: "http",
  if_in_location: "http",
  limit_except: "http",
  upstream: "http",
  stream: "stream",
  stream_server: "stream",
  stream_upstream: "stream",
  mail: "mail",
  mail_server: "mail",
};

export type Resolution =
  | { readonly kind: "found"; readonly entry: RegistryEntry }
  | { readonly kind: "not allowed here" }
  | { readonly kind: "unknown" };

/** ngx_conf_handler's search: the first definition whose module type and context fit. */
export function resolveDirective(name: string, context: Context): Resolution {
  const list = byName.get(name);
  if (list === undefined) return { kind: "unknown" };
  const type = MODULE_TYPE_OF[context];
  for (const entry of list) {
    if (entry.moduleType !== "conf" && entry.moduleType !== type) continue;
    if (entry.contexts.includes(context)) return { kind: "found", entry };
  }
  return { kind: "not allowed here" };
}

const luaBlockNames = new Set(entries.filter((e) => e.block === "lua").map((e) => e.name));

/** Whether `{` after this name opens a Lua body rather than a block of directives. */
export function isLuaBlockDirective(name: string): boolean {
  return luaBlockNames.has(name);
}
