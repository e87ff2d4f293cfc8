// The differential harness: run one configuration on tsresty and on the reference nginx
// (../shared/ref/ref-nginx: nginx 1.22 with the Lua, echo, headers-more and set-misc
// modules), send both the same requests, and compare what matters: the status line, the
// headers (Date ignored, the Server version normalised), the body, and the error-log lines
// with times, pids and connection numbers masked.
//
// Reuse: write a DiffCase (an inline nginx.conf or a config directory, plus requests) and
// call `diffCase(t, c)` from a node:test test. `__PORT__` in the configuration is replaced by
// a free port on each side, and so is each `__PORT_X__` (X a name: a second server of the
// same configuration, a backend), all masked alike in what is compared. When the reference is not installed, the case is skipped with a
// visible notice.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repository root (dist/test/differential -> ../../..). */
export const ROOT = path.resolve(HERE, "../../..");
export const REF_SCRIPT = path.resolve(ROOT, "../shared/ref/ref-nginx");
export const TSRESTY = path.join(ROOT, "bin/tsresty");

export interface DiffRequest {
  /** Shown in failures. */
  readonly name?: string;
  /** Raw bytes to send (latin1; may hold several pipelined requests). */
  readonly raw?: string;
  /** Or a request to build: method, path, headers, body. Host defaults to "localhost". */
  readonly method?: string;
  readonly path?: string;
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
  /** How many responses to wait for on this connection (default 1; 0 = read until close). */
  readonly responses?: number;
  /** Milliseconds to wait for the responses (default 3000). */
  readonly timeout?: number;
  /** Address to connect to (default 127.0.0.1; any 127.x.y.z reaches a wildcard listener). */
  readonly connectHost?: string;
}

export interface DiffCase {
  readonly name: string;
  /** The nginx.conf text; `__PORT__` is the port to listen on, `__PORT_X__` one more of the side's. */
  readonly conf?: string;
  /** Or a configuration directory (a prefix with conf/nginx.conf), copied for each side. */
  readonly confDir?: string;
  /** Extra files to create under the prefix (path -> content), e.g. html/index.html. */
  readonly files?: Readonly<Record<string, string>>;
  /** The files' modification time (seconds), the same on both sides so ETag and Last-Modified compare. */
  readonly mtime?: number;
  readonly requests: readonly DiffRequest[];
  /** Compare the error logs too (default true). */
  readonly errorLog?: boolean;
  /** Compare logs/access.log too (default false), with [$time_local] masked. */
  readonly accessLog?: boolean;
  /** Error-log lines to ignore (matched against the masked line). */
  readonly ignoreLog?: readonly RegExp[];
  /** Response headers to leave out of the comparison, lowercase (Date always is). */
  readonly ignoreHeaders?: readonly string[];
  /** Compare gzip-encoded bodies decoded (zlib versions compress differently). */
  readonly gunzip?: boolean;
}

export interface ParsedResponse {
  readonly statusLine: string;
  readonly headers: readonly [string, string][];
  readonly body: string;
  readonly chunked: boolean;
}

export interface SideResult {
  readonly responses: readonly (readonly ParsedResponse[])[];
  readonly closed: readonly boolean[];
  readonly errorLog: readonly string[];
  readonly accessLog: readonly string[];
}

export function referenceAvailable(): boolean {
  return fs.existsSync("/usr/sbin/nginx") && fs.existsSync(REF_SCRIPT);
}

/** A port free right now (listen on 0, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address() as net.AddressInfo;
      s.close(() => resolve(a.port));
    });
  });
}

function waitPort(port: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const tryOnce = (): void => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > end) resolve(false);
        else setTimeout(tryOnce, 50);
      });
    };
    tryOnce();
  });
}

/** The names X of the `__PORT_X__` placeholders in a case's configuration and files. */
export type ExtraPorts = ReadonlyMap<string, number>;

function extraPortNames(c: DiffCase): string[] {
  const texts = [c.conf ?? "", ...Object.values(c.files ?? {})];
  return [...new Set(texts.flatMap((t) => [...t.matchAll(/__PORT_([A-Z0-9]+)__/g)].map((m) => m[1]!)))];
}

/** A port each for `names`, free right now and all different. */
async function freePorts(names: readonly string[], taken: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const n of names) {
    let p = await freePort();
    while (p === taken || [...out.values()].includes(p)) p = await freePort();
    out.set(n, p);
  }
  return out;
}

