// End-to-end tests of examples/: each example directory runs as its README says, on tsresty
// (`bin/tsresty serve -p PREFIX` as a child process) and, where the reference nginx has the
// libraries it needs, on the reference too, with the same steps.
//
// How an example is run (`withExample`):
// 1. The directory is copied to a temporary prefix (logs/ emptied).
// 2. Ports: every example listens on 8080 and its backends on 8081 and 8082, as its README
//    says. In the copy, each of these numbers is replaced by a free port wherever it occurs in a
//    text file (conf/, lua/, seed.sh, backend.mjs), so the tests never collide with a server on
//    those ports and the examples themselves keep the ports their READMEs show.
// 3. `seed.sh`, if present, runs (real Redis on 6379 and MariaDB on 3306: they must be up).
// 4. `backend.mjs`, if present, starts with PORT / PORT2 set to the backends' free ports.
// 5. The server starts; the steps run; then everything started is stopped, also on failure,
//    and the prefix is removed (kept, and named in the error, when a step failed).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { it } from "node:test";
import {
  ROOT, exchange, freePort, referenceAvailable, startReference, startTsresty, type Running,
} from "../differential/harness.js";

export const EXAMPLES = path.join(ROOT, "examples");
export const TSRESTY = path.join(ROOT, "bin/tsresty");
export type Side = "tsresty" | "reference";

/** The ports the examples use, in the order they are mapped. */
const EXAMPLE_PORTS = [8080, 8081, 8082] as const;
const TEXT_FILE = /\.(conf|lua|sh|mjs|sql|json|html)$/;

export interface Reply {
  readonly status: number;
  /** Header names in lower case; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawHeaders: readonly (readonly [string, string])[];
  readonly body: string;
  /** The body parsed as JSON (throws with the body when it is not JSON). */
  json(): unknown;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Client address to connect from (any 127.x.y.z; the server sees it as $remote_addr). */
  readonly localAddress?: string;
}

export interface Example {
  readonly side: Side;
  readonly prefix: string;
  /** The server's port (8080 in the example). */
  readonly port: number;
  /** An example port (8080, 8081, 8082) mapped to the port used in this run. */
  mapped(port: number): number;
  request(pathname: string, opts?: RequestOptions): Promise<Reply>;
  get(pathname: string, headers?: Readonly<Record<string, string>>): Promise<Reply>;
  errorLog(): string;
  accessLog(): string;
  /** Stop the backend (to test what happens when it is down). */
  stopBackend(): Promise<void>;
  /** The server's console output so far. */
  output(): string;
}

export interface ExampleOptions {
  /** Run the reference nginx too (it has cjson, resty.core, resty.lrucache, resty.redis). */
  readonly reference?: boolean;
  /** For the tsresty side: a reason this test is expected to fail (node:test todo). */
  readonly todo?: string;
  /** For the reference side (when the reference itself cannot pass a step). */
  readonly referenceTodo?: string;
  /** Change the copy before it runs (a variant of the example). */
  readonly prepare?: (prefix: string) => void;
  /** The test's name (default: the example's). */
  readonly title?: string;
}

/** Declare the test of one example: one `it` per side, running the same steps. */
export function exampleTest(name: string, opts: ExampleOptions, steps: (ex: Example) => Promise<void>): void {
  const title = opts.title ?? name;
  it(`${title} on tsresty`, opts.todo ? { todo: opts.todo } : {}, async () => {
    await withExample(name, "tsresty", steps, opts.prepare);
  });
  if (opts.reference) {
    const skip = referenceAvailable() ? false : "reference nginx not installed";
    it(`${title} on the reference nginx`, { skip, ...(opts.referenceTodo ? { todo: opts.referenceTodo } : {}) }, async () => {
      await withExample(name, "reference", steps, opts.prepare);
    });
  }
}

/** Copy an example to a fresh prefix with its ports mapped (see the header). */
export async function preparePrefix(name: string): Promise<{ prefix: string; ports: Map<number, number> }> {
  const ports = new Map<number, number>();
  for (const p of EXAMPLE_PORTS) ports.set(p, await freePort());
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), `tsresty-example-${name}-`));
  // The reference's workers run as an unprivileged user: they must be able to read the prefix.
  fs.chmodSync(prefix, 0o755);
  fs.cpSync(path.join(EXAMPLES, name), prefix, { recursive: true });
  fs.rmSync(path.join(prefix, "logs"), { recursive: true, force: true });
  fs.mkdirSync(path.join(prefix, "logs"));
  const portRe = new RegExp(`\\b(${EXAMPLE_PORTS.join("|")})\\b`, "g");
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const f = path.join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (TEXT_FILE.test(e.name)) {
        const text = fs.readFileSync(f, "latin1");
        const out = text.replace(portRe, (m) => String(ports.get(Number(m))));
        if (out !== text) fs.writeFileSync(f, out, "latin1");
      }
    }
  };
  walk(prefix);
  return { prefix, ports };
}

function waitPort(port: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const tryOnce = (): void => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => { s.destroy(); resolve(true); });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > end) resolve(false);
        else setTimeout(tryOnce, 50);
      });
    };
    tryOnce();
  });
}

