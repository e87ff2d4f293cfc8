// The tutorial code the examples had to fix ([fix] in their files) fails on OpenResty; tsresty
// must fail the same way, not accept it. Each case is the tutorial's original form, run on
// tsresty and the reference nginx (configuration tests with -t, or a differential request).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { REF_SCRIPT, diffCase, referenceAvailable } from "../differential/harness.js";
import { TSRESTY, preparePrefix } from "./support.js";

/** `-t` on one side: exit status and the [emerg] line with the file path cut to its name. */
function testConfig(cmd: string, args: string[]): { ok: boolean; emerg: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
  const out = `${r.stdout}${r.stderr}`;
  const m = /\[emerg\] (?:\d+#\d+: )?(.*) in (\S+):(\d+)/.exec(out);
  return { ok: r.status === 0, emerg: m ? `${m[1]} in ${path.basename(m[2]!)}:${m[3]}` : out };
}

/** An example with one text replacement undone in a file, checked with -t on both sides. */
async function unfixedConfig(example: string, file: string, from: RegExp, to: string): Promise<void> {
  const { prefix } = await preparePrefix(example);
  try {
    const f = path.join(prefix, file);
    const text = fs.readFileSync(f, "utf8");
    assert.match(text, from);
    fs.writeFileSync(f, text.replace(from, to));
    const ts = testConfig(process.execPath, [TSRESTY, "-t", "-p", prefix]);
    assert.equal(ts.ok, false, `tsresty -t accepts the tutorial's original ${example}`);
    if (referenceAvailable()) {
      const ref = testConfig(REF_SCRIPT, ["-t", "-p", prefix]);
      assert.equal(ref.ok, false);
      assert.equal(ts.emerg, ref.emerg);
    }
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
}

describe("examples: the tutorials' original code fails as on OpenResty", { concurrency: false }, () => {
  it("13-api-gateway: two access_by_lua_block in one location", async () => {
    await unfixedConfig("13-api-gateway", "conf/nginx.conf", /rewrite_by_lua_block \{\n {16}local limit = require "resty\.limit\.req"/, 'access_by_lua_block {\n                local limit = require "resty.limit.req"');
  });

  it("18-prometheus: proxy_pass to an upstream nobody defines", async () => {
    await unfixedConfig("18-prometheus", "conf/nginx.conf", /upstream backend \{\n[^}]*\}\n/, "");
  });

  it("12-jwt: ngx.var assigned without a set in the configuration", async (t) => {
    await diffCase(t, {
      name: "ngx.var.user_id without set",
      conf: `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location /api/protected {
      access_by_lua_block {
        local payload = { user_id = 1, username = "admin" }
        ngx.var.user_id = payload.user_id
        ngx.var.username = payload.username
      }
      content_by_lua_block { ngx.say(ngx.var.user_id) }
    }
    location /fixed {
      set $user_id '';
      access_by_lua_block { ngx.var.user_id = 1 }
      content_by_lua_block { ngx.say(ngx.var.user_id) }
    }
  }
}`,
      requests: [{ path: "/api/protected" }, { path: "/fixed" }],
      // The traceback's frames differ: the reference raises the error in resty.core's var.lua
      // (`[C]: in function 'error'` and var.lua's __newindex); tsresty's ngx.var is built in
      // (`[C]: in function '__newindex'`).
      ignoreLog: [/^\t/],
    });
  });

  it("17-json-logs: ngx.INFO lines are dropped at the default error_log level", async (t) => {
    await diffCase(t, {
      name: "INFO at the default level",
      conf: `
error_log logs/error.log;
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location /api/ {
      content_by_lua_block { ngx.say("ok") }
      log_by_lua_block { ngx.log(ngx.INFO, "BUSINESS_LOG: ", "{}") ngx.log(ngx.ERR, "an error line") }
    }
  }
}`,
      requests: [{ path: "/api/x" }],
    });
  });

  it("18-prometheus: there is no module resty.prometheus", async (t) => {
    await diffCase(t, {
      name: "require resty.prometheus",
      conf: `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location / { content_by_lua_block { ngx.say(tostring((pcall(require, "resty.prometheus")))) } }
  }
}`,
      requests: [{ path: "/" }],
    });
  });

  it("27-ngx-api: ngx.req.get_post_args before ngx.req.read_body", async (t) => {
    await diffCase(t, {
      name: "get_post_args before read_body",
      conf: `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location /request { content_by_lua_block {
      local post_args = ngx.req.get_post_args()
      ngx.say("not reached")
    } }
  }
}`,
      requests: [{ method: "POST", path: "/request", body: "a=1", headers: [["Content-Type", "application/x-www-form-urlencoded"]] }],
      // Both answer 500 and log the same runtime error ("no request body found; maybe ...").
    });
  });

  it("10-http-get: copying a backend's headers (Content-Length, Connection, Date) into ngx.header", async (t) => {
    await diffCase(t, {
      name: "copied backend headers",
      conf: `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location /copy { content_by_lua_block {
      ngx.header["Content-Type"] = "application/json"
      ngx.header["Content-Length"] = "5"
      ngx.header["X-Backend"] = "users-api"
      ngx.header["Date"] = "Mon, 01 Jan 2024 00:00:00 GMT"
      ngx.header["Connection"] = "keep-alive"
      ngx.header["Keep-Alive"] = "timeout=5"
      ngx.say("hello")
    } }
  }
}`,
      requests: [{ path: "/copy" }],
    });
  });
});
