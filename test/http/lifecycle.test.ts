// `tsresty serve` as a process: the pid file, -s stop|quit|reload|reopen, reload under load
// without a failed request, a broken reload refused, a broken configuration at start.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { freePort, startTsresty, TSRESTY, exchange } from "../differential/harness.js";
import { makePrefix, sleep } from "./support.js";

const conf = (body: string): string => `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location / { return 200 "${body}\\n"; }
  }
}
`;

/** The pid file is written just after the sockets open: wait for it too. */
async function waitPid(prefix: string): Promise<void> {
  for (let i = 0; i < 200 && !fs.existsSync(path.join(prefix, "logs/nginx.pid")); i++) await sleep(25);
}

function cli(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [TSRESTY, ...args], { encoding: "latin1" });
  return { status: r.status, stderr: r.stderr };
}

/** Keep-alive clients hammering `port` until stopped; counts answers and failures. */
function load(port: number, clients: number): { stop(): Promise<{ ok: number; failed: number; bodies: Set<string> }> } {
  let running = true;
  let ok = 0;
  let failed = 0;
  const bodies = new Set<string>();
  const one = async (): Promise<void> => {
    while (running) {
      await new Promise<void>((resolve) => {
        const s = net.connect(port, "127.0.0.1");
        let buf = "";
        let n = 0;
        const send = (): void => {
          s.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        };
        s.on("connect", send);
        s.on("data", (d) => {
          buf += d.toString("latin1");
          let m: RegExpExecArray | null;
          while ((m = /^HTTP\/1\.1 (\d+)[^]*?Content-Length: (\d+)\r\n[^]*?\r\n\r\n/.exec(buf)) && buf.length >= m[0].length + Number(m[2])) {
            const body = buf.slice(m[0].length, m[0].length + Number(m[2]));
            buf = buf.slice(m[0].length + Number(m[2]));
            if (m[1] === "200") ok++;
            else failed++;
            bodies.add(body);
            if (++n < 20 && running) send();
            else s.end();
          }
        });
        s.on("error", () => {
          failed++;
          resolve();
        });
        s.on("close", () => resolve());
      });
    }
  };
  const all = Array.from({ length: clients }, one);
  return {
    async stop() {
      running = false;
      await Promise.all(all);
      return { ok, failed, bodies };
    },
  };
}

test("reload under load: no failed request, the new configuration serves", async () => {
  const port = await freePort();
  const prefix = makePrefix(conf("v1"), port);
  const srv = await startTsresty(prefix, port);
  try {
    await waitPid(prefix);
    assert.ok(fs.existsSync(path.join(prefix, "logs/nginx.pid")), "pid file written");
    const l = load(port, 8);
    await sleep(300);
    fs.writeFileSync(path.join(prefix, "conf/nginx.conf"), conf("v2").replace(/__PORT__/g, String(port)));
    assert.equal(cli(["-s", "reload", "-p", prefix]).status, 0);
    await sleep(500);
    const r = await l.stop();
    assert.equal(r.failed, 0);
    assert.ok(r.ok > 50, `requests served: ${r.ok}`);
    assert.deepEqual([...r.bodies].sort(), ["v1\n", "v2\n"]);

    // A broken configuration is refused, logged, and the old one keeps serving. (`-s reload`
    // itself refuses to signal with a broken configuration, as nginx does: send SIGHUP.)
    fs.writeFileSync(path.join(prefix, "conf/nginx.conf"), "events {}\nhttp { bogus_directive; }\n");
    const refused = cli(["-s", "reload", "-p", prefix]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /unknown directive "bogus_directive"/);
    process.kill(Number(fs.readFileSync(path.join(prefix, "logs/nginx.pid"), "latin1")), "SIGHUP");
    await sleep(300);
    const after = await exchange(port, { raw: "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" });
    assert.equal(after.responses[0]?.body, "v2\n");
    const log = fs.readFileSync(path.join(prefix, "logs/error.log"), "latin1");
    assert.match(log, /\[emerg\] \d+#\d+: unknown directive "bogus_directive" in .*nginx\.conf:2/);

    // reopen: the error log is reopened after being moved away.
    fs.writeFileSync(path.join(prefix, "conf/nginx.conf"), conf("v2").replace(/__PORT__/g, String(port)));
    fs.renameSync(path.join(prefix, "logs/error.log"), path.join(prefix, "logs/error.log.1"));
    assert.equal(cli(["-s", "reopen", "-p", prefix]).status, 0);
    await sleep(200);
    assert.ok(fs.existsSync(path.join(prefix, "logs/error.log")), "error.log reopened");

    // quit: graceful exit, pid file removed.
    const exited = new Promise<number | null>((r) => srv.proc.once("exit", (c) => r(c)));
    assert.equal(cli(["-s", "quit", "-p", prefix]).status, 0);
    assert.equal(await exited, 0);
    assert.ok(!fs.existsSync(path.join(prefix, "logs/nginx.pid")), "pid file removed");
  } finally {
    await srv.stop();
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});

test("-s stop, and -s without a running instance", async () => {
  const port = await freePort();
  const prefix = makePrefix(conf("x"), port);
  const srv = await startTsresty(prefix, port);
  await waitPid(prefix);
  const exited = new Promise<number | null>((r) => srv.proc.once("exit", (c) => r(c)));
  const stopped = cli(["-s", "stop", "-p", prefix]);
  assert.equal(stopped.status, 0, stopped.stderr);
  assert.equal(await exited, 0);
  const again = cli(["-s", "stop", "-p", prefix]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /\[error\] open\(\) ".*logs\/nginx\.pid" failed \(2: No such file or directory\)/);
  fs.rmSync(prefix, { recursive: true, force: true });
});

test("a broken configuration at start: nginx's message with file:line, exit status 1", async () => {
  const port = await freePort();
  const prefix = makePrefix("events {}\nhttp {\n  server { listen 127.0.0.1:__PORT__; foo bar; }\n}\n", port);
  const r = cli(["serve", "-p", prefix]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /\[emerg\] unknown directive "foo" in .*conf\/nginx\.conf:3/);
  const dup = makePrefix("events {}\nhttp {\n  server { listen 127.0.0.1:__PORT__; location /a {} location /a {} }\n}\n", port);
  const d = cli(["serve", "-p", dup]);
  assert.equal(d.status, 1);
  assert.match(d.stderr, /\[emerg\] duplicate location "\/a" in .*conf\/nginx\.conf:3/);
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.rmSync(dup, { recursive: true, force: true });
});

test("SIGTERM stops at once", async () => {
  const port = await freePort();
  const prefix = makePrefix(conf("x"), port);
  const p = spawn(process.execPath, [TSRESTY, "serve", "-p", prefix], { stdio: "ignore" });
  for (let i = 0; i < 100 && !fs.existsSync(path.join(prefix, "logs/nginx.pid")); i++) await sleep(50);
  const exited = new Promise<number | null>((r) => p.once("exit", (c) => r(c)));
  p.kill("SIGTERM");
  assert.equal(await exited, 0);
  fs.rmSync(prefix, { recursive: true, force: true });
});
