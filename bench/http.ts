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
const DURATION = process.env.BENCH_DURATION ?? "3s";
const CONNECTIONS = process.env.BENCH_CONNECTIONS ?? "32";

interface BenchCase {
  readonly name: string;
  /** The http{} body; __PORT__ is the port. */
  readonly http: string;
  readonly path: string;
  /** Needs the Lua module. */
  readonly lua?: boolean;
  /** Files to create under the prefix (path -> content). */
  readonly files?: Readonly<Record<string, Buffer>>;
  /** Needs an upstream: a bare responder is started and its port replaces __BACKEND__. */
  readonly backend?: boolean;
}

/** Bytes of text for a static file of `n` bytes. */
const fileOf = (n: number): Buffer => Buffer.from("0123456789abcdef".repeat(Math.ceil(n / 16)).slice(0, n), "latin1");

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
  // Static files (modules/static.ts): one read and one write (1 KB, 100 KB), and pieces (1 MB).
  {
    name: "static file 1 KB",
    http: `include mime.types; server { listen 127.0.0.1:__PORT__; location / { root html; } }`,
    path: "/1k.txt",
    files: { "html/1k.txt": fileOf(1024), "conf/mime.types": Buffer.from("types { text/plain txt; }\n") },
  },
  {
    name: "static file 100 KB",
    http: `include mime.types; server { listen 127.0.0.1:__PORT__; location / { root html; } }`,
    path: "/100k.txt",
    files: { "html/100k.txt": fileOf(100 * 1024), "conf/mime.types": Buffer.from("types { text/plain txt; }\n") },
  },
  {
    // Past one piece (256 KB): sent in pieces, each once the socket has taken the last.
    name: "static file 1 MB",
    http: `include mime.types; server { listen 127.0.0.1:__PORT__; location / { root html; } }`,
    path: "/1m.txt",
    files: { "html/1m.txt": fileOf(1024 * 1024), "conf/mime.types": Buffer.from("types { text/plain txt; }\n") },
  },
  // proxy_pass to a small local backend (the bare node:net responder below): a new upstream
  // connection per request (nginx's default), and kept-alive ones.
  {
    name: "proxy_pass",
    backend: true,
    http: `server { listen 127.0.0.1:__PORT__; location / { proxy_pass http://127.0.0.1:__BACKEND__; } }`,
    path: "/",
  },
  {
    name: "proxy_pass, upstream keepalive",
    backend: true,
    http: `upstream b { server 127.0.0.1:__BACKEND__; keepalive 16; }
      server { listen 127.0.0.1:__PORT__; location / {
        proxy_pass http://b; proxy_http_version 1.1; proxy_set_header Connection ""; } }`,
    path: "/",
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
  /** Server CPU time per request in microseconds (user + system), when it could be read. */
  readonly cpuUs?: number;
}

/** utime + stime of `pids` in clock ticks (100 per second on Linux). */
function cpuTicks(pids: readonly number[]): number {
  let t = 0;
  for (const pid of pids) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
      const parts = f.slice(f.lastIndexOf(")") + 2).split(" ");
      t += Number(parts[11]) + Number(parts[12]);
    } catch {
      // gone
    }
  }
  return t;
}

/** Children of `ppid` (nginx's workers under its master). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, "latin1");
      if (Number(f.slice(f.lastIndexOf(")") + 2).split(" ")[1]) === ppid) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
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
  for (const [p, content] of Object.entries(c.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), content);
  }
  // nginx's worker runs as another user: it must reach the files.
  fs.chmodSync(dir, 0o755);
  return dir;
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
  if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
}

function wrk(port: number, urlPath: string, duration = DURATION): Result {
  const out = execFileSync("wrk", ["-t1", `-c${CONNECTIONS}`, `-d${duration}`, "--latency", `http://127.0.0.1:${port}${urlPath}`], { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([0-9.]+)/.exec(out)?.[1] ?? 0);
  const p99 = /\s99%\s+(\S+)/.exec(out)?.[1] ?? "?";
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) console.log(`  (warning: ${non2xx[1]} non-2xx responses)`);
  return { rps, p99 };
}

interface Started {
  readonly port: number;
  /** The processes doing the work (tsresty itself; nginx's master and worker). */
  readonly pids: () => number[];
  stop(): Promise<void>;
}

