// resty.mysql: lua-resty-mysql 0.26's API on mysql2 (./mysql-conn.ts) with keepalive pools
// (./mysql-pool.ts). One MysqlClient (a Lua table with the module as __index) per
// mysql:new(); its state machine, return shapes, type conversions and error texts are
// lua-resty-mysql's. Methods that wait have a generator form yielding a Promise that
// always resolves with the Lua results.
import { LuaTable } from "../../lua/runtime/table.js";
import { luaError } from "../../lua/runtime/error.js";
import { numberToString, stringToNumber, toNumber, typeName } from "../../lua/runtime/convert.js";
import { LUA_NULL, type LuaFunction, type LuaResult, type LuaValue, type Suspension } from "../../lua/runtime/value.js";
import type { AsyncHost, AsyncRequest } from "../../ngx/async/host.js";
import { DEFAULT_ASYNC_SETTINGS } from "../../ngx/async/host.js";
import { YIELDABLE, checkPhase, yieldAcrossC } from "../../ngx/async/phase.js";
import { runningAsyncHost } from "../../ngx/async/running-host.js";
import { openSession, type Column, type ConnectParams, type Exchange, type Item, type MysqlSession } from "./mysql-conn.js";
import { acquire, putIdle } from "./mysql-pool.js";
import { badSelf } from "../util.js";
import { running } from "../../lua/runtime/coroutine.js";
import { logAs } from "../../ngx/async/socket/waiter.js";

type Res = LuaResult | Promise<LuaResult>;

const VERSION = "0.26";
const STATE_CONNECTED = 1;
const STATE_COMMAND_SENT = 2;
const DEFAULT_MAX_PACKET = 1024 * 1024;

/** Column types lua-resty-mysql converts with tonumber (decimal, tiny, short, long, float,
 *  double, int24, year, newdecimal); BIGINT (0x08) and everything else stay strings. */
const NUMERIC_TYPES = new Set([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x09, 0x0d, 0xf6]);

/** lua-resty-mysql's charset names and their default collation ids. "_default" is 0 there
 *  (the server's default); mysql2 cannot send 0, so it sends utf8mb4_general_ci. */
const CHARSETS: Record<string, number> = {
  _default: 45, big5: 1, dec8: 3, cp850: 4, hp8: 6, koi8r: 7, latin1: 8, latin2: 9, swe7: 10,
  ascii: 11, ujis: 12, sjis: 13, hebrew: 16, tis620: 18, euckr: 19, koi8u: 22, gb2312: 24,
  greek: 25, cp1250: 26, gbk: 28, latin5: 30, armscii8: 32, utf8: 33, ucs2: 35, cp866: 36,
  keybcs2: 37, macce: 38, macroman: 39, cp852: 40, latin7: 41, utf8mb4: 45, cp1251: 51,
  utf16: 54, utf16le: 56, cp1256: 57, cp1257: 59, utf32: 60, binary: 63, geostd8: 92,
  cp932: 95, eucjpms: 97, gb18030: 248,
};

export class MysqlClient extends LuaTable {
  session: MysqlSession | undefined = undefined;
  exchange: Exchange | undefined = undefined;
  state: number | undefined = undefined;
  reused = 0;
  poolName = "";
  serverVer: string | undefined = undefined;
  connectTimeout: number;
  /** Reads wait this long for data (sends go to the socket's buffer untimed). */
  readTimeout: number;
  maxPacketSize = DEFAULT_MAX_PACKET;
  /** Its request (or timer) is over: a connect finishing now must not keep its session. */
  ended = false;

  constructor(readonly host: AsyncHost | undefined, readonly req: AsyncRequest | undefined) {
    super();
    const s = host?.settings() ?? DEFAULT_ASYNC_SETTINGS;
    this.connectTimeout = s.socketConnectTimeout;
    this.readTimeout = s.socketReadTimeout;
    // A session not put into a pool closes with its request, as the cosocket does.
    req?.onCleanup(() => {
      this.ended = true;
      this.drop();
    });
  }

  /** Take `session` for this client; false (session closed) when the request is over. */
  attach(session: MysqlSession): boolean {
    if (this.ended) {
      session.destroy();
      return false;
    }
    this.session = session;
    return true;
  }

