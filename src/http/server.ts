// The HTTP server: opens the configuration's listening sockets on a Transport, turns each
// exchange into a Request on the right virtual server, and swaps configurations on reload
// without dropping a request (requests keep the configuration they started with).
import type { Exchange, HeadLimits, Listener, ListenAddress, Transport } from "./transport/types.js";
import type { ParsedHead } from "./transport/parser.js";
import { NetTransport, type NetListenHandler } from "./transport/net-transport.js";
import type { AddressConf, HttpConfig, PortConf } from "./config/model.js";
import { addressFor, selectServer } from "./config/server-names.js";
import { Request } from "./request.js";
import { HTTP_REQUEST_HEADER_TOO_LARGE } from "./status.js";
import { httpModules } from "./module.js";
import { validateHost } from "./transport/parser.js";
import { closeUnusedLogFiles, flushLogFiles } from "./log/log-file.js";
import { tlsOf } from "./config/ssl.js";
import { HTTP_TO_HTTPS } from "./status.js";

function portKey(p: PortConf): string {
  return p.unixPath !== undefined ? `unix:${p.unixPath}` : `${p.host}:${p.port}`;
}

function listenAddress(p: PortConf): ListenAddress {
  const host = p.host === "*" ? "0.0.0.0" : p.host === "[::]" ? "::" : p.host.replace(/^\[|\]$/g, "");
  return { host, port: p.port, unixPath: p.unixPath };
}

