// `npm run bench -- http`: wrk against tsresty and the reference nginx (one worker each), in
// one run, plus a bare node:net responder for scale. Prints requests/s, p99 latency and the
// ratio to the reference for each case.
//
// Cases are data: the `lua` ones wait for the Lua module (src/http/modules/lua.ts) and run
// as soon as it is registered.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const REF = path.resolve(ROOT, "../shared/ref/ref-nginx");
const DURATION = process.env.BENCH_DURATION ?? "5s";
const CONNECTIONS = process.env.BENCH_CONNECTIONS ?? "32";

interface BenchCase {
  readonly name: string;
  /** The http{} body; __PORT__ is the port. */
  readonly http: string;
  readonly path: string;
  /** Needs the Lua module. */
  readonly lua?: boolean;
}

const CASES: readonly BenchCase[] = [
  {
    name: 'return 200 "hello\\n"',
    http: `server { listen 127.0.0.1:__PORT__; location / { return 200 "hello\\n"; } }`,
    path: "/",
  },
  // The Lua cases of issue 5: they run once modules/lua.ts is registered.
  {
    name: "hello world (content_by_lua_block)",
    lua: true,
    http: `server { listen 127.0.0.1:__PORT__; location / { content_by_lua_block { ngx.say("hello") } } }`,
    path: "/",
  },
  {
    name: "JSON API from an ngx.shared cache",
    lua: true,
    http: `lua_shared_dict cache 1m;
      init_by_lua_block { require "cjson" }
      server { listen 127.0.0.1:__PORT__; location /api { content_by_lua_block {
        local cjson = require "cjson"
        local c = ngx.shared.cache
        local v = c:get("item")
        if not v then v = cjson.encode({ id = 1, name = "widget", tags = { "a", "b" } }); c:set("item", v, 60) end
        ngx.header["Content-Type"] = "application/json"
        ngx.say(v)
      } } }`,
    path: "/api",
  },
  {
    name: "shared-dict rate limiter",
    lua: true,
    http: `lua_shared_dict limits 1m;
      server { listen 127.0.0.1:__PORT__; location / { access_by_lua_block {
        local d = ngx.shared.limits
        local n = d:incr(ngx.var.remote_addr, 1, 0, 1)
        if n and n > 1000000000 then return ngx.exit(429) end
      } content_by_lua_block { ngx.say("ok") } } }`,
    path: "/",
  },
];

interface Result {
  readonly rps: number;
  readonly p99: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function waitPort(port: number, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const once = (): void => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > end) resolve(false);
        else setTimeout(once, 50);
      });
    };
    once();
  });
}

function prefixFor(c: BenchCase, port: number, tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsresty-bench-${tag}-`));
  fs.mkdirSync(path.join(dir, "conf"));
  fs.mkdirSync(path.join(dir, "logs"));
  const conf = `worker_processes 1;\nevents { worker_connections 1024; }\nhttp {\n  access_log off;\n  ${c.http.replace(/__PORT__/g, String(port))}\n}\n`;
  fs.writeFileSync(path.join(dir, "conf/nginx.conf"), conf);
  return dir;
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
  if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
}

function wrk(port: number, urlPath: string): Result {
  const out = execFileSync("wrk", ["-t1", `-c${CONNECTIONS}`, `-d${DURATION}`, "--latency", `http://127.0.0.1:${port}${urlPath}`], { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([0-9.]+)/.exec(out)?.[1] ?? 0);
  const p99 = /\s99%\s+(\S+)/.exec(out)?.[1] ?? "?";
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) console.log(`  (warning: ${non2xx[1]} non-2xx responses)`);
  return { rps, p99 };
}

async function runServer(kind: "reference" | "tsresty", c: BenchCase): Promise<Result | undefined> {
  const port = await freePort();
  const prefix = prefixFor(c, port, kind);
  const proc = kind === "reference"
    ? spawn(REF, ["-p", prefix], { stdio: "ignore" })
    : spawn(process.execPath, [path.join(ROOT, "bin/tsresty"), "serve", "-p", prefix], { stdio: "ignore" });
  try {
    if (!(await waitPort(port))) return undefined;
    wrk(port, c.path); // warm-up (JIT, connection setup)
    return wrk(port, c.path);
  } finally {
    await stop(proc);
    fs.rmSync(prefix, { recursive: true, force: true });
  }
}

/** A minimal responder on node:net, for scale: what any Node HTTP layer can hope for. */
const BARE = `
const net = require("node:net");
const res = "HTTP/1.1 200 OK\\r\\nServer: bare\\r\\nContent-Type: text/plain\\r\\nContent-Length: 6\\r\\nConnection: keep-alive\\r\\n\\r\\nhello\\n";
net.createServer((s) => {
  let pending = "";
  s.on("data", (d) => {
    pending += d.toString("latin1");
    let i;
    let out = "";
    while ((i = pending.indexOf("\\r\\n\\r\\n")) >= 0) { pending = pending.slice(i + 4); out += res; }
    if (out) s.write(out, "latin1");
  });
  s.on("error", () => {});
}).listen(Number(process.argv[1]), "127.0.0.1");
`;

async function runBare(): Promise<Result | undefined> {
  const port = await freePort();
  const proc = spawn(process.execPath, ["-e", BARE, String(port)], { stdio: "ignore" });
  try {
    if (!(await waitPort(port))) return undefined;
    wrk(port, "/");
    return wrk(port, "/");
  } finally {
    await stop(proc);
  }
}

function luaAvailable(): boolean {
  return fs.existsSync(path.join(ROOT, "dist/src/http/modules/lua.js"));
}

function haveWrk(): boolean {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return true;
  } catch (e) {
    return (e as { status?: number }).status === 1; // wrk --version exits 1 after printing
  }
}

const fmt = (r: Result | undefined): string => (r ? `${Math.round(r.rps).toString().padStart(8)} req/s  p99 ${r.p99.padStart(8)}` : "        (n/a)                ");

export async function main(): Promise<void> {
  if (!haveWrk()) {
    console.log("# http: wrk is not installed (apt-get install wrk): skipped");
    return;
  }
  const haveRef = fs.existsSync("/usr/sbin/nginx") && fs.existsSync(REF);
  if (!haveRef) console.log("# http: the reference nginx is not installed: tsresty only");
  console.log(`wrk -t1 -c${CONNECTIONS} -d${DURATION}, one worker each, access_log off\n`);
  console.log(`${"case".padEnd(38)} ${"reference".padEnd(30)} ${"tsresty".padEnd(30)} ratio`);
  for (const c of CASES) {
    if (c.lua && !luaAvailable()) {
      console.log(`${c.name.padEnd(38)} (waits for the Lua module: src/http/modules/lua.ts)`);
      continue;
    }
    const ref = haveRef ? await runServer("reference", c) : undefined;
    const ts = await runServer("tsresty", c);
    const ratio = ref && ts && ref.rps > 0 ? (ts.rps / ref.rps).toFixed(2) : "-";
    console.log(`${c.name.padEnd(38)} ${fmt(ref)} ${fmt(ts)} ${ratio}`);
  }
  const bare = await runBare();
  console.log(`${"bare node:net responder (scale)".padEnd(38)} ${"".padEnd(30)} ${fmt(bare)}`);
}
