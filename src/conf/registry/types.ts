// The shape of the directive registry: what nginx's ngx_command_t says about a directive
// (where it may appear, how many arguments it takes, whether it opens a block, whether a
// repeat is "is duplicate"), plus what tsresty does with it.

/**
 * Where a directive may appear. nginx tells these apart by a module type (core, event,
 * http, stream, mail) and a block flag (NGX_HTTP_SRV_CONF, NGX_HTTP_LIF_CONF, ...).
 */
export type Context =
  | "main"
  | "events"
  | "http"
  | "server"
  | "location"
  /** `if` inside `server` (NGX_HTTP_SIF_CONF). */
  | "if_in_server"
  /** `if` inside `location` (NGX_HTTP_LIF_CONF). */
  | "if_in_location"
  | "limit_except"
  | "upstream"
  | "stream"
  | "stream_server"
  | "stream_upstream"
  | "mail"
  | "mail_server";

/** nginx's argument count flags, by their macro names (NGX_CONF_TAKE12 and so on). */
export type ArgRule =
  | "NOARGS"
  | "TAKE1"
  | "TAKE2"
  | "TAKE3"
  | "TAKE12"
  | "TAKE23"
  | "TAKE123"
  | "TAKE1234"
  | "NOARGS_TAKE1"
  | "NOARGS_TAKE12"
  | "FLAG"
  | "1MORE"
  | "2MORE"
  | "ANY";

/**
 * What a block holds: directives of a context, a Lua body, or lines that a module reads
 * itself (`map`, `types`, `geo`, `split_clients`, `charset_map`; nginx's cf->handler).
 * `if` holds directives of `if_in_server` or `if_in_location`, by where it stands.
 */
export type BlockKind = Context | "if" | "lua" | "map" | "types" | "geo" | "split_clients" | "charset_map";

export type SupportStatus = "supported" | "partial" | "planned" | "unsupported";

/**
 * How nginx's standard handler reads the value (its ngx_conf_set_*_slot), which decides its
 * "invalid" errors: a number, a size (k, m), an offset (k, m, g), a time in msec or sec
 * (`1h30m`, `500ms`), buffers (`8 4k`), one word of a list, or any words of a list.
 */
export type ValueRule =
  | "number"
  | "size"
  | "offset"
  | "msec"
  | "sec"
  | "bufs"
  | { readonly oneOf: readonly string[] }
  | { readonly anyOf: readonly string[] };

export interface DirectiveSpec {
  readonly name: string;
  readonly contexts: readonly Context[];
  readonly args: ArgRule;
  /** Present when the directive takes a block (`name ... { }`), and what it holds. */
  readonly block?: BlockKind;
  /** A second one in the same block is `"name" directive is duplicate`. */
  readonly dup?: boolean;
  /** Directives that set one thing share a group: any two of them are duplicates. */
  readonly dupGroup?: string;
  /** How the value is read, when nginx's standard handler reads it. */
  readonly value?: ValueRule;
  readonly status: SupportStatus;
  /** What tsresty does with it, when the status alone does not say. */
  readonly note?: string;
  /** A warning nginx itself prints whenever the directive is used. */
  readonly nginxWarning?: string;
}

export type ModuleType = "core" | "conf" | "event" | "http" | "stream" | "mail";

/** One nginx module's directives, in the order nginx lists them. */
export interface ModuleTable {
  /** nginx's name for the module, e.g. "ngx_http_proxy_module". */
  readonly module: string;
  readonly type: ModuleType;
  /** Whether the reference nginx (Debian's 1.22 with OpenResty's modules) has it loaded. */
  readonly inReference: boolean;
  readonly directives: readonly DirectiveSpec[];
}
