// The types of the `ngx` object a TypeScript handler receives: lua-nginx-module's API with
// its names and meaning. Lua's multiple returns are tuples, `nil, err` is `[null, "err"]`,
// calls that suspend in Lua return Promises. Strings are text (UTF-8); Buffers are accepted
// wherever a string is, as raw bytes. See docs/typescript.md.

/** `nil, err`: the error text, or null on success. */
export type Err = string | null;

/** What most Lua API calls return: `1` (or true) on success, `nil, err` on failure. */
export type OkErr = [ok: 1 | true | null, err: Err];

/** Text or raw bytes. */
export type Bytes = string | Uint8Array;

/** A value Lua code can hold: copied into a Lua table when it is an array or object. */
export type LuaLike = null | undefined | boolean | number | string | Uint8Array | LuaLike[] | { [k: string]: LuaLike };

/** Query arguments and request headers: a key once, several times, or without a value. */
export type ArgValue = string | string[] | true;
export type Args = Record<string, ArgValue>;

/** A handler module's default export. */
export type Handler = (ngx: Ngx) => unknown;

/** ngx.re.match's captures: [0] the whole match, [1]... the groups (false when unset), named groups by name. */
export interface Captures {
  readonly [group: string]: string | false | undefined;
  readonly [index: number]: string | false | undefined;
}

/** The `ctx` argument of ngx.re.match/find/gmatch: `pos` is updated after a match. */
export interface RegexCtx {
  pos?: number;
}

export interface Re {
  /** Captures, or null when the subject does not match; throws on a bad pattern. */
  match(subject: string, regex: string, options?: string, ctx?: RegexCtx, nth?: number): Captures | null;
  /** The 1-based byte range [from, to] of the match (or of capture `nth`), or null. */
  find(subject: string, regex: string, options?: string, ctx?: RegexCtx, nth?: number): [from: number, to: number] | null;
  /** Every match, as an iterable of captures. */
  gmatch(subject: string, regex: string, options?: string): Iterable<Captures>;
  /** [result, count]; `replace` is a template ("$0", "${name}") or a function of the captures. */
  sub(subject: string, regex: string, replace: string | ((m: Captures) => string), options?: string): [result: string | null, count: number, err?: Err];
  gsub(subject: string, regex: string, replace: string | ((m: Captures) => string), options?: string): [result: string | null, count: number, err?: Err];
}

export interface Req {
  get_method(): string;
  set_method(method: number): void;
  /** The query arguments (at most `max`, 100 by default; 0: all). */
  get_uri_args(max?: number): Args;
  set_uri_args(args: string | Record<string, LuaLike>): void;
  get_post_args(max?: number): [args: Args | null, err: Err];
  get_headers(max?: number, raw?: boolean): Args;
  set_header(name: string, value: string | string[] | null): void;
  clear_header(name: string): void;
  /** Reads the request body (suspends as in Lua). */
  read_body(): Promise<void>;
  discard_body(): void;
  get_body_data(max_bytes?: number): string | null;
  get_body_file(): string | null;
  set_body_data(data: Bytes): void;
  /** The body becomes this file's contents; with `auto_clean` the file is removed after use. */
  set_body_file(path: string, auto_clean?: boolean): void;
  init_body(buffer_size?: number): void;
  append_body(data: Bytes): void;
  finish_body(): void;
  http_version(): number | null;
  raw_header(no_request_line?: boolean): string;
  start_time(): number;
  is_internal(): boolean;
  set_uri(uri: string, jump?: boolean): void;
  /** The request body as a cosocket (receive, receiveuntil); `raw`: the full-duplex connection. */
  socket(raw?: boolean): [sock: TcpSocket | null, err: Err];
}

export interface Resp {
  get_headers(max?: number, raw?: boolean): Args;
}

export interface CaptureOptions {
  method?: number;
  args?: string | Record<string, LuaLike>;
  body?: Bytes;
  ctx?: Record<string, LuaLike>;
  vars?: Record<string, string>;
  copy_all_vars?: boolean;
  share_all_vars?: boolean;
  always_forward_body?: boolean;
}

export interface CaptureResult {
  status: number;
  header: Record<string, string | string[]>;
  body: string;
  truncated: boolean;
}

