// One request: what was asked (method, URIs, headers in), where it is in the phases, what
// goes back (status, headers out, the output through the filters), its body, its variables
// and per-module storage, and how it ends (finalize, internal redirects, subrequests).
import * as fs from "node:fs";
import type { ConnectionInfo, Exchange } from "./transport/types.js";
import type { ParsedHead } from "./transport/parser.js";
import type { HttpConfig, LocationConf, ServerConf } from "./config/model.js";
import { HeaderList } from "./headers.js";
import { PH, NEXT, OK, DONE, ERROR, runPhases, type PhaseHandler, type BodyChunk } from "./phases.js";
import { findLocation } from "./config/locations.js";
import { buildHeader, decideFraming } from "./response.js";
import { errorPage } from "./error-pages.js";
import { CLOSES_CONNECTION, SILENT_CLOSE } from "./status.js";
import { parseTarget } from "./uri.js";
import type { LogLevel } from "./log/error-log.js";
import { resolvePath } from "./config/core-settings.js";
import { mapUriToPath } from "./modules/static-path.js";

/** The request body once read: in memory, or in a temporary file past client_body_buffer_size. */
export interface RequestBody {
  /** The bytes, when the body stayed in memory (nginx's $request_body). */
  readonly data: Buffer | undefined;
  /** The temporary file, when it was spilled. */
  readonly file: string | undefined;
  readonly length: number;
}

/** A body read that failed: the request is to be finalized with `status` (400, 413, 408...). */
export class BodyError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** What a subrequest gives back (ngx.location.capture builds on it). */
export interface SubrequestResult {
  readonly status: number;
  readonly headers: HeaderList;
  readonly contentType: string | undefined;
  readonly body: Buffer;
  /** The subrequest's output was cut (its connection failed, or it ended in error after sending). */
  readonly truncated: boolean;
}

export interface SubrequestOptions {
  readonly method?: string;
  /** Query string, replacing any in `uri`. */
  readonly args?: string;
  /** Request body for the subrequest (bytes, or a body kept in a file); by default it shares the parent's. */
  readonly body?: Buffer | RequestBody;
  /** Variables to copy or share (ngx.location.capture's vars, copy_all_vars, share_all_vars). */
  readonly vars?: ReadonlyMap<string, string>;
  readonly copyAllVars?: boolean;
  readonly shareAllVars?: boolean;
  /** Module storage to start with (ngx.location.capture's ctx option). */
  readonly ctx?: Map<string, unknown>;
  /** Error statuses render nginx's pages into the output (echo's subrequests); Lua's capture takes only the status. */
  readonly errorPages?: boolean;
  /** Give the subrequest a copy of the request headers with Content-Length set to its body's (echo_subrequest). */
  readonly bodyLengthHeader?: boolean;
}

/** Hooks other modules install into special responses (error_page) and request end. */
export const requestHooks = {
  /** Tried before nginx's default page; a handler returning a result has taken over. */
  specialResponse: [] as ((r: Request, status: number) => number | undefined)[],
  /** Called when the main request is complete, before the access log (log_by_lua). */
  cleanup: [] as ((r: Request) => void)[],
};

interface OutputSink {
  write(data: string | Buffer): void;
  /** Hand what was written so far to the connection now (eof, ngx.flush). */
  push(): void;
  end(): void;
  abort(): void;
  drained(): Promise<void>;
  /** The connection's socket buffer is full. */
  congested(): boolean;
}

let tempCounter = Math.floor(Math.random() * 1e9);

export class Request {
  // ---- identity and the request as received ----
  readonly main: Request;
  readonly parent: Request | undefined;
  readonly start = Date.now();
  readonly conn: ConnectionInfo;
  readonly exchange: Exchange | undefined;
  readonly requestLine: string;
  readonly protocol: string;
  readonly version: number;
  /** $request_uri: as sent, never changes. */
  readonly requestUri: string;
  readonly headersIn: HeaderList;
  /** The validated Host (lowercase, no port), "" when none. */
  readonly host: string;
  readonly headBytes: number;

