// ssl_certificate_by_lua* with ngx.ssl: the same configuration served by tsresty and by the
// reference nginx; each side gets the same TLS handshakes (SNI names choosing what the Lua
// code does), and the certificate each presents, the answer and the error log are compared.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tls from "node:tls";
import {
  freePort, makePrefix, maskLog, referenceAvailable, startReference, startTsresty, type DiffCase,
} from "../differential/harness.js";
import { selfSignedForFile } from "../support/self-signed.js";

const pem = selfSignedForFile("ssl-lua", ["default", "other"]);

/** One handshake (and a request when it succeeds): the certificate's CN and the answer's body, or "handshake failed". */
function handshake(port: number, servername: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    // names ending in 13.test offer TLSv1.3 too
    const maxVersion = servername?.endsWith("13.test") ? undefined : "TLSv1.2";
    const s = tls.connect({ host: "127.0.0.1", port, servername, rejectUnauthorized: false, maxVersion });
    let body = "";
    let cn = "";
    const timer = setTimeout(() => s.destroy(), 5000);
    s.on("secureConnect", () => {
      cn = String(s.getPeerCertificate().subject?.CN ?? "");
      s.write(`GET / HTTP/1.0\r\nHost: ${servername ?? "localhost"}\r\nConnection: close\r\n\r\n`);
    });
    s.on("data", (d: Buffer) => (body += d.toString("latin1")));
    s.on("error", () => undefined);
    s.on("close", () => {
      clearTimeout(timer);
      resolve(cn === "" ? "handshake failed" : `${cn} ${body.slice(body.indexOf("\r\n\r\n") + 4)}`);
    });
  });
}

