// resty.redis: lua-resty-redis's API on ioredis. One RedisObject (a Lua table) per
// redis:new(); every Redis command is a method, made on first use and cached in the module
// table as lua-resty-redis does. Methods that wait have a plain form and a generator form
// (`$g`) yielding a Promise that always resolves with the Lua results; the plain form
// answers what it can without waiting and otherwise raises LuaJIT's "attempt to yield
// across C-call boundary" before sending anything.
import { LuaTable } from "../../lua/runtime/table.js";
import { luaError } from "../../lua/runtime/error.js";
import { numberToString, toNumber, typeName } from "../../lua/runtime/convert.js";
import { tostring } from "../../lua/runtime/ops.js";
import { LUA_NULL, NONE, type LuaFunction, type LuaResult, type LuaValue, type Suspension } from "../../lua/runtime/value.js";
import type { AsyncRequest, AsyncSettings } from "../../ngx/async/host.js";
import { DEFAULT_ASYNC_SETTINGS } from "../../ngx/async/host.js";
import { runningAsyncHost } from "../../ngx/async/running-host.js";
import { RedisLink, openLink, replyToLua, classify, failureResult, Failure, type Target } from "./redis-link.js";
import { definePool, poolPut, poolTake, release, reserve, waitTurn } from "./redis-pool.js";
import { SubState } from "./redis-sub.js";

type Res = LuaResult | Promise<LuaResult>;

/** What resty.redis needs from the server: an AsyncHost (src/ngx/async/host.ts) has it all. */
export interface RedisHost {
  phase(): string | undefined;
  contextName?(): string;
  request(): AsyncRequest | undefined;
  settings(): AsyncSettings;
  log(level: number, msg: string): void;
}

/** Phases whose code may use cosockets (as src/ngx/async/phase.ts YIELDABLE). */
const COSOCKET_PHASES = new Set(["rewrite", "access", "content", "timer", "ssl_cert", "ssl_session_fetch", "ssl_client_hello", "preread"]);

/** The cosocket API's refusal outside the phases that may wait, worded as ngx_lua does. */
function checkPhase(host: RedisHost): void {
  const p = host.phase();
  if (p === undefined || p === "init") luaError("no request found");
  if (!COSOCKET_PHASES.has(p)) luaError(`API disabled in the context of ${host.contextName?.() ?? `${p}_by_lua*`}`);
}

const ERR = 4;
const NON_ASCII = /[^\x00-\x7f]/;

/** A command argument as lua-resty-redis sends it (tostring of non-strings), as ioredis takes it. */
function wireArg(v: LuaValue): string | Buffer {
  const s = typeof v === "string" ? v : typeof v === "number" ? numberToString(v) : tostring(v);
  // ioredis writes strings as UTF-8: only ASCII goes as a string, other bytes as a Buffer.
  return NON_ASCII.test(s) ? Buffer.from(s, "latin1") : s;
}

/** `{...}` of the Lua original: trailing nils are not sent, inner ones are sent as "nil". */
function argCount(a: LuaValue[], from: number): number {
  let n = a.length;
  while (n > from && a[n - 1] === undefined) n--;
  return n;
}

/**
 * ioredis rewrites the replies of a few lower-case command names (hgetall into an object)
 * and the arguments of others when one is an object (a Buffer is one): these go under
 * their upper-case name, which Redis takes the same and ioredis leaves alone. Other names
 * stay lower-case so that ioredis knows subscribe, select and quit.
 */
const IOREDIS_REWRITES = new Set(["hgetall", "mset", "msetnx", "hset", "hmset"]);
function ioName(name: string): string {
  // ASCII letters only (JS would lower Latin-1 letters too, changing the bytes).
  const lower = /[A-Z]/.test(name) ? name.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : name;
  if (IOREDIS_REWRITES.has(lower)) return lower.toUpperCase();
  // ioredis writes the name as UTF-8: bytes that are UTF-8 go out as they were.
  return NON_ASCII.test(lower) ? Buffer.from(lower, "latin1").toString("utf8") : lower;
}

interface Queued {
  readonly name: string;
  readonly io: string;
  readonly args: (string | Buffer)[];
}