  method: string;
  /** $uri: normalised, decoded; changes with rewrites and internal redirects. */
  uri: string;
  args: string;
  exten: string;
  /** Set by internal redirects and subrequests; `internal` locations need it. */
  internal: boolean;
  /** Set by the rewrite phase when the URI changed (rewrite ... last): the location is looked up again. */
  uriChanged = false;
  private uriChanges = 11;
  /** nginx's r->err_status: the status an error_page's response goes out with (0: its own). */
  errStatus = 0;
  /** nginx's r->error_page: an error_page was used (without recursive_error_pages, no second one). */
  errorPageUsed = false;

  // ---- configuration ----
  readonly config: HttpConfig;
  server: ServerConf;
  loc: LocationConf;

  // ---- the phase engine's state ----
  phase: number = PH.post_read;
  handlerIndex = 0;
  contentHandlerDeclined = false;
  /** In the log phase: log lines say "while logging request". */
  loggingRequest = false;
  /**
   * Server and Date lines add_header appended: they go out beside nginx's own, which only a
   * header set by name (ngx.header, more_set_headers, a passed upstream header) replaces.
   */
  addedServer = 0;
  addedDate = 0;
  /** Bumped on every internal redirect, so a stale async handler cannot resume the new run. */
  generation = 0;
  finalized = false;
  /** Set when the request no longer owns the connection (terminated). */
  detached = false;

  // ---- response ----
  status = 0;
  /** Overrides the status line's text (proxy passes the upstream's). */
  statusLine: string | undefined;
  readonly headersOut = new HeaderList();
  /** Set when a module cleared the Server line (more_clear_headers Server). */
  serverHeaderOff = false;
  /** satisfy any: the denial (403, 401) an access handler gave, kept for post_access. */
  accessCode = 0;
  /** The Date header was cleared by name (ngx.header.Date = nil): nginx writes none. */
  dateHeaderOff = false;
  /** A subrequest whose error statuses get nginx's pages (see SubrequestOptions.errorPages). */
  errorPages = false;
  contentType: string | undefined;
  charset: string | undefined;
  contentLength = -1;
  /** The Content-Length was set by name (from Lua): it goes out as its line in headersOut. */
  contentLengthListed = false;
  /** Location set through headers_out.location: a relative one is made absolute when sent. */
  location: string | undefined;
  lastModified: string | undefined;
  headerSent = false;
  headerOnly = false;
  chunked = false;
  keepalive: boolean;
  eofSent = false;
  bodyBytesSent = 0;
  /** Bytes of the serialized header ($bytes_sent counts it). */
  headerBytes = 0;
  /**
   * What nginx's connection log names as the current action ("while ACTION") for lines that
   * give none: the proxy sets it around the upstream's response, as nginx's upstream does.
   */
  action: string | undefined;
  private pendingHead: string | undefined;
  private sink: OutputSink;
  private readonly bodyFilters: boolean;

  // ---- body ----
  private bodyPromise: Promise<RequestBody> | undefined;
  body: RequestBody | undefined;
  private tempFiles: string[] | undefined;

  // ---- variables and module storage ----
  /** Regex captures of the last match ($0 .. $9), set by location and server_name regexes. */
  captures: string[] | undefined;
  // Allocated on first use: most requests never touch them.
  private vars_: Map<string, string> | undefined;
  private ctx_: Map<string, unknown> | undefined;
  private notes_: Map<string, unknown> | undefined;

  /** Variables set by `set`, named captures and ngx.var (user variables). */
  get vars(): Map<string, string> {
    return (this.vars_ ??= new Map());
  }
  set vars(m: Map<string, string>) {
    this.vars_ = m;
  }
  /** Per-module storage (ngx.ctx lives here under "lua"). Cleared on internal redirects. */
  get ctx(): Map<string, unknown> {
    return (this.ctx_ ??= new Map());
  }
  set ctx(m: Map<string, unknown>) {
    this.ctx_ = m;
  }
  /** Other variable-like values modules keep ($limit_rate and the like). */
  get notes(): Map<string, unknown> {
    return (this.notes_ ??= new Map());
  }

  private completion: ((r: Request) => void) | undefined;

