// ssl_session_fetch_by_lua* / ssl_session_store_by_lua* with ngx.ssl.session, and the
// handshake phases (ssl_client_hello_by_lua*, ssl_certificate_by_lua*) on handshakes without
// SNI, over HTTP/1 and HTTP/2: the same configuration served by tsresty and by the reference
// nginx, the same TLS 1.2 handshakes (new sessions, resumptions by session ID, no tickets),
// comparing what each client saw and the error log.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tls from "node:tls";
import * as http2 from "node:http2";
import { constants as cryptoConstants } from "node:crypto";
import {
  freePort, makePrefix, maskLog, referenceAvailable, startReference, startTsresty, type DiffCase,
} from "../differential/harness.js";
import { selfSignedForFile } from "../support/self-signed.js";

const pem = selfSignedForFile("ssl-session", ["default", "other"]);

/**
 * One client step: a TLS 1.2 handshake without tickets (so sessions resume by ID), then a
 * request. `resume` offers the session the last `save` step got; `sni` undefined sends none.
 */
interface Step {
  readonly path: string;
  readonly sni?: string;
  readonly resume?: boolean;
  readonly save?: boolean;
  /** offer h2 by ALPN and ask over HTTP/2 */
  readonly h2?: boolean;
  /** the client takes session tickets (else it refuses them, so sessions resume by ID) */
  readonly tickets?: boolean;
  /** offer TLS 1.3 (else the client stops at TLS 1.2) */
  readonly tls13?: boolean;
}

function oneStep(port: number, st: Step, saved: { session?: Buffer }): Promise<string> {
  if (st.h2) return h2Step(port, st);
  return new Promise((resolve) => {
    const s = tls.connect({
      host: "127.0.0.1", port, servername: st.sni, rejectUnauthorized: false, maxVersion: st.tls13 ? "TLSv1.3" : "TLSv1.2",
      secureOptions: st.tickets ? undefined : cryptoConstants.SSL_OP_NO_TICKET, session: st.resume ? saved.session : undefined,
    });
    let body = "";
    let cn = "";
    let reused = false;
    let secure = false;
    const timer = setTimeout(() => s.destroy(), 5000);
    if (st.save) s.on("session", (x: Buffer) => (saved.session = x));
    s.on("secureConnect", () => {
      secure = true;
      // a resumed session does not carry the server's chain: no certificate to show
      cn = String(s.getPeerCertificate().subject?.CN ?? "-");
      reused = s.isSessionReused();
      s.write(`GET ${st.path} HTTP/1.0\r\nHost: ${st.sni ?? "localhost"}\r\n\r\n`);
    });
    s.on("data", (d: Buffer) => (body += d.toString("latin1")));
    s.on("error", () => undefined);
    s.on("close", () => {
      clearTimeout(timer);
      resolve(!secure ? "handshake failed" : `${cn} reused=${reused} ${body.slice(body.indexOf("\r\n\r\n") + 4)}`);
    });
  });
}

/** An HTTP/2 request (node's client sends no SNI to an IP address). */
function h2Step(port: number, st: Step): Promise<string> {
  return new Promise((resolve) => {
    let cn = "";
    const c = http2.connect(`https://127.0.0.1:${port}`, {
      rejectUnauthorized: false, maxVersion: "TLSv1.2", servername: st.sni,
    });
    const timer = setTimeout(() => c.destroy(), 5000);
    c.on("error", () => {
      clearTimeout(timer);
      resolve("handshake failed");
    });
    c.on("connect", () => {
      const sock = c.socket as tls.TLSSocket;
      cn = `${String(sock.getPeerCertificate().subject?.CN ?? "")} ${sock.alpnProtocol}`;
      const r = c.request({ ":path": st.path });
      let body = "";
      r.on("data", (d: Buffer) => (body += d.toString("latin1")));
      r.on("end", () => {
        clearTimeout(timer);
        c.close();
        resolve(`${cn} ${body}`);
      });
      r.on("error", () => undefined);
      r.end();
    });
  });
}