export class HttpServer {
  private config: HttpConfig | undefined;
  private readonly listeners = new Map<string, Listener>();
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly transport: Transport = new NetTransport()) {}

  get current(): HttpConfig | undefined {
    return this.config;
  }

  /** Bound addresses (port 0 in a listen gives the real port here). */
  addresses(): ListenAddress[] {
    return [...this.listeners.values()].map((l) => l.address);
  }

  /**
   * Open the sockets of `cfg` and start serving it. `configured` runs between the modules'
   * postConfiguration (init_by_lua) and the rest (a worker thread replays init, see workers/).
   */
  async start(cfg: HttpConfig, configured?: () => void): Promise<void> {
    for (const m of httpModules()) await m.postConfiguration?.(cfg);
    configured?.();
    await this.bind(cfg);
    this.config = cfg;
    for (const m of httpModules()) await m.initWorker?.(cfg);
  }

  private async bind(cfg: HttpConfig): Promise<void> {
    const wanted = new Map(cfg.ports.map((p) => [portKey(p), p]));
    const opened: string[] = [];
    try {
      for (const [key, p] of wanted) {
        const handler = this.handlerFor(cfg, p);
        const existing = this.listeners.get(key);
        if (existing) continue;
        this.listeners.set(key, await this.transport.listen(listenAddress(p), handler));
        opened.push(key);
      }
    } catch (e) {
      for (const k of opened) {
        await this.listeners.get(k)?.close();
        this.listeners.delete(k);
      }
      throw e;
    }
    for (const [key, p] of wanted) this.listeners.get(key)!.setHandler(this.handlerFor(cfg, p));
    for (const [key, l] of [...this.listeners]) {
      if (!wanted.has(key)) {
        this.listeners.delete(key);
        void l.close();
        l.closeIdle();
      }
    }
  }

  /**
   * Serve `next` from now on. Its modules' postConfiguration runs first; if it throws, the
   * current configuration keeps serving and the error goes to the caller.
   */
  async reload(next: HttpConfig): Promise<void> {
    const prev = this.config;
    for (const m of httpModules()) await m.postConfiguration?.(next);
    await this.bind(next);
    this.config = next;
    for (const m of httpModules()) await m.initWorker?.(next);
    const used = new Set<string>([...next.main.errorLog.paths()]);
    const walk = (c: HttpConfig): void => {
      for (const s of c.servers) {
        const stack = [s.root];
        while (stack.length) {
          const l = stack.pop()!;
          for (const p of l.errorLog.paths()) used.add(p);
          for (const a of l.accessLogs) used.add(a.path);
          stack.push(...l.children.prefixes, ...l.children.regexes, ...l.children.exact.values());
        }
        for (const n of s.named.values()) for (const p of n.errorLog.paths()) used.add(p);
      }
    };
    walk(next);
    if (prev) {
      for (const m of httpModules()) await m.exitWorker?.(prev);
      // The old configuration's files stay open until its requests are done.
      await this.whenIdle(5000);
    }
    closeUnusedLogFiles(used);
  }

  private handlerFor(cfg: HttpConfig, port: PortConf): NetListenHandler {
    const def = port.addresses[0]!.defaultServer;
    const c = def.core;
    const limits: HeadLimits = {
      headerBufferSize: c.client_header_buffer_size,
      largeBuffers: c.large_client_header_buffers.number,
      largeBufferSize: c.large_client_header_buffers.size,
      underscoresInHeaders: c.underscores_in_headers,
      ignoreInvalidHeaders: c.ignore_invalid_headers,
      headerTimeout: c.client_header_timeout,
    };
    return {
      limits: () => limits,
      mergeSlashes: () => c.merge_slashes,
      tls: (local) => tlsOf(addressFor(port.addresses, local)),
      onRequest: (ex) => this.onRequest(cfg, port, ex),
      onIdleClose: (conn, keepalive) => {
        const el = def.root.errorLog;
        if (!el.enabled("info")) return;
        if (keepalive) el.log("info", `client ${conn.remoteAddress} closed keepalive connection`, { conn: conn.id, suffix: () => "" });
        else {
          const at = `${port.host === "*" ? "0.0.0.0" : port.host}:${port.port || conn.localPort}`;
          el.log("info", "client closed connection while waiting for request", { conn: conn.id, suffix: () => `, client: ${conn.remoteAddress}, server: ${at}` });
        }
      },
      onHeadTimeout: (conn) => {
        const el = def.root.errorLog;
        if (el.enabled("info")) {
          el.log("info", "client timed out (110: Connection timed out) while reading client request headers", {
            conn: conn.id,
            suffix: () => `, client: ${conn.remoteAddress}, server: ${def.serverName}`,
          });
        }
      },
    };
  }

  private onRequest(cfg: HttpConfig, port: PortConf, ex: Exchange): void {
    const addr = addressFor(port.addresses, ex.conn.localAddress);
    this.inflight++;
    let r: Request;
    if (ex.error) r = this.badRequest(cfg, addr, ex);
    else {
      const head = ex.head as ParsedHead;
      r = new Request({ config: cfg, server: addr.defaultServer, conn: ex.conn, exchange: ex, head });
      const srv = selectServer(addr, head.host, r);
      r.server = srv;
      r.loc = srv.root;
      for (const w of head.warnings) r.log("info", w, "reading client request headers");
    }
    r.onComplete(() => this.requestDone());
    if (ex.error) {
      const e = ex.error;
      r.log(e.level, e.message, e.action);
      if (e.status === 0) r.terminate();
      else {
        r.keepalive = false;
        r.specialResponse(e.headerTooLarge ? HTTP_REQUEST_HEADER_TOO_LARGE : e.status);
      }
      return;
    }
    if (!ex.conn.tls && tlsOf(addr)) {
      // nginx's ngx_http_process_request: plain HTTP on an ssl address is answered with the
      // 497 page (a 400 on the wire), after the virtual server was chosen by Host.
      r.log("info", "client sent plain HTTP request to HTTPS port", "reading client request headers");
      r.keepalive = false;
      r.specialResponse(HTTP_TO_HTTPS);
      return;
    }
    r.run();
  }

  private badRequest(cfg: HttpConfig, addr: AddressConf, ex: Exchange): Request {
    const p = ex.error!.partial;
    const head: ParsedHead = {
      requestLine: p.requestLine ?? "", method: p.method ?? "", target: p.target ?? "", unparsedUri: p.target ?? "",
      protocol: p.protocol ?? "", version: p.version ?? 1000, headers: p.headers ?? [], host: p.host ?? "",
      contentLength: -1, chunked: false, keepAlive: false, expectContinue: false, headBytes: 0,
      uri: p.target ?? "", args: "", hasQuery: false, exten: "", warnings: [],
    };
    const host = p.host !== undefined ? validateHost(p.host) : undefined;
    const r = new Request({ config: cfg, server: addr.defaultServer, conn: ex.conn, exchange: ex, head });
    if (host !== undefined) {
      r.server = selectServer(addr, host);
      r.loc = r.server.root;
    }
    return r;
  }

  private requestDone(): void {
    this.inflight--;
    if (this.inflight === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Resolves when no request is in flight (or after `timeoutMs`). */
  whenIdle(timeoutMs = 0): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      if (timeoutMs > 0) setTimeout(resolve, timeoutMs).unref();
    });
  }

  /** SIGQUIT: stop accepting, let in-flight requests finish, close idle connections. */
  async quit(): Promise<void> {
    const ls = [...this.listeners.values()];
    this.listeners.clear();
    const closing = ls.map((l) => l.close());
    for (const l of ls) l.closeIdle();
    await this.whenIdle();
    for (const l of ls) l.closeIdle();
    await Promise.all(closing);
    await this.shutdownModules();
  }

  /** SIGTERM / SIGINT: close everything now. */
  async stop(): Promise<void> {
    const ls = [...this.listeners.values()];
    this.listeners.clear();
    for (const l of ls) l.destroyAll();
    await Promise.all(ls.map((l) => l.close()));
    await this.shutdownModules();
  }

  private async shutdownModules(): Promise<void> {
    if (this.config) for (const m of httpModules()) await m.exitWorker?.(this.config);
    flushLogFiles();
  }
}