  constructor(init: {
    config: HttpConfig;
    server: ServerConf;
    conn: ConnectionInfo;
    exchange?: Exchange;
    head: ParsedHead;
    parent?: Request;
    /** A subrequest's own request headers (echo_subrequest's Content-Length); by default the parent's. */
    headersIn?: HeaderList;
  }) {
    const h = init.head;
    this.config = init.config;
    this.server = init.server;
    this.loc = init.server.root;
    this.conn = init.conn;
    this.exchange = init.exchange;
    this.parent = init.parent;
    this.main = init.parent ? init.parent.main : this;
    this.requestLine = h.requestLine;
    this.protocol = h.protocol;
    this.version = h.version;
    this.requestUri = h.unparsedUri;
    this.headersIn = init.headersIn ?? (init.parent ? init.parent.headersIn : new HeaderList(h.headers));
    this.host = h.host;
    this.headBytes = h.headBytes;
    this.method = h.method;
    this.uri = h.uri;
    this.args = h.args;
    this.exten = h.exten;
    this.internal = init.parent !== undefined;
    this.keepalive = h.keepAlive;
    this.bodyFilters = true;
    this.sink = init.exchange ? mainSink(init.exchange, (msg) => this.outputFailed(msg)) : captureSink();
  }

  // =================================================================== logging

  /** nginx's ngx_http_log_error suffix. */
  suffix(): string {
    let s = `, client: ${this.conn.remoteAddress}, server: ${this.server.serverName}, request: "${this.main.requestLine}"`;
    if (this !== this.main) s += `, subrequest: "${this.uri}"`;
    const up = this.notes_?.get("upstream_log") as string | undefined;
    if (up) s += up;
    const host = this.main.headersIn.get("host");
    if (host !== undefined) s += `, host: "${host}"`;
    const ref = this.main.headersIn.get("referer");
    if (ref !== undefined) s += `, referrer: "${ref}"`;
    return s;
  }

  /** Write to this location's error log with the request's context (and nginx's "while ACTION"). */
  log(level: LogLevel | number, message: string, action?: string): void {
    const el = this.loc.errorLog;
    if (!el.enabled(level)) return;
    // nginx names the log phase in every line logged during it (connection->log->action).
    const what = action ?? (this.loggingRequest ? "logging request" : this.action);
    el.log(level, message, { conn: this.conn.id, suffix: () => (what ? ` while ${what}` : "") + this.suffix() });
  }

  // =================================================================== phases

  /** The handlers of `phase` for the current location (server_rewrite: the server's). */
  phaseHandlers(phase: number): readonly PhaseHandler[] {
    if (phase === PH.server_rewrite) return this.server.serverRewrite;
    if (phase === PH.post_read) return this.server.root.handlers[PH.post_read] ?? EMPTY_HANDLERS;
    return this.loc.handlers[phase] ?? EMPTY_HANDLERS;
  }

  nextPhase(): void {
    this.phase++;
    this.handlerIndex = 0;
    this.contentHandlerDeclined = false;
  }

  /** Start (or restart) processing at `phase`. */
  run(phase: number = PH.post_read): void {
    this.phase = phase;
    this.handlerIndex = 0;
    this.contentHandlerDeclined = false;
    runPhases(this);
  }

  /** find_config: select the location, apply its keep-alive and body-size rules. */
  findConfig(): number {
    // As ngx_http_core_find_config_phase: a server-level `rewrite ... last` needs no second lookup.
    this.uriChanged = false;
    this.loc = findLocation(this.server, this.uri, this);
    const lmt = this.loc.limitExcept;
    if (lmt !== undefined && !lmt.methods.has(this.method)) this.loc = lmt.loc;
    const c = this.loc.core;
    if (c.internal && !this.internal) return 404;
    if (this === this.main && this.keepalive) {
      if (c.keepalive_timeout === 0 || this.conn.requests >= c.keepalive_requests) this.keepalive = false;
    }
    const cl = this.main.exchange?.head?.contentLength ?? -1;
    if (this === this.main && c.client_max_body_size > 0 && cl > c.client_max_body_size && this.body === undefined) {
      this.log("error", `client intended to send too large body: ${cl} bytes`);
      return 413;
    }
    if (this.notes_?.delete("auto_redirect")) {
      // nginx's auto_redirect (see locations.ts): a 301 to the location's name.
      this.location = this.loc.name + (this.args !== "" ? "?" + this.args : "");
      return 301;
    }
    return NEXT;
  }

