// `tsresty compile`: examples compiled into a new prefix serve as the originals do (same
// status, type, body and error-log lines for the same requests), the compiled modules
// type-check with `tsc --noEmit`, and Lua errors keep their original chunk names and lines.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ROOT, freePort } from "../differential/harness.js";
import { preparePrefix, request, TSRESTY, type RequestOptions } from "../examples/support.js";
import { compileToJs, loadLua, LuaLoadError } from "../../src/lua/compile.js";
import { readableModule } from "../../src/lua/compiler/readable-module.js";
import { bindCompiledLuaModule, isCompiledLuaModule } from "../../src/lua/compiled-module.js";
import { newGlobals } from "../../src/lua/state.js";
import { bundledModules } from "../../src/lib/index.js";
import { LuaError } from "../../src/lua/runtime/error.js";
import { LuaTable } from "../../src/lua/runtime/table.js";
import { tostring } from "../../src/lua/runtime/ops.js";
import type { LuaFunction, LuaValue } from "../../src/lua/runtime/value.js";
import type { LuaVm } from "../../src/ngx/vm.js";
import type { LuaChunk } from "../../src/http/modules/lua/chunks.js";

const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

interface Step {
  readonly path: string;
  readonly opts?: RequestOptions;
}

function compile(prefix: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-compiled-"));
  fs.chmodSync(out, 0o755);
  execFileSync(process.execPath, [TSRESTY, "compile", "-p", prefix, "-o", out], { stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
  return out;
}

/** `tsc --noEmit -p` on the first directory's tsconfig.json, extended to take all the directories' modules (one tsc run). */
function typeCheck(dirs: readonly string[]): void {
  const dir = dirs[0]!;
  const all = path.join(dir, "tsconfig.all.json");
  fs.writeFileSync(all, JSON.stringify({ extends: "./tsconfig.json", include: dirs.map((d) => path.join(d, "lua/compiled/**/*.ts")) }));
  try {
    execFileSync(process.execPath, [TSC, "--noEmit", "-p", all], { stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    assert.fail(`tsc --noEmit -p ${dir} failed:\n${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? ""}`);
  }
}

/** Error-log lines without what differs from run to run (time, pid) or by prefix. */
function logLines(prefix: string): string[] {
  let text = "";
  try {
    text = fs.readFileSync(path.join(prefix, "logs/error.log"), "latin1");
  } catch {
    return [];
  }
  // Entries (with their traceback lines) of this test's requests: the port is a free one, and
  // another suite's client may reach it (its Host is not ours).
  const entries = text.split(/\n(?=\d{4}\/\d\d\/\d\d )/).filter((e) => !/, host: "(?!localhost:)/.test(e));
  return entries.join("\n").split("\n").filter((l) => l !== "" && !/\[(notice|alert)\]/.test(l))
    .map((l) => l.replace(/^\S+ \S+ /, "").replace(/\d+#\d+/, "PID").split(prefix.replace(/\/$/, "")).join("PREFIX"));
}

function waitPort(port: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const once = (): void => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => { s.destroy(); resolve(true); });
      s.once("error", () => { s.destroy(); if (Date.now() > end) resolve(false); else setTimeout(once, 50); });
    };
    once();
  });
}

async function startBackend(prefix: string, ports: Map<number, number>): Promise<ChildProcess | undefined> {
  const file = path.join(prefix, "backend.mjs");
  if (!fs.existsSync(file)) return undefined;
  const env = { ...process.env, PORT: String(ports.get(8081)), PORT2: String(ports.get(8082)) };
  const proc = spawn(process.execPath, [file], { env, stdio: "ignore" });
  assert.ok(await waitPort(ports.get(8081)!, 10_000), "backend.mjs did not start");
  return proc;
}

/**
 * `tsresty serve -p PREFIX` as a child process, up when its port answers. The wait is long:
 * a compiled prefix's modules are bundled by esbuild at startup, slow on a busy machine.
 */
async function startServer(prefix: string, port: number): Promise<{ stop(): Promise<void> }> {
  const proc = spawn(process.execPath, [TSRESTY, "serve", "-p", prefix], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString("latin1")));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString("latin1")));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  };
  const up = await Promise.race([waitPort(port, 60_000), exited.then(() => false)]);
  if (!up) {
    await stop();
    assert.fail(`tsresty serve -p ${prefix} did not start on port ${port}:\n${output}`);
  }
  return { stop };
}