export class RedisObject extends LuaTable {
  link: RedisLink | undefined = undefined;
  poolName = "";
  connectTimeout: number;
  sendTimeout: number;
  readTimeout: number;
  subscribed = false;
  /**
   * The connection broke and Lua was told (the cosocket keeps it until closed): after the
   * peer closed it ("eof") reads fail with "closed"; after a reset the next send fails with
   * "broken pipe" and closes it.
   */
  broken: "eof" | "reset" | undefined = undefined;
  /** A command of this object waits for its reply: another one answers "socket busy reading". */
  reading = false;
  pipeline: Queued[] | undefined = undefined;
  sub: SubState | undefined = undefined;
  /** A log line produced while waiting, written once the Lua thread runs again (its request's context). */
  pendingLog: string | undefined = undefined;
  pendingLevel = ERR;
  private cleanupSet = false;

  constructor(readonly host: RedisHost, readonly req: AsyncRequest | undefined) {
    super();
    const s = host.settings();
    this.connectTimeout = s.socketConnectTimeout;
    this.sendTimeout = s.socketSendTimeout;
    this.readTimeout = s.socketReadTimeout;
  }

  attach(link: RedisLink, poolName: string): void {
    this.link = link;
    this.poolName = poolName;
    if (!this.cleanupSet && this.req !== undefined) {
      this.cleanupSet = true;
      // A connection not put into a pool closes with its request, as a cosocket does.
      this.req.onCleanup(() => this.closeLink());
    }
  }

  /** Let go of the connection without closing it (into a pool). */
  detach(): RedisLink | undefined {
    const l = this.link;
    this.link = undefined;
    this.sub?.detach();
    this.sub = undefined;
    return l;
  }

  closeLink(): void {
    this.broken = undefined;
    this.detach()?.destroy();
  }

  logLater(msg: string, level = ERR): void {
    if (this.host.settings().socketLogErrors) {
      this.pendingLog = msg;
      this.pendingLevel = level;
    }
  }

  flushLog(): void {
    const m = this.pendingLog;
    if (m !== undefined) {
      this.pendingLog = undefined;
      this.host.log(this.pendingLevel, m);
    }
  }
}

/** The object a method was called on; undefined for other tables (lua-resty-redis: "not initialized"). */
function objOf(self: LuaValue): RedisObject | undefined {
  if (self instanceof RedisObject) return self;
  if (self instanceof LuaTable) return undefined;
  return luaError(`bad argument #1 to 'rawget' (table expected, got ${typeName(self)})`);
}

/** The cosocket's checks before any I/O: the phase, and the request the object belongs to. */
function checkUse(o: RedisObject): void {
  checkPhase(o.host);
  if (o.req !== o.host.request()) luaError("bad request");
}

const NOT_INITIALIZED: LuaValue[] = [undefined, "not initialized"];
const CLOSED: LuaValue[] = [undefined, "closed"];

const BUSY: LuaValue[] = [undefined, "socket busy reading"];

function logNow(o: RedisObject, msg: string): void {
  if (o.host.settings().socketLogErrors) o.host.log(ERR, msg);
}

/** A send on a connection that is not there: ngx_lua logs it, and the result is "closed". */
function sendOnClosed(o: RedisObject): LuaResult {
  logNow(o, "attempt to send data on a closed socket: u:0000000000000000, c:0000000000000000, ft:0 eof:0");
  return CLOSED;
}

/**
 * The connection broke (the server closed or reset it): the first operation to notice
 * answers as the cosocket's failed read ("closed", or "connection reset by peer" with
 * nginx's recv() line), and the object keeps the broken connection as the cosocket does.
 */
function reportBroken(o: RedisObject, link: RedisLink, later: boolean): LuaResult {
  const reset = link.err === "connection reset by peer";
  o.broken = reset ? "reset" : "eof";
  if (reset) {
    const line = "recv() failed (104: Connection reset by peer)";
    if (later) o.logLater(line);
    else logNow(o, line);
  }
  return [undefined, link.err ?? "closed"];
}

