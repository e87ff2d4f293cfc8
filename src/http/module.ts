// What an HTTP module gives the core. Modules are registered once (modules/index.ts), in
// an order that is also the order of their handlers within a phase. At configuration load
// the core asks each module, per location, for its handlers and filters: the lists a
// request runs are fixed then, and no module is consulted per request to find out whether
// it has work to do.
import type { HttpConfig, LocationConf, ServerConf } from "./config/model.js";
import type { BodyFilter, HeaderFilter, PhaseHandler, PhaseName } from "./phases.js";
import type { SettingSpec } from "./config/settings.js";

export interface HttpModule {
  readonly name: string;
  /** Settings this module reads (merged per level, see config/settings.ts). */
  readonly settings?: readonly SettingSpec[];
  /** Other directives it implements (structure or scripts), so they are not reported as unsupported. */
  readonly directives?: readonly string[];
  /** The handler this module runs in `phase` for `loc`, if any (post_read: asked for the server's root). */
  handler?(phase: PhaseName, loc: LocationConf): PhaseHandler | undefined;
  /** Whether its handler of `phase` goes first in the phase rather than in module order (lua's *_no_postpone). */
  handlerFirst?(phase: PhaseName, loc: LocationConf): boolean;
  /** A content handler that replaces the content phase's list for `loc` (content_by_lua, proxy_pass). */
  contentHandler?(loc: LocationConf): PhaseHandler | undefined;
  /** The server_rewrite handler for `srv` (server-level rewrite directives). */
  serverRewrite?(srv: ServerConf): PhaseHandler | undefined;
  headerFilter?(loc: LocationConf): HeaderFilter | undefined;
  bodyFilter?(loc: LocationConf): BodyFilter | undefined;
  /** Once per location, after settings are merged: compile what the location needs into loc.moduleData. */
  compileLocation?(loc: LocationConf): void;
  /** After the whole configuration is built (init_by_lua). Throw a ConfigError to refuse it. */
  postConfiguration?(cfg: HttpConfig): void | Promise<void>;
  /** After the listeners are open (init_worker_by_lua). */
  initWorker?(cfg: HttpConfig): void | Promise<void>;
  /** When the configuration is retired (reload or stop): exit_worker_by_lua, timers. */
  exitWorker?(cfg: HttpConfig): void | Promise<void>;
}

const modules: HttpModule[] = [];

export function registerModule(m: HttpModule): void {
  if (modules.some((x) => x.name === m.name)) return;
  modules.push(m);
}

export function httpModules(): readonly HttpModule[] {
  return modules;
}
