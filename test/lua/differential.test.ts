// Differential tests: every program of test/lua/corpus is run by `bin/tsresty run` and its
// output compared with what the real LuaJIT printed (NAME.expected, written by
// scripts/lua-expect.mjs): stdout byte for byte, the exit status, and the first line of
// stderr with the program-name prefix ("luajit: ", "tsresty: ") removed. Where `luajit` is
// installed the program is also re-run with it, so that a stale expectation fails too.
//
// One test per program, named by its path in the corpus. The processes run a few at a time
// ahead of the tests that wait for them. On failure the message shows what differs, with the
// first differing line of stdout and a few lines of context around it.
//
//   npm test                                      everything
//   npm run build && node --test dist/test/lua/   this suite only
//   LUA_DIFF_FILTER=patterns/ node --test dist/test/lua/   programs whose path contains it
import { test } from "node:test";
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root, from test/lua (source) or dist/test/lua (compiled). */
const ROOT = [resolve(HERE, "../../.."), resolve(HERE, "../..")].find((r) =>
  existsSync(join(r, "test", "lua", "corpus")),
) ?? resolve(HERE, "../../..");
const CORPUS = join(ROOT, "test", "lua", "corpus");
const TSRESTY = join(ROOT, "bin", "tsresty");
const LUAJIT = process.env.LUAJIT || "luajit";
const TSRESTY_TIMEOUT_MS = 20_000;
const LUAJIT_TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 16 * 1024 * 1024;
const JOBS = Number(process.env.LUA_DIFF_JOBS) || Math.max(2, Math.min(6, availableParallelism() + 1));
/** Same environment as scripts/lua-expect.mjs uses for luajit. */
const CORPUS_ENV = { TZ: "UTC", LC_ALL: "C", LANG: "C", TSRESTY_TEST_ENV: "corpus-value" };
/** Corpus directories that hold helper files (required modules, dofile targets), not programs. */
const NON_PROGRAM_DIRS = new Set(["modules"]);

interface Expected {
  stdout: string;
  stdoutEncoding?: "base64";
  stderrFirstLine: string;
  status: number | null;
}

interface Outcome {
  stdout: Buffer;
  stderrFirstLine: string;
  status: number | null;
  /** Set when the process could not run to completion (timeout, spawn error, signal). */
  problem?: string;
}

function listPrograms(): string[] {
  const out: string[] = [];
  const walk = (abs: string, top: boolean): void => {
    for (const ent of readdirSync(abs, { withFileTypes: true })) {
      const p = join(abs, ent.name);
      if (ent.isDirectory()) {
        if (!(top && NON_PROGRAM_DIRS.has(ent.name))) walk(p, false);
      } else if (ent.isFile() && ent.name.endsWith(".lua")) {
        out.push(relative(CORPUS, p).split(sep).join("/"));
      }
    }
  };
  walk(CORPUS, true);
  return out.sort();
}

