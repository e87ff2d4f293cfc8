// worker_processes N: `tsresty serve` as a process with worker threads (src/http/workers).
// Requests spread over the workers, one shared counter from every worker, a worker that dies
// is replaced while a load runs, reload and quit under load.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { freePort, TSRESTY, exchange } from "../differential/harness.js";
import { makePrefix, sleep } from "./support.js";

const conf = (workers: number | string, body = "v1"): string => `
worker_processes ${workers};
error_log logs/error.log notice;
events {}
http {
  lua_shared_dict d 1m;
  init_by_lua_block {
    ngx.shared.d:set("starts", (ngx.shared.d:get("starts") or 0) + 1)
    ngx.log(ngx.NOTICE, "init_by_lua ran, worker ", tostring(ngx.worker.id()), " of ", ngx.worker.count())
    VERSION = "${body}"
  }
  init_worker_by_lua_block {
    ngx.log(ngx.NOTICE, "init_worker ", ngx.worker.id(), " of ", ngx.worker.count())
    ngx.timer.at(1000, function(premature) ngx.log(ngx.NOTICE, "timer of worker ", ngx.worker.id(), " premature: ", tostring(premature)) end)
  }
  server {
    listen 127.0.0.1:__PORT__;
    location / { content_by_lua_block {
      local b = VERSION .. " " .. ngx.worker.id() .. " " .. ngx.worker.count() .. " " .. ngx.worker.pid()
      ngx.header["Content-Length"] = #b
      ngx.print(b)
    } }
    location /incr { content_by_lua_block { ngx.print(ngx.shared.d:incr("n", 1, 0)) } }
    location /get { content_by_lua_block { ngx.print(ngx.shared.d:get("n"), " ", ngx.shared.d:get("starts")) } }
    location /exit { content_by_lua_block { os.exit(3) } }
  }
}
`;

interface Served {
  readonly proc: ChildProcess;
  readonly prefix: string;
  readonly port: number;
  log(): string;
  signal(s: NodeJS.Signals): void;
  /** Stop it (SIGTERM) and remove the prefix. */
  close(): Promise<void>;
}

/** `tsresty serve` with a worker_processes configuration; ready once the pid file is written. */
async function serve(workers: number | string): Promise<Served> {
  const port = await freePort();
  const prefix = makePrefix(conf(workers), port);
  const proc = spawn(process.execPath, [TSRESTY, "serve", "-p", prefix], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TSRESTY_TEST_KILL_WORKER: "1" },
  });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString("latin1")));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString("latin1")));
  const pidFile = path.join(prefix, "logs/nginx.pid");
  for (let i = 0; i < 600 && !fs.existsSync(pidFile) && proc.exitCode === null; i++) await sleep(50);
  assert.ok(fs.existsSync(pidFile), `tsresty did not start:\n${out}`);
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  return {
    proc,
    prefix,
    port,
    log: () => fs.readFileSync(path.join(prefix, "logs/error.log"), "latin1"),
    signal: (s) => proc.kill(s),
    async close() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        await Promise.race([exited, sleep(5000)]);
        if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      }
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}

async function get(port: number, p: string): Promise<string> {
  const r = await exchange(port, { path: p });
  const res = r.responses[0];
  assert.ok(res, `no response for ${p}`);
  assert.match(res.statusLine, / 200 /);
  return res.body;
}

/** Which workers answer `n` requests, each on its own connection (the kernel picks the socket per connection). */
async function workersSeen(port: number, n: number): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let i = 0; i < n; i++) ids.add((await get(port, "/")).split(" ")[1]!);
  return ids;
}

/** Keep-alive clients hammering `port` until stopped; counts answers and failures. */
function load(port: number, clients: number): { stop(): Promise<{ ok: number; failed: number; retried: number; bodies: Set<string> }> } {
  let running = true;
  let ok = 0;
  let failed = 0;
  let retried = 0;
  const bodies = new Set<string>();
  const one = async (): Promise<void> => {
    while (running) {
      await new Promise<void>((resolve) => {
        const s = net.connect(port, "127.0.0.1");
        let buf = "";
        let n = 0;
        let waiting = false;
        const send = (): void => {
          waiting = true;
          s.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        };
        s.on("connect", send);
        s.on("data", (d) => {
          buf += d.toString("latin1");
          let m: RegExpExecArray | null;
          while ((m = /^HTTP\/1\.1 (\d+)[^]*?\r\nContent-Length: (\d+)\r\n(?:[^]*?\r\n)?\r\n/.exec(buf)) && buf.length >= m[0].length + Number(m[2])) {
            const body = buf.slice(m[0].length, m[0].length + Number(m[2]));
            buf = buf.slice(m[0].length + Number(m[2]));
            waiting = false;
            if (m[1] === "200") ok++;
            else failed++;
            bodies.add(body.split(" ")[0]!);
            if (++n < 20 && running) send();
            else s.end();
          }
        });
        s.on("error", () => {});
        s.on("close", () => {
          // A request sent and never answered failed, unless the server closed a kept-alive
          // connection under it: clients retry that (RFC 9112 9.3.1), as nginx's own drain
          // closes idle keep-alive connections.
          if (waiting && n === 0) failed++;
          else if (waiting) retried++;
          resolve();
        });
      });
    }
  };
  const all = Array.from({ length: clients }, one);
  return {
    async stop() {
      running = false;
      await Promise.all(all);
      return { ok, failed, retried, bodies };
    },
  };
}