export interface Location {
  capture(uri: string, options?: CaptureOptions): Promise<CaptureResult>;
  capture_multi(requests: [uri: string, options?: CaptureOptions][]): Promise<CaptureResult[]>;
}

/** One lua_shared_dict zone: the methods of ngx.shared.DICT, results as tuples. */
export interface SharedDict {
  get(key: string): [value: string | number | boolean | null, flags: number | null, err?: Err];
  get_stale(key: string): [value: string | number | boolean | null, flags: number | null, stale: boolean | null];
  set(key: string, value: string | number | boolean | null, exptime?: number, flags?: number): [ok: boolean, err: Err, forcible: boolean];
  safe_set(key: string, value: string | number | boolean | null, exptime?: number, flags?: number): [ok: boolean, err: Err];
  add(key: string, value: string | number | boolean, exptime?: number, flags?: number): [ok: boolean, err: Err, forcible: boolean];
  safe_add(key: string, value: string | number | boolean, exptime?: number, flags?: number): [ok: boolean, err: Err];
  replace(key: string, value: string | number | boolean, exptime?: number, flags?: number): [ok: boolean, err: Err, forcible: boolean];
  delete(key: string): void;
  incr(key: string, value: number, init?: number, init_ttl?: number): [value: number | null, err: Err, forcible?: boolean];
  lpush(key: string, value: string | number): [length: number | null, err: Err];
  rpush(key: string, value: string | number): [length: number | null, err: Err];
  lpop(key: string): [value: string | number | null, err: Err];
  rpop(key: string): [value: string | number | null, err: Err];
  llen(key: string): [length: number | null, err: Err];
  ttl(key: string): [ttl: number | null, err: Err];
  expire(key: string, exptime: number): [ok: boolean | null, err: Err];
  flush_all(): void;
  flush_expired(max_count?: number): number;
  get_keys(max_count?: number): string[];
  capacity(): number;
  free_space(): number;
}

export interface Timer {
  /** Runs `callback(premature, ...args)` after `delay` seconds in a timer context. */
  at<A extends unknown[]>(delay: number, callback: (premature: boolean, ...args: A) => unknown, ...args: A): OkErr;
  every<A extends unknown[]>(delay: number, callback: (premature: boolean, ...args: A) => unknown, ...args: A): OkErr;
  running_count(): number;
  pending_count(): number;
}

/** A cosocket (ngx.socket.tcp()): the methods that wait return Promises of tuples. */
export interface TcpSocket {
  connect(host: string, port?: number, options?: { pool?: string; pool_size?: number; backlog?: number }): Promise<[ok: 1 | null, err: Err]>;
  sslhandshake(reused_session?: unknown, server_name?: string, ssl_verify?: boolean): Promise<[session: unknown, err: Err]>;
  send(data: Bytes | LuaLike[]): Promise<[bytes: number | null, err: Err]>;
  /** `"*l"` a line, `"*a"` all, or a byte count: [data, err, partial]. */
  receive(pattern?: string | number): Promise<[data: string | null, err: Err, partial?: string | null]>;
  receiveany(max: number): Promise<[data: string | null, err: Err]>;
  /** An async reader up to `pattern`: `await reader()` gives [data, err, partial]. */
  receiveuntil(pattern: string, options?: { inclusive?: boolean }): [reader: (size?: number) => Promise<[data: string | null, err: Err, partial?: string | null]>, err: Err];
  settimeout(ms: number): [ok: 1 | null, err: Err];
  settimeouts(connect: number, send: number, read: number): [ok: 1 | null, err: Err];
  setkeepalive(timeout?: number, size?: number): [ok: 1 | null, err: Err];
  getreusedtimes(): [count: number | null, err: Err];
  close(): [ok: 1 | null, err: Err];
  setoption(option: string, value: unknown): [ok: 1 | null, err: Err];
}

export interface UdpSocket {
  setpeername(host: string, port?: number): Promise<[ok: 1 | null, err: Err]>;
  send(data: Bytes | LuaLike[]): Promise<[ok: 1 | null, err: Err]>;
  receive(size?: number): Promise<[data: string | null, err: Err]>;
  settimeout(ms: number): [ok: 1 | null, err: Err];
  close(): [ok: 1 | null, err: Err];
}

/** ngx.header: the response headers (a string, several as an array, null when unset). */
export type Headers = Record<string, string | string[] | number | null | undefined>;

