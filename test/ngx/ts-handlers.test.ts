// TypeScript handler modules (*_by_lua_file with .ts/.mts/.js/.mjs): every phase, ngx.ctx
// and ngx.var shared with Lua handlers of the same request, shared dict tuples, waiting
// (sleep, capture, Redis), errors naming the .ts line, lua_code_cache off picking up an
// edit, and `tsc --noEmit` on a handler that imports tsresty's types.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { HttpServer } from "../../src/http/server.js";
import { exchange, freePort, type ParsedResponse } from "../differential/harness.js";
import { buildFrom, makePrefix } from "../http/support.js";

/** The package root (dist/test/ngx/ -> three levels up). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const FILES: Record<string, string> = {
  "ts/content.ts": `
import type { Ngx } from "tsresty";
export default function handler(ngx: Ngx): void {
  const args = ngx.req.get_uri_args();
  ngx.header["X-From"] = "ts";
  ngx.say("hello ", args.name ?? "nobody", " méthode=", ngx.req.get_method());
}
`,
  "ts/async.ts": `
import type { Ngx } from "tsresty";
export default async function (ngx: Ngx): Promise<void> {
  await ngx.sleep(0.001);
  const res = await ngx.location.capture("/sub", { args: { a: "1" } });
  ngx.print(res.status, " ", res.body);
  await ngx.req.read_body();
  ngx.say("body=", ngx.req.get_body_data());
  // in place of ngx.thread: several waits at once
  const both = await Promise.all([ngx.location.capture("/sub?a=x"), ngx.sleep(0.001), ngx.location.capture("/sub?a=y")]);
  ngx.print(both[0].body, both[2].body);
}
`,
  "ts/body-file.ts": `
import type { Ngx } from "tsresty";
import { writeFileSync, existsSync } from "node:fs";
export default async function (ngx: Ngx): Promise<void> {
  await ngx.req.read_body();
  const file = ngx.config.prefix() + "logs/ts-body-file.txt";
  writeFileSync(file, "from a file");
  ngx.req.set_body_file(file, true);
  const res = await ngx.location.capture("/echo-body", { method: ngx.HTTP_POST });
  ngx.say(res.body.trim(), " data=", String(ngx.req.get_body_data()), " file=", ngx.req.get_body_file() === file);
  ngx.req.set_body_data("replaced");
  ngx.say("auto_clean=", !existsSync(file));
}
`,
  "ts/ctx-read.ts": `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => {
  ngx.say("ctx.x=", String(ngx.ctx.x), " nested=", String((ngx.ctx.t as Record<string, unknown>).k));
  ngx.ctx.fromTs = "yes";
  ngx.var.shared = "set in ts";
};
`,
  "ts/rewrite.ts": `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => {
  ngx.ctx.y = 42;
  ngx.ctx.list = [1, 2, 3];
  if (ngx.var.arg_deny === "1") return ngx.exit(403);
};
`,
  "ts/access.mts": `
export default (ngx) => { ngx.ctx.access = "ok"; };
`,
  "ts/set.js": `
module.exports = (ngx) => String(Number(ngx.arg[1]) * 2);
`,
  "ts/header-filter.ts": `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => { ngx.header["X-Filtered"] = ngx.status + "!"; ngx.header["Content-Length"] = null; };
`,
  "ts/body-filter.ts": `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => {
  const chunk = ngx.arg[1];
  if (typeof chunk === "string") ngx.arg[1] = chunk.toUpperCase();
};
`,
  "ts/log.ts": `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => { ngx.log(ngx.WARN, "logged from ts status=", ngx.status); };
`,
  "ts/init.ts": `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => { ngx.shared.dogs.set("init", "from init"); };
`,
  "ts/init-worker.ts": `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => { ngx.shared.dogs.set("worker", ngx.get_phase()); };
`,
  "ts/exit-worker.ts": `
import * as fs from "node:fs";
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => { fs.writeFileSync(ngx.config.prefix() + "exit-worker.txt", ngx.get_phase() + " " + ngx.shared.dogs.get("worker")[0]); };
`,
  "ts/shdict.ts": `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => {
  const dogs = ngx.shared.dogs;
  const [ok, err, forcible] = dogs.set("k", "v", 0, 7);
  const [v, flags] = dogs.get("k");
  const [missing, f2] = dogs.get("nope");
  const [n] = dogs.incr("n", 5, 10);
  const [bad, badErr] = dogs.incr("k", 1);
  const [init] = dogs.get("init");
  ngx.say(JSON.stringify([ok, err, forcible, v, flags, missing, f2, n, bad, badErr, init, dogs.get_keys(0).sort()]));
};
`,
  "ts/error.ts": `
import type { Ngx } from "tsresty";
function fail(): never {
  throw new Error("boom from ts");
}
export default (ngx: Ngx) => {
  ngx.say("partial?");
  fail();
};
`,
  "ts/api-error.ts": `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => {
  ngx.exit("nope" as unknown as number);
};
`,
  "ts/syntax-error.ts": `
export default (ngx) => { let x: number = ; };
`,
  "ts/exit-async.ts": `
import type { Ngx } from "tsresty";
export default async (ngx: Ngx) => {
  await ngx.sleep(0);
  ngx.status = 201;
  ngx.say("before exit");
  ngx.exit(201);
  ngx.say("never printed");
};
`,
  "ts/redis.ts": `
import type { Ngx } from "tsresty";
import Redis from "tsresty/resty/redis";
import cjson from "tsresty/cjson";
export default async (ngx: Ngx) => {
  const red = new Redis();
  red.set_timeout(1000);
  const [ok, err] = await red.connect("127.0.0.1", 6379);
  if (!ok) return ngx.say("connect failed: ", err);
  await red.set("tsresty:ts-handlers", "välue");
  const [v] = await red.get("tsresty:ts-handlers");
  const [none] = await red.get("tsresty:ts-handlers:missing");
  await red.del("tsresty:ts-handlers");
  red.set_keepalive(10000, 10);
  ngx.say(cjson.encode({ v, none, list: [], path: "a/b" }), " ", JSON.stringify(cjson.decode('{"a":[1,2,{}],"b":null}')));
};
`,
  "ts/misc.ts": `
import type { Ngx } from "tsresty";
import { helper } from "./lib/helper.ts";
export default (ngx: Ngx) => {
  const m = ngx.re.match("abc-123", "(?<word>[a-z]+)-(\\\\d+)");
  const [out, n] = ngx.re.gsub("a.b.c", "\\\\.", "/");
  const hdrs = ngx.req.get_headers();
  ngx.say(JSON.stringify({ m, out, n, md5: ngx.md5("x"), b64: ngx.encode_base64("é"), dec: ngx.decode_base64(ngx.encode_base64("é")),
    bin: ngx.md5_bin("x").length, host: hdrs.host, nomatch: ngx.re.match("x", "y"), helper: helper(), phase: ngx.get_phase() }));
};
`,
  "ts/lib/helper.ts": `
export function helper(): string { return new URL(import.meta.url).pathname.endsWith("/ts/misc.ts") ? "helped" : "bad import.meta.url"; }
`,
  "ts/timer.ts": `
import type { Ngx } from "tsresty";
export default async (ngx: Ngx) => {
  const done = new Promise<string>((resolve) => {
    const [ok, err] = ngx.timer.at(0, (premature: boolean, who: string) => {
      ngx.shared.dogs.set("timer", "ran for " + who + " premature=" + premature);
      resolve("fired");
    }, "ts");
    if (!ok) resolve("timer failed: " + err);
  });
  const r = await done;
  const [v] = ngx.shared.dogs.get("timer");
  ngx.say(r, ": ", v);
};
`,
  "lua/ctx-read.lua": `ngx.say("lua sees y=", ngx.ctx.y, " list=", table.concat(ngx.ctx.list, ","), " access=", tostring(ngx.ctx.access))`,
  "ts/reload.ts": `export default (ngx) => { ngx.say("version 1"); };\n`,
  "ts/clients.ts": `
import type { Ngx } from "tsresty";
import MySQL from "tsresty/resty/mysql";
import Http from "tsresty/resty/http";
export default async (ngx: Ngx) => {
  const db = new MySQL();
  await db.set_timeout(2000);
  const [ok, err] = await db.connect({ host: "127.0.0.1", port: 3306, user: "root", password: "", database: "test" });
  if (!ok) return ngx.say("mysql: ", err);
  const [rows, qerr] = await db.query("select 1 as one, 'x' as s, null as n");
  await db.set_keepalive(10000, 10);
  const httpc = new Http();
  const [res, herr] = await httpc.request_uri("http://127.0.0.1:" + ngx.var.arg_port + "/peer?q=1", { method: "POST", body: "ping" });
  const sock = ngx.socket.tcp();
  sock.settimeout(2000);
  const [sok, serr] = await sock.connect("127.0.0.1", 6379);
  await sock.send("PING\\r\\n");
  const [line] = await sock.receive("*l");
  sock.close();
  ngx.say(JSON.stringify({ rows, qerr, status: res?.status, body: res?.body, herr, sok, serr, line }));
};
`,
  "ts/flow.ts": `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => {
  const to = ngx.var.arg_to;
  if (to === "redirect") return ngx.redirect("/elsewhere", 301);
  ngx.ctx = { carried: "no" }; // ngx.exec starts the target with a fresh ctx, as in Lua
  ngx.req.set_header("X-Set-By-Ts", "yes");
  return ngx.exec("/show-exec", { a: "b c" });
};
`,
  "ts/concurrent.ts": `
import type { Ngx } from "tsresty";
export default async (ngx: Ngx) => {
  const id = ngx.var.arg_id;
  ngx.ctx.mine = id;
  await ngx.sleep(Number(ngx.var.arg_d));
  await new Promise((r) => setTimeout(r, 1));
  ngx.say(id, " ", ngx.ctx.mine, " ", ngx.var.arg_id);
};
`,
  "ts/redis-zone.ts": `
import type { Ngx } from "tsresty";
export default async (ngx: Ngx) => {
  const cats = ngx.shared.cats;
  cats.flush_all();
  const [ok] = cats.set("k", "v", 0, 3);
  const [v, flags] = cats.get("k");
  const [n] = cats.incr("n", 2, 40);
  await ngx.sleep(0);
  const [n2] = cats.incr("n", 1);
  cats.flush_all();
  ngx.say(JSON.stringify([ok, v, flags, n, n2]));
};
`,
  "ts/req-socket.ts": `
import type { Ngx } from "tsresty";
export default async (ngx: Ngx) => {
  const [sock, err] = ngx.req.socket();
  if (sock === null) return ngx.say("no socket: ", err);
  const [first] = await sock.receive(3);
  const [rest, rerr, partial] = await sock.receive(100);
  ngx.say(first, "|", rest, "|", rerr, "|", partial);
};
`,
  "ts/filter-error.mjs": `export default (ngx) => {
  const o = null;
  return o.field;
};
`,
  "ts/late.ts": `
import type { Ngx } from "tsresty";
export default async (ngx: Ngx) => {
  ngx.header["X-Sync-Part"] = "ran";
  await Promise.resolve();
  throw new Error("late failure");
};
`,
};

const CONF = `
events {}
http {
  error_log logs/error.log info;
  lua_shared_dict dogs 1m;
  lua_shared_dict cats 1m;
  tsresty_shared_dict_redis cats redis://127.0.0.1:6379 prefix=tsresty:ts-handlers:__PID__:;
  init_by_lua_file ts/init.ts;
  init_worker_by_lua_file ts/init-worker.ts;
  exit_worker_by_lua_file ts/exit-worker.ts;
  server {
    listen 127.0.0.1:__PORT__;
    location /content { content_by_lua_file ts/content.ts; }
    location /async { content_by_lua_file ts/async.ts; }
    location /body-file { content_by_lua_file ts/body-file.ts; }
    location /echo-body { content_by_lua_block {
      ngx.req.read_body()
      local f = io.open(ngx.req.get_body_file()) ngx.say(f:read("*a")) f:close()
    } }
    location /sub { content_by_lua_block { ngx.say("sub a=", ngx.var.arg_a) } }
    location /lua-to-ts {
      set $shared "";
      rewrite_by_lua_block { ngx.ctx.x = "from lua"; ngx.ctx.t = { k = "v" } }
      content_by_lua_file ts/ctx-read.ts;
      log_by_lua_block { ngx.log(ngx.WARN, "lua log sees fromTs=", ngx.ctx.fromTs, " shared=", ngx.var.shared) }
    }
    location /ts-to-lua {
      rewrite_by_lua_file ts/rewrite.ts;
      access_by_lua_file ts/access.mts;
      content_by_lua_file lua/ctx-read.lua;
    }
    location /set {
      set_by_lua_file $doubled ts/set.js $arg_n;
      return 200 "doubled=$doubled\\n";
    }
    location /filters {
      header_filter_by_lua_file ts/header-filter.ts;
      body_filter_by_lua_file ts/body-filter.ts;
      log_by_lua_file ts/log.ts;
      content_by_lua_block { ngx.say("shout") }
    }
    location /shdict { content_by_lua_file ts/shdict.ts; }
    location /error { content_by_lua_file ts/error.ts; }
    location /api-error { content_by_lua_file ts/api-error.ts; }
    location /syntax-error { content_by_lua_file ts/syntax-error.ts; }
    location /missing { content_by_lua_file ts/missing.ts; }
    location /exit-async { content_by_lua_file ts/exit-async.ts; }
    location /redis { content_by_lua_file ts/redis.ts; }
    location /flow { content_by_lua_file ts/flow.ts; }
    location /show-exec { content_by_lua_block { ngx.say(ngx.var.uri, "?", ngx.var.args, " h=", ngx.var.http_x_set_by_ts, " ctx=", tostring(ngx.ctx.carried)) } }
    location /concurrent { content_by_lua_file ts/concurrent.ts; }
    location /req-socket { content_by_lua_file ts/req-socket.ts; }
    location /redis-zone { content_by_lua_file ts/redis-zone.ts; }
    location /clients { content_by_lua_file ts/clients.ts; }
    location /misc { content_by_lua_file ts/misc.ts; }
    location /timer { content_by_lua_file ts/timer.ts; }
    location /filter-error { header_filter_by_lua_file ts/filter-error.mjs; content_by_lua_block { ngx.say("x") } }
    location /late { header_filter_by_lua_file ts/late.ts; content_by_lua_block { ngx.say("late") } }
    location /reload { lua_code_cache off; content_by_lua_file ts/reload.ts; }
  }
}
`;

let server: HttpServer;
let port: number;
let prefix: string;

before(async () => {
  port = await freePort();
  prefix = makePrefix(CONF.replace(/__PID__/g, String(process.pid)), port);
  for (const [f, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(prefix, f)), { recursive: true });
    fs.writeFileSync(path.join(prefix, f), text);
  }
  server = new HttpServer();
  await server.start(buildFrom(prefix));
});

let exitWorkerOutput = "";

after(async () => {
  await server?.stop();
  exitWorkerOutput = fs.readFileSync(path.join(prefix, "exit-worker.txt"), "utf8");
  if (prefix) fs.rmSync(prefix, { recursive: true, force: true });
  // init_worker_by_lua_file ran before the requests, exit_worker_by_lua_file at the stop
  assert.equal(exitWorkerOutput, "exit_worker init_worker");
});

async function get(p: string, extra = ""): Promise<ParsedResponse> {
  const raw = `GET ${p} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extra}\r\n`;
  return (await exchange(port, { raw, responses: 1 })).responses[0]!;
}

async function post(p: string, body: string): Promise<ParsedResponse> {
  const raw = `POST ${p} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return (await exchange(port, { raw, responses: 1 })).responses[0]!;
}

function header(r: ParsedResponse, name: string): string | undefined {
  return r.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

function errorLog(): string {
  return fs.readFileSync(path.join(prefix, "logs/error.log"), "latin1");
}

/** The error log's lines after `mark` bytes, waiting a little for the log phase to write. */
async function logSince(mark: number, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const s = Buffer.from(errorLog(), "latin1").subarray(mark).toString("utf8");
    if (pattern.test(s)) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Buffer.from(errorLog(), "latin1").subarray(mark).toString("utf8");
}

