#!/usr/bin/env node
// Regenerates the expected outputs of the Lua differential corpus (test/lua/corpus) from the
// real LuaJIT. Every program is run with `luajit PROGRAM` (cwd = the corpus dir, empty stdin,
// TZ=UTC, LC_ALL=C, TSRESTY_TEST_ENV=corpus-value), twice, and NAME.expected is written beside
// NAME.lua:
//
//   { "stdout": "...", "stderrFirstLine": "...", "status": 0 }
//
// stdout is the exact output; when it is not valid UTF-8 it is stored base64-encoded and the
// object gets "stdoutEncoding": "base64". stderrFirstLine is the first line of stderr with the
// "luajit: " program-name prefix removed ("" when stderr is empty).
//
// Usage:
//   node scripts/lua-expect.mjs                 regenerate every .expected file
//   node scripts/lua-expect.mjs FILTER...       only programs whose path contains a FILTER
//   node scripts/lua-expect.mjs --check         write nothing; exit 1 if any file is stale
//   LUAJIT=/path/to/luajit node scripts/lua-expect.mjs
//
// A program whose two runs differ, or that times out, is reported and its file left alone:
// expectations must be deterministic.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, existsSync, unlinkSync } from "node:fs";
import { join, dirname, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CORPUS = join(ROOT, "test", "lua", "corpus");
const LUAJIT = process.env.LUAJIT || "luajit";
const TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 16 * 1024 * 1024;
/** Directories of the corpus that hold helper files, not programs. */
const NON_PROGRAM_DIRS = new Set(["modules"]);

/** Environment shared with test/lua/differential.test.ts: keep the two in step. */
export const CORPUS_ENV = { TZ: "UTC", LC_ALL: "C", LANG: "C", TSRESTY_TEST_ENV: "corpus-value" };

/** Corpus programs, as paths relative to the corpus dir with "/" separators, sorted. */
export function listPrograms(dir = CORPUS) {
  const out = [];
  const walk = (abs, top) => {
    for (const ent of readdirSync(abs, { withFileTypes: true })) {
      const p = join(abs, ent.name);
      if (ent.isDirectory()) {
        if (top && NON_PROGRAM_DIRS.has(ent.name)) continue;
        walk(p, false);
      } else if (ent.isFile() && ent.name.endsWith(".lua")) {
        out.push(relative(dir, p).split(sep).join("/"));
      }
    }
  };
  walk(dir, true);
  return out.sort();
}

function runOnce(program) {
  return new Promise((resolve) => {
    const child = spawn(LUAJIT, [program], {
      cwd: CORPUS,
      env: { ...process.env, ...CORPUS_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = [];
    const err = [];
    let size = 0;
    let problem = null;
    const timer = setTimeout(() => {
      problem = `timed out after ${TIMEOUT_MS / 1000} s`;
      child.kill("SIGKILL");
    }, TIMEOUT_MS);
    const collect = (bucket) => (chunk) => {
      bucket.push(chunk);
      size += chunk.length;
      if (size > MAX_OUTPUT && !problem) {
        problem = "produced more than 16 MB of output";
        child.kill("SIGKILL");
      }
    };
    child.stdout.on("data", collect(out));
    child.stderr.on("data", collect(err));
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ problem: `cannot run ${LUAJIT}: ${e.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (!problem && code === null) problem = `killed by ${signal}`;
      resolve({ problem, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8"), status: code });
    });
  });
}

function firstLine(stderr, prefix) {
  let line = stderr.split("\n")[0] ?? "";
  if (line.startsWith(prefix)) line = line.slice(prefix.length);
  return line;
}

function toExpected(run) {
  const utf8 = run.stdout.toString("utf8");
  const exact = Buffer.from(utf8, "utf8").equals(run.stdout);
  const exp = exact
    ? { stdout: utf8 }
    : { stdout: run.stdout.toString("base64"), stdoutEncoding: "base64" };
  exp.stderrFirstLine = firstLine(run.stderr, "luajit: ");
  exp.status = run.status;
  return exp;
}

const serialize = (exp) => JSON.stringify(exp, null, 2) + "\n";

async function pool(items, jobs, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
}

async function main(argv) {
  const check = argv.includes("--check");
  const filters = argv.filter((a) => !a.startsWith("--")).map((f) => f.replace(/^test\/lua\/corpus\//, ""));
  const all = listPrograms();
  const programs = filters.length ? all.filter((p) => filters.some((f) => p.includes(f))) : all;
  if (programs.length === 0) {
    console.error("no corpus program matches");
    process.exit(2);
  }
  const jobs = Math.max(2, Math.min(8, availableParallelism()));
  let written = 0;
  let unchanged = 0;
  const failures = [];
  const stale = [];
  await pool(programs, jobs, async (program) => {
    const a = await runOnce(program);
    const b = a.problem ? a : await runOnce(program);
    if (a.problem || b.problem) {
      failures.push(`${program}: ${a.problem || b.problem}`);
      return;
    }
    const text = serialize(toExpected(a));
    if (text !== serialize(toExpected(b))) {
      failures.push(`${program}: output differs between two runs (not deterministic)`);
      return;
    }
    const file = join(CORPUS, program.replace(/\.lua$/, ".expected"));
    const old = existsSync(file) ? readFileSync(file, "utf8") : null;
    if (old === text) {
      unchanged++;
    } else if (check) {
      stale.push(program);
    } else {
      writeFileSync(file, text);
      written++;
    }
  });
  // Expectations whose program is gone.
  if (filters.length === 0) {
    const wanted = new Set(all.map((p) => p.replace(/\.lua$/, ".expected")));
    const walk = (abs) => {
      for (const ent of readdirSync(abs, { withFileTypes: true })) {
        const p = join(abs, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (ent.name.endsWith(".expected")) {
          const rel = relative(CORPUS, p).split(sep).join("/");
          if (wanted.has(rel)) continue;
          if (check) stale.push(`${rel} (no program)`);
          else {
            unlinkSync(p);
            console.log(`removed orphan ${rel}`);
          }
        }
      }
    };
    walk(CORPUS);
  }
  for (const f of failures.sort()) console.error(`FAIL ${f}`);
  if (check) {
    for (const s of stale.sort()) console.error(`STALE ${s}`);
    console.log(`${programs.length} programs: ${unchanged} up to date, ${stale.length} stale, ${failures.length} failed`);
    process.exit(stale.length || failures.length ? 1 : 0);
  }
  console.log(`${programs.length} programs: ${written} written, ${unchanged} unchanged, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