/** A command on a broken connection, answered as the cosocket answers (see RedisObject.broken). */
function onBroken(o: RedisObject, link: RedisLink): LuaResult {
  if (o.broken === undefined) return reportBroken(o, link, false);
  if (o.broken === "eof") {
    logNow(o, "attempt to receive data on a closed socket: u:0000000000000000, c:0000000000000000, ft:0 eof:1");
    return CLOSED;
  }
  logNow(o, "send() failed (32: Broken pipe)");
  o.closeLink();
  return [undefined, "broken pipe"];
}

const ignore = (): void => {};

function yieldAcrossC(): never {
  return luaError("attempt to yield across C-call boundary");
}

/** A failed command: the Lua results, after closing the connection where lua-resty-redis does. */
function failed(o: RedisObject, link: RedisLink, e: unknown, name: string): LuaResult {
  const kind = classify(e);
  if (kind === Failure.Timeout) {
    o.logLater("lua tcp socket read timed out");
    if (!o.subscribed && o.link === link) o.closeLink();
  } else if (kind === Failure.Closed && o.link === link) {
    return reportBroken(o, link, true);
  }
  return failureResult(kind, e, link, name);
}

/**
 * Send one command and turn its reply into Lua results with `onReply`; in pipeline mode,
 * queue it and return nothing.
 */
function sendCommand(o: RedisObject, name: string, io: string, a: LuaValue[], from: number, canWait: boolean, onReply: (r: unknown, args: LuaValue[]) => LuaResult): Res {
  const n = argCount(a, from);
  const args = new Array<string | Buffer>(n - from);
  for (let i = from; i < n; i++) args[i - from] = wireArg(a[i]);
  if (o.pipeline !== undefined) {
    o.pipeline.push({ name, io, args });
    return NONE;
  }
  checkUse(o);
  const link = o.link;
  if (link === undefined) return sendOnClosed(o);
  if (!link.alive) return onBroken(o, link);
  if (o.reading) {
    // The cosocket sends it, then refuses to read while another thread reads.
    link.send(io, args).then(ignore, ignore);
    return BUSY;
  }
  if (!canWait) return yieldAcrossC();
  link.setReadTimeout(o.readTimeout);
  o.reading = true;
  return link.send(io, args).then(
    (r) => {
      o.reading = false;
      return onReply(r, a);
    },
    (e: unknown) => {
      o.reading = false;
      return failed(o, link, e, name);
    },
  );
}

const plainReply = (r: unknown): LuaResult => replyToLua(r);

/** A command method: `red:get(k)` sends GET k. */
function command(name: string): (self: LuaValue, a: LuaValue[], canWait: boolean) => Res {
  const io = ioName(name);
  return (self, a, canWait) => {
    const o = objOf(self);
    if (o === undefined) return NOT_INITIALIZED;
    return sendCommand(o, name, io, a, 0, canWait, plainReply);
  };
}

/** A Lua method from an implementation taking (self, args, canWait). */
function method(name: string, impl: (self: LuaValue, a: LuaValue[], canWait: boolean) => Res): LuaFunction {
  const plain = ((self: LuaValue, ...a: LuaValue[]): LuaResult => impl(self, a, false) as LuaResult) as LuaFunction;
  plain.$name = name;
  plain.$g = function* (self: LuaValue, ...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
    const r = impl(self, a, true);
    if (!(r instanceof Promise)) return r;
    const v = (yield r) as LuaResult;
    // Back in the Lua thread: logs written now carry its request's context.
    if (self instanceof RedisObject && self.pendingLog !== undefined) self.flushLog();
    return v;
  };
  return plain;
}

/** A method that never waits. */
function syncMethod(name: string, impl: (self: LuaValue, ...a: LuaValue[]) => LuaResult): LuaFunction {
  const f = impl as LuaFunction;
  f.$name = name;
  return f;
}

/** A timeout as ngx_lua reads it (lua_tonumber: anything else is 0, no timeout). */
function timeoutArg(v: LuaValue): number {
  const n = toNumber(v) ?? 0;
  return n < 0 ? 0 : n;
}