test("content_by_lua_file with a .ts handler: output, headers, args as text", async () => {
  const r = await get("/content?name=w%C3%B6rld");
  assert.equal(r.statusLine, "HTTP/1.1 200 OK");
  assert.equal(header(r, "X-From"), "ts");
  assert.equal(Buffer.from(r.body, "latin1").toString("utf8"), "hello wörld méthode=GET\n");
});

test("waiting: ngx.sleep, ngx.location.capture and ngx.req.read_body return Promises", async () => {
  const r = await post("/async", "payload");
  assert.equal(r.body, "200 sub a=1\nbody=payload\nsub a=x\nsub a=y\n");
});

test("ngx.req.set_body_file from TypeScript: a subrequest reads the file, auto_clean removes it", async () => {
  const r = await post("/body-file", "original");
  assert.equal(r.body, "from a file data=null file=true\nauto_clean=true\n");
});

test("ngx.ctx and ngx.var are shared with Lua handlers of the same request, both ways", async () => {
  const mark = errorLog().length;
  const r = await get("/lua-to-ts");
  assert.equal(r.body, "ctx.x=from lua nested=v\n");
  const log = await logSince(mark, /lua log sees/);
  assert.match(log, /lua log sees fromTs=yes shared=set in ts/);
  const r2 = await get("/ts-to-lua");
  assert.equal(r2.body, "lua sees y=42 list=1,2,3 access=ok\n");
  const r3 = await get("/ts-to-lua?deny=1");
  assert.equal(r3.statusLine, "HTTP/1.1 403 Forbidden");
});

