// The MySQL side of resty.mysql: a session is one mysql2 connection over a socket we open
// ourselves (so that connect errors, timeouts and unix paths read as the cosocket's), and
// an exchange is one COM_QUERY whose result sets are queued as they arrive, to be handed out
// one per read_result as lua-resty-mysql reads them. Nothing here rejects: failures are
// the texts lua-resty-mysql returns.
import * as net from "node:net";
import { lookup } from "node:dns/promises";
import type mysql from "mysql2";
import { lazyRequire } from "../../lazy-require.js";

const mysql2 = lazyRequire<typeof import("mysql2")>("mysql2");
import { errText } from "../../ngx/async/socket/tcp.js";
import { release } from "./mysql-pool.js";
import { luaToUtf8, utf8ToLua } from "../../lua/runtime/convert.js";

/** mysql2's column definition, as much of it as we read. */
interface Field {
  readonly name: string;
  readonly columnType?: number;
  readonly encoding?: string;
}

/** A column of a rows set: its name as Lua bytes and its MySQL type number. */
export interface Column {
  readonly name: string;
  readonly type: number;
}

/**
 * The bytes behind a text mysql2 decoded with `encoding`, as a Lua byte string: latin1-like
 * decodings are byte for byte already; UTF-8 ones encode back. (Other charsets: as UTF-8.)
 */
export function bytesOf(text: string, encoding: string | undefined): string {
  return encoding === "latin1" || encoding === "binary" || encoding === "ascii" ? text : utf8ToLua(text);
}

/** One result of a statement, as read_result returns it. */
export type Item =
  | { readonly kind: "rows"; readonly columns: readonly Column[]; readonly rows: (Buffer | null)[][]; more: boolean }
  /** `info` is Lua bytes already. */
  | { readonly kind: "ok"; readonly affected: number; readonly insertId: number; readonly status: number; readonly warnings: number; readonly info: string; readonly more: boolean }
  | { readonly kind: "err"; readonly message: string; readonly errno: number | undefined; readonly sqlstate: string | undefined }
  /** The connection broke: "failed to receive packet header: closed". */
  | { readonly kind: "broken"; readonly message: string };

// lua-resty-mysql's client capabilities (0x3f7cf): mysql2's defaults without session
// tracking, connect attributes and query attributes, plus interactive and multi-statements.
const FLAGS = ["-SESSION_TRACK", "-CONNECT_ATTRS", "-CLIENT_QUERY_ATTRIBUTES", "INTERACTIVE", "MULTI_STATEMENTS"];

/** Charsets mysql2 encodes as latin1, binary or ascii (one byte per char). */
const LATIN1_CHARSETS = new Set([8, 11, 63]);

/** Charset 63 (binary) makes mysql2 write query text byte for byte (its encoding is "binary"). */
const BINARY_CHARSET = 63;

/** Words of a socket-level failure as the cosocket gives them. */
function brokenText(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "PROTOCOL_CONNECTION_LOST" || code === "EPIPE" || code === undefined) return "closed";
  return errText(e);
}

export class MysqlSession {
  /** Why the connection is unusable (a cosocket word: "closed", "connection reset by peer"). */
  dead: string | undefined = undefined;
  /** Set while pooled: the server closed the idle session or its idle time ran out. */
  onIdleEnd: (() => void) | undefined = undefined;
  /** The exchange reading results now, told of data (read timeouts) and of the end. */
  exchange: Exchange | undefined = undefined;
  private released = false;

  constructor(readonly conn: mysql.Connection, readonly stream: net.Socket, readonly poolName: string, readonly serverVersion: string) {
    // A connection error with no command running is emitted on the connection: always heard.
    conn.on("error", (e: unknown) => this.lost(brokenText(e)));
    conn.on("end", () => this.lost("closed"));
    stream.on("close", () => this.lost("closed"));
    stream.on("data", () => this.exchange?.activity());
  }

  private lost(why: string): void {
    if (this.dead === undefined) this.dead = why;
    this.exchange?.broken(this.dead);
    this.onIdleEnd?.();
    this.releaseOnce();
  }

  private releaseOnce(): void {
    if (this.released) return;
    this.released = true;
    release(this.poolName);
  }