async function waitFor(what: string, f: () => boolean, ms = 20_000): Promise<void> {
  for (let i = 0; i < ms / 50 && !f(); i++) await sleep(50);
  assert.ok(f(), what);
}

test("2 workers: requests land on both; init_by_lua once, init_worker in each; ngx.worker.*", async () => {
  const s = await serve(2);
  try {
    const ids = await workersSeen(s.port, 40);
    assert.ok(ids.size > 1, `workers seen: ${[...ids].join(",")}`);
    for (const id of ids) assert.ok(["0", "1"].includes(id));
    const [v, , count, pid] = (await get(s.port, "/")).split(" ");
    assert.equal(v, "v1");
    assert.equal(count, "2");
    assert.equal(pid, String(s.proc.pid), "threads share the process pid");
    assert.equal(await get(s.port, "/get"), "nil 1", "init_by_lua's shared-dict write happened once");
    await waitFor("init_worker in both", () => /init_worker 0 of 2/.test(s.log()) && /init_worker 1 of 2/.test(s.log()));
    const log = s.log();
    assert.equal(log.match(/init_by_lua ran, worker nil of 2/g)?.length, 1, log);
  } finally {
    await s.close();
  }
});

test("4 workers: requests land on several; a shared counter hit from every worker ends exact", async () => {
  const s = await serve(4);
  try {
    const ids = await workersSeen(s.port, 40);
    assert.ok(ids.size > 1, `workers seen: ${[...ids].join(",")}`);
    // 16 connections at once, 25 increments each
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < 25; i++) await get(s.port, "/incr");
      }),
    );
    assert.equal(await get(s.port, "/get"), "400 1");
    // four threads append to one access.log: whole lines, none lost
    const accessLines = (): string[] => fs.readFileSync(path.join(s.prefix, "logs/access.log"), "latin1").split("\n").filter((l) => l !== "");
    await waitFor("access lines written", () => accessLines().length >= 441, 5000);
    const lines = accessLines();
    assert.equal(lines.length, 40 + 400 + 1);
    for (const l of lines) assert.match(l, /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/\w* HTTP\/1\.1" 200 \d+ "-" "-"$/);
    // SIGUSR1: every worker reopens its files (after a rotation)
    fs.renameSync(path.join(s.prefix, "logs/access.log"), path.join(s.prefix, "logs/access.log.1"));
    s.signal("SIGUSR1");
    await waitFor("workers reopened", () => (s.log().match(/reopening logs/g)?.length ?? 0) >= 5);
    await workersSeen(s.port, 20);
    await waitFor("new access.log", () => fs.existsSync(path.join(s.prefix, "logs/access.log")) && fs.readFileSync(path.join(s.prefix, "logs/access.log"), "latin1").split("\n").length > 20);
    assert.equal(fs.readFileSync(path.join(s.prefix, "logs/access.log.1"), "latin1").split("\n").length, 442);
  } finally {
    await s.close();
  }
});