async function startServer(kind: "reference" | "tsresty", c: BenchCase): Promise<Started | undefined> {
  const port = await freePort();
  const prefix = prefixFor(c, port, kind);
  const proc = kind === "reference"
    ? spawn(REF, ["-p", prefix], { stdio: "ignore" })
    : spawn(process.execPath, [path.join(ROOT, "bin/tsresty"), "serve", "-p", prefix], { stdio: "ignore" });
  const stopIt = async (): Promise<void> => {
    await stop(proc);
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  if (!(await waitPort(port))) {
    await stopIt();
    return undefined;
  }
  const pids = (): number[] => {
    if (kind === "tsresty") return [proc.pid!];
    try {
      const master = Number(fs.readFileSync(path.join(prefix, "logs/ref-nginx.pid"), "latin1"));
      return [master, ...childrenOf(master)];
    } catch {
      return [];
    }
  };
  return { port, pids, stop: stopIt };
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

async function startBare(): Promise<Started | undefined> {
  const port = await freePort();
  const proc = spawn(process.execPath, ["-e", BARE, String(port)], { stdio: "ignore" });
  if (!(await waitPort(port))) {
    await stop(proc);
    return undefined;
  }
  return { port, pids: () => [proc.pid!], stop: () => stop(proc) };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/**
 * Run wrk on every server in turn, ROUNDS times, and keep each one's median: the servers
 * are measured interleaved, so a change in the machine's load hits them alike.
 */
function measure(targets: readonly (Started | undefined)[], urlPath: string): (Result | undefined)[] {
  const runs: Result[][] = targets.map(() => []);
  for (const t of targets) if (t) wrk(t.port, urlPath, "1s"); // warm-up: JIT, connections
  for (let round = 0; round < ROUNDS; round++) {
    targets.forEach((t, i) => {
      if (!t) return;
      const pids = t.pids();
      const before = cpuTicks(pids);
      const r = wrk(t.port, urlPath);
      const ticks = cpuTicks(pids) - before;
      const secs = Number(DURATION.replace(/s$/, "")) || 3;
      runs[i]!.push({ ...r, cpuUs: r.rps > 0 && pids.length > 0 ? (ticks * 10_000) / (r.rps * secs) : undefined });
    });
  }
  return runs.map((rs) => {
    if (rs.length === 0) return undefined;
    const sorted = [...rs].sort((a, b) => a.rps - b.rps);
    return sorted[Math.floor(sorted.length / 2)];
  });
}

/** requests/s ratio, and the reference's CPU per request over ours (1.0 = as cheap as nginx). */
function ratios(ref: Result | undefined, x: Result | undefined): string {
  if (!ref || !x || ref.rps <= 0) return "-";
  const cpu = ref.cpuUs !== undefined && x.cpuUs !== undefined && x.cpuUs > 0 ? ` (${(ref.cpuUs / x.cpuUs).toFixed(2)})` : "";
  return (x.rps / ref.rps).toFixed(2) + cpu;
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

const fmt = (r: Result | undefined): string =>
  r ? `${Math.round(r.rps).toString().padStart(7)} req/s p99 ${r.p99.padStart(8)} ${r.cpuUs !== undefined ? r.cpuUs.toFixed(0).padStart(4) + "us" : "     "}` : "        (n/a)                      ";

export async function main(): Promise<void> {
  if (!haveWrk()) {
    console.log("# http: wrk is not installed (apt-get install wrk): skipped");
    return;
  }
  const haveRef = fs.existsSync("/usr/sbin/nginx") && fs.existsSync(REF);
  if (!haveRef) console.log("# http: the reference nginx is not installed: tsresty only");
  console.log(`wrk -t1 -c${CONNECTIONS} -d${DURATION}, median of ${ROUNDS} interleaved rounds, one worker each, access_log off`);
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} CPUs\n`);
  console.log("Each column: requests/s, p99 latency, server CPU time per request. The ratio is tsresty's");
  console.log("requests/s over the reference's; on a loaded machine CPU per request is the steadier measure.\n");
  console.log(`${"case".padEnd(38)} ${"reference".padEnd(36)} ${"tsresty".padEnd(36)} ratio (cpu)`);
  // BENCH_CASES=hello runs only the cases whose name contains the text.
  const only = process.env.BENCH_CASES;
  for (const c of CASES) {
    if (only !== undefined && !c.name.includes(only)) continue;
    if (c.lua && !luaAvailable()) {
      console.log(`${c.name.padEnd(38)} (waits for the Lua module: src/http/modules/lua.ts)`);
      continue;
    }
    const backend = c.backend ? await startBare() : undefined;
    const cc = backend ? { ...c, http: c.http.replace(/__BACKEND__/g, String(backend.port)) } : c;
    const ref = haveRef ? await startServer("reference", cc) : undefined;
    const ts = await startServer("tsresty", cc);
    const bare = c === CASES[0] ? await startBare() : undefined;
    try {
      const [r, t, b] = measure([ref, ts, bare], c.path);
      console.log(`${c.name.padEnd(38)} ${fmt(r)} ${fmt(t)} ${ratios(r, t)}`);
      if (b) console.log(`${"  bare node:net responder (scale)".padEnd(38)} ${"".padEnd(36)} ${fmt(b)} ${ratios(r, b)}`);
    } finally {
      await ref?.stop();
      await ts?.stop();
      await bare?.stop();
      await backend?.stop();
    }
  }
}