  /** Close the connection without a goodbye. */
  destroy(): void {
    if (this.dead === undefined) this.dead = "closed";
    this.conn.destroy();
    this.stream.destroy();
    this.releaseOnce();
  }

  /** COM_QUIT, then close (close()). */
  quit(): void {
    // Results still coming would hold the goodbye back (mysql2 queues commands): just close.
    if (this.exchange !== undefined) return this.destroy();
    if (this.dead === undefined) this.dead = "closed";
    this.releaseOnce();
    try {
      this.conn.end(() => this.stream.destroy());
    } catch {
      this.stream.destroy();
    }
  }

  /** Send `sql` (a byte string) as COM_QUERY; its results queue up in the returned exchange. */
  send(sql: string): Exchange {
    const ex = new Exchange(this);
    if (this.dead !== undefined) {
      // The cosocket learns of a peer's close only when it reads: the send "succeeds".
      ex.broken(this.dead);
      return ex;
    }
    this.exchange = ex;
    // mysql2 encodes the text with the connection's charset: binary keeps our bytes as they are.
    (this.conn.config as { charsetNumber: number }).charsetNumber = BINARY_CHARSET;
    const q = this.conn.query({ sql, rowsAsArray: true, typeCast: false });
    watchRowsEof(q, ex);
    q.on("fields", (fields?: Field[]) => ex.onFields(fields));
    q.on("result", (r: unknown) => ex.onResult(r));
    q.on("error", (e: unknown) => ex.onError(e));
    q.on("end", () => ex.onEnd());
    return ex;
  }
}

interface EofPacket {
  isEOF(): boolean;
  eofStatusFlags(): number;
}
type State = ((this: unknown, packet: EofPacket, conn: unknown) => unknown) | null;

/**
 * mysql2 tells of a rows set's end only when the next result starts (or the query ends);
 * lua-resty-mysql returns the set at its EOF packet, which says whether more follow. So a
 * slow later statement must not hold back the earlier set: watch the command's state
 * (`next`, one of Query.prototype's methods) and see the EOF packets that `row` reads.
 */
function watchRowsEof(q: object, ex: Exchange): void {
  const row = (Object.getPrototypeOf(q) as { row?: State }).row;
  if (typeof row !== "function") return;
  const watched: State = function (this: unknown, packet, conn) {
    if (packet.isEOF()) ex.rowsEnd((packet.eofStatusFlags() & 8) !== 0);
    return row.call(this, packet, conn);
  };
  let state = (q as { next?: State }).next ?? null;
  Object.defineProperty(q, "next", {
    configurable: true,
    get: () => state,
    set: (v: State) => {
      state = v === row ? watched : v;
    },
  });
}

/** The results of one query, queued for read_result. */
export class Exchange {
  readonly items: Item[] = [];
  /** No more items will come. */
  finished = false;
  private current: Extract<Item, { kind: "rows" }> | undefined = undefined;
  private wake: (() => void) | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(readonly session: MysqlSession) {}