function connect(self: LuaValue, a: LuaValue[], canWait: boolean): Res {
  const o = objOf(self);
  if (o === undefined) return NOT_INITIALIZED;
  checkUse(o);
  // The cosocket's argument checks, worded as ngx_lua words them (the object counts as #1;
  // lua-resty-redis tail-calls the cosocket, so the errors have no position).
  if (a.length < 1 || a.length > 3) return luaError(`ngx.socket connect: expecting 2, 3, or 4 arguments (including the object), but seen ${a.length + 1}`, 0);
  const spec = a[0];
  if (typeof spec !== "string" && typeof spec !== "number") return luaError(`bad argument #2 to '?' (string expected, got ${typeName(spec)})`, 0);
  const name = typeof spec === "number" ? numberToString(spec) : spec;
  let target: Target;
  let opts: LuaValue;
  let poolName: string;
  let optsArg: number;
  if (name.startsWith("unix:")) {
    target = { host: undefined, port: undefined, path: name.slice(5) };
    opts = a[1];
    poolName = name;
    optsArg = 3;
  } else {
    if (a[1] === undefined) return [undefined, "missing the port number"];
    const p = toNumber(a[1]);
    if (p === undefined) return luaError(`bad argument #3 to '?' (number expected, got ${typeName(a[1])})`, 0);
    if (p < 0 || p > 65535 || Math.floor(p) !== p) return [undefined, `bad port number: ${numberToString(p)}`];
    target = { host: name, port: p, path: undefined };
    opts = a[2];
    poolName = `${name}:${p}`;
    optsArg = 4;
  }
  const optError = (what: string): never => luaError(`bad argument #${optsArg} to '?' (${what})`, 0);
  let poolSize: number | undefined;
  let backlog: number | undefined;
  if (opts instanceof LuaTable) {
    const pn = opts.getStr("pool");
    if (typeof pn === "string") poolName = pn;
    else if (typeof pn === "number") poolName = numberToString(pn);
    else if (pn !== undefined) return optError(`bad "pool" option type: ${typeName(pn)}`);
    const ps = opts.getStr("pool_size");
    if (ps !== undefined) {
      if (typeof ps !== "number") return optError(`bad "pool_size" option type: ${typeName(ps)}`);
      const n = Math.trunc(ps);
      if (!(n > 0)) return optError(`bad "pool_size" option value: ${numberToString(n)}`);
      poolSize = n;
      definePool(poolName, poolSize);
    }
    const bl = opts.getStr("backlog");
    if (bl !== undefined) {
      // ngx_lua reads it with lua_tointeger: a non-number is 0.
      const n = Math.trunc(toNumber(bl) ?? 0);
      if (n < 0) return optError(`bad "backlog" option value: ${numberToString(n)}`);
      backlog = n;
    }
    // TLS to Redis is not supported: say so rather than talk plain TCP to a TLS port.
    if (opts.getStr("ssl") === true) return [undefined, "failed to do ssl handshake: ssl is not supported by tsresty's resty.redis"];
  }
  o.subscribed = false;
  // Connecting an object that is connected closes its connection first, as a cosocket does.
  o.closeLink();
  const pooled = poolTake(poolName);
  if (pooled !== undefined) {
    pooled.reused++;
    o.attach(pooled, poolName);
    return 1;
  }
  if (!canWait) return yieldAcrossC();
  const size = poolSize ?? o.host.settings().socketPoolSize;
  const where = target.path !== undefined ? `unix:${target.path}` : `${spec}:${target.port ?? ""}`;
  return connectNew(o, target, poolName, size, backlog, where);
}

/** Open a new connection for `o`, waiting in the pool's backlog first if it has one and is full. */
async function connectNew(o: RedisObject, target: Target, poolName: string, size: number, backlog: number | undefined, where: string): Promise<LuaResult> {
  for (;;) {
    const slot = reserve(poolName, size, backlog);
    if (slot === "open") break;
    if (slot === "full") return [undefined, "too many waiting connect operations"];
    if (!(await waitTurn(poolName, o.connectTimeout))) {
      o.logLater(`lua tcp socket queued connect timed out, when trying to connect to ${where}`);
      return [undefined, "timeout"];
    }
    // Woken by a connection put into the pool: take it if nobody else did.
    const pooled = poolTake(poolName);
    if (pooled !== undefined) {
      pooled.reused++;
      o.attach(pooled, poolName);
      return 1;
    }
  }
  const r = await openLink(target, o.connectTimeout);
  if ("err" in r) {
    release(poolName);
    if (r.log !== "") o.logLater(r.log, r.level);
    return [undefined, r.err];
  }
  r.link.pool = poolName;
  o.attach(r.link, poolName);
  return 1;
}