async function stopChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  proc.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
}

async function startBackend(prefix: string, ports: Map<number, number>): Promise<ChildProcess> {
  const env = { ...process.env, PORT: String(ports.get(8081)), PORT2: String(ports.get(8082)) };
  const proc = spawn(process.execPath, [path.join(prefix, "backend.mjs")], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const up = await waitPort(ports.get(8081)!, 10_000);
  if (!up) {
    await stopChild(proc);
    throw new Error(`backend.mjs did not start:\n${out}`);
  }
  return proc;
}

/** Run a shell script of the example (seed.sh), bounded. */
export function runScript(prefix: string, script: string): void {
  execFileSync("sh", [path.join(prefix, script)], { cwd: prefix, timeout: 20_000, stdio: ["ignore", "pipe", "pipe"] });
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, "latin1");
  } catch {
    return "";
  }
}

/** Send one request (Connection: close) and parse the answer. */
export async function request(port: number, pathname: string, opts: RequestOptions = {}): Promise<Reply> {
  if (opts.localAddress) return requestFrom(port, pathname, opts);
  const headers: [string, string][] = Object.entries(opts.headers ?? {});
  if (!headers.some(([n]) => n.toLowerCase() === "host")) headers.unshift(["Host", `localhost:${port}`]);
  const r = await exchange(port, {
    method: opts.method ?? (opts.body !== undefined ? "POST" : "GET"),
    path: pathname,
    headers,
    body: opts.body,
    timeout: 10_000,
  });
  const res = r.responses[0];
  if (!res) throw new Error(`no answer to ${pathname}`);
  const body = Buffer.from(res.body, "latin1").toString("utf8");
  return reply(Number(res.statusLine.split(" ")[1]), res.headers, body, pathname);
}

function reply(status: number, rawHeaders: readonly (readonly [string, string])[], body: string, what: string): Reply {
  const map: Record<string, string> = {};
  for (const [n, v] of rawHeaders) map[n.toLowerCase()] = v;
  return {
    status, headers: map, rawHeaders, body,
    json() {
      try {
        return JSON.parse(body) as unknown;
      } catch {
        throw new Error(`${what}: not JSON (status ${status}): ${JSON.stringify(body)}`);
      }
    },
  };
}

/** A request from another local address, through node:http (the raw client cannot bind one). */
function requestFrom(port: number, pathname: string, opts: RequestOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1", port, path: pathname, method: opts.method ?? "GET", localAddress: opts.localAddress,
      headers: { ...opts.headers, Connection: "close" }, agent: false, timeout: 10_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const raw: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) raw.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve(reply(res.statusCode ?? 0, raw, Buffer.concat(chunks).toString("utf8"), pathname));
      });
    });
    req.on("timeout", () => req.destroy(new Error(`timeout: ${pathname}`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** Run the steps against one side; everything started is stopped afterwards. */
export async function withExample(name: string, side: Side, steps: (ex: Example) => Promise<void>, prepare?: (prefix: string) => void): Promise<void> {
  const { prefix, ports } = await preparePrefix(name);
  prepare?.(prefix);
  const port = ports.get(8080)!;
  let backend: ChildProcess | undefined;
  let server: Running | undefined;
  let ok = false;
  try {
    if (fs.existsSync(path.join(prefix, "seed.sh"))) runScript(prefix, "seed.sh");
    if (fs.existsSync(path.join(prefix, "backend.mjs"))) backend = await startBackend(prefix, ports);
    server = side === "tsresty" ? await startTsresty(prefix, port) : await startReference(prefix, port);
    const srv = server;
    const ex: Example = {
      side, prefix, port,
      mapped: (p) => ports.get(p) ?? p,
      request: (p, o) => request(port, p, o),
      get: (p, headers) => request(port, p, { headers }),
      errorLog: () => readOr(path.join(prefix, "logs/error.log")),
      accessLog: () => readOr(path.join(prefix, "logs/access.log")),
      stopBackend: async () => { if (backend) await stopChild(backend); },
      output: () => srv.output(),
    };
    await steps(ex);
    ok = true;
  } catch (e) {
    const log = readOr(path.join(prefix, "logs/error.log")).split("\n").slice(-15).join("\n");
    if (e instanceof Error) e.message += `\n(${side}, prefix kept: ${prefix})\nerror.log ends with:\n${log}`;
    throw e;
  } finally {
    if (server) await server.stop();
    if (backend) await stopChild(backend);
    if (ok) fs.rmSync(prefix, { recursive: true, force: true });
  }
}

/** Assert a value is a Unix time in seconds near now (a shape check, not a timing one). */
export function isNowish(v: unknown): boolean {
  return typeof v === "number" && Number.isInteger(v) && Math.abs(v - Date.now() / 1000) < 3600;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Retry `probe` until it returns true, at most `ms` (for things written after a response, e.g. logs). */
export async function eventually(probe: () => boolean | Promise<boolean>, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > end) return false;
    await sleep(50);
  }
}