test("set_by_lua_file: the handler's return value is the variable's value (.js module)", async () => {
  const r = await get("/set?n=21");
  assert.equal(r.body, "doubled=42\n");
});

test("header_filter, body_filter and log phases; init_by_lua_file", async () => {
  const mark = errorLog().length;
  const r = await get("/filters");
  assert.equal(header(r, "X-Filtered"), "200!");
  assert.equal(r.body, "SHOUT\n");
  const log = await logSince(mark, /logged from ts/);
  assert.match(log, /\[warn\] .*\[lua\] log\.ts:3: logged from ts status=200.* while logging request/);
});

test("shared dicts: results as tuples, as the Lua methods return them", async () => {
  const r = await get("/shdict");
  assert.deepEqual(JSON.parse(r.body), [true, null, false, "v", 7, null, null, 15, null, "not a number", "from init", ["init", "k", "n", "worker"]]);
});

test("ngx.req.socket from TypeScript reads the request body", async () => {
  const r = await post("/req-socket", "payload");
  assert.equal(r.body, "pay|nil|closed|load\n");
});

test("a Redis-backed shared dict answers TypeScript at once too", async () => {
  const r = await get("/redis-zone");
  assert.deepEqual(JSON.parse(r.body), [true, "v", 3, 42, 43]);
});

