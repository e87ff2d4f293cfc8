// `npm run bench -- workers`: requests/s of tsresty and the reference nginx with 1 and 2
// workers, in one run, on hello world and a shared-dict rate limiter; prints each figure,
// tsresty's ratio to nginx at the same worker count, and each server's 1 -> 2 worker scaling.
// The servers are measured interleaved, ROUNDS times, keeping each one's median.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const REF = path.resolve(ROOT, "../shared/ref/ref-nginx");
const DURATION = process.env.BENCH_DURATION ?? "3s";
const CONNECTIONS = process.env.BENCH_CONNECTIONS ?? "64";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKERS = [1, 2] as const;

interface Case {
  readonly name: string;
  /** The http{} body; __PORT__ is the port. */
  readonly http: string;
}

const CASES: readonly Case[] = [
  {
    name: "hello world (content_by_lua)",
    http: `server { listen 127.0.0.1:__PORT__; location / { content_by_lua_block { ngx.say("hello") } } }`,
  },
  {
    // a fixed-window limiter: one shared counter per client per second, incremented by every worker
    name: "shared-dict rate limiter (incr per request)",
    http: `lua_shared_dict limits 1m;
      server { listen 127.0.0.1:__PORT__; location / {
        access_by_lua_block {
          local n = ngx.shared.limits:incr(ngx.var.remote_addr, 1, 0, 1)
          if n and n > 1000000000 then return ngx.exit(429) end
        }
        content_by_lua_block { ngx.say("ok") } } }`,
  },
];

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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Started {
  readonly port: number;
  stop(): Promise<void>;
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  await Promise.race([done, sleep(5000)]);
  if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
}

/** A server on its own prefix; ready once its pid file is there (tsresty writes it when every worker is up). */
async function start(kind: "nginx" | "tsresty", c: Case, workers: number): Promise<Started | undefined> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsresty-bench-workers-${kind}-`));
  fs.mkdirSync(path.join(dir, "conf"));
  fs.mkdirSync(path.join(dir, "logs"));
  const conf = `worker_processes ${workers};\nevents { worker_connections 1024; }\nhttp {\n  access_log off;\n  ${c.http.replace(/__PORT__/g, String(port))}\n}\n`;
  fs.writeFileSync(path.join(dir, "conf/nginx.conf"), conf);
  fs.chmodSync(dir, 0o755);
  const proc = kind === "nginx"
    ? spawn(REF, ["-p", dir], { stdio: "ignore" })
    : spawn(process.execPath, [path.join(ROOT, "bin/tsresty"), "serve", "-p", dir], { stdio: "ignore" });
  const pid = path.join(dir, kind === "nginx" ? "logs/ref-nginx.pid" : "logs/nginx.pid");
  for (let i = 0; i < 600 && !fs.existsSync(pid) && proc.exitCode === null; i++) await sleep(50);
  const started = { port, stop: async () => { await stop(proc); fs.rmSync(dir, { recursive: true, force: true }); } };
  if (!fs.existsSync(pid)) {
    await started.stop();
    return undefined;
  }
  await sleep(300);
  return started;
}

function wrk(port: number, duration = DURATION): number {
  const out = execFileSync("wrk", ["-t2", `-c${CONNECTIONS}`, `-d${duration}`, `http://127.0.0.1:${port}/`], { encoding: "utf8" });
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) console.log(`  (warning: ${non2xx[1]} non-2xx responses)`);
  return Number(/Requests\/sec:\s+([0-9.]+)/.exec(out)?.[1] ?? 0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export async function main(): Promise<void> {
  console.log(`wrk -t2 -c${CONNECTIONS} -d${DURATION}, median of ${ROUNDS} interleaved rounds; load before: ${os.loadavg()[0]!.toFixed(2)}, ${os.availableParallelism()} cpus`);
  console.log("| case | workers | nginx req/s | tsresty req/s | tsresty / nginx |");
  console.log("|---|---|---|---|---|");
  for (const c of CASES) {
    const rps: Record<string, number> = {};
    for (const w of WORKERS) {
      const servers = { nginx: await start("nginx", c, w), tsresty: await start("tsresty", c, w) };
      try {
        const runs: Record<string, number[]> = { nginx: [], tsresty: [] };
        for (const s of Object.values(servers)) if (s) wrk(s.port, "1s"); // warm-up
        for (let r = 0; r < ROUNDS; r++) for (const [k, s] of Object.entries(servers)) if (s) runs[k]!.push(wrk(s.port));
        rps[`nginx${w}`] = median(runs.nginx!);
        rps[`tsresty${w}`] = median(runs.tsresty!);
      } finally {
        for (const s of Object.values(servers)) await s?.stop();
      }
      const n = rps[`nginx${w}`]!;
      const t = rps[`tsresty${w}`]!;
      console.log(`| ${c.name} | ${w} | ${n.toFixed(0)} | ${t.toFixed(0)} | ${n > 0 ? (t / n).toFixed(2) : "-"} |`);
    }
    const scale = (k: string): string => (rps[`${k}1`]! > 0 ? (rps[`${k}2`]! / rps[`${k}1`]!).toFixed(2) : "-");
    console.log(`| ${c.name}: 1 -> 2 workers | | x${scale("nginx")} | x${scale("tsresty")} | |`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