/** The replies and error-log lines of one prefix for the steps. */
async function serveSteps(prefix: string, port: number, steps: readonly Step[]): Promise<{ replies: string[]; log: string[] }> {
  fs.rmSync(path.join(prefix, "logs"), { recursive: true, force: true });
  fs.mkdirSync(path.join(prefix, "logs"));
  const server = await startServer(prefix, port);
  const replies: string[] = [];
  try {
    for (const s of steps) {
      const r = await request(port, s.path, s.opts);
      // Unix times (a response's timestamp) differ between the two runs.
      replies.push(`${s.path} -> ${r.status} ${r.headers["content-type"] ?? "-"}\n${r.body.replace(/\b1[6-9]\d{8}(\.\d+)?\b/g, "TIME")}`);
    }
  } finally {
    await server.stop();
  }
  return { replies, log: logLines(prefix) };
}

/** Compile a prefix, serve both, compare; the compiled modules type-check. */
async function sameAsOriginal(prefix: string, port: number, ports: Map<number, number>, steps: readonly Step[]): Promise<string> {
  const out = compile(prefix);
  const backend = await startBackend(prefix, ports);
  try {
    const original = await serveSteps(prefix, port, steps);
    const compiled = await serveSteps(out, port, steps);
    assert.deepEqual(compiled.replies, original.replies);
    assert.deepEqual(compiled.log.map((l) => l.split(out.replace(/\/$/, "")).join("PREFIX")), original.log);
  } finally {
    backend?.kill("SIGTERM");
  }
  return out;
}

const EXAMPLES: Readonly<Record<string, readonly Step[]>> = {
  "hello": [{ path: "/" }, { path: "/hello" }],
  "02-docker": [{ path: "/" }, { path: "/info" }],
  "04-request-response": [{ path: "/api/info?name=x&id=7", opts: { headers: { "User-Agent": "t" } } }],
  "08-shared-dict-cache": [{ path: "/cache/get?key=k" }, { path: "/cache/set?key=k&value=v1" }, { path: "/cache/get?key=k" }],
  "10-http-get": [{ path: "/proxy/api" }],
  "24-phases": [
    { path: "/mixed" },
    { path: "/mixed-plain", opts: { method: "POST", body: "hello" } },
    { path: "/mixed-encrypted", opts: { method: "POST", body: Buffer.from("hello").toString("base64") } },
  ],
};