function setKeepalive(self: LuaValue, timeout: LuaValue, size: LuaValue): LuaResult {
  const o = objOf(self);
  if (o === undefined) return NOT_INITIALIZED;
  if (o.subscribed) return [undefined, "subscribed state"];
  checkUse(o);
  const link = o.link;
  // A broken connection stays with the object (close still closes it).
  if (link === undefined || !link.alive || o.broken !== undefined) return CLOSED;
  if (o.reading) return BUSY;
  const settings = o.host.settings();
  let idle = settings.socketKeepaliveTimeout;
  if (timeout !== undefined) {
    const n = toNumber(timeout);
    if (n === undefined) return luaError(`bad argument #2 to '?' (number expected, got ${typeName(timeout)})`, 0);
    // ngx_lua takes the time as unsigned: a negative one never runs out, as 0.
    idle = n < 0 ? 0 : n;
  }
  let poolSize = settings.socketPoolSize;
  if (size !== undefined) {
    const n = toNumber(size);
    if (n === undefined || n <= 0) return luaError(`bad argument #3 to '?' (bad "pool_size" option value: ${tostring(size)})`, 0);
    poolSize = Math.floor(n);
  }
  if (link.client.commandQueue.length > 0) {
    // Replies still to come would reach the connection's next user.
    o.closeLink();
    return [undefined, "unread data in buffer"];
  }
  o.detach();
  poolPut(o.poolName, link, idle, poolSize);
  return 1;
}

/** lua-resty-redis leaves subscribed mode when an unsubscribe reply counts 0 subscriptions. */
function checkSubscribed(o: RedisObject, res: LuaValue): void {
  if (res instanceof LuaTable) {
    const k = res.get(1);
    if ((k === "unsubscribe" || k === "punsubscribe") && res.get(3) === 0) o.subscribed = false;
  }
}

function subCommand(kind: "subscribe" | "psubscribe"): (self: LuaValue, a: LuaValue[], canWait: boolean) => Res {
  return (self, a, canWait) => {
    const o = objOf(self);
    if (o === undefined) return NOT_INITIALIZED;
    o.subscribed = true;
    // Listening before the command goes: a message may come in the same read as the confirmation.
    if (o.pipeline === undefined && o.link !== undefined && o.link.alive) o.sub ??= new SubState(o.link);
    return sendCommand(o, kind, kind, a, 0, canWait, (_r, args) => {
      const sub = o.sub;
      if (sub === undefined) return CLOSED;
      return sub.subscribed(kind, args.slice(0, argCount(args, 0)).map(tostring));
    });
  };
}

function unsubCommand(kind: "unsubscribe" | "punsubscribe"): (self: LuaValue, a: LuaValue[], canWait: boolean) => Res {
  return (self, a, canWait) => {
    const o = objOf(self);
    if (o === undefined) return NOT_INITIALIZED;
    const sub = o.sub;
    let args = a;
    if (argCount(a, 0) === 0 && sub !== undefined && o.pipeline === undefined && o.link !== undefined) {
      // Without names, ioredis waits until the count is 0, which never comes while the
      // other kind has subscriptions: name them all, or answer as Redis does when none.
      const names = sub.names(kind);
      if (names.length === 0) {
        checkUse(o);
        const res = sub.unsubscribed(kind, []);
        checkSubscribed(o, res);
        return res;
      }
      args = names;
    }
    return sendCommand(o, kind, kind, args, 0, canWait, (r, sent) => {
      const res = sub !== undefined
        ? sub.unsubscribed(kind, sent.slice(0, argCount(sent, 0)).map(tostring))
        : new LuaTable([kind, LUA_NULL, Number(r) || 0]);
      checkSubscribed(o, res);
      return res;
    });
  };
}