/** ngx.var: nginx variables (null when the variable is not set). */
export type Vars = Record<string, string | number | null | undefined>;

export interface Ngx {
  // output
  say(...values: unknown[]): OkErr;
  print(...values: unknown[]): OkErr;
  flush(wait?: boolean): Promise<OkErr>;
  eof(): OkErr;
  /** Ends the handler (throws a value the handler's wrapper catches): write `return ngx.exit(200)`. */
  exit(status: number): never;
  redirect(uri: string, status?: number): never;
  exec(uri: string, args?: string | Record<string, LuaLike>): never;
  /** ngx.status: the response status. */
  status: number;
  readonly header: Headers;
  readonly var: Vars;
  /** The request's ngx.ctx table, the same one Lua handlers of the request see. */
  ctx: Record<string, unknown>;
  /** set_by_lua's arguments ([1]...), body_filter_by_lua's chunk ([1]) and eof flag ([2]), 1-based as in Lua. */
  readonly arg: Record<number, string | boolean | null>;
  readonly req: Req;
  readonly resp: Resp;
  readonly re: Re;
  readonly location: Location;
  readonly shared: Readonly<Record<string, SharedDict>>;
  readonly timer: Timer;
  readonly socket: { tcp(): TcpSocket; udp(): UdpSocket };
  // logging and time
  log(level: number, ...values: unknown[]): void;
  sleep(seconds: number): Promise<void>;
  time(): number;
  now(): number;
  today(): string;
  localtime(): string;
  utctime(): string;
  update_time(): void;
  cookie_time(sec: number): string;
  http_time(sec: number): string;
  parse_http_time(str: string): number | null;
  // encoding
  md5(s: Bytes): string;
  md5_bin(s: Bytes): Buffer;
  sha1_bin(s: Bytes): Buffer;
  hmac_sha1(key: Bytes, s: Bytes): Buffer;
  crc32_short(s: Bytes): number;
  crc32_long(s: Bytes): number;
  encode_base64(s: Bytes, no_padding?: boolean): string;
  /** The decoded text, or null when `s` is not valid base64. */
  decode_base64(s: string): string | null;
  /** The decoded bytes (not in the Lua API: for binary payloads). */
  decode_base64_bytes(s: string): Buffer | null;
  escape_uri(s: Bytes, type?: number): string;
  unescape_uri(s: string): string;
  encode_args(args: Record<string, LuaLike>): string;
  decode_args(s: string, max?: number): Args;
  quote_sql_str(s: Bytes): string;
  // misc
  get_phase(): string;
  on_abort(callback: () => unknown): OkErr;
  readonly null: null;
  readonly worker: { id(): number | null; count(): number; pid(): number; exiting(): boolean };
  readonly config: { prefix(): string; nginx_version: number; ngx_lua_version: number; subsystem: string; debug: boolean };
  // constants
  readonly OK: 0; readonly ERROR: -1; readonly AGAIN: -2; readonly DONE: -4; readonly DECLINED: -5;
  readonly STDERR: 0; readonly EMERG: 1; readonly ALERT: 2; readonly CRIT: 3; readonly ERR: 4;
  readonly WARN: 5; readonly NOTICE: 6; readonly INFO: 7; readonly DEBUG: 8;
  readonly HTTP_GET: number; readonly HTTP_HEAD: number; readonly HTTP_PUT: number; readonly HTTP_POST: number;
  readonly HTTP_DELETE: number; readonly HTTP_OPTIONS: number; readonly HTTP_PATCH: number;
  readonly HTTP_OK: 200; readonly HTTP_CREATED: 201; readonly HTTP_NO_CONTENT: 204;
  readonly HTTP_MOVED_PERMANENTLY: 301; readonly HTTP_MOVED_TEMPORARILY: 302; readonly HTTP_NOT_MODIFIED: 304;
  readonly HTTP_BAD_REQUEST: 400; readonly HTTP_UNAUTHORIZED: 401; readonly HTTP_FORBIDDEN: 403; readonly HTTP_NOT_FOUND: 404;
  readonly HTTP_NOT_ALLOWED: 405; readonly HTTP_INTERNAL_SERVER_ERROR: 500; readonly HTTP_SERVICE_UNAVAILABLE: 503;
  /** Every other ngx.HTTP_* constant of the Lua API. */
  readonly [constant: `HTTP_${string}`]: number;
}
