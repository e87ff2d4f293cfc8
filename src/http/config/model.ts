// The runtime configuration: what build.ts makes from the conf AST, once per (re)load.
// Requests only read it; nothing here is recomputed per request.
import type { Directive } from "../../conf/ast.js";
import type { ErrorLog } from "../log/error-log.js";
import type { AccessLog } from "../log/access-log.js";
import type { PhaseHandler, HeaderFilter, BodyFilter } from "../phases.js";
import type { Settings } from "./settings.js";
import type { CoreSettings } from "./core-settings.js";

export type LocationModifier = "" | "=" | "^~" | "~" | "~*" | "@";

export interface LocationConf {
  /** The location's name as written (`/images/`, `\.php$`, `@fallback`). */
  readonly name: string;
  readonly modifier: LocationModifier;
  /** For `~` and `~*`. */
  readonly regex: RegExp | undefined;
  readonly parent: LocationConf | undefined;
  readonly server: ServerConf;
  /** The directives written in this location's block (nested locations excluded). */
  readonly directives: readonly Directive[];
  /** Merged settings (own directives over the enclosing levels'). */
  readonly settings: Settings;
  readonly core: CoreSettings;
  readonly children: LocationTree;
  /** Per phase (see phases.ts PHASES), the handlers to run, resolved at load. */
  readonly handlers: readonly (readonly PhaseHandler[])[];
  /** The content handler a directive installed (content_by_lua, return-like modules), if any. */
  readonly contentHandler: PhaseHandler | undefined;
  readonly headerFilters: readonly HeaderFilter[];
  readonly bodyFilters: readonly BodyFilter[];
  readonly errorLog: ErrorLog;
  readonly accessLogs: readonly AccessLog[];
  /** Module data attached at load (compiled scripts, Lua chunks), by module name. */
  readonly moduleData: Map<string, unknown>;
  readonly file: string;
  readonly line: number;
  /**
   * `limit_except`: the block's own configuration, which a request whose method is not listed
   * runs under instead of this one (nginx swaps loc_conf in ngx_http_update_location_config).
   */
  readonly limitExcept?: { readonly methods: ReadonlySet<string>; readonly loc: LocationConf };
}

export interface LocationTree {
  /** `=` locations by URI. */
  readonly exact: ReadonlyMap<string, LocationConf>;
  /** Prefix (and `^~`) locations, longest first. */
  readonly prefixes: readonly LocationConf[];
  /** `~` and `~*` locations in configuration order. */
  readonly regexes: readonly LocationConf[];
}

export interface ListenConf {
  /** "*" for every address, an IPv4 address, or an IPv6 one in brackets ("[::1]"). */
  readonly host: string;
  readonly port: number;
  readonly unixPath?: string;
  readonly defaultServer: boolean;
  readonly ssl: boolean;
  readonly http2: boolean;
  readonly file: string;
  readonly line: number;
}

export interface ServerNameEntry {
  /** As written. */
  readonly name: string;
  readonly regex: RegExp | undefined;
}

export interface ServerConf {
  readonly index: number;
  readonly listens: readonly ListenConf[];
  /** server_name entries in order. */
  readonly names: readonly ServerNameEntry[];
  /** $server_name: the first name, without a leading dot (".example.com" gives "example.com"). */
  readonly serverName: string;
  readonly directives: readonly Directive[];
  readonly settings: Settings;
  readonly core: CoreSettings;
  /** The server block itself, as the location that holds the server-level settings and handlers. */
  readonly root: LocationConf;
  readonly locations: LocationTree;
  readonly named: ReadonlyMap<string, LocationConf>;
  /** server_rewrite phase handlers (server-level rewrite directives). */
  readonly serverRewrite: readonly PhaseHandler[];
  readonly file: string;
  readonly line: number;
}

/** The servers reachable on one listening address, with their name lookup. */
export interface AddressConf {
  readonly host: string;
  readonly port: number;
  readonly defaultServer: ServerConf;
  readonly exact: ReadonlyMap<string, ServerConf>;
  /** `*.example.com` / `.example.com`: suffix (with its dot) to server, longest first. */
  readonly leading: readonly { readonly suffix: string; readonly dotForm: boolean; readonly server: ServerConf }[];
  /** `www.example.*`: prefix (with its dot) to server, longest first. */
  readonly trailing: readonly { readonly prefix: string; readonly server: ServerConf }[];
  readonly regexes: readonly { readonly regex: RegExp; readonly server: ServerConf }[];
}

/** One socket to open, and the address configurations it serves. */
export interface PortConf {
  readonly host: string;
  readonly port: number;
  readonly unixPath?: string;
  /** When the socket is a wildcard, the per-address configurations found by the local address. */
  readonly addresses: readonly AddressConf[];
}

export interface MainConf {
  readonly prefix: string;
  readonly confFile: string;
  readonly confPrefix: string;
  readonly pidFile: string;
  readonly workerProcesses: string;
  readonly daemon: boolean;
  readonly masterProcess: boolean;
  readonly errorLog: ErrorLog;
  readonly workerConnections: number;
}

export interface HttpConfig {
  readonly main: MainConf;
  readonly servers: readonly ServerConf[];
  readonly ports: readonly PortConf[];
  /** The http{} level's settings (log formats and the like live here). */
  readonly httpSettings: Settings;
  /** The conf tree it was built from, for modules that read main-level directives. */
  readonly tree: readonly Directive[];
  /** Directives the runtime does not implement yet (reported once at start). */
  readonly unsupported: readonly Directive[];
  /** Module data at the http level (init_by_lua chunks, shared dict zones), by module name. */
  readonly moduleData: Map<string, unknown>;
}
