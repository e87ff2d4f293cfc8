// ssl_session_fetch_by_lua* and ssl_session_store_by_lua* (http level): TLS 1.2 session-ID
// resumption with the sessions kept where the Lua code likes (a shared dict, Redis).
//
// fetch runs before the handshake (ssl-cert.ts calls it on the ClientHello's session ID, after
// the client hello phase); what set_serialized_session() gives is handed to node's
// 'resumeSession'. As in ngx_lua 0.10.23 on OpenSSL 3, the code may not wait: a wait logs
// nginx's crit line and the handshake goes on without a session (checked on the reference),
// as it does after an error or ngx.exit(ngx.ERROR).
//
// store runs when node reports a new session ('newSession'), once its socket is secure and
// before it serves anything; it may not wait either (ngx.sleep and cosockets refuse there).
import type { TLSSocket } from "node:tls";
import type { Socket } from "node:net";
import { handshakeHooks, type SessionHooks } from "../../transport/h2-session.js";
import type { TlsListen } from "../../transport/types.js";
import { bindSslSession, type SslSessionState } from "../../../ngx/ssl-session.js";
import { entryAbortText, failedToRunText } from "../../../ngx/thread.js";
import type { LuaChunk } from "./chunks.js";
import { nextConnectionNumber } from "../../transport/connection-counter.js";
import {
  peerSuffix, phaseContext, runCleanups, sslAddress, sslStarter, type SslAddress,
} from "./ssl-phase.js";

/** Sessions the fetch phase gave, by offered ID (hex), until their connection closes. */
const fetched = new Map<string, Buffer>();

/**
 * Run the fetch phase for an offered session ID: the session it gave (node resumes it), if any.
 */
export function runFetch(at: SslAddress, chunk: LuaChunk, sock: Socket, id: Buffer): Buffer | undefined {
  const start = sslStarter();
  if (start === undefined) return undefined;
  const peers = peerSuffix(sock.remoteAddress, sock.localAddress, sock.localPort);
  const ctx = phaseContext("ssl_session_fetch_by_lua*", peers);
  const log = at.cfg.main.errorLog;
  const st: SslSessionState = { id, data: undefined, resumed: undefined };
  const cleanups: (() => void)[] = [];
  const s = start(chunk, "ssl_session_fetch", (h) => {
    bindSslSession(h, st);
    h.logContext = ctx;
    h.timer = { onCleanup: (cb) => cleanups.push(cb) };
  });
  if ("loadError" in s) {
    log.log("error", s.loadError, ctx);
    return undefined;
  }
  const end = s.end;
  if (end instanceof Promise) {
    // OpenSSL's session callback cannot wait: ngx_lua gives up on the thread
    s.h.killed = true;
    runCleanups(cleanups);
    log.log("crit", "lua: cannot yield in sess get cb: missing async sess get cb support in OpenSSL while fetching SSL session by lua", {
      conn: nextConnectionNumber(), suffix: () => peers,
    });
    return undefined;
  }
  runCleanups(cleanups);
  if (end.error !== undefined) {
    log.log("error", entryAbortText(end.error), ctx);
    return undefined;
  }
  const code = s.h.exitCode;
  if (code !== undefined && code !== 0 && code !== 200) return undefined;
  if (st.resumed === undefined) return undefined;
  const key = id.toString("hex");
  fetched.set(key, st.resumed);
  const given = st.resumed;
  sock.once("close", () => {
    if (fetched.get(key) === given) fetched.delete(key);
  });
  return given;
}

function runStore(chunk: LuaChunk, at: SslAddress, ts: TLSSocket, id: Buffer, data: Buffer): void {
  const start = sslStarter();
  if (start === undefined) return;
  const ctx = phaseContext("ssl_session_store_by_lua*", peerSuffix(ts.remoteAddress, ts.localAddress, ts.localPort));
  const log = at.cfg.main.errorLog;
  const st: SslSessionState = { id, data, resumed: undefined };
  const cleanups: (() => void)[] = [];
  const s = start(chunk, "ssl_session_store", (h) => {
    bindSslSession(h, st);
    h.logContext = ctx;
    h.timer = { onCleanup: (cb) => cleanups.push(cb) };
  });
  if ("loadError" in s) {
    log.log("error", s.loadError, ctx);
    return;
  }
  const end = s.end;
  runCleanups(cleanups);
  // a plain chunk never waits; errors are a pcall's (ngx_lua runs this phase that way)
  if (!(end instanceof Promise) && end.error !== undefined) log.log("error", failedToRunText("session_store_by_lua*", end.error), ctx);
}

handshakeHooks.sessions = (t: TlsListen): SessionHooks | undefined => {
  const at = sslAddress(t);
  if (at === undefined || (at.fetch === undefined && at.store === undefined)) return undefined;
  const store = at.store;
  return {
    resume: at.fetch === undefined ? undefined : (id) => fetched.get(id.toString("hex")),
    store: store === undefined ? undefined : (ts, id, data) => runStore(store, at, ts, id, data),
  };
};