  /** URI changes left before nginx's limit (error_page is not used once none are left). */
  get uriChangesLeft(): number {
    return this.main.uriChanges;
  }

  /** Count a URI change; false (and a 500) past nginx's limit of 10. */
  countUriChange(context: string): boolean {
    if (--this.main.uriChanges > 0) return true;
    this.log("error", `rewrite or internal redirection cycle ${context}`);
    this.finalize(500);
    return false;
  }

  /** Status when no content handler answered: a directory without an index is forbidden. */
  noContentStatus(): number {
    if (!this.uri.endsWith("/")) return 404;
    this.log("error", `directory index of "${mapUriToPath(this).path}" is forbidden`);
    return 403;
  }

  /** An exception out of a handler: nginx's 500, logged. */
  handlerFailed(e: unknown): void {
    this.log("error", `internal error: ${e instanceof Error ? e.message : String(e)}`);
    if (this.headerSent) this.terminate();
    else this.finalize(500);
  }

  // =================================================================== redirects and subrequests

  /** ngx_http_internal_redirect: a new URI (and args), from server_rewrite on. */
  internalRedirect(uri: string, args?: string): void {
    if (!this.countUriChange(`while internally redirecting to "${uri}"`)) return;
    const q = uri.indexOf("?");
    if (q >= 0 && args === undefined) {
      args = uri.slice(q + 1);
      uri = uri.slice(0, q);
    }
    const parsed = parseTarget(uri, false);
    this.uri = parsed?.uri ?? uri;
    this.exten = parsed?.exten ?? "";
    if (args !== undefined) this.args = args;
    this.restart(PH.server_rewrite);
  }

  /** ngx_http_named_location: run `@name` from its rewrite phase, URI unchanged. */
  namedRedirect(name: string): void {
    const loc = this.server.named.get(name);
    if (!loc) {
      this.log("error", `could not find named location "${name}"`);
      this.finalize(500);
      return;
    }
    if (!this.countUriChange(`while redirect to named location "${name}"`)) return;
    const lmt = loc.limitExcept;
    this.loc = lmt !== undefined && !lmt.methods.has(this.method) ? lmt.loc : loc;
    this.restart(PH.rewrite, false);
  }

  private restart(phase: number, clearLoc = true): void {
    this.generation++;
    this.internal = true;
    this.ctx_ = undefined;
    if (clearLoc) this.loc = this.server.root;
    queueMicrotask(() => this.run(phase));
  }

  /** Run `uri` as a subrequest and capture its response. */
  subrequest(uri: string, opts: SubrequestOptions = {}): Promise<SubrequestResult> {
    const q = uri.indexOf("?");
    let args = opts.args;
    let path = uri;
    if (q >= 0) {
      path = uri.slice(0, q);
      if (args === undefined) args = uri.slice(q + 1);
    }
    const parsed = parseTarget(path, false);
    const head: ParsedHead = {
      requestLine: this.main.requestLine, method: opts.method ?? "GET", target: uri, unparsedUri: this.main.requestUri,
      protocol: this.protocol, version: this.version, headers: [], host: this.host, contentLength: -1,
      chunked: false, keepAlive: false, expectContinue: false, headBytes: 0,
      uri: parsed?.uri ?? path, args: args ?? "", hasQuery: args !== undefined, exten: parsed?.exten ?? "", warnings: [],
    };
    let headersIn: HeaderList | undefined;
    if (opts.bodyLengthHeader === true && opts.body !== undefined) {
      headersIn = this.headersIn.clone();
      headersIn.set("Content-Length", String(opts.body.length));
    }
    const sr = new Request({ config: this.config, server: this.server, conn: this.conn, head, parent: this, headersIn });
    if (Buffer.isBuffer(opts.body)) sr.body = { data: opts.body, file: undefined, length: opts.body.length };
    else if (opts.body !== undefined) sr.body = opts.body;
    else sr.body = this.body;
    if (opts.shareAllVars) sr.vars = this.vars;
    else if (opts.copyAllVars) sr.vars = new Map(this.vars);
    if (opts.vars) for (const [k, v] of opts.vars) sr.vars.set(k, v);
    if (opts.ctx) sr.ctx = opts.ctx;
    sr.errorPages = opts.errorPages === true;
    return new Promise((resolve) => {
      sr.completion = (done) => {
        const cap = done.sink as CaptureSink;
        resolve({
          status: done.status || 200,
          headers: done.headersOut,
          contentType: done.contentType,
          body: cap.body(),
          truncated: cap.aborted,
        });
      };
      sr.run(PH.server_rewrite);
    });
  }