test("a worker that dies is replaced while a load runs; the others keep serving", async () => {
  const s = await serve(2);
  try {
    const l = load(s.port, 6);
    await sleep(300);
    // as a kill -9 of an nginx worker (a test hook of the master: SIGUSR2 under TSRESTY_TEST_KILL_WORKER)
    s.signal("SIGUSR2");
    await waitFor("killed worker logged", () => /\[alert\] \d+#\d+: worker process \d+ exited on signal 9/.test(s.log()));
    await waitFor("replacement started", () => (s.log().match(/start worker process/g)?.length ?? 0) >= 3);
    await sleep(300);
    const r = await l.stop();
    // only requests in flight on the killed worker may fail: at most one per client
    assert.ok(r.failed <= 6, `failed: ${r.failed}`);
    assert.ok(r.ok > 20, `served: ${r.ok}`);
    assert.ok((await workersSeen(s.port, 40)).size > 1, "both slots serve again");
    // os.exit in a worker ends that worker, as in nginx: "exited with code 3", then a new one
    const gone = await exchange(s.port, { path: "/exit" });
    assert.equal(gone.responses.length, 0);
    await waitFor("exit logged", () => /\[notice\] \d+#\d+: worker process \d+ exited with code 3/.test(s.log()));
    await waitFor("replacement started", () => (s.log().match(/start worker process/g)?.length ?? 0) >= 4);
    assert.equal(await get(s.port, "/get"), "nil 1");
  } finally {
    await s.close();
  }
});

test("reload under load from 3 workers to 2: no failed request; a broken reload is refused; quit drains, timers premature", async () => {
  const s = await serve(3);
  try {
    const l = load(s.port, 6);
    await sleep(300);
    fs.writeFileSync(path.join(s.prefix, "conf/nginx.conf"), conf(2, "v2").replace(/__PORT__/g, String(s.port)));
    s.signal("SIGHUP");
    await waitFor("new workers", () => (s.log().match(/start worker process/g)?.length ?? 0) >= 5);
    await waitFor("old workers gone", () => (s.log().match(/exited with code 0/g)?.length ?? 0) >= 3);
    // the third slot's socket stays, served by worker 0 of the new two
    const after = await workersSeen(s.port, 30);
    assert.deepEqual([...after].sort(), ["0", "1"]);
    await sleep(300);
    const r = await l.stop();
    assert.equal(r.failed, 0, JSON.stringify({ ...r, bodies: [...r.bodies] }));
    assert.deepEqual([...r.bodies].sort(), ["v1", "v2"]);
    assert.equal(await get(s.port, "/get"), "nil 2", "init_by_lua ran again on reload, once");

    fs.writeFileSync(path.join(s.prefix, "conf/nginx.conf"), "events {}\nhttp { bogus_directive; }\n");
    s.signal("SIGHUP");
    await waitFor("refused", () => /\[emerg\] \d+#\d+: unknown directive "bogus_directive"/.test(s.log()));
    assert.equal((await get(s.port, "/")).split(" ")[0], "v2");

    const exited = new Promise<number | null>((res) => s.proc.once("exit", (c) => res(c)));
    s.signal("SIGQUIT");
    assert.equal(await exited, 0);
    assert.ok(!fs.existsSync(path.join(s.prefix, "logs/nginx.pid")), "pid file removed");
    const log = s.log();
    // three old workers at the reload, two at the quit
    assert.equal(log.match(/timer of worker \d premature: true/g)?.length, 5, log);
  } finally {
    await s.close();
  }
});

test("a port another server listens on: nginx's bind() error, even for SO_REUSEPORT sockets", async () => {
  const s = await serve(2);
  const prefix = makePrefix(conf(2), s.port);
  try {
    const r = spawnSync(process.execPath, [TSRESTY, "serve", "-p", prefix], { encoding: "latin1", timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stderr.includes(`[emerg] bind() to 127.0.0.1:${s.port} failed (98: Address already in use)`), r.stderr);
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
    await s.close();
  }
});

test("worker_shutdown_timeout: a quit ends a request still running then", async () => {
  const port = await freePort();
  const prefix = makePrefix(`worker_processes 2;\nworker_shutdown_timeout 300ms;\nerror_log logs/error.log notice;\nevents {}\nhttp { server { listen 127.0.0.1:__PORT__; location / { content_by_lua_block { ngx.sleep(30) ngx.say("late") } } } }\n`, port);
  const proc = spawn(process.execPath, [TSRESTY, "serve", "-p", prefix], { stdio: "ignore" });
  try {
    await waitFor("started", () => fs.existsSync(path.join(prefix, "logs/nginx.pid")));
    const slow = exchange(port, { path: "/" });
    await sleep(500);
    const exited = new Promise<number | null>((r) => proc.once("exit", (c) => r(c)));
    proc.kill("SIGQUIT");
    assert.equal(await exited, 0);
    assert.equal((await slow).responses.length, 0);
  } finally {
    if (proc.exitCode === null) proc.kill("SIGKILL");
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});

test("worker_processes auto", async () => {
  const s = await serve("auto");
  try {
    const count = (await get(s.port, "/")).split(" ")[2];
    assert.equal(count, String((await import("node:os")).availableParallelism()));
  } finally {
    await s.close();
  }
});

test("master_process off: one thread serves whatever worker_processes says; ngx.worker.count() is still N", async () => {
  const port = await freePort();
  const prefix = makePrefix(`worker_processes 3;\nmaster_process off;\nevents {}\nhttp { server { listen 127.0.0.1:__PORT__; location / { content_by_lua_block { ngx.print(ngx.worker.id(), " ", ngx.worker.count()) } } } }\n`, port);
  const proc = spawn(process.execPath, [TSRESTY, "serve", "-p", prefix], { stdio: "ignore" });
  try {
    await waitFor("started", () => fs.existsSync(path.join(prefix, "logs/nginx.pid")));
    assert.equal(await get(port, "/"), "0 3");
  } finally {
    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});