async function side(c: DiffCase, steps: readonly Step[], which: "tsresty" | "reference"): Promise<{ answers: string[]; log: string[] }> {
  const port = await freePort();
  const prefix = makePrefix(c, port, which);
  const srv = which === "tsresty" ? await startTsresty(prefix, port) : await startReference(prefix, port);
  const answers: string[] = [];
  const saved: { session?: Buffer } = {};
  const logFile = path.join(prefix, "logs/error.log");
  const read = (): string => {
    try {
      return fs.readFileSync(logFile, "latin1");
    } catch {
      return "";
    }
  };
  try {
    for (const st of steps) answers.push(await oneStep(port, st, saved));
    // every step's handshake logs "done" (the location's log_by_lua) or fails: wait for the last line
    for (let i = 0; i < 100 && !/\[lua\][^\n]*last step/.test(read()); i++) await new Promise((r) => setTimeout(r, 20));
  } finally {
    await srv.stop();
  }
  const log = maskLog(read(), port, prefix + "/").map((l) => l.replace(/\[lua\] PREFIX\/conf\//, "[lua] "))
    .filter((l) => /\[lua\]|lua entry|lua: |failed to run|SSL_do_handshake|runtime error|^\s|^stack|^coroutine/.test(l) && !/\[notice\]/.test(l));
  fs.rmSync(prefix, { recursive: true, force: true });
  return { answers, log };
}

async function compare(name: string, conf: string, steps: readonly Step[]): Promise<{ answers: string[]; log: string[] }> {
  const c: DiffCase = {
    name, conf, requests: [],
    files: {
      "conf/default.crt": pem["default.crt"]!, "conf/default.key": pem["default.key"]!,
      "conf/other.crt": pem["other.crt"]!, "conf/other.key": pem["other.key"]!,
    },
  };
  const ours = await side(c, steps, "tsresty");
  if (referenceAvailable()) {
    const ref = await side(c, steps, "reference");
    if (process.env.SSL_LUA_SHOW) console.log(ref.answers.join("\n") + "\n" + ref.log.join("\n"));
    assert.deepEqual(ours.answers, ref.answers, `${name}: answers`);
    assert.deepEqual(ours.log, ref.log, `${name}: error log`);
  }
  return ours;
}

const SESSION_CONF = `
error_log logs/error.log info;
events {}
http {
  access_log off;
  lua_shared_dict sess 1m;
  ssl_session_store_by_lua_block {
    local s = require "ngx.ssl.session"
    local id, e1 = s.get_session_id()
    local d, e2 = s.get_serialized_session()
    ngx.log(ngx.WARN, "store id=", id and #id or e1, " data=", d and #d > 50 or e2, " phase=", ngx.get_phase())
    ngx.shared.sess:set(id, d)
    local mode = ngx.shared.sess:get("mode")
    if mode == "sleep" then ngx.log(ngx.WARN, "sleep: ", select(2, pcall(ngx.sleep, 0.001))) end
    if mode == "sock" then ngx.log(ngx.WARN, "tcp: ", select(2, pcall(ngx.socket.tcp))) end
    if mode == "err" then error("store boom") end
    if mode == "exit" then ngx.exit(ngx.ERROR) end
  }
  ssl_session_fetch_by_lua_block {
    local s = require "ngx.ssl.session"
    local id = s.get_session_id()
    local d = ngx.shared.sess:get(id)
    ngx.log(ngx.WARN, "fetch id=", #id, " found=", d ~= nil, " ser=", select(2, s.get_serialized_session()), " phase=", ngx.get_phase())
    local mode = ngx.shared.sess:get("mode")
    if mode == "sleep" then ngx.sleep(0.001) ngx.log(ngx.WARN, "slept") end
    if mode == "sock" then local sk = ngx.socket.tcp() ngx.log(ngx.WARN, sk:connect("127.0.0.1", 1)) end
    if mode == "err" then error("fetch boom") end
    if mode == "exit" then ngx.exit(ngx.ERROR) end
    if mode == "junk" then ngx.log(ngx.WARN, "junk: ", select(2, s.set_serialized_session("junk"))) return end
    if mode == "none" then return end
    if d then ngx.log(ngx.WARN, "set: ", s.set_serialized_session(d)) end
  }
  server {
    listen 127.0.0.1:__PORT__ ssl;
    ssl_certificate default.crt;
    ssl_certificate_key default.key;
    ssl_client_hello_by_lua_block { ngx.log(ngx.WARN, "hello ", tostring(require("ngx.ssl.clienthello").get_client_hello_server_name())) }
    ssl_certificate_by_lua_block { ngx.log(ngx.WARN, "cert ", tostring(require("ngx.ssl").server_name())) }
    location /mode { content_by_lua_block { ngx.shared.sess:set("mode", ngx.var.arg_m) ngx.say("mode ", ngx.var.arg_m) } }
    location / { content_by_lua_block { ngx.say("ok") } log_by_lua_block { ngx.log(ngx.WARN, ngx.var.arg_last and "last step" or "step", " ", ngx.var.ssl_session_reused) } }
  }
}
`;

test("ssl_session_store_by_lua and ssl_session_fetch_by_lua: sessions kept in a shared dict resume by ID; waits, errors, ngx.exit and bad sessions", async () => {
  const steps: Step[] = [];
  for (const mode of ["ok", "sleep", "sock", "err", "exit", "junk", "none"]) {
    steps.push({ path: `/mode?m=${mode}`, sni: "m.test" });
    steps.push({ path: "/", sni: "a.test", save: true });
    steps.push({ path: "/", sni: "a.test", resume: true });
    steps.push({ path: "/", resume: true });
  }
  steps.push({ path: "/?last=1" });
  const r = await compare("sessions", SESSION_CONF, steps);
  // "ok": the session made on the second step resumes with and without a server name
  assert.deepEqual(r.answers.slice(0, 4), ["default reused=false mode ok\n", "default reused=false ok\n", "- reused=true ok\n", "- reused=true ok\n"]);
  // a fetch that waits, fails or exits gives no session: full handshakes
  assert.deepEqual(r.answers.slice(4, 8), ["default reused=false mode sleep\n", "default reused=false ok\n", "default reused=false ok\n", "default reused=false ok\n"]);
  assert.ok(r.log.some((l) => /\[crit\].*lua: cannot yield in sess get cb: missing async sess get cb support in OpenSSL while fetching SSL session by lua, client: 127\.0\.0\.1/.test(l)));
  assert.ok(!r.log.some((l) => /slept/.test(l)));
});

const NO_SNI_CONF = (listen: string): string => `
error_log logs/error.log info;
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__ ${listen};
    ssl_certificate default.crt;
    ssl_certificate_key default.key;
    ssl_client_hello_by_lua_block {
      local ch = require "ngx.ssl.clienthello"
      ngx.log(ngx.WARN, "hello sn=", tostring(ch.get_client_hello_server_name()), " vs=", tostring(ch.get_supported_versions()))
    }
    ssl_certificate_by_lua_block {
      local ssl = require "ngx.ssl"
      local name = ssl.server_name()
      ngx.log(ngx.WARN, "cert sn=", tostring(name), " v=", ssl.get_tls1_version_str())
      if name == nil or name == "other.test" then
        ngx.sleep(0.001)
        assert(ssl.clear_certs())
        assert(ssl.set_der_cert(assert(ssl.cert_pem_to_der([[${pem["other.crt"] ?? ""}]]))))
        assert(ssl.set_der_priv_key(assert(ssl.priv_key_pem_to_der([[${pem["other.key"] ?? ""}]]))))
      end
      if name == "err.test" then error("boom") end
    }
    location / { content_by_lua_block { ngx.say("ok ", ngx.var.ssl_server_name) } log_by_lua_block { ngx.log(ngx.WARN, ngx.var.arg_last and "last step" or "step") } }
  }
}
`;

test("ssl_client_hello_by_lua and ssl_certificate_by_lua run on handshakes without SNI (HTTP/1)", async () => {
  const r = await compare("no sni", NO_SNI_CONF("ssl"), [
    { path: "/" }, { path: "/", sni: "a.test" }, { path: "/", sni: "other.test" }, { path: "/", sni: "err.test" }, { path: "/?last=1" },
  ]);
  assert.deepEqual(r.answers, ["other reused=false ok nil\n", "default reused=false ok a.test\n", "other reused=false ok other.test\n", "handshake failed", "other reused=false ok nil\n"]);
});

test("ssl_client_hello_by_lua and ssl_certificate_by_lua run on handshakes without SNI (listen ... ssl http2)", async () => {
  const r = await compare("no sni h2", NO_SNI_CONF("ssl http2"), [
    { path: "/", h2: true }, { path: "/", h2: true, sni: "a.test" }, { path: "/" }, { path: "/?last=1", h2: true },
  ]);
  assert.deepEqual(r.answers, ["other h2 ok nil\n", "default h2 ok a.test\n", "other reused=false ok nil\n", "other h2 ok nil\n"]);
});

test("ssl_session_tickets: with tickets a session resumes without the Lua phases; off, by ID through them", async () => {
  const steps: Step[] = [
    { path: "/", sni: "a.test", save: true, tickets: true }, { path: "/", sni: "a.test", resume: true, tickets: true },
    { path: "/", save: true, tickets: true }, { path: "/?last=1", resume: true, tickets: true },
  ];
  const on = await compare("tickets on", SESSION_CONF, steps);
  assert.deepEqual(on.answers, ["default reused=false ok\n", "- reused=true ok\n", "default reused=false ok\n", "- reused=true ok\n"]);
  assert.ok(!on.log.some((l) => /store|fetch/.test(l)));
  const off = await compare("tickets off", SESSION_CONF.replace("lua_shared_dict sess 1m;", "lua_shared_dict sess 1m;\n  ssl_session_tickets off;"), steps);
  assert.deepEqual(off.answers, on.answers);
  assert.equal(off.log.filter((l) => /set: true/.test(l)).length, 2);
});

test("TLS 1.3: tickets resume without the certificate phase, and no session phase runs", async () => {
  const conf = SESSION_CONF.replace("ssl_certificate default.crt;", "ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_certificate default.crt;");
  const r = await compare("tls13", conf, [
    { path: "/", save: true, tls13: true }, { path: "/", resume: true, tls13: true }, { path: "/?last=1", resume: true, tls13: true },
  ]);
  assert.deepEqual(r.answers, ["default reused=false ok\n", "- reused=true ok\n", "- reused=true ok\n"]);
  assert.equal(r.log.filter((l) => /cert nil/.test(l)).length, 1);
});

test("ssl-resume: a session's expiry and a ticket's origin are read as node's server wrote them", async () => {
  const { sessionAlive, ticketResumes } = await import("../../src/http/modules/lua/ssl-resume.js");
  const srv = tls.createServer({ key: pem["default.key"], cert: pem["default.crt"], maxVersion: "TLSv1.2" }, (s) => s.end("x"));
  const made: Buffer[] = [];
  srv.on("newSession", (_id: Buffer, data: Buffer, cb: () => void) => {
    made.push(data);
    cb();
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => {
    const c = tls.connect({ port, host: "127.0.0.1", rejectUnauthorized: false, secureOptions: cryptoConstants.SSL_OP_NO_TICKET });
    c.on("data", () => undefined);
    c.on("close", () => r());
  });
  srv.close();
  const now = Date.now() / 1000;
  assert.equal(made.length, 1);
  assert.equal(sessionAlive(made[0]!, now), true);
  assert.equal(sessionAlive(made[0]!, now + 86400), false, "past its timeout (OpenSSL's 7200s here)");
  assert.equal(sessionAlive(Buffer.from("junk"), now), false);
  const keys = srv.getTicketKeys();
  assert.equal(ticketResumes(Buffer.alloc(200, 7), keys, now), false);
  assert.equal(ticketResumes(Buffer.concat([keys.subarray(0, 16), Buffer.alloc(100)]), keys, now), false);
});