  // =================================================================== body

  /**
   * The body without waiting, when an HTTP/1 request has none (no Content-Length or chunked
   * framing) or it was read already; undefined when readBody() has work to do.
   */
  bodyNow(): RequestBody | undefined {
    if (this.body) return this.body;
    if (this !== this.main) return this.main.bodyNow();
    const h = this.exchange?.head;
    // HTTP/2 frames a body without either: only HTTP/1 heads tell there is none.
    if (this.bodyPromise || !h || h.version >= 2000 || h.chunked || h.contentLength > 0) return undefined;
    return (this.body = { data: EMPTY_BODY, file: undefined, length: 0 });
  }

  /** Read the whole body (once); past client_body_buffer_size it goes to a temporary file. */
  readBody(): Promise<RequestBody> {
    if (this.body) return Promise.resolve(this.body);
    if (this !== this.main) return this.main.readBody();
    if (this.bodyPromise) return this.bodyPromise;
    const ex = this.exchange;
    this.bodyPromise = new Promise<RequestBody>((resolve, reject) => {
      if (!ex) {
        resolve((this.body = { data: Buffer.alloc(0), file: undefined, length: 0 }));
        return;
      }
      const c = this.loc.core;
      const limit = c.client_body_buffer_size;
      const inFileOnly = c.client_body_in_file_only;
      const parts: Buffer[] = [];
      let total = 0;
      let fd = -1;
      let file: string | undefined;
      const spill = (): void => {
        fs.mkdirSync(c.client_body_temp_path, { recursive: true });
        file = resolvePath(String(++tempCounter % 1e10).padStart(10, "0"), c.client_body_temp_path + "/");
        fd = fs.openSync(file, "w+", 0o600);
        (this.tempFiles ??= []).push(file);
        for (const p of parts) fs.writeSync(fd, p);
        parts.length = 0;
      };
      ex.readBody({
        data: (b) => {
          total += b.length;
          if (fd >= 0) fs.writeSync(fd, b);
          else {
            parts.push(b);
            if (total > limit || inFileOnly) spill();
          }
        },
        end: () => {
          if (fd >= 0) fs.closeSync(fd);
          if (file !== undefined) {
            this.log("warn", `a client request body is buffered to a temporary file ${file}`);
          }
          this.body = { data: fd >= 0 ? undefined : Buffer.concat(parts, total), file, length: total };
          resolve(this.body);
        },
        error: (status, message, level) => {
          if (fd >= 0) fs.closeSync(fd);
          if (status > 0) this.log(level, message);
          this.keepalive = false;
          reject(new BodyError(status || 499, message));
        },
      }, c.client_max_body_size, c.client_body_timeout);
    });
    return this.bodyPromise;
  }

  /** Drop the body: it is read and thrown away when the response is done (the transport does it). */
  discardBody(): number {
    if (this !== this.main || this.body || this.bodyPromise || !this.exchange) return OK;
    const h = this.exchange.head;
    // nginx answers Expect: 100-continue even for a body it throws away.
    if (h && (h.contentLength > 0 || h.chunked)) this.exchange.sendContinue();
    const failed = this.exchange.discardBody();
    this.body = { data: undefined, file: undefined, length: 0 };
    if (failed) {
      this.keepalive = false;
      this.log("error", failed.message);
      return failed.status;
    }
    return OK;
  }