function readReply(self: LuaValue, _a: LuaValue[], canWait: boolean): Res {
  const o = objOf(self);
  if (o === undefined) return NOT_INITIALIZED;
  if (!o.subscribed) return [undefined, "not subscribed"];
  checkUse(o);
  const link = o.link;
  const sub = o.sub;
  if (link === undefined || sub === undefined) return CLOSED;
  const ready = sub.next();
  if (ready !== undefined) {
    checkSubscribed(o, ready);
    return ready;
  }
  if (!link.alive) return onBroken(o, link);
  if (o.reading) return BUSY;
  if (!canWait) return yieldAcrossC();
  o.reading = true;
  return sub.wait(o.readTimeout).then((got): LuaResult => {
    o.reading = false;
    const res = sub.next();
    if (res !== undefined) {
      checkSubscribed(o, res);
      return res;
    }
    if (!got) {
      // In subscribed mode a read timeout keeps the connection.
      o.logLater("lua tcp socket read timed out");
      return [undefined, "timeout"];
    }
    return o.link === link ? reportBroken(o, link, true) : [undefined, link.err ?? "closed"];
  });
}

/** A pipelined command's outcome: its Lua value, or how the connection failed. */
type Outcome = LuaValue | { readonly fail: Failure; readonly e: unknown; readonly name: string };

function commitPipeline(self: LuaValue, _a: LuaValue[], canWait: boolean): Res {
  const o = objOf(self);
  if (o === undefined) return NOT_INITIALIZED;
  const reqs = o.pipeline;
  if (reqs === undefined) return [undefined, "no pipeline"];
  o.pipeline = undefined;
  checkUse(o);
  const link = o.link;
  if (link === undefined) return sendOnClosed(o);
  if (!link.alive) return onBroken(o, link);
  if (o.reading) {
    for (const q of reqs) link.send(q.io, q.args).then(ignore, ignore);
    return BUSY;
  }
  if (!canWait) return yieldAcrossC();
  link.setReadTimeout(o.readTimeout);
  o.reading = true;
  const outcomes = new Array<Promise<Outcome>>(reqs.length);
  for (let i = 0; i < reqs.length; i++) {
    const q = reqs[i]!;
    outcomes[i] = link.send(q.io, q.args).then(replyToLua, (e: unknown): Outcome => {
      const fail = classify(e);
      if (fail === Failure.Reply || fail === Failure.SubscriberMode) {
        const r = failureResult(fail, e, link, q.name) as LuaValue[];
        return new LuaTable([r[0], r[1]]);
      }
      return { fail, e, name: q.name };
    });
  }
  return Promise.all(outcomes).then((vals): LuaResult => {
    o.reading = false;
    for (const v of vals) {
      if (typeof v === "object" && v !== null && "fail" in v) return failed(o, link, v.e, v.name);
    }
    return new LuaTable(vals as LuaValue[]);
  });
}

function hmset(self: LuaValue, a: LuaValue[], canWait: boolean): Res {
  const o = objOf(self);
  if (o === undefined) return NOT_INITIALIZED;
  if (a.length === 2) {
    // red:hmset(key, table): the table's pairs, flattened.
    const t = a[1];
    if (!(t instanceof LuaTable)) return luaError(`bad argument #1 to 'pairs' (table expected, got ${typeName(t)})`);
    const flat: LuaValue[] = [a[0]];
    let k: LuaValue = undefined;
    for (;;) {
      const e = t.next(k);
      if (e === undefined || e === false) break;
      flat.push(e[0], e[1]);
      k = e[0];
    }
    return sendCommand(o, "hmset", "HMSET", flat, 0, canWait, plainReply);
  }
  return sendCommand(o, "hmset", "HMSET", a, 0, canWait, plainReply);
}

/**
 * The resty.redis module table for one Lua state. `hostOf` finds the host of the running
 * code (its phase, request, settings and log) when an object is made.
 */