  /** Close the session without a goodbye (errors, request end). */
  drop(): void {
    this.session?.destroy();
    this.session = undefined;
    this.exchange = undefined;
  }

  /** The thread that made the client: its lines carry that request's context, written from socket events. */
  private readonly thread = running();

  log(msg: string): void {
    if (this.host !== undefined) logAs(this.host, this.thread, msg);
  }
}

/** The client behind `self` for an operation on its connection, with the cosocket's checks. */
function clientOf(self: LuaValue): MysqlClient | undefined {
  if (!(self instanceof MysqlClient)) {
    if (!(self instanceof LuaTable)) return badSelf(self);
    return undefined;
  }
  if (self.host !== undefined) {
    checkPhase(self.host, YIELDABLE);
    if (self.req !== self.host.request()) luaError("bad request");
  }
  return self;
}

const NOT_INITIALIZED: LuaValue[] = [undefined, "not initialized"];

function stateWord(self: LuaValue): string {
  const st = self instanceof MysqlClient ? self.state : self instanceof LuaTable ? self.getStr("state") : undefined;
  return st === undefined ? "nil" : typeof st === "number" ? numberToString(st) : String(st);
}

/** A Lua string option (`opts.user or ""`), numbers as Lua concatenates them. */
function strOpt(opts: LuaTable, key: string, def: string): string {
  const v = opts.getStr(key);
  if (v === undefined || v === false) return def;
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberToString(v);
  return luaError(`attempt to concatenate field '${key}' (a ${typeName(v)} value)`);
}

function truthy(v: LuaValue): boolean {
  return v !== undefined && v !== false;
}

/** Options of the cosocket's connect (pool_size, backlog), checked as ngx_lua checks them. */
function poolOpts(opts: LuaTable): { size: number | undefined; backlog: number | undefined } {
  let size: number | undefined;
  let backlog: number | undefined;
  const ps = opts.getStr("pool_size");
  if (ps !== undefined) {
    if (typeof ps !== "number") return luaError(`bad "pool_size" option type: ${typeName(ps)}`);
    if (ps <= 0) return luaError(`bad "pool_size" option value: ${numberToString(Math.trunc(ps))}`);
    size = Math.floor(ps);
  }
  const bl = opts.getStr("backlog");
  if (bl !== undefined) {
    if (typeof bl !== "number") return luaError(`bad "backlog" option type: ${typeName(bl)}`);
    if (bl < 0) return luaError(`bad "backlog" option value: ${numberToString(Math.trunc(bl))}`);
    backlog = Math.floor(bl);
  }
  return { size, backlog };
}