  // =================================================================== output

  /** Run the header filters and queue the header. Returns OK, or a status to finalize with. */
  sendHeader(): number {
    if (this.headerSent) return OK;
    if (this.errStatus !== 0) {
      this.status = this.errStatus;
      this.statusLine = undefined;
    }
    if (this.status === 0) this.status = 200;
    for (const f of this.loc.headerFilters) {
      const rc = f(this);
      if (typeof rc === "number" && rc !== OK && rc !== NEXT) {
        if (rc < 300) return rc;
        // ngx_http_filter_finalize_request: the response becomes that status's page (412, 416),
        // and what the handler writes after is dropped.
        this.finalize(rc);
        return DONE;
      }
    }
    this.headerSent = true;
    decideFraming(this);
    if (this !== this.main) return OK;
    const st = this.loc.core.send_timeout;
    if (st > 0) this.exchange?.setSendTimeout(st, this);
    if (this.version === 9) return OK;
    this.pendingHead = buildHeader(this);
    this.headerBytes = this.pendingHead.length;
    return OK;
  }

  /** send_timeout expired: the transport closes the connection after this. */
  sendTimedOut(): void {
    this.log("info", "client timed out (110: Connection timed out) while sending response to client");
    this.keepalive = false;
    this.detached = true;
    if (!this.finalized) this.complete();
  }

  /** A write to the client failed (logged at info as nginx does); ngx.say and friends then fail. */
  outputError = false;
  private outputFailed(msg: string): void {
    this.outputError = true;
    this.log("info", msg);
  }

  /** Send body bytes through the body filters (sends the header first if needed). */
  write(data: string | Buffer, flush = false): void {
    if (this.eofSent) return;
    if (!this.headerSent) this.sendHeader();
    this.output({ data, eof: false, flush });
  }

  /** End the response body. */
  eof(): void {
    if (this.eofSent) return;
    if (!this.headerSent) this.sendHeader();
    this.output({ data: "", eof: true, flush: true });
  }

  /** Wait until the client has taken what was written (ngx.flush(true)). */
  flush(): Promise<void> {
    // Through the body filters, as nginx's flush buffer goes (gzip sync-flushes what it holds).
    if (this.headerSent && !this.eofSent && this.loc.bodyFilters.length > 0) this.output({ data: "", eof: false, flush: true });
    else this.flushHead();
    return this.sink.drained();
  }

  /** Wait until the client has taken what was written, without a flush through the body filters (a streamer's backpressure). */
  drained(): Promise<void> {
    return this.sink.drained();
  }

  /** Whether more output can go now without waiting for the client (a streamer's backpressure check). */
  outputReady(): boolean {
    return !this.sink.congested();
  }

  private output(chunk: BodyChunk): void {
    const filters = this.loc.bodyFilters;
    if (this.bodyFilters) for (let i = 0; i < filters.length; i++) filters[i]!(this, chunk);
    const len = typeof chunk.data === "string" ? chunk.data.length : chunk.data.length;
    if (this.headerOnly || this.method === "HEAD") {
      if (chunk.eof) this.finishOutput();
      else if (chunk.flush) this.flushHead();
      return;
    }
    if (len > 0) {
      this.bodyBytesSent += len;
      let out: string | Buffer = chunk.data;
      if (this.chunked) {
        const size = len.toString(16) + "\r\n";
        // nginx's $body_bytes_sent is what went out after the header: the framing counts.
        this.bodyBytesSent += size.length + 2;
        out = typeof out === "string" ? size + out + "\r\n" : Buffer.concat([Buffer.from(size, "latin1"), out, CRLF]);
      }
      if (this.pendingHead !== undefined) {
        const h = this.pendingHead;
        this.pendingHead = undefined;
        if (typeof out === "string") this.sink.write(h + out);
        else {
          this.sink.write(h);
          this.sink.write(out);
        }
      } else this.sink.write(out);
    } else if (chunk.flush) this.flushHead();
    if (chunk.eof) this.finishOutput();
    else if (chunk.flush) this.sink.push();
  }