  private push(it: Item): void {
    this.items.push(it);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** A rows set ends at the next set's start, an error or the end. */
  private closeRows(more: boolean): void {
    const c = this.current;
    if (c === undefined) return;
    this.current = undefined;
    c.more = more;
    this.push(c);
  }

  /** The EOF packet of a rows set, with SERVER_MORE_RESULTS_EXISTS or not. */
  rowsEnd(more: boolean): void {
    this.closeRows(more);
  }

  onFields(fields: Field[] | undefined): void {
    this.closeRows(true);
    if (fields === undefined) return;
    // mysql2 decodes a name with its column's charset, or the connection's for binary ones.
    const client = (this.session.conn as unknown as { clientEncoding?: string }).clientEncoding;
    const columns = fields.map((f) => ({
      name: bytesOf(f.name, f.encoding === "binary" ? client : f.encoding),
      type: f.columnType ?? -1,
    }));
    this.current = { kind: "rows", columns, rows: [], more: false };
  }

  onResult(r: unknown): void {
    if (Array.isArray(r)) {
      this.current?.rows.push(r as (Buffer | null)[]);
      return;
    }
    const h = r as { affectedRows?: number; insertId?: number; serverStatus?: number; warningStatus?: number; info?: string };
    const status = h.serverStatus ?? 0;
    this.push({
      kind: "ok",
      affected: Number(h.affectedRows ?? 0),
      insertId: Number(h.insertId ?? 0),
      status,
      warnings: h.warningStatus ?? 0,
      info: bytesOf(h.info ?? "", (this.session.conn as unknown as { serverEncoding?: string }).serverEncoding),
      more: (status & 8) !== 0,
    });
  }

  onError(e: unknown): void {
    this.closeRows(true);
    const err = e as { message?: string; errno?: number; sqlState?: string; fatal?: boolean; code?: string };
    if (/LOCAL INFILE/.test(err.message ?? "") && err.sqlState === undefined) {
      // The server asked for a local file (LOAD DATA LOCAL): mysql2 sent none, as
      // lua-resty-mysql refuses the request.
      this.push({ kind: "err", message: "packet type LOCALINFILE not supported", errno: undefined, sqlstate: undefined });
    } else if (typeof err.sqlState === "string" && typeof err.errno === "number") {
      const enc = (this.session.conn as unknown as { clientEncoding?: string }).clientEncoding;
      this.push({ kind: "err", message: bytesOf(err.message ?? "", enc), errno: err.errno, sqlstate: err.sqlState });
    } else {
      this.push({ kind: "broken", message: brokenText(e) });
    }
    this.finish();
  }

  onEnd(): void {
    this.closeRows(false);
    this.finish();
  }

  broken(why: string): void {
    if (this.finished) return;
    this.closeRows(true);
    this.push({ kind: "broken", message: why });
    this.finish();
  }

  private finish(): void {
    this.finished = true;
    if (this.session.exchange === this) this.session.exchange = undefined;
  }

  /** A read_result is waiting for the next item. */
  get waiting(): boolean {
    return this.wake !== undefined;
  }

  /** Data arrived: a read timeout counts from now. */
  activity(): void {
    this.timer?.refresh();
  }

  /** The next item; undefined when `timeoutMs` (0: none) passes with no data. */
  next(timeoutMs: number): Item | Promise<Item | undefined> {
    const it = this.items.shift();
    if (it !== undefined) return it;
    return new Promise((resolve) => {
      this.wake = () => {
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = undefined;
        resolve(this.items.shift());
      };
      if (timeoutMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.wake = undefined;
          resolve(undefined);
        }, timeoutMs);
      }
    });
  }
}

export interface ConnectParams {
  readonly host: string | undefined;
  readonly port: number;
  readonly path: string | undefined;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly charset: number;
  readonly ssl: boolean;
  readonly sslVerify: boolean;
  readonly poolName: string;
  readonly connectTimeout: number;
  readonly readTimeout: number;
  /** Logs cosocket errors as nginx does (lua_socket_log_errors). */
  readonly log: ((msg: string) => void) | undefined;
}

/** A session, or what connect returns on failure: [nil, err, errno?, sqlstate?] minus the nil. */
export type Opened = MysqlSession | [string, number?, string?];

/** errno and strerror of a failed connect(), for nginx's error log line. */
const ERRNO: Record<string, string> = {
  ECONNREFUSED: "111: Connection refused", ECONNRESET: "104: Connection reset by peer",
  ENOENT: "2: No such file or directory", EHOSTUNREACH: "113: No route to host",
  ENETUNREACH: "101: Network is unreachable", EACCES: "13: Permission denied",
};

async function openSocket(p: ConnectParams): Promise<net.Socket | string> {
  let addr = p.host;
  if (p.host !== undefined && net.isIP(p.host) === 0) {
    try {
      addr = (await lookup(p.host)).address;
    } catch {
      return `${p.host} could not be resolved (3: Host not found)`;
    }
  }
  return new Promise((resolve) => {
    const sock = p.path !== undefined ? net.connect({ path: p.path }) : net.connect({ host: addr, port: p.port });
    const timer = p.connectTimeout > 0 ? setTimeout(() => {
      sock.destroy();
      p.log?.("lua tcp socket connect timed out, when connecting to " + (p.path !== undefined ? `unix:${p.path}` : `${addr}:${p.port}`));
      resolve("timeout");
    }, p.connectTimeout) : undefined;
    sock.once("error", (e) => {
      if (timer !== undefined) clearTimeout(timer);
      const code = (e as { code?: string }).code ?? "";
      p.log?.(`connect() ${p.path !== undefined ? `to unix:${p.path} ` : ""}failed (${ERRNO[code] ?? e.message})`);
      resolve(errText(e));
    });
    sock.once("connect", () => {
      if (timer !== undefined) clearTimeout(timer);
      // Until mysql2 listens (after an await), an error must still find a listener.
      sock.removeAllListeners("error");
      sock.on("error", () => undefined);
      sock.setNoDelay(true);
      resolve(sock);
    });
  });
}