test("an exception in a TypeScript handler: 500 and the .ts file and line in the error log", async () => {
  const mark = errorLog().length;
  const r = await get("/error");
  assert.equal(r.statusLine, "HTTP/1.1 200 OK"); // the header was sent by ngx.say: the response is cut
  const log = await logSince(mark, /boom/);
  const file = path.join(prefix, "ts/error.ts");
  assert.ok(log.includes(`[error] `), log);
  assert.ok(log.includes(`lua entry thread aborted: runtime error: ${file}:4:9: boom from ts`), log);
  const mark2 = errorLog().length;
  const r2 = await get("/api-error");
  assert.equal(r2.statusLine, "HTTP/1.1 500 Internal Server Error");
  const log2 = await logSince(mark2, /bad argument/);
  assert.ok(log2.includes(`runtime error: ${path.join(prefix, "ts/api-error.ts")}:4:7: bad argument #1 to 'exit' (number expected, got string)`), log2);
});

test("an error in a phase that cannot wait is logged as ngx_lua's failed to run line, with the module's line", async () => {
  const mark = errorLog().length;
  // the header is not sent (tsresty closes the connection there for a Lua header filter's error too)
  await get("/filter-error");
  const log = await logSince(mark, /failed to run/);
  const file = path.join(prefix, "ts/filter-error.mjs");
  assert.ok(log.includes(`failed to run header_filter_by_lua*: ${file}:3:12: TypeError: Cannot read properties of null (reading 'field')`), log);
});

