// ngx.req.socket: the downstream connection as a cosocket, on top of the tcp cosocket's reads
// (./tcp.ts). Without `raw`, a read-only socket over the request body: Content-Length bytes,
// read from the client only as Lua asks for them (reading holds while a few hundred KB wait
// unread), so an upload is never whole in memory; past the body, reads fail with "closed".
// With `raw`, the client connection itself, full duplex, for protocols that take the
// connection over after the header (WebSocket) or stream a body their own way; the
// connection closes when the request ends. Errors and their order as ngx_http_lua_req_socket.
import type { Request } from "../../../http/request.js";
import type { BodySink, Exchange } from "../../../http/transport/types.js";
import { luaError } from "../../../lua/runtime/error.js";
import { LuaTable } from "../../../lua/runtime/table.js";
import type { LuaFunction, LuaResult, LuaValue } from "../../../lua/runtime/value.js";
import { requestFor } from "../../host.js";
import type { AsyncHost, AsyncRequest } from "../host.js";
import { runningAsyncHost } from "../running-host.js";
import { TcpSocket, tcpMethods } from "./tcp.js";
import { Waiter } from "./waiter.js";

/** Unread body bytes past which reading from the client holds until Lua reads. */
const HOLD = 256 * 1024;

/** The body reader: fed by the transport's body sink instead of a socket of its own. */
class ReqBodySocket extends TcpSocket {
  private readonly arrived = new Waiter();
  private held = false;
  /** Set while open: the tcp reads only test it for presence. */
  private open = true;

  constructor(host: AsyncHost, req: AsyncRequest | undefined, private readonly ex: Exchange) {
    super(host, req);
  }

  /** Where the transport puts the body as it reads it. */
  sink(): BodySink {
    return {
      data: (b) => {
        if (!this.open) return;
        this.buf.push(b);
        if (this.buf.length > HOLD && !this.held) {
          this.held = true;
          this.ex.pauseReading?.(true);
        }
        this.arrived.wake();
      },
      end: () => {
        this.eof = true;
        this.arrived.wake();
      },
      error: () => {
        // A client gone or a body timeout: the next read past the buffer fails with "closed".
        this.eof = true;
        this.arrived.wake();
      },
    };
  }

  override waitData(ms: number): Promise<boolean> {
    this.release();
    return this.arrived.wait(ms);
  }

  private release(): void {
    if (!this.held) return;
    this.held = false;
    this.ex.pauseReading?.(false);
  }

  override detach(): undefined {
    this.open = false;
    this.conn = undefined;
    this.release();
    this.arrived.wake();
    return undefined;
  }

  override closeConn(): void {
    this.detach();
    this.buf.takeAll();
  }
}

/** The raw socket: closing it only stops listening; the HTTP side closes the connection. */
class RawReqSocket extends TcpSocket {
  override closeConn(): void {
    this.detach();
    this.buf.takeAll();
  }
}

// The methods ngx_lua gives each kind (its req_socket and raw_req_socket metatables).
const BODY_METHODS = ["receive", "receiveany", "receiveuntil", "settimeout", "settimeouts"];
const RAW_METHODS = [...BODY_METHODS, "send", "setoption"];

interface Metatables {
  readonly body: LuaTable;
  readonly raw: LuaTable;
}
const metatables = new WeakMap<AsyncHost, Metatables>();

function metatablesOf(host: AsyncHost): Metatables {
  let m = metatables.get(host);
  if (m === undefined) {
    const all = tcpMethods(host);
    const make = (names: readonly string[]): LuaTable => {
      const index = new LuaTable();
      for (const n of names) index.setStr(n, all.getStr(n));
      const mt = new LuaTable();
      mt.setStr("__index", index);
      return mt;
    };
    m = { body: make(BODY_METHODS), raw: make(RAW_METHODS) };
    metatables.set(host, m);
  }
  return m;
}

/** Per main request: the raw socket was handed out once already. */
const RAW_TAKEN = "lua.raw_req_socket";

function rawSocket(r: Request, host: AsyncHost): LuaResult {
  if (r.notes.has(RAW_TAKEN)) return [undefined, "duplicate call"];
  const ex = r.exchange;
  // What the request wrote so far goes out before Lua writes on the connection itself.
  if (r.headerSent) void r.flush();
  const taken = ex?.takeSocket?.();
  if (taken === undefined) return luaError("http v2 not supported yet");
  r.notes.set(RAW_TAKEN, true);
  // nginx sends no header of its own from now on, and the connection is not kept alive.
  r.headerSent = true;
  r.keepalive = false;
  if (r.body === undefined) r.body = { data: undefined, file: undefined, length: 0 };
  const s = new RawReqSocket(host, host.request());
  s.mt = metatablesOf(host).raw;
  if (taken.buffered.length > 0) s.buf.push(taken.buffered);
  s.attach(taken.socket);
  // What Lua wrote is the response body for the access log ($body_bytes_sent), as nginx counts it.
  const sock = taken.socket;
  const before = sock.bytesWritten;
  host.request()?.onCleanup(() => {
    r.bodyBytesSent += sock.bytesWritten - before;
  });
  return s;
}

function bodySocket(r: Request, host: AsyncHost): LuaResult {
  if (r.body !== undefined) return [undefined, "request body already exists"];
  const ex = r.exchange;
  const len = ex?.head?.contentLength ?? -1;
  if (ex === undefined || len <= 0) return [undefined, "no body"];
  const req = host.request();
  const s = new ReqBodySocket(host, req, ex);
  s.mt = metatablesOf(host).body;
  s.emptyAllAtEnd = true;
  // Other body readers (ngx.req.read_body) find a body and return at once, as in ngx_lua.
  r.body = { data: undefined, file: undefined, length: 0 };
  markOpen(s);
  ex.readBody(s.sink(), 0, 0);
  req?.onCleanup(() => {
    s.closeConn();
    ex.endBody?.();
  });
  return s;
}

/**
 * The tcp reads treat a socket without `conn` as closed: the body socket has no net.Socket of
 * its own, so it carries a marker object while open.
 */
function markOpen(s: TcpSocket): void {
  s.conn = OPEN_MARK;
  // For the closed-socket log line: the request's connection exists (u and c are not NULL).
  s.everAttached = true;
}
// Never connected nor written to: only compared with undefined (every use that would touch a
// real socket is overridden by ReqBodySocket or not among its methods).
const OPEN_MARK = Object.create(null) as NonNullable<TcpSocket["conn"]>;

/** ngx.req.socket(raw?) */
export const reqSocket = function socket(...a: LuaValue[]): LuaResult {
  if (a.length > 1) return luaError(`expecting zero arguments, but got ${a.length}`);
  const raw = a.length === 1 && a[0] !== undefined && a[0] !== false;
  const { r } = requestFor("ngx.req.socket");
  if (r !== r.main) return luaError("attempt to read the request body in a subrequest");
  if (r.version === 2000) return luaError("http v2 not supported yet");
  if (!raw && r.exchange?.head?.chunked === true) return [undefined, "chunked request bodies not supported yet"];
  const host = runningAsyncHost();
  if (host === undefined) return luaError("no request found");
  return raw ? rawSocket(r, host) : bodySocket(r, host);
} as LuaFunction;