export function makeRedis(hostOf: () => RedisHost): LuaTable {
  const M = new LuaTable();
  const objMt = new LuaTable();
  objMt.setStr("__index", M);

  const addCommand = (name: string): LuaFunction => {
    const f = method(name, command(name));
    M.setStr(name, f);
    return f;
  };

  M.setStr("_VERSION", "0.27");
  M.setStr("new", syncMethod("new", () => {
    const host = hostOf();
    checkPhase(host);
    const o = new RedisObject(host, host.request());
    o.mt = objMt;
    return o;
  }));
  M.setStr("set_timeout", syncMethod("set_timeout", (self, t) => {
    const o = objOf(self);
    if (o === undefined) return luaError("not initialized", 2);
    const ms = timeoutArg(t);
    o.connectTimeout = o.sendTimeout = o.readTimeout = ms;
    return NONE;
  }));
  M.setStr("set_timeouts", syncMethod("set_timeouts", (self, c, s, r) => {
    const o = objOf(self);
    if (o === undefined) return luaError("not initialized", 2);
    o.connectTimeout = timeoutArg(c);
    o.sendTimeout = timeoutArg(s);
    o.readTimeout = timeoutArg(r);
    return NONE;
  }));
  M.setStr("connect", method("connect", connect));
  M.setStr("set_keepalive", syncMethod("set_keepalive", setKeepalive));
  M.setStr("get_reused_times", syncMethod("get_reused_times", (self) => {
    const o = objOf(self);
    if (o === undefined) return NOT_INITIALIZED;
    checkUse(o);
    return o.link === undefined ? CLOSED : o.link.reused;
  }));
  M.setStr("close", syncMethod("close", (self) => {
    const o = objOf(self);
    if (o === undefined) return NOT_INITIALIZED;
    checkUse(o);
    if (o.link === undefined) return CLOSED;
    o.closeLink();
    return 1;
  }));
  M.setStr("read_reply", method("read_reply", readReply));
  for (const k of ["subscribe", "psubscribe"] as const) M.setStr(k, method(k, subCommand(k)));
  for (const k of ["unsubscribe", "punsubscribe"] as const) M.setStr(k, method(k, unsubCommand(k)));
  M.setStr("hmset", method("hmset", hmset));
  M.setStr("init_pipeline", syncMethod("init_pipeline", (self) => {
    const o = objOf(self);
    if (o !== undefined) o.pipeline = [];
    return NONE;
  }));
  M.setStr("cancel_pipeline", syncMethod("cancel_pipeline", (self) => {
    const o = objOf(self);
    if (o !== undefined) o.pipeline = undefined;
    return NONE;
  }));
  M.setStr("commit_pipeline", method("commit_pipeline", commitPipeline));
  M.setStr("array_to_hash", syncMethod("array_to_hash", (_self, t) => {
    if (!(t instanceof LuaTable)) return luaError(`attempt to get length of local 't' (a ${typeName(t)} value)`);
    const h = new LuaTable();
    const n = t.length();
    for (let i = 1; i <= n; i += 2) {
      const k = t.get(i);
      if (k === undefined) return luaError("table index is nil");
      h.set(k, t.get(i + 1));
    }
    return h;
  }));
  // Deprecated in lua-resty-redis (every name is a command already); kept for old code.
  M.setStr("add_commands", syncMethod("add_commands", (...names) => {
    for (const n of names) if (typeof n === "string" || typeof n === "number") addCommand(tostring(n));
    return NONE;
  }));

  // Any other name is a Redis command, made on first use and cached in the module table.
  const mmt = new LuaTable();
  mmt.setStr("__index", ((_t: LuaValue, k: LuaValue): LuaResult => {
    if (typeof k === "string") return addCommand(k);
    if (typeof k === "number") return addCommand(numberToString(k));
    return undefined;
  }) as LuaFunction);
  M.mt = mmt;
  return M;
}

/**
 * The host of resty.redis where no server runs the code (tsresty run, library tests):
 * the cosocket API is allowed (as in OpenResty's `resty`, which runs code in a timer), with
 * nginx's default socket settings and logs to stderr. Code started plain cannot wait
 * there, so a connect raises "attempt to yield across C-call boundary".
 */
export const standaloneHost: RedisHost = {
  phase: () => "timer",
  contextName: () => "ngx.timer",
  request: () => undefined,
  settings: () => DEFAULT_ASYNC_SETTINGS,
  log: (_level, msg) => process.stderr.write(`tsresty: [error] ${msg}\n`),
};

/** bundledModules' loader: the server's host for code it runs, else the standalone one. */
export function makeRedisModule(): LuaValue {
  return makeRedis(() => runningAsyncHost() ?? standaloneHost);
}