async function side(c: DiffCase, names: readonly (string | undefined)[], which: "tsresty" | "reference"): Promise<{ answers: string[]; log: string[] }> {
  const port = await freePort();
  const prefix = makePrefix(c, port, which);
  const srv = which === "tsresty" ? await startTsresty(prefix, port) : await startReference(prefix, port);
  const answers: string[] = [];
  try {
    for (const n of names) answers.push(await handshake(port, n));
    await new Promise((r) => setTimeout(r, 150));
  } finally {
    await srv.stop();
  }
  let text = "";
  try {
    text = fs.readFileSync(path.join(prefix, "logs/error.log"), "latin1");
  } catch {
    // no log
  }
  // Only the lines the Lua code and the failed handshakes write (not notices, not keepalive closes).
  // (ngx_lua's ngx.log shows only a file chunk's base name; tsresty's log.ts shows the path: masked here)
  const log = maskLog(text, port, prefix + "/").map((l) => l.replace(/\[lua\] PREFIX\/conf\//, "[lua] ")).filter((l) => /\[lua\]|lua entry|SSL_do_handshake|runtime error|^\s|^stack|^coroutine/.test(l) && !/\[notice\]/.test(l));
  fs.rmSync(prefix, { recursive: true, force: true });
  return { answers, log };
}

const LUA = (body: string, phase = "ssl_certificate_by_lua_block"): string => `
error_log logs/error.log info;
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__ ssl;
    ssl_certificate default.crt;
    ssl_certificate_key default.key;
    ${phase} {
${body}
    }
    location / { content_by_lua_block { ngx.say("ok ", ngx.var.ssl_server_name) } }
  }
}
`;

async function compare(name: string, body: string, names: readonly (string | undefined)[], phase?: string,
  extra: { conf?: string; files?: Record<string, string> } = {}): Promise<{ answers: string[]; log: string[] }> {
  const c: DiffCase = {
    name, conf: extra.conf ?? LUA(body, phase), requests: [],
    files: { "conf/default.crt": pem["default.crt"]!, "conf/default.key": pem["default.key"]!, ...extra.files },
  };
  const ours = await side(c, names, "tsresty");
  if (referenceAvailable()) {
    const ref = await side(c, names, "reference");
    assert.deepEqual(ours.answers, ref.answers, `${name}: answers`);
    assert.deepEqual(ours.log, ref.log, `${name}: error log`);
    if (process.env.SSL_LUA_SHOW) console.log(ref.log.join("\n"));
  }
  return ours;
}

test("ssl_certificate_by_lua: server_name, version, raw_server_addr, phase; errors and ngx.exit(ngx.ERROR) abort the handshake", async () => {
  const r = await compare("ssl basics", `
      local ssl = require "ngx.ssl"
      local name = ssl.server_name()
      local a, t = ssl.raw_server_addr()
      local ca, ct = ssl.raw_client_addr()
      ngx.log(ngx.WARN, "sn=", tostring(name), " v=", ssl.get_tls1_version(), " ", ssl.get_tls1_version_str(), " phase=", ngx.get_phase(), " addr=", #a, " ", t, " ", string.byte(a, 1), ".", string.byte(a, 4), " client=", #ca, " ", ct, " ", string.byte(ca, 1))
      if name == "err.test" then error("boom") end
      if name == "exit.test" then ngx.exit(ngx.ERROR) end
      if name == "sleep.test" then ngx.sleep(0.01) end
      if name == "okexit.test" then ngx.exit(ngx.OK) end`,
  ["a.test", "err.test", "exit.test", "sleep.test", "okexit.test"]);
  assert.deepEqual(r.answers, ["default ok a.test\n", "handshake failed", "handshake failed", "default ok sleep.test\n", "default ok okexit.test\n"]);
});

test("ngx.ssl: certificates set from PEM through DER, and through parse_pem_cert/set_cert; bad input", async () => {
  const r = await compare("ssl set certs", `
      local ssl = require "ngx.ssl"
      local name = ssl.server_name()
      local CERT = [[${pem["other.crt"]}]]
      local KEY = [[${pem["other.key"]}]]
      if name == "der.test" then
        assert(ssl.clear_certs())
        local der = assert(ssl.cert_pem_to_der(CERT))
        assert(ssl.set_der_cert(der))
        local kd = assert(ssl.priv_key_pem_to_der(KEY))
        assert(ssl.set_der_priv_key(kd))
        local e1, e2 = select(2, ssl.cert_pem_to_der("junk")), select(2, ssl.priv_key_pem_to_der("junk"))
        local e3, e4 = select(2, ssl.set_der_cert("junk")), select(2, ssl.set_der_priv_key("junk"))
        ngx.log(ngx.WARN, "bad: ", tostring(e1), "; ", tostring(e2), "; ", tostring(e3), "; ", tostring(e4))
      elseif name == "pem.test" then
        local c = assert(ssl.parse_pem_cert(CERT))
        local k = assert(ssl.parse_pem_priv_key(KEY))
        ngx.log(ngx.WARN, type(c), " ", type(k), " ", tostring(select(2, ssl.parse_pem_cert("junk"))), "; ", tostring(select(2, ssl.parse_pem_priv_key("junk"))))
        assert(ssl.clear_certs())
        assert(ssl.set_cert(c))
        assert(ssl.set_priv_key(k))
      elseif name == "none.test" then
        assert(ssl.clear_certs())
      elseif name == "half.test" then
        assert(ssl.clear_certs())
        assert(ssl.set_cert(assert(ssl.parse_pem_cert(CERT))))
      end`,
  ["der.test", "pem.test", "keep.test", "none.test", "half.test"]);
  assert.deepEqual(r.answers, ["other ok der.test\n", "other ok pem.test\n", "default ok keep.test\n", "handshake failed", "handshake failed"]);
});

test("ssl_client_hello_by_lua with ngx.ssl.clienthello: server name, supported versions, raw extensions, set_protocols; errors abort", async () => {
  const r = await compare("client hello", `
      local ch = require "ngx.ssl.clienthello"
      local name, err = ch.get_client_hello_server_name()
      local vs, err2 = ch.get_supported_versions()
      local e = ch.get_client_hello_ext(0)
      ngx.log(ngx.WARN, "sn=", tostring(name), " ", tostring(err), " vs=", vs and table.concat(vs, ",") or tostring(err2), " ext0=", e and string.format("%q", e) or "nil", " phase=", ngx.get_phase())
      if name == "err.test" then error("boom") end
      if name == "exit.test" then ngx.exit(ngx.ERROR) end
      if name == "v12.test" then ngx.log(ngx.WARN, tostring(ch.set_protocols({"TLSv1.2"}))) end
      if name == "v13only.test" then ngx.log(ngx.WARN, tostring(ch.set_protocols({"TLSv1.3"}))) end
      if name == "bad.test" then ngx.log(ngx.WARN, tostring(select(2, ch.set_protocols({"TLSv9"})))) end`,
  ["a.test", "err.test", "exit.test", "v12.test", "v13only.test", "bad.test", "b13.test"], "ssl_client_hello_by_lua_block");
  assert.deepEqual(r.answers, ["default ok a.test\n", "handshake failed", "handshake failed", "default ok v12.test\n", "handshake failed", "default ok bad.test\n", "default ok b13.test\n"]);
});

test("ssl_certificate_by_lua_file with a shared dict and ngx.sleep; the code of the server the name selects", async () => {
  const conf = `
error_log logs/error.log info;
events {}
http {
  access_log off;
  lua_shared_dict hs 1m;
  server {
    listen 127.0.0.1:__PORT__ ssl;
    server_name a.test;
    ssl_certificate default.crt;
    ssl_certificate_key default.key;
    ssl_certificate_by_lua_file conf/cert.lua;
    location / { content_by_lua_block { ngx.say("a ", ngx.shared.hs:get("n")) } }
  }
  server {
    listen 127.0.0.1:__PORT__ ssl;
    server_name b.test;
    ssl_certificate default.crt;
    ssl_certificate_key default.key;
    ssl_certificate_by_lua_block { ngx.log(ngx.WARN, "b's code for ", require("ngx.ssl").server_name()) }
    location / { content_by_lua_block { ngx.say("b ", ngx.shared.hs:get("n")) } }
  }
}
`;
  const lua = `local ssl = require "ngx.ssl"
local n = ngx.shared.hs:incr("n", 1, 0)
ngx.sleep(0.001)
ngx.log(ngx.WARN, "handshake ", n, " for ", ssl.server_name())
`;
  const r = await compare("cert file", "", ["a.test", "b.test", "a.test", "c.test"], undefined, { conf, files: { "conf/cert.lua": lua } });
  assert.deepEqual(r.answers, ["default a 1\n", "default b 1\n", "default a 2\n", "default a 3\n"]);
});