test("an async handler in a phase that cannot wait: its synchronous part runs, a later failure is logged", async () => {
  const mark = errorLog().length;
  const r = await get("/late");
  assert.equal(r.statusLine, "HTTP/1.1 200 OK");
  assert.equal(header(r, "X-Sync-Part"), "ran");
  assert.equal(r.body, "late\n");
  const log = await logSince(mark, /late failure/);
  assert.ok(log.includes(`TypeScript handler failed after returning: ${path.join(prefix, "ts/late.ts")}:6:9: late failure`), log);
});

test("load errors: a syntax error names the .ts position, a missing file is reported per request", async () => {
  const mark = errorLog().length;
  const r = await get("/syntax-error");
  assert.equal(r.statusLine, "HTTP/1.1 500 Internal Server Error");
  const file = path.join(prefix, "ts/syntax-error.ts");
  const log = await logSince(mark, /syntax-error/);
  assert.ok(log.includes(`failed to load external TypeScript file "${file}": ${file}:2:43: Unexpected ";"`), log);
  const r2 = await get("/missing");
  assert.equal(r2.statusLine, "HTTP/1.1 500 Internal Server Error");
});

test("ngx.exit after an await stops the handler", async () => {
  const r = await get("/exit-async");
  assert.equal(r.statusLine, "HTTP/1.1 201 Created");
  assert.equal(r.body, "before exit\n");
});