/** connect's checks, which raise or answer at once; then connectTo, which waits. */
function connect(c: MysqlClient, opts: LuaTable): Res {
  const database = strOpt(opts, "database", "");
  const user = strOpt(opts, "user", "");
  const cs = opts.getStr("charset");
  const charset = CHARSETS[truthy(cs) ? (typeof cs === "number" ? numberToString(cs) : String(cs)) : "_default"];
  if (charset === undefined) return [undefined, `charset '${typeof cs === "number" ? numberToString(cs) : String(cs)}' is not supported`];
  const poolOpt = opts.getStr("pool");
  if (poolOpt !== undefined && poolOpt !== false && typeof poolOpt !== "string" && typeof poolOpt !== "number") {
    return luaError(`bad "pool" option type: ${typeName(poolOpt)}`);
  }
  const sslVerify = truthy(opts.getStr("ssl_verify"));
  const ssl = truthy(opts.getStr("ssl")) || sslVerify;
  const password = strOpt(opts, "password", "");
  const hostV = opts.getStr("host");
  let host: string | undefined;
  let path: string | undefined;
  let port = 3306;
  let pool: string;
  if (truthy(hostV)) {
    if (typeof hostV !== "string") return luaError(`bad argument #1 to 'connect' (string expected, got ${typeName(hostV)})`);
    host = hostV;
    const pv = opts.getStr("port");
    const p = truthy(pv) ? toNumber(pv) : 3306;
    if (p === undefined) return luaError(`bad argument #2 to 'connect' (number expected, got ${typeName(pv)})`);
    if (p < 0 || p > 65535 || Math.floor(p) !== p) return [undefined, `failed to connect: bad port number: ${numberToString(p)}`];
    port = p;
    const portText = typeof pv === "string" ? pv : numberToString(p);
    pool = `${user}:${database}:${host}:${portText}`;
  } else {
    const pv = opts.getStr("path");
    if (!truthy(pv)) return [undefined, 'neither "host" nor "path" options are specified'];
    path = typeof pv === "number" ? numberToString(pv) : String(pv);
    pool = `${user}:${database}:${path}`;
  }
  if (typeof poolOpt === "string") pool = poolOpt;
  else if (typeof poolOpt === "number") pool = numberToString(poolOpt);
  const { size, backlog } = poolOpts(opts);
  const params: ConnectParams = {
    host, port, path, user, password, database, charset, ssl, sslVerify,
    poolName: pool,
    connectTimeout: c.connectTimeout,
    readTimeout: c.readTimeout,
    log: (m) => c.log(m),
  };
  // A connected client connecting again closes its connection first, as the cosocket does.
  c.drop();
  c.poolName = pool;
  // The Promise a Lua thread waits on must resolve: an unexpected exception is a failure.
  // With a backlog and no pool_size, the pool has lua_socket_pool_size connections.
  const poolSize = size ?? (backlog !== undefined ? (c.host?.settings() ?? DEFAULT_ASYNC_SETTINGS).socketPoolSize : undefined);
  return connectTo(c, params, poolSize, backlog).catch((e: unknown) => [undefined, "failed to connect: " + String((e as Error).message ?? e)]);
}

async function connectTo(c: MysqlClient, params: ConnectParams, size: number | undefined, backlog: number | undefined): Promise<LuaResult> {
  const got = await acquire(params.poolName, size, backlog, c.connectTimeout);
  if (typeof got === "object") {
    if (!c.attach(got.session)) return [undefined, "failed to connect: closed"];
    c.reused = got.reused + 1;
    c.state = STATE_CONNECTED;
    return 1;
  }
  if (got !== "open") return [undefined, "failed to connect: " + got];
  const r = await openSession(params);
  if (Array.isArray(r)) return [undefined, ...r];
  if (!c.attach(r)) return [undefined, "closed"];
  c.reused = 0;
  c.serverVer = r.serverVersion;
  c.state = STATE_CONNECTED;
  return 1;
}

function sendQuery(self: LuaValue, sql: LuaValue): LuaResult {
  if (stateWord(self) !== "1") return [undefined, "cannot send query in the current context: " + stateWord(self)];
  const c = clientOf(self);
  if (c === undefined) return NOT_INITIALIZED;
  if (typeof sql !== "string" && typeof sql !== "number") return luaError(`attempt to concatenate local 'query' (a ${typeName(sql)} value)`);
  const text = typeof sql === "number" ? numberToString(sql) : sql;
  const s = c.session;
  if (s === undefined) return [undefined, "closed"];
  c.exchange = s.send(text);
  c.state = STATE_COMMAND_SENT;
  // The bytes of the COM_QUERY packet: header, command byte, text.
  return 5 + text.length;
}

/** The length of a text-protocol row packet: each value a length-coded string, NULL one byte. */
function rowPacketSize(row: readonly (Buffer | null)[]): number {
  let n = 0;
  for (const b of row) {
    if (b === null) n += 1;
    else {
      const l = b.length;
      n += l + (l < 251 ? 1 : l < 0x10000 ? 3 : l < 0x1000000 ? 4 : 9);
    }
  }
  return n;
}

/**
 * A result set as lua-resty-mysql builds it: rows keyed by column name, or arrays (compact).
 * A row packet longer than max_packet_size gives its size instead, as that read fails there.
 */