function stripPrefix(line: string): string {
  for (const prefix of ["luajit: ", "tsresty: "]) if (line.startsWith(prefix)) return line.slice(prefix.length);
  return line;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(cmd, args, {
      cwd: CORPUS,
      env: { ...process.env, ...CORPUS_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let problem: string | undefined;
    const kill = (why: string): void => {
      if (problem === undefined) problem = why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => kill(`timed out after ${timeoutMs / 1000} s`), timeoutMs);
    const collect = (bucket: Buffer[]) => (chunk: Buffer) => {
      bucket.push(chunk);
      size += chunk.length;
      if (size > MAX_OUTPUT) kill("produced more than 16 MB of output");
    };
    child.stdout.on("data", collect(out));
    child.stderr.on("data", collect(err));
    child.on("error", (e) => {
      clearTimeout(timer);
      done({ stdout: Buffer.alloc(0), stderrFirstLine: "", status: null, problem: `cannot run ${cmd}: ${e.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (problem === undefined && code === null) problem = `killed by ${signal ?? "a signal"}`;
      const stderr = Buffer.concat(err).toString("utf8");
      done({
        stdout: Buffer.concat(out),
        stderrFirstLine: stripPrefix(stderr.split("\n")[0] ?? ""),
        status: code,
        problem,
      });
    });
  });
}

/** Runs tasks at most `limit` at a time, in the order they were queued. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    if (active >= limit) return;
    const start = queue.shift();
    if (start) {
      active++;
      start();
    }
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((res, rej) => {
      queue.push(() => {
        task()
          .then(res, rej)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}

// ---- readable differences ----------------------------------------------------------------

const show = (s: string): string => JSON.stringify(s);

function showBytes(b: Buffer): string {
  const s = b.toString("utf8");
  return Buffer.from(s, "utf8").equals(b) ? s : `(not UTF-8; latin1 view) ${b.toString("latin1")}`;
}

/** The first differing line of two outputs, with up to `context` lines around it. */
function lineDiff(expected: string, actual: string, context = 3): string {
  const e = expected.split("\n");
  const a = actual.split("\n");
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  const lines: string[] = [`first difference at line ${i + 1}:`];
  const from = Math.max(0, i - context);
  for (let k = from; k < i; k++) lines.push(`    ${show(e[k]!)}`);
  lines.push(`  - expected: ${i < e.length ? show(e[i]!) : "(end of output)"}`);
  lines.push(`  + actual:   ${i < a.length ? show(a[i]!) : "(end of output)"}`);
  for (let k = i + 1; k <= i + context; k++) {
    if (k < e.length) lines.push(`  - expected: ${show(e[k]!)}`);
    if (k < a.length) lines.push(`  + actual:   ${show(a[k]!)}`);
  }
  const size = (s: string, n: number): string => (s === "" ? "empty" : `${n} lines, ${s.length} chars`);
  lines.push(`  (expected: ${size(expected, e.length)}; actual: ${size(actual, a.length)})`);
  return lines.join("\n");
}

function expectedStdout(exp: Expected): Buffer {
  return exp.stdoutEncoding === "base64" ? Buffer.from(exp.stdout, "base64") : Buffer.from(exp.stdout, "utf8");
}

/** Every difference between an expectation and an outcome, as readable lines ([] if none). */
function differences(exp: Expected, got: Outcome): string[] {
  const diffs: string[] = [];
  if (got.problem !== undefined) diffs.push(`the process did not finish: ${got.problem}`);
  if (got.status !== exp.status) diffs.push(`exit status: expected ${exp.status}, got ${got.status}`);
  if (got.stderrFirstLine !== exp.stderrFirstLine) {
    diffs.push(`stderr, first line:\n  - expected: ${show(exp.stderrFirstLine)}\n  + actual:   ${show(got.stderrFirstLine)}`);
  }
  const want = expectedStdout(exp);
  if (!got.stdout.equals(want)) diffs.push(`stdout: ${lineDiff(showBytes(want), showBytes(got.stdout))}`);
  return diffs;
}

/** A failed comparison: the message is the readable diff (no generated dump of both outputs). */
class LuaDifference extends Error {
  override name = "LuaDifference";
}

function fail(program: string, who: string, diffs: string[]): never {
  throw new LuaDifference(`${program}: ${who}\n${diffs.join("\n")}`);
}

// ---- the suite ---------------------------------------------------------------------------

const filter = process.env.LUA_DIFF_FILTER;
const programs = listPrograms().filter((p) => !filter || p.includes(filter));
const haveLuajit = spawnSync(LUAJIT, ["-v"], { stdio: "ignore" }).status === 0;
const limit = limiter(JOBS);

// Start every process now (a few at a time, in test order); each test waits for its own.
const pending = new Map<string, { tsresty: Promise<Outcome>; luajit: Promise<Outcome> | null }>();
for (const program of programs) {
  const tsresty = limit(() => run(process.execPath, [TSRESTY, "run", program], TSRESTY_TIMEOUT_MS));
  const luajit = haveLuajit ? limit(() => run(LUAJIT, [program], LUAJIT_TIMEOUT_MS)) : null;
  // Errors surface in the test; avoid unhandled-rejection noise before it awaits.
  tsresty.catch(() => {});
  luajit?.catch(() => {});
  pending.set(program, { tsresty, luajit });
}

test("the Lua corpus is present", () => {
  if (programs.length === 0) throw new Error(`no Lua programs found under ${CORPUS}${filter ? ` matching ${filter}` : ""}`);
});

// Known differences, each with its reason: still run, reported as TODO rather than failures.
const KNOWN_FILE = join(ROOT, "test", "lua", "known-differences.json");
const known: Record<string, string> = existsSync(KNOWN_FILE) ? (JSON.parse(readFileSync(KNOWN_FILE, "utf8")) as Record<string, string>) : {};

for (const program of programs) {
  const reason = known[program];
  test(program, reason !== undefined ? { todo: `known difference: ${reason}` } : {}, async () => {
    const file = join(CORPUS, program.replace(/\.lua$/, ".expected"));
    const runs = pending.get(program)!;
    if (!existsSync(file)) {
      throw new Error(`${program}: no expectation; run \`node scripts/lua-expect.mjs ${program}\` (needs luajit)`);
    }
    const exp = JSON.parse(readFileSync(file, "utf8")) as Expected;
    if (runs.luajit) {
      const fresh = await runs.luajit;
      const stale = differences(exp, fresh);
      if (stale.length) {
        fail(program, `stale expectation: luajit's output no longer matches ${program.replace(/\.lua$/, ".expected")}; rerun \`node scripts/lua-expect.mjs\``, stale);
      }
    }
    const got = await runs.tsresty;
    const diffs = differences(exp, got);
    if (diffs.length) fail(program, "tsresty differs from luajit", diffs);
  });
}