test("tsresty/resty/redis and tsresty/cjson against the real Redis", async () => {
  const r = await get("/redis");
  assert.equal(Buffer.from(r.body, "latin1").toString("utf8"), `{"v":"välue","none":null,"list":[],"path":"a\\/b"} {"a":[1,2,{}],"b":null}\n`);
});

test("concurrent requests in one handler keep their own request across awaits", async () => {
  const ids = [1, 2, 3, 4, 5, 6];
  const rs = await Promise.all(ids.map((i) => get(`/concurrent?id=${i}&d=${(ids.length - i) * 0.005}`)));
  assert.deepEqual(rs.map((r) => r.body), ids.map((i) => `${i} ${i} ${i}\n`));
});

test("ngx.exec and ngx.redirect from TypeScript", async () => {
  const r = await get("/flow");
  assert.equal(r.body, "/show-exec?a=b%20c h=yes ctx=nil\n");
  const r2 = await get("/flow?to=redirect");
  assert.equal(r2.statusLine, "HTTP/1.1 301 Moved Permanently");
  assert.equal(header(r2, "Location"), "/elsewhere");
});

test("tsresty/resty/mysql, tsresty/resty/http and ngx.socket.tcp against real peers", async () => {
  const http = await import("node:http");
  const peer = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => res.end(`peer ${req.method} ${req.url} ${body}`));
  });
  const peerPort = await freePort();
  await new Promise<void>((resolve) => peer.listen(peerPort, "127.0.0.1", resolve));
  try {
    const r = await get(`/clients?port=${peerPort}`);
    assert.deepEqual(JSON.parse(r.body), {
      rows: [{ one: 1, s: "x", n: null }], qerr: null, status: 200, body: "peer POST /peer?q=1 ping", herr: null,
      sok: 1, serr: null, line: "+PONG",
    });
  } finally {
    peer.close();
  }
});