function rowsToLua(columns: readonly Column[], rows: (Buffer | null)[][], compact: boolean, maxPacket: number): LuaTable | number {
  const n = columns.length;
  const names = columns.map((c) => c.name);
  const numeric = columns.map((c) => NUMERIC_TYPES.has(c.type));
  const out: LuaValue[] = new Array<LuaValue>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const size = rowPacketSize(row);
    if (size > maxPacket) return size;
    const vals: LuaValue[] = new Array<LuaValue>(n);
    for (let i = 0; i < n; i++) {
      const b = row[i];
      if (b === null || b === undefined) vals[i] = LUA_NULL;
      else {
        const s = b.toString("latin1");
        vals[i] = numeric[i] ? stringToNumber(s) : s;
      }
    }
    if (compact) out[r] = new LuaTable(vals);
    else {
      const t = new LuaTable();
      for (let i = 0; i < n; i++) t.setStr(names[i]!, vals[i]);
      out[r] = t;
    }
  }
  return new LuaTable(out);
}

function itemToLua(c: MysqlClient, it: Item): LuaResult {
  switch (it.kind) {
    case "err":
      c.state = STATE_CONNECTED;
      return it.errno === undefined ? [undefined, it.message] : [undefined, it.message, it.errno, it.sqlstate];
    case "broken":
      // The cosocket closes on a failed read; the state stays "command sent".
      c.drop();
      return [undefined, "failed to receive packet header: " + it.message];
    case "ok": {
      const res = new LuaTable();
      res.setStr("affected_rows", it.affected);
      res.setStr("insert_id", it.insertId);
      res.setStr("server_status", it.status);
      res.setStr("warning_count", it.warnings);
      if (it.info !== "") res.setStr("message", it.info);
      if (it.more) return [res, "again"];
      c.state = STATE_CONNECTED;
      return res;
    }
    case "rows": {
      const rows = rowsToLua(it.columns, it.rows, truthy(c.getStr("compact")), c.maxPacketSize);
      if (typeof rows === "number") {
        c.drop();
        return [undefined, "packet size too big: " + numberToString(rows)];
      }
      if (it.more) return [rows, "again"];
      c.state = STATE_CONNECTED;
      return rows;
    }
  }
}

function readResult(self: LuaValue): Res {
  if (stateWord(self) !== "2") return [undefined, "cannot read result in the current context: " + stateWord(self)];
  const c = clientOf(self);
  if (c === undefined) return NOT_INITIALIZED;
  const ex = c.exchange;
  if (ex === undefined) return [undefined, "failed to receive packet header: closed"];
  // Another light thread is reading this connection.
  if (ex.waiting) return [undefined, "failed to receive packet header: socket busy reading"];
  const it = ex.next(c.readTimeout);
  if (!(it instanceof Promise)) return itemToLua(c, it);
  return it.then((got) => {
    if (got !== undefined) return itemToLua(c, got);
    c.log("lua tcp socket read timed out");
    return [undefined, "failed to receive packet header: timeout"];
  });
}

function query(self: LuaValue, sql: LuaValue): Res {
  const sent = sendQuery(self, sql);
  if (Array.isArray(sent)) return [undefined, "failed to send query: " + String(sent[1])];
  return readResult(self);
}

function setKeepalive(self: LuaValue, timeout: LuaValue, size: LuaValue): LuaResult {
  const c = clientOf(self);
  if (c === undefined) return NOT_INITIALIZED;
  if (c.state !== STATE_CONNECTED) return [undefined, "cannot be reused in the current connection state: " + stateWord(c)];
  c.state = undefined;
  const s = c.session;
  if (s === undefined) return [undefined, "closed"];
  if (s.dead !== undefined) {
    c.drop();
    return [undefined, "closed"];
  }
  const settings = c.host?.settings() ?? DEFAULT_ASYNC_SETTINGS;
  let t = settings.socketKeepaliveTimeout;
  if (timeout !== undefined) {
    const n = toNumber(timeout);
    if (n === undefined || n < 0) return luaError("bad argument #2 to 'setkeepalive' (bad timeout)");
    t = n;
  }
  let poolSize = settings.socketPoolSize;
  if (size !== undefined) {
    const n = toNumber(size);
    if (n === undefined || n <= 0) return luaError(`bad "pool_size" option value: ${typeof size === "number" ? numberToString(size) : String(size)}`);
    poolSize = Math.floor(n);
  }
  c.session = undefined;
  c.exchange = undefined;
  putIdle(c.poolName, s, c.reused, t, poolSize);
  return 1;
}