  private flushHead(): void {
    if (this.pendingHead !== undefined) {
      const h = this.pendingHead;
      this.pendingHead = undefined;
      this.sink.write(h);
    }
  }

  private finishOutput(): void {
    this.eofSent = true;
    const tail = this.chunked && !this.headerOnly && this.method !== "HEAD" ? "0\r\n\r\n" : "";
    this.bodyBytesSent += tail.length;
    if (this.pendingHead !== undefined) {
      const h = this.pendingHead;
      this.pendingHead = undefined;
      this.sink.write(h + tail);
    } else if (tail) this.sink.write(tail);
    this.sink.push();
  }

  // =================================================================== finalization

  /** nginx's ngx_http_finalize_request. */
  finalize(rc: number): void {
    if (this.finalized || rc === DONE) return;
    if (rc === ERROR) {
      this.terminate();
      return;
    }
    if (SILENT_CLOSE.has(rc)) {
      this.status = rc;
      this.terminate();
      return;
    }
    if (rc >= 300 || rc === 201 || rc === 204) {
      if (this.headerSent) {
        // Too late for an error page: end what was sent and close, as nginx does.
        this.keepalive = false;
        if (!this.eofSent) this.eof();
        this.complete();
        return;
      }
      this.specialResponse(rc);
      return;
    }
    if (rc >= 200 && !this.headerSent) this.status = rc;
    if (!this.eofSent) this.eof();
    this.complete();
  }

  /** ngx_http_special_response_handler: error_page hooks, then nginx's page. */
  specialResponse(status: number): void {
    if (this.finalized) return;
    for (const h of requestHooks.specialResponse) {
      const rc = h(this, status);
      if (rc !== undefined) {
        if (rc !== DONE) this.finalize(rc);
        return;
      }
    }
    if (CLOSES_CONNECTION.has(status)) this.keepalive = false;
    this.errStatus = 0;
    this.status = status >= 494 && status <= 497 ? 400 : status;
    this.statusLine = undefined;
    const ua = status >= 400 && this.loc.core.msie_padding ? this.headersIn.get("user-agent") : undefined;
    const msie = ua !== undefined && ua.includes("MSIE ") && !ua.includes("Opera");
    const page = errorPage(status, this.loc.core.server_tokens, msie);
    if (page !== undefined) {
      this.contentType = "text/html";
      this.charset = undefined;
      this.contentLength = page.length;
    } else {
      this.contentType = undefined;
      this.contentLength = 0;
    }
    this.lastModified = undefined;
    this.headersOut.remove("Last-Modified");
    this.headersOut.remove("ETag");
    this.headersOut.remove("Accept-Ranges");
    this.sendHeader();
    if (page !== undefined) this.write(page);
    this.eof();
    this.complete();
  }

  /** Close the connection without (more) response: 444, errors after the header, NGX_ERROR. */
  terminate(): void {
    if (this.finalized) return;
    if (this.status === 0) this.status = 500;
    this.keepalive = false;
    this.sink.abort();
    this.complete();
  }

  /** The response is over: log phase, access log, hand the connection back. */
  complete(): void {
    if (this.finalized) return;
    this.finalized = true;
    if (this !== this.main) {
      if (this.loc.core.log_subrequest) for (const al of this.loc.accessLogs) al.write(this);
      this.completion?.(this);
      return;
    }
    for (const h of requestHooks.cleanup) {
      try {
        h(this);
      } catch (e) {
        this.log("error", `log handler failed: ${(e as Error).message}`);
      }
    }
    this.loggingRequest = true;
    for (const h of this.loc.handlers[PH.log] ?? EMPTY_HANDLERS) {
      try {
        void h(this);
      } catch (e) {
        this.log("error", `log handler failed: ${(e as Error).message}`);
      }
    }
    for (const al of this.loc.accessLogs) al.write(this);
    if (this.tempFiles) for (const f of this.tempFiles) fs.rm(f, () => {});
    const ex = this.exchange;
    if (ex) {
      this.sink.push();
      const ka = this.keepalive ? this.loc.core.keepalive_timeout : 0;
      ex.finish(ka);
    }
    this.completion?.(this);
  }

