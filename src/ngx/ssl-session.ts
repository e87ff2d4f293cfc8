// `require "ngx.ssl.session"` (lua-resty-core's API for ssl_session_fetch_by_lua* and
// ssl_session_store_by_lua*): the session ID (as hex, like ngx_lua), the new session in its
// serialized (DER) form, and the session the fetch phase gives back for resumption. The
// functions act on the SslSessionState bound to the running thread's host.
import type { LuaFunction, LuaResult, LuaValue } from "../lua/runtime/value.js";
import { luaError } from "../lua/runtime/error.js";
import { moduleTable } from "../lib/util.js";
import { currentHost, type NgxHost } from "./host.js";

/** One session phase as the Lua code sees it. */
export interface SslSessionState {
  /** fetch: the ID the client offers; store: the new session's ID. */
  readonly id: Buffer;
  /** store: the new session, serialized; fetch: undefined. */
  readonly data: Buffer | undefined;
  /** fetch: what set_serialized_session() gave. */
  resumed: Buffer | undefined;
}

const states = new WeakMap<NgxHost, SslSessionState>();

export function bindSslSession(h: NgxHost, s: SslSessionState): void {
  states.set(h, s);
}

/** lua-resty-core refuses sessions bigger than this in get_serialized_session. */
const MAX_SERIALIZED = 4096;

/** The state, or undefined outside the session phases; errors as resty.core raises them. */
function current(): SslSessionState | undefined {
  const h = currentHost();
  if (h === undefined) return luaError("no request found");
  return states.get(h);
}

/** A DER length at `i`: [length, header size], or undefined. */
function derLength(b: Buffer, i: number): [number, number] | undefined {
  if (i >= b.length) return undefined;
  const first = b[i]!;
  if ((first & 0x80) === 0) return [first, 1];
  const n = first & 0x7f;
  if (n === 0 || n > 4 || i + 1 + n > b.length) return undefined;
  let len = 0;
  for (let k = 0; k < n; k++) len = len * 256 + b[i + 1 + k]!;
  return [len, 1 + n];
}

/**
 * Whether the bytes look like OpenSSL's serialized SSL_SESSION (d2i_SSL_SESSION would read
 * them): one SEQUENCE spanning them all, starting with the version INTEGER 1. Node loads a
 * session without telling whether it could, so the check is ours.
 */
export function isSerializedSession(b: Buffer): boolean {
  if (b.length < 5 || b[0] !== 0x30) return false;
  const outer = derLength(b, 1);
  if (outer === undefined || 1 + outer[1] + outer[0] !== b.length) return false;
  const i = 1 + outer[1];
  return b[i] === 0x02 && b[i + 1] === 0x01 && b[i + 2] === 0x01;
}

const FUNCTIONS: Record<string, LuaFunction> = {
  get_session_id(): LuaResult {
    const s = current();
    if (s === undefined) return [undefined, "uninitialized session id len in lua context"];
    return [s.id.toString("hex")];
  },
  get_serialized_session(): LuaResult {
    const s = current();
    if (s?.data === undefined) return [undefined, "bad session in lua context"];
    if (s.data.length > MAX_SERIALIZED) return [undefined, "session too big to serialize"];
    return [s.data.toString("latin1")];
  },
  set_serialized_session(sess: LuaValue): LuaResult {
    const s = current();
    if (typeof sess !== "string") return luaError(`attempt to get length of local 'sess' (a ${sess === undefined ? "nil" : typeof sess === "number" ? "number" : "table"} value)`);
    const b = Buffer.from(sess, "latin1");
    if (!isSerializedSession(b)) return [undefined, "failed to de-serialize session"];
    if (s !== undefined && s.data === undefined) s.resumed = b;
    return [true];
  },
};

/** The package.preload loader of "ngx.ssl.session". */
export function makeSslSessionModule(): LuaValue {
  return moduleTable(FUNCTIONS, { version: "0.1.28" });
}