/** Connect and log in: lua-resty-mysql's connect after the pool found nothing to reuse. */
export async function openSession(p: ConnectParams): Promise<Opened> {
  const sock = await openSocket(p);
  if (typeof sock === "string") {
    release(p.poolName);
    return ["failed to connect: " + sock];
  }
  // mysql2 writes the user and database in the charset's encoding: latin1-like ones byte
  // for byte, the others as UTF-8 (the password always as UTF-8).
  const text = LATIN1_CHARSETS.has(p.charset) ? (s: string) => s : luaToUtf8;
  let conn: mysql.Connection;
  try {
    conn = mysql2().createConnection({
      stream: sock,
      user: text(p.user),
      password: luaToUtf8(p.password),
      database: text(p.database),
      charsetNumber: p.charset,
      flags: FLAGS,
      connectTimeout: 0,
      ssl: p.ssl ? { rejectUnauthorized: p.sslVerify } : undefined,
    });
  } catch (e) {
    sock.destroy();
    release(p.poolName);
    return ["failed to connect: " + String((e as Error).message ?? e)];
  }
  return new Promise<Opened>((resolve) => {
    let done = false;
    const finish = (r: Opened): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      sock.off("data", onData);
      conn.off("error", onError);
      conn.off("connect", onConnect);
      if (!(r instanceof MysqlSession)) {
        conn.on("error", () => undefined);
        conn.destroy();
        sock.destroy();
        release(p.poolName);
      }
      resolve(r);
    };
    // Each packet of the handshake has the read timeout, as each receive of the cosocket.
    const timer = p.readTimeout > 0 ? setTimeout(() => {
      p.log?.("lua tcp socket read timed out");
      finish(["failed to receive packet header: timeout"]);
    }, p.readTimeout) : undefined;
    const onData = (): void => void timer?.refresh();
    sock.on("data", onData);
    const onConnect = (hs: { serverVersion?: string }): void => {
      finish(new MysqlSession(conn, sock, p.poolName, utf8ToLua(hs.serverVersion ?? "")));
    };
    const onError = (e: unknown): void => {
      const err = e as { message?: string; errno?: number; sqlState?: string; code?: string };
      if (typeof err.sqlState === "string" && typeof err.errno === "number") {
        finish([bytesOf(err.message ?? "", (conn as unknown as { clientEncoding?: string }).clientEncoding), err.errno, err.sqlState]);
      } else if (err.code === "HANDSHAKE_NO_SSL_SUPPORT") {
        finish(["ssl disabled on server"]);
      } else if (err.code === "HANDSHAKE_SSL_ERROR") {
        finish(["failed to do ssl handshake: " + sslText(e)]);
      } else {
        finish(["failed to receive packet header: " + brokenText(e)]);
      }
    };
    conn.on("connect", onConnect);
    conn.on("error", onError);
  });
}

/** TLS verification failures as ngx_lua words OpenSSL's. */
function sslText(e: unknown): string {
  const code = (e as { code?: string; reason?: string }).code;
  const table: Record<string, string> = {
    DEPTH_ZERO_SELF_SIGNED_CERT: "18: self signed certificate",
    SELF_SIGNED_CERT_IN_CHAIN: "19: self signed certificate in certificate chain",
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "20: unable to get local issuer certificate",
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "21: unable to verify the first certificate",
    CERT_HAS_EXPIRED: "10: certificate has expired",
  };
  return code !== undefined && table[code] !== undefined ? table[code]! : "handshake failed";
}