function withPorts(text: string, port: number, extra: ExtraPorts): string {
  let t = text.replace(/__PORT__/g, String(port));
  for (const [n, p] of extra) t = t.split(`__PORT_${n}__`).join(String(p));
  return t;
}

/**
 * The side's ports masked in `text`, as whole numbers only: "239595" in a body is no port
 * 39595 (masking it there made a test fail whenever the random port was a piece of a file).
 */
function maskPorts(text: string, port: number, extra: ExtraPorts = new Map()): string {
  let t = text;
  for (const [n, p] of extra) t = t.replace(portPattern(p), `PORT_${n}`);
  return t.replace(portPattern(port), "PORT");
}

/** Make a prefix directory for one side. */
export function makePrefix(c: DiffCase, port: number, tag: string, extra: ExtraPorts = new Map()): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsresty-diff-${tag}-`));
  // nginx's workers run as another user: they must be able to reach the files served.
  fs.chmodSync(dir, 0o755);
  if (c.confDir) fs.cpSync(c.confDir, dir, { recursive: true });
  fs.mkdirSync(path.join(dir, "conf"), { recursive: true });
  fs.mkdirSync(path.join(dir, "logs"), { recursive: true });
  const confPath = path.join(dir, "conf/nginx.conf");
  const conf = c.conf ?? fs.readFileSync(confPath, "latin1");
  fs.writeFileSync(confPath, withPorts(conf, port, extra), "latin1");
  for (const [p, content] of Object.entries(c.files ?? {})) {
    const f = path.join(dir, p);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, withPorts(content, port, extra), "latin1");
    if (c.mtime !== undefined) fs.utimesSync(f, c.mtime, c.mtime);
  }
  // The directories under the prefix too, once their files are written (autoindex lists them).
  if (c.mtime !== undefined) {
    for (const p of Object.keys(c.files ?? {})) {
      for (let d = path.dirname(p); d !== "." && d !== "/"; d = path.dirname(d)) fs.utimesSync(path.join(dir, d), c.mtime, c.mtime);
    }
  }
  return dir;
}

export interface Running {
  readonly port: number;
  readonly prefix: string;
  readonly proc: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

async function launch(cmd: string, args: string[], prefix: string, port: number): Promise<Running> {
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], detached: false });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString("latin1")));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString("latin1")));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const up = await Promise.race([waitPort(port, 10_000), exited.then(() => false)]);
  const running: Running = {
    port, prefix, proc, output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      }
    },
  };
  if (!up) {
    await running.stop();
    throw new Error(`${path.basename(cmd)} did not start on port ${port}:\n${out}`);
  }
  return running;
}

export function startTsresty(prefix: string, port: number): Promise<Running> {
  return launch(process.execPath, [TSRESTY, "serve", "-p", prefix], prefix, port);
}

export function startReference(prefix: string, port: number): Promise<Running> {
  return launch(REF_SCRIPT, ["-p", prefix], prefix, port);
}

function buildRaw(q: DiffRequest): string {
  if (q.raw !== undefined) return q.raw;
  const hs = q.headers ?? [];
  let s = `${q.method ?? "GET"} ${q.path ?? "/"} HTTP/1.1\r\n`;
  if (!hs.some(([n]) => n.toLowerCase() === "host")) s += "Host: localhost\r\n";
  for (const [n, v] of hs) s += `${n}: ${v}\r\n`;
  if (q.body !== undefined && !hs.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) {
    s += `Content-Length: ${Buffer.byteLength(q.body, "latin1")}\r\n`;
  }
  s += "Connection: close\r\n\r\n";
  return s + (q.body ?? "");
}

/** Methods of the requests in a raw string, in order (to know which responses have no body). */
function methodsOf(raw: string): string[] {
  return [...raw.matchAll(/(?:^|\r?\n)([A-Z]+) [^\r\n]* HTTP\/1\.\d\r?\n/g)].map((m) => m[1]!);
}

/** Send one DiffRequest on a new connection; parse the responses. */
export function exchange(port: number, q: DiffRequest): Promise<{ responses: ParsedResponse[]; closed: boolean }> {
  const raw = buildRaw(q);
  const want = q.responses ?? 1;
  const methods = methodsOf(raw);
  return new Promise((resolve) => {
    const sock = net.connect(port, q.connectHost ?? "127.0.0.1");
    let buf = Buffer.alloc(0);
    let closed = false;
    let done = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (grace) clearTimeout(grace);
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ responses: parseResponses(buf, methods, true), closed });
    };
    const timer = setTimeout(finish, q.timeout ?? 3000);
    sock.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      // Once the responses are in, give the server time to close: up to 2 s when the last
      // one announced it, a moment otherwise (to catch a close nobody announced).
      if (want > 0 && !grace) {
        const got = parseResponses(buf, methods, false);
        if (got.length >= want) {
          const last = got[got.length - 1]!;
          const announced = last.headers.some(([n, v]) => n.toLowerCase() === "connection" && v.toLowerCase() === "close");
          grace = setTimeout(finish, announced ? 2000 : 150);
        }
      }
    });
    sock.on("end", () => {
      closed = true;
      finish();
    });
    sock.on("error", () => {
      closed = true;
      finish();
    });
    sock.write(Buffer.from(raw, "latin1"));
  });
}

/** Parse complete responses from `buf`; with `atEnd`, a close-delimited last body counts. */
export function parseResponses(buf: Buffer, methods: readonly string[], atEnd: boolean): ParsedResponse[] {
  const s = buf.toString("latin1");
  const out: ParsedResponse[] = [];
  let pos = 0;
  if (s.length > 0 && !s.startsWith("HTTP/")) {
    return atEnd ? [{ statusLine: "(HTTP/0.9)", headers: [], body: s, chunked: false }] : [];
  }
  while (pos < s.length) {
    const end = s.indexOf("\r\n\r\n", pos);
    if (end < 0) break;
    const lines = s.slice(pos, end).split("\r\n");
    const statusLine = lines[0]!;
    const headers = lines.slice(1).map((l): [string, string] => {
      const c = l.indexOf(":");
      return [l.slice(0, c), l.slice(c + 1).trim()];
    });
    const status = Number(statusLine.split(" ")[1]);
    let p = end + 4;
    const get = (n: string): string | undefined => headers.find(([k]) => k.toLowerCase() === n)?.[1];
    if (status >= 100 && status < 200) {
      out.push({ statusLine, headers, body: "", chunked: false });
      pos = p;
      continue;
    }
    const method = methods[out.filter((r) => !/^HTTP\/1\.1 1\d\d/.test(r.statusLine)).length] ?? "GET";
    let body = "";
    let chunked = false;
    if (method === "HEAD" || status === 204 || status === 304) {
      // no body
    } else if ((get("transfer-encoding") ?? "").toLowerCase() === "chunked") {
      chunked = true;
      let q = p;
      let complete = false;
      for (;;) {
        const le = s.indexOf("\r\n", q);
        if (le < 0) break;
        const size = parseInt(s.slice(q, le), 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          const te = s.indexOf("\r\n", le + 2);
          if (te < 0) break;
          q = te + 2;
          complete = true;
          break;
        }
        if (le + 2 + size + 2 > s.length) break;
        body += s.slice(le + 2, le + 2 + size);
        q = le + 2 + size + 2;
      }
      if (!complete) {
        if (atEnd) out.push({ statusLine, headers, body: body + "(incomplete chunked body)", chunked });
        break;
      }
      p = q;
    } else if (get("content-length") !== undefined) {
      const n = Number(get("content-length"));
      if (p + n > s.length) {
        if (atEnd) out.push({ statusLine, headers, body: s.slice(p) + "(truncated)", chunked });
        break;
      }
      body = s.slice(p, p + n);
      p += n;
    } else {
      if (!atEnd) break;
      body = s.slice(p);
      p = s.length;
    }
    out.push({ statusLine, headers, body, chunked });
    pos = p;
  }
  return out;
}

function portPattern(port: number): RegExp {
  return new RegExp(`(?<![0-9])${port}(?![0-9])`, "g");
}

/** Error-log lines with the variable parts masked. */
export function maskLog(text: string, port: number, prefix: string, extra: ExtraPorts = new Map()): string[] {
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) =>
      l
        .replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, "TIME ")
        .replace(/\] \d+#\d+: /, "] PID#TID: ")
        .replace(/ \*\d+ /, " *N ")
        .split(prefix).join("PREFIX/"),
    )
    .map((l) => maskPorts(l, port, extra));
}

/**
 * Run the case on one side only (tsresty or the reference) and collect what came back. A free
 * port is only free until someone binds it: when another test's server took it first (ours
 * exited with "Address already in use" while the other answered), the run is made again on
 * another port.
 */
export async function runSide(c: DiffCase, which: "tsresty" | "reference"): Promise<SideResult & { prefix: string; port: number; extra: ExtraPorts }> {
  for (let attempt = 1; ; attempt++) {
    const r = await runSideOnce(c, which);
    if (!r.lostPort || attempt === 3) return r;
  }
}

async function runSideOnce(
  c: DiffCase, which: "tsresty" | "reference",
): Promise<SideResult & { prefix: string; port: number; extra: ExtraPorts; lostPort: boolean }> {
  const port = await freePort();
  const extra = await freePorts(extraPortNames(c), port);
  const prefix = makePrefix(c, port, which, extra);
  const srv = which === "tsresty" ? await startTsresty(prefix, port) : await startReference(prefix, port);
  const responses: ParsedResponse[][] = [];
  const closed: boolean[] = [];
  let lostPort = false;
  try {
    for (const q of c.requests) {
      const r = await exchange(port, q);
      responses.push(r.responses);
      closed.push(r.closed);
    }
    await new Promise((r) => setTimeout(r, 150));
  } finally {
    lostPort = srv.proc.exitCode !== null && /Address already in use/.test(srv.output());
    await srv.stop();
  }
  let log = "";
  try {
    log = fs.readFileSync(path.join(prefix, "logs/error.log"), "latin1");
  } catch {
    // no log
  }
  const ignore = c.ignoreLog ?? [];
  const errorLog = maskLog(log, port, prefix + "/", extra)
    .filter((l) => !/\[notice\]/.test(l))
    .filter((l) => !ignore.some((re) => re.test(l)));
  let access = "";
  try {
    access = fs.readFileSync(path.join(prefix, "logs/access.log"), "latin1");
  } catch {
    // no access log
  }
  const accessLog = access.split("\n").filter((l) => l.length > 0)
    .map((l) => l.replace(/\[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]/, "[TIME]"));
  return { responses, closed, errorLog, accessLog: accessLog.map((l) => maskPorts(l, port, extra)), prefix, port, extra, lostPort };
}

/**
 * Serve `conf` on one side and let `drive` talk to it however the test needs (raw sockets
 * that close early, ...); then the masked error log (notices and `dropLog` lines left out)
 * and the access log lines. For cases the request/response model of diffCase cannot express.
 */
export async function runDriven<T>(
  name: string, conf: string, which: "tsresty" | "reference", drive: (port: number) => Promise<T>, dropLog?: RegExp,
): Promise<{ result: T; errorLog: string[]; accessLog: string[] }> {
  const port = await freePort();
  const prefix = makePrefix({ name, conf, requests: [] }, port, which);
  const srv = which === "tsresty" ? await startTsresty(prefix, port) : await startReference(prefix, port);
  let result: T;
  try {
    result = await drive(port);
  } finally {
    await srv.stop();
  }
  const read = (f: string): string => {
    try {
      return fs.readFileSync(path.join(prefix, "logs", f), "latin1");
    } catch {
      return "";
    }
  };
  const errorLog = maskLog(read("error.log"), port, prefix + "/").filter((l) => !/\[notice\]|epoll_wait/.test(l) && !(dropLog?.test(l) ?? false));
  const accessLog = read("access.log").split("\n").filter((l) => l !== "");
  fs.rmSync(prefix, { recursive: true, force: true });
  return { result, errorLog, accessLog };
}

function normHeaders(r: ParsedResponse, port: number, extra: ExtraPorts, ignore: readonly string[]): string[] {
  return r.headers
    .filter(([n]) => n.toLowerCase() !== "date" && !ignore.includes(n.toLowerCase()))
    .map(([n, v]) => {
      // Only ":port" in a header (Location's host:port): a Content-Length may be any number.
      let val = v;
      for (const [x, p] of extra) val = val.replace(new RegExp(`:${p}(?![0-9])`, "g"), `:PORT_${x}`);
      val = val.replace(new RegExp(`:${port}(?![0-9])`, "g"), ":PORT");
      if (n.toLowerCase() === "server") val = val.replace(/^nginx\/[0-9.]+$/, "nginx/VERSION");
      return `${n}: ${val}`;
    });
}

export interface Difference {
  readonly request: string;
  readonly what: string;
  readonly tsresty: unknown;
  readonly reference: unknown;
}

/** Run the case on both sides and list the differences (empty when they agree). */
export async function compareCase(c: DiffCase): Promise<Difference[]> {
  const ref = await runSide(c, "reference");
  const ts = await runSide(c, "tsresty");
  const diffs: Difference[] = [];
  const ignore = c.ignoreHeaders ?? [];
  c.requests.forEach((q, i) => {
    const name = q.name ?? (buildRaw(q).split("\r\n")[0] ?? "").slice(0, 80);
    const a = ts.responses[i] ?? [];
    const b = ref.responses[i] ?? [];
    if (a.length !== b.length) diffs.push({ request: name, what: "number of responses", tsresty: a.length, reference: b.length });
    for (let k = 0; k < Math.min(a.length, b.length); k++) {
      const x = a[k]!;
      const y = b[k]!;
      if (x.statusLine !== y.statusLine) diffs.push({ request: name, what: `response ${k} status line`, tsresty: x.statusLine, reference: y.statusLine });
      const hx = normHeaders(x, ts.port, ts.extra, ignore);
      const hy = normHeaders(y, ref.port, ref.extra, ignore);
      if (hx.join("\n") !== hy.join("\n")) diffs.push({ request: name, what: `response ${k} headers`, tsresty: hx, reference: hy });
      const bx = maskPorts(decoded(x, c.gunzip), ts.port, ts.extra);
      const by = maskPorts(decoded(y, c.gunzip), ref.port, ref.extra);
      if (bx !== by) diffs.push({ request: name, what: `response ${k} body`, tsresty: bx, reference: by });
    }
    if (ts.closed[i] !== ref.closed[i]) diffs.push({ request: name, what: "connection closed by server", tsresty: ts.closed[i], reference: ref.closed[i] });
  });
  if (c.errorLog !== false && ts.errorLog.join("\n") !== ref.errorLog.join("\n")) {
    const onlyTs = ts.errorLog.filter((l) => !ref.errorLog.includes(l));
    const onlyRef = ref.errorLog.filter((l) => !ts.errorLog.includes(l));
    if (onlyTs.length === 0 && onlyRef.length === 0) {
      diffs.push({ request: "(all)", what: "error log (same lines, other order or count)", tsresty: ts.errorLog, reference: ref.errorLog });
    } else diffs.push({ request: "(all)", what: "error log lines on one side only", tsresty: onlyTs, reference: onlyRef });
  }
  if (c.accessLog === true && ts.accessLog.join("\n") !== ref.accessLog.join("\n")) {
    diffs.push({ request: "(all)", what: "access log", tsresty: ts.accessLog, reference: ref.accessLog });
  }
  fs.rmSync(ts.prefix, { recursive: true, force: true });
  fs.rmSync(ref.prefix, { recursive: true, force: true });
  return diffs;
}

/** The body, gunzipped when asked and the response says gzip. */
function decoded(r: ParsedResponse, gunzip: boolean | undefined): string {
  if (!gunzip || !r.headers.some(([n, v]) => n.toLowerCase() === "content-encoding" && v === "gzip")) return r.body;
  try {
    return "(gunzipped)" + zlib.gunzipSync(Buffer.from(r.body, "latin1")).toString("latin1");
  } catch (e) {
    return `(bad gzip: ${(e as Error).message})`;
  }
}

let noticeShown = false;

/** For node:test: run the case and fail with the differences, or skip without the reference. */
export async function diffCase(t: TestContext, c: DiffCase): Promise<void> {
  if (!referenceAvailable()) {
    if (!noticeShown) {
      noticeShown = true;
      console.log("# NOTICE: reference nginx (/usr/sbin/nginx, ../shared/ref/ref-nginx) not installed: differential cases skipped");
    }
    t.skip("reference nginx not installed");
    return;
  }
  const diffs = await compareCase(c);
  if (diffs.length > 0) {
    throw new Error(`${c.name}: tsresty and nginx differ:\n` + diffs.map((d) => `- ${d.request}: ${d.what}\n    tsresty:   ${short(d.tsresty)}\n    reference: ${short(d.reference)}`).join("\n"));
  }
}

/** JSON, with long runs elided so a failure stays readable. */
function short(v: unknown): string {
  const s = JSON.stringify(v) ?? "undefined";
  return s.replace(/(.)\1{40,}/g, (m, c: string) => `${c.repeat(8)}...(${m.length}x)`).slice(0, 4000);
}