  /** The request head as received (ngx.req.raw_header), "" when unknown. */
  rawHeader(): string {
    return this.main.exchange?.head?.rawHead?.toString("latin1") ?? "";
  }

  /** The client closed the connection before the response was done (ngx.on_abort). */
  onClientAbort(cb: () => void): void {
    this.main.exchange?.onAbort(cb);
  }

  /** Called when the main request is done, for callers that wait (tests, graceful quit). */
  onComplete(cb: (r: Request) => void): void {
    const prev = this.completion;
    this.completion = prev ? (r) => { prev(r); cb(r); } : cb;
  }
}

const EMPTY_HANDLERS: readonly PhaseHandler[] = [];
const EMPTY_BODY = Buffer.alloc(0);
const CRLF = Buffer.from("\r\n");

/**
 * The connection's side of the output: what the request writes in one go (the header, ngx.say's
 * pieces, the chunked tail) is gathered and handed to the socket as one write, at eof, at a
 * flush, past OUTPUT_BATCH bytes, or at the latest when the current job's microtasks run (so
 * a handler that waits still sends what it wrote before, as it did with a write per piece).
 * On loopback the write syscall is most of a small response's cost: one instead of two or
 * three per response is the largest single saving of the hello world benchmark.
 */
class MainSink implements OutputSink {
  /** Pending output while it is all strings (the usual case: one concatenation). */
  private str = "";
  /** Every pending piece in order, once a Buffer came. */
  private parts: (string | Buffer)[] | undefined;
  private bytes = 0;
  /** In `waiting`, to be pushed when the microtasks run. */
  queued = false;

  private failed = false;

  constructor(private readonly ex: Exchange, private readonly onFail: (msg: string) => void) {}

  /** After a write: report the first failure once. */
  private check(): void {
    const e = this.ex.writeError;
    if (e !== undefined && !this.failed) {
      this.failed = true;
      this.onFail(e);
    }
  }

  write(d: string | Buffer): void {
    if (this.parts !== undefined) this.parts.push(d);
    else if (typeof d === "string") this.str += d;
    else {
      this.parts = this.str !== "" ? [this.str, d] : [d];
      this.str = "";
    }
    this.bytes += d.length;
    if (this.bytes >= OUTPUT_BATCH) this.push();
    else if (!this.queued) {
      this.queued = true;
      waiting.push(this);
      if (waiting.length === 1) queueMicrotask(pushWaiting);
    }
  }

  push(): void {
    const parts = this.parts;
    if (parts !== undefined) {
      this.parts = undefined;
      this.bytes = 0;
      if (parts.length === 1) this.ex.write(parts[0]!);
      else this.ex.writev(parts);
      this.check();
    } else if (this.str !== "") {
      const s = this.str;
      this.str = "";
      this.bytes = 0;
      this.ex.write(s);
      this.check();
    }
  }

  end(): void {
    this.push();
  }

  abort(): void {
    this.push();
    this.ex.abort();
  }

  drained(): Promise<void> {
    this.push();
    return this.ex.drained();
  }

  congested(): boolean {
    return this.ex.congested;
  }
}

/** Sinks with output gathered in this job; one microtask pushes them all. */
let waiting: MainSink[] = [];

function pushWaiting(): void {
  const list = waiting;
  waiting = [];
  for (const s of list) {
    s.queued = false;
    s.push();
  }
}

function mainSink(ex: Exchange, onFail: (msg: string) => void): OutputSink {
  return new MainSink(ex, onFail);
}

/** Bytes gathered before they go to the socket without waiting for a flush point. */
const OUTPUT_BATCH = 64 * 1024;

interface CaptureSink extends OutputSink {
  body(): Buffer;
  aborted: boolean;
}

function captureSink(): CaptureSink {
  const parts: Buffer[] = [];
  const s: CaptureSink = {
    aborted: false,
    write: (d) => {
      parts.push(typeof d === "string" ? Buffer.from(d, "latin1") : d);
    },
    end: () => {},
    push: () => {},
    abort: () => {
      s.aborted = true;
    },
    drained: () => Promise.resolve(),
    congested: () => false,
    body: () => Buffer.concat(parts),
  };
  return s;
}