test("ngx.re, encodings, request headers, relative imports", async () => {
  const r = await get("/misc");
  const o = JSON.parse(Buffer.from(r.body, "latin1").toString("utf8")) as Record<string, unknown>;
  assert.deepEqual(o, {
    m: { 0: "abc-123", 1: "abc", 2: "123", word: "abc" }, out: "a/b/c", n: 2, md5: "9dd4e461268c8034f5c8564e155c67a6",
    b64: "w6k=", dec: "é", bin: 16, host: "localhost", nomatch: null, helper: "helped", phase: "content",
  });
});

test("ngx.timer.at with a TypeScript callback", async () => {
  const r = await get("/timer");
  assert.equal(r.body, "fired: ran for ts premature=false\n");
});

test("lua_code_cache off picks up an edit of the module", async () => {
  const r = await get("/reload");
  assert.equal(r.body, "version 1\n");
  const f = path.join(prefix, "ts/reload.ts");
  fs.writeFileSync(f, `export default (ngx) => { ngx.say("version 2"); };\n`);
  // a different mtime even on coarse file systems
  const t = new Date(Date.now() + 5000);
  fs.utimesSync(f, t, t);
  const r2 = await get("/reload");
  assert.equal(r2.body, "version 2\n");
});

test("tsc --noEmit passes on a handler importing tsresty's types from a user project", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-tsc-"));
  try {
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(ROOT, path.join(dir, "node_modules/tsresty"));
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true,
        allowImportingTsExtensions: true, skipLibCheck: true, types: ["node"], typeRoots: [path.join(ROOT, "node_modules/@types")],
      },
      include: ["*.ts"],
    }));
    fs.writeFileSync(path.join(dir, "handler.ts"), `
import type { Ngx } from "tsresty";
import Redis from "tsresty/resty/redis";
import cjson from "tsresty/cjson";
import MySQL from "tsresty/resty/mysql";
import Http from "tsresty/resty/http";
export default async function handler(ngx: Ngx): Promise<void> {
  const db = new MySQL();
  const [rows] = await db.query("select 1");
  const [res] = await new Http().request_uri("http://127.0.0.1/", { method: "GET" });
  const sock = ngx.socket.tcp();
  const [line, rerr] = await sock.receive("*l");
  ngx.say(JSON.stringify({ rows, status: res?.status, line, rerr }));
  const args = ngx.req.get_uri_args();
  const [value, flags] = ngx.shared.cache.get("k");
  const red = new Redis();
  const [ok, err] = await red.connect("127.0.0.1", 6379);
  const [v] = await red.get("k");
  ngx.ctx.user = { name: "x" };
  ngx.var.foo = "bar";
  ngx.header["X-A"] = ["1", "2"];
  const m = ngx.re.match("a", "a");
  ngx.say(cjson.encode({ args, value, flags, ok, err, v, m: m?.[0] ?? null }));
  await ngx.sleep(0.1);
  return ngx.exit(ngx.HTTP_OK);
}
`);
    fs.writeFileSync(path.join(dir, "bad.ts"), `
import type { Ngx } from "tsresty";
export default (ngx: Ngx) => { const n: number = ngx.req.get_method(); void n; };
`);
    const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
    let out = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout);
    }
    // handler.ts type-checks; bad.ts is rejected (the types are real, not any)
    assert.doesNotMatch(out, /handler\.ts/, out);
    assert.match(out, /bad\.ts\(3,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/, out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