function timeoutArg(v: LuaValue): number {
  if (v === undefined) return 0;
  const n = toNumber(v);
  if (n === undefined) return luaError(`bad argument #2 to 'settimeout' (number expected, got ${typeName(v)})`);
  return n < 0 ? 0 : n;
}

/** The methods; `wait` marks those whose plain form cannot finish (they yield). */
const METHODS: Record<string, { readonly wait: boolean; readonly impl: (self: LuaValue, ...a: LuaValue[]) => Res }> = {
  set_timeout: {
    wait: false,
    impl(self, t) {
      if (!(self instanceof MysqlClient)) return self instanceof LuaTable ? NOT_INITIALIZED : badSelf(self);
      const ms = timeoutArg(t);
      self.connectTimeout = self.readTimeout = ms;
      return [];
    },
  },
  connect: {
    wait: true,
    impl(self, opts) {
      const c = clientOf(self);
      if (c === undefined) return NOT_INITIALIZED;
      if (!(opts instanceof LuaTable)) return badSelf(opts, "opts");
      const mp = opts.getStr("max_packet_size");
      c.maxPacketSize = truthy(mp) ? (toNumber(mp) ?? DEFAULT_MAX_PACKET) : DEFAULT_MAX_PACKET;
      c.setStr("compact", opts.getStr("compact_arrays"));
      return connect(c, opts);
    },
  },
  set_keepalive: { wait: false, impl: (self, t, n) => setKeepalive(self, t, n) },
  get_reused_times: {
    wait: false,
    impl(self) {
      const c = clientOf(self);
      if (c === undefined) return NOT_INITIALIZED;
      return c.session === undefined ? [undefined, "closed"] : c.reused;
    },
  },
  close: {
    wait: false,
    impl(self) {
      const c = clientOf(self);
      if (c === undefined) return NOT_INITIALIZED;
      c.state = undefined;
      const s = c.session;
      if (s === undefined || s.dead !== undefined) {
        c.drop();
        return [undefined, "closed"];
      }
      c.session = undefined;
      c.exchange = undefined;
      s.quit();
      return 1;
    },
  },
  server_ver: {
    wait: false,
    impl(self) {
      if (self instanceof MysqlClient) return self.serverVer;
      return self instanceof LuaTable ? self.getStr("_server_ver") : badSelf(self);
    },
  },
  send_query: { wait: false, impl: (self, sql) => sendQuery(self, sql) },
  read_result: { wait: true, impl: (self) => readResult(self) },
  query: { wait: true, impl: (self, sql) => query(self, sql) },
  set_compact_arrays: {
    wait: false,
    impl(self, v) {
      if (!(self instanceof LuaTable)) return badSelf(self);
      self.setStr("compact", v);
      return [];
    },
  },
};

/** The resty.mysql module table of one Lua state. */
export function makeMysql(): LuaValue {
  const M = new LuaTable();
  M.setStr("_VERSION", VERSION);
  const mt = new LuaTable();
  mt.setStr("__index", M);
  for (const [name, { wait, impl }] of Object.entries(METHODS)) {
    const plain = ((self: LuaValue, ...a: LuaValue[]): LuaResult => {
      if (wait && self instanceof MysqlClient) return yieldAcrossC();
      const r = impl(self, ...a);
      return r instanceof Promise ? yieldAcrossC() : r;
    }) as LuaFunction;
    plain.$name = name;
    plain.$g = function* (self: LuaValue, ...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
      const r = impl(self, ...a);
      return r instanceof Promise ? ((yield r) as LuaResult) : r;
    };
    M.setStr(name, plain);
  }
  const newFn = ((): LuaResult => {
    const host = runningAsyncHost();
    // ngx.socket.tcp()'s checks: init_by_lua has no request at all; elsewhere only where
    // cosockets may run.
    if (host !== undefined) {
      if (host.phase() === "init") luaError("no request found");
      checkPhase(host, YIELDABLE);
    }
    const c = new MysqlClient(host, host?.request());
    c.mt = mt;
    return c;
  }) as LuaFunction;
  newFn.$name = "new";
  M.setStr("new", newFn);
  return M;
}