describe("tsresty compile", () => {
  // The compiled prefixes, type-checked together at the end.
  const outputs: string[] = [];
  for (const [name, steps] of Object.entries(EXAMPLES)) {
    it(`examples/${name} compiled serves as the original`, async () => {
      const { prefix, ports } = await preparePrefix(name);
      const out = await sameAsOriginal(prefix, ports.get(8080)!, ports, steps);
      // The rewritten configuration keeps the original's lines.
      const lines = (f: string): number => fs.readFileSync(f, "latin1").split("\n").length;
      assert.equal(lines(path.join(out, "conf/nginx.conf")), lines(path.join(prefix, "conf/nginx.conf")));
      fs.rmSync(prefix, { recursive: true, force: true });
      outputs.push(out);
    });
  }

  it("Lua errors keep their chunk names and lines (blocks, one-liners, files, set_by_lua)", async () => {
    const port = await freePort();
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-compile-errors-"));
    fs.mkdirSync(path.join(prefix, "conf"));
    fs.mkdirSync(path.join(prefix, "lua"));
    fs.mkdirSync(path.join(prefix, "logs"));
    fs.writeFileSync(path.join(prefix, "lua/bad.lua"), "local m = require 'util'\n\nngx.say(m.twice(2))\nlocal s = nil\nngx.say(s:upper())\n");
    fs.writeFileSync(path.join(prefix, "lua/handler.mjs"), "export default (ngx) => { ngx.say('from js ', ngx.ctx.n); };\n");
    fs.writeFileSync(path.join(prefix, "lua/util.lua"), "local M = {}\nfunction M.twice(n) return n * 2 end\nreturn M\n");
    fs.writeFileSync(path.join(prefix, "conf/locations.conf"), [
      "location /included {",
      "    content_by_lua_block {",
      "        ngx.say('included')",
      "        error('from an include')",
      "    }",
      "}",
      "",
    ].join("\n"));
    fs.writeFileSync(path.join(prefix, "conf/nginx.conf"), [
      "events {}",
      "http {",
      "    lua_package_path '$prefix/lua/?.lua;;';",
      `    server { listen ${port};`,
      "        location /block {",
      "            content_by_lua_block {",
      "                local t = nil",
      "                ngx.say(t.x)",
      "            }",
      "        }",
      "        location /inline { content_by_lua 'ngx.say(\"a\") error(\"inline failure\")'; }",
      "        location /file { content_by_lua_file lua/bad.lua; }",
      "        location /set {",
      "            set_by_lua_block $v { return ngx.var.arg_x .. '!' }",
      "            return 200 \"v=$v\\n\";",
      "        }",
      "        location /phases {",
      "            rewrite_by_lua_block { ngx.ctx.n = 1 }",
      "            access_by_lua_block { ngx.ctx.n = ngx.ctx.n + 1 }",
      "            content_by_lua_block { ngx.say(ngx.ctx.n) local x = 1 + {} }",
      "            log_by_lua_block { ngx.log(ngx.ERR, 'n=', ngx.ctx.n) }",
      "        }",
      "        location /method {",
      "            content_by_lua_block {",
      "                local s = 'abc'",
      "                ngx.say(s:upper(), ' ', s:rep(2), ' ', (s:sub({})))",
      "            }",
      "        }",
      "        location /js { rewrite_by_lua 'ngx.ctx.n = 7'; content_by_lua_file lua/handler.mjs; }",
      "        include locations.conf;",
      "    }",
      "}",
      "",
    ].join("\n"));
    const steps: Step[] = [{ path: "/block" }, { path: "/inline" }, { path: "/file" }, { path: "/set?x=1" }, { path: "/set" }, { path: "/phases" }, { path: "/method" }, { path: "/js" }, { path: "/included" }];
    const out = await sameAsOriginal(prefix, port, new Map(), steps);
    const log = logLines(out).join("\n");
    assert.match(log, /content_by_lua\(nginx\.conf:6\):3: attempt to index local 't' \(a nil value\)/);
    assert.match(log, /content_by_lua\(nginx\.conf:11\):1: inline failure/);
    assert.match(log, /PREFIX\/lua\/bad\.lua:5: attempt to index local 's' \(a nil value\)/);
    // Argument numbers of method calls depend on the call sites, which the module keeps (the
    // log is the original's, compared above).
    assert.match(log, /content_by_lua\(nginx\.conf:24\):3: bad argument #\d to 'sub' \(number expected, got table\)/);
    // An included file is rewritten too; its chunk names are the include's.
    assert.match(log, /content_by_lua\(locations\.conf:2\):3: from an include/);
    assert.match(fs.readFileSync(path.join(out, "conf/locations.conf"), "latin1"), /content_by_lua_file lua\/compiled\/server1-location_included-content\.ts;/);
    // A JavaScript handler stays as it is; required modules stay Lua, beside the compiled ones.
    assert.match(fs.readFileSync(path.join(out, "conf/nginx.conf"), "latin1"), /content_by_lua_file lua\/handler\.mjs;/);
    assert.ok(fs.existsSync(path.join(out, "lua/util.lua")));
    assert.deepEqual(fs.readdirSync(path.join(out, "lua/compiled")).sort(), [
      "server1-location_block-content.ts", "server1-location_file-content.ts", "server1-location_included-content.ts", "server1-location_inline-content.ts", "server1-location_js-rewrite.ts", "server1-location_method-content.ts",
      "server1-location_phases-access.ts", "server1-location_phases-content.ts", "server1-location_phases-log.ts",
      "server1-location_phases-rewrite.ts", "server1-location_set-set_v.ts",
    ]);
    fs.rmSync(prefix, { recursive: true, force: true });
    outputs.push(out);
  });

  it("fails without -o, and on a configuration nginx -t refuses, with nginx's message", () => {
    const run = (args: string[]): { status: number | null; stderr: string } => {
      try {
        execFileSync(process.execPath, [TSRESTY, "compile", ...args], { stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
        return { status: 0, stderr: "" };
      } catch (e) {
        const err = e as { status: number | null; stderr: Buffer };
        return { status: err.status, stderr: err.stderr.toString() };
      }
    };
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-compile-bad-"));
    fs.mkdirSync(path.join(prefix, "conf"));
    fs.writeFileSync(path.join(prefix, "conf/nginx.conf"), "events {}\nhttp { server { listen 1; location / { content_by_lua_block { ngx.say(1) } } }\n");
    const noOut = run(["-p", prefix]);
    assert.equal(noOut.status, 1);
    assert.match(noOut.stderr, /-o DIR/);
    const bad = run(["-p", prefix, "-o", path.join(prefix, "out")]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /\[emerg\] unexpected end of file, expecting "}" in .*nginx\.conf:3/);
    assert.ok(!fs.existsSync(path.join(prefix, "out")));
    fs.rmSync(prefix, { recursive: true, force: true });
  });

  it("the compiled modules pass tsc --noEmit with the tsconfig.json written beside them", () => {
    assert.ok(outputs.length > 0);
    typeCheck(outputs);
    for (const o of outputs) fs.rmSync(o, { recursive: true, force: true });
  });
});

// The Lua corpus's deterministic programs run twice in this process, once as loadLua runs them
// and once through the readable module (written to a file, bound by bindCompiledLuaModule):
// the output, and the error with its position, must be the same.
const CORPUS = path.join(ROOT, "test/lua/corpus");
const CORPUS_DIRS = ["control", "coroutines", "errors", "format", "functions", "metatables", "operators", "patterns", "pcall", "strings", "tables", "values"];

/** Globals whose print and io.write collect into `out`. */
function globalsWith(out: string[]): LuaTable {
  const G = newGlobals({ preload: bundledModules });
  const collect: LuaFunction = (...args: LuaValue[]) => {
    out.push(args.map((a) => tostring(a)).join("\t") + "\n");
    return undefined;
  };
  G.setStr("print", collect);
  const io = G.getStr("io");
  if (io instanceof LuaTable) {
    io.setStr("write", ((...args: LuaValue[]) => {
      out.push(args.map((a) => tostring(a)).join(""));
      return io.getStr("stdout");
    }) as LuaFunction);
  }
  return G;
}

function outcome(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (e) {
    if (e instanceof LuaError) return `error: ${tostring(e.value)}`;
    if (e instanceof LuaLoadError) return `load error: ${e.message}`;
    return `js error: ${(e as Error).message}`;
  }
}

describe("compiled modules run as the compiler's output", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-readable-"));
  const programs = CORPUS_DIRS.flatMap((d) =>
    fs.readdirSync(path.join(CORPUS, d)).filter((f) => f.endsWith(".lua")).map((f) => `${d}/${f}`));

  it(`${programs.length} corpus programs: same output and errors`, () => {
    const differ: string[] = [];
    for (const prog of programs) {
      const source = fs.readFileSync(path.join(CORPUS, prog)).toString("latin1");
      const name = `@${prog}`;
      let compiled;
      try {
        compiled = compileToJs(source, name, { main: "plain", skipShebang: true });
      } catch {
        continue; // syntax errors are the loader's, not the module's
      }
      const outA: string[] = [];
      const a = outcome(() => loadLua(source, name, globalsWith(outA), { main: "plain", skipShebang: true })());
      const file = path.join(dir, prog.replace(/\//g, "-").replace(/\.lua$/, ".ts"));
      fs.writeFileSync(file, readableModule({ compiled, source, chunkName: name, main: "plain", header: [prog] }), "latin1");
      // The module's exports as the loader sees them (its code region is read from the file).
      const exports: Record<string, unknown> = { compiledLua: moduleInfo(file), factory: () => undefined };
      assert.ok(isCompiledLuaModule(exports));
      const outB: string[] = [];
      const G = globalsWith(outB);
      const vm = { G, opts: { prefix: "" } } as unknown as LuaVm;
      const chunk = { path: file, name } as unknown as LuaChunk;
      const b = outcome(() => bindCompiledLuaModule(exports, vm, chunk)());
      // Addresses of tables and functions differ between any two runs.
      const same = (x: string): string => x.replace(/0x[0-9a-f]+/g, "0xADDR");
      if (same(a) !== same(b) || same(outA.join("")) !== same(outB.join(""))) differ.push(`${prog}:\n  loadLua: ${a}\n  module:  ${b}`);
    }
    assert.deepEqual(differ, []);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/** The `compiledLua` object of a module file, read as data (the test does not transpile .ts). */
function moduleInfo(file: string): unknown {
  const text = fs.readFileSync(file, "latin1");
  const m = /export const compiledLua = (\{[\s\S]*\}) as const;/.exec(text);
  assert.ok(m, `${file}: no compiledLua`);
  // The object literal is JSON but for its comments and unquoted keys.
  const json = m[1]!.replace(/\/\*\*.*\*\//g, "").replace(/^\s*(\w+):/gm, '"$1":').replace(/,(\s*\})/, "$1");
  return JSON.parse(json) as unknown;
}
