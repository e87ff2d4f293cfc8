// `npm run bench -- lua`: the Lua benchmark of issue 4. Each program of bench/lua/ is run by
// `bin/tsresty run`, by `luajit` (JIT on) and by `luajit -joff`; the three must print the same
// checksum line. Times are medians of a few runs, taken with hyperfine when it is installed
// (`hyperfine -N --warmup 1 --runs 5`), otherwise by timing the process spawns from Node.
// The table gives each runtime's time, tsresty/luajit and luajit-joff/luajit, then the geometric
// mean of the tsresty ratios against the targets (geomean <= 3x LuaJIT, no program over 8x).
// Last, the compile speed of src/lua/compile.ts's compileLua on about 1 MB of Lua (>= 5 MB/s).
//
// Environment: LUA_BENCH_FILTER=fib (programs whose name contains it), LUA_BENCH_RUNS=5,
// LUAJIT=/path/to/luajit.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root, from bench/ (source) or dist/bench/ (compiled). */
const ROOT = [resolve(HERE, ".."), resolve(HERE, "../..")].find((r) => existsSync(join(r, "package.json"))) ?? resolve(HERE, "../..");
const BENCH_DIR = join(ROOT, "bench", "lua");
const TSRESTY = join(ROOT, "bin", "tsresty");
const COMPILER = join(ROOT, "dist", "src", "lua", "compile.js");
const LUAJIT = process.env.LUAJIT || "luajit";
const RUNS = Math.max(1, Number(process.env.LUA_BENCH_RUNS) || 5);
const CHECK_TIMEOUT_MS = 120_000;
const TARGET_GEOMEAN = 3;
const TARGET_MAX = 8;
const TARGET_COMPILE_MBS = 5;

interface Runtime {
  name: string;
  argv: (program: string) => string[];
}

const RUNTIMES: Runtime[] = [
  { name: "tsresty", argv: (p) => [process.execPath, TSRESTY, "run", p] },
  { name: "luajit", argv: (p) => [LUAJIT, p] },
  { name: "luajit -joff", argv: (p) => [LUAJIT, "-joff", p] },
];

interface Check {
  ok: boolean;
  /** The checksum line, or why the run failed. */
  output: string;
}

/** One run to get the checksum line (and warm the file cache). */
function check(argv: string[]): Check {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: BENCH_DIR, encoding: "utf8", timeout: CHECK_TIMEOUT_MS, stdio: ["ignore", "pipe", "pipe"] });
  if (r.error) return { ok: false, output: r.error.message };
  if (r.status !== 0) {
    const why = (r.stderr || "").split("\n")[0] || `exit status ${r.status ?? r.signal}`;
    return { ok: false, output: why.length > 100 ? why.slice(0, 97) + "..." : why };
  }
  return { ok: true, output: r.stdout.trim() };
}

function hasHyperfine(): boolean {
  return spawnSync("hyperfine", ["--version"], { stdio: "ignore" }).status === 0;
}

const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Median seconds per command, measured by hyperfine in one invocation. */
function timeWithHyperfine(commands: string[][]): number[] {
  const dir = mkdtempSync(join(tmpdir(), "tsresty-bench-"));
  try {
    const json = join(dir, "result.json");
    const args = ["-N", "--warmup", "1", "--runs", String(RUNS), "--style", "none", "--export-json", json];
    for (const argv of commands) args.push(argv.map(quote).join(" "));
    const r = spawnSync("hyperfine", args, { cwd: BENCH_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (r.status !== 0) throw new Error(`hyperfine failed: ${(r.stderr || "").trim().split("\n")[0]}`);
    const data = JSON.parse(readFileSync(json, "utf8")) as { results: { median: number }[] };
    return data.results.map((x) => x.median);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnTime(argv: string[]): Promise<number> {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { cwd: BENCH_DIR, stdio: "ignore" });
    child.on("error", fail);
    child.on("close", (code) => (code === 0 ? done((performance.now() - start) / 1000) : fail(new Error(`exit status ${code}`))));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Median seconds per command, timing the spawns from Node (one warmup run each). */
async function timeWithNode(commands: string[][]): Promise<number[]> {
  const out: number[] = [];
  for (const argv of commands) {
    await spawnTime(argv);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await spawnTime(argv));
    out.push(median(times));
  }
  return out;
}

const geomean = (xs: number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
      return i === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line;
    })
    .join("\n");
}

const ms = (s: number | undefined): string => (s === undefined ? "-" : `${(s * 1000).toFixed(0)} ms`);
const ratio = (x: number | undefined): string => (x === undefined ? "-" : `${x.toFixed(2)}x`);

async function compileSpeed(programs: string[]): Promise<void> {
  if (!existsSync(COMPILER)) {
    console.log(`compile speed: ${relativeToRoot(COMPILER)} is missing (no compiler built yet); target >= ${TARGET_COMPILE_MBS} MB/s`);
    return;
  }
  let compileLua: (source: string, chunkname: string) => string;
  try {
    const mod = (await import(pathToFileURL(COMPILER).href)) as { compileLua?: unknown };
    if (typeof mod.compileLua !== "function") {
      console.log(`compile speed: ${relativeToRoot(COMPILER)} does not export compileLua; target >= ${TARGET_COMPILE_MBS} MB/s`);
      return;
    }
    compileLua = mod.compileLua as typeof compileLua;
  } catch (e) {
    console.log(`compile speed: cannot load ${relativeToRoot(COMPILER)}: ${(e as Error).message}`);
    return;
  }
  // The bench programs, each wrapped in a function so that the copies' locals do not pile up
  // in one scope, repeated to about 1 MB.
  const bodies = programs.map((p) => readFileSync(join(BENCH_DIR, p), "latin1"));
  const parts: string[] = ["local B = {}"];
  let size = 0;
  for (let copy = 0; size < 1_000_000; copy++) {
    for (const [i, body] of bodies.entries()) {
      const part = `B[${copy * bodies.length + i + 1}] = function(...)\n${body}\nend`;
      parts.push(part);
      size += part.length + 1;
    }
  }
  parts.push("return B");
  const source = parts.join("\n");
  const mb = source.length / 1e6;
  try {
    compileLua(source, "@bench/lua/all.lua"); // warm up
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      compileLua(source, "@bench/lua/all.lua");
      times.push((performance.now() - t0) / 1000);
    }
    const speed = mb / median(times);
    const verdict = speed >= TARGET_COMPILE_MBS ? "met" : "NOT met";
    console.log(`compile speed: ${speed.toFixed(1)} MB/s (${mb.toFixed(2)} MB in ${ms(median(times))}, median of ${RUNS}); target >= ${TARGET_COMPILE_MBS} MB/s: ${verdict}`);
  } catch (e) {
    console.log(`compile speed: compileLua failed on the ${mb.toFixed(2)} MB source: ${(e as Error).message.split("\n")[0]}`);
  }
}

function relativeToRoot(p: string): string {
  return p.startsWith(ROOT + "/") ? p.slice(ROOT.length + 1) : p;
}

export async function main(): Promise<void> {
  const filter = process.env.LUA_BENCH_FILTER;
  const programs = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(".lua") && (!filter || f.includes(filter)))
    .sort();
  if (programs.length === 0) {
    console.log(`no Lua benchmark programs in ${BENCH_DIR}${filter ? ` matching ${filter}` : ""}`);
    return;
  }
  const haveLuajit = spawnSync(LUAJIT, ["-v"], { stdio: "ignore" }).status === 0;
  const hyperfine = hasHyperfine();
  console.log(
    `Lua benchmark: ${programs.length} programs; median of ${RUNS} runs ${hyperfine ? "by hyperfine -N (1 warmup)" : "timed from Node (1 warmup)"}` +
      (haveLuajit ? "" : `; ${LUAJIT} not found: no reference times`),
  );

  const header = ["program", ...RUNTIMES.map((r) => r.name), "tsresty/luajit", "joff/luajit", "checksum"];
  const rows: string[][] = [header];
  const tsRatios: number[] = [];
  const joffRatios: number[] = [];
  const notes: string[] = [];
  let tsFailures = 0;

  for (const program of programs) {
    const active = RUNTIMES.filter((r) => haveLuajit || r.name === "tsresty");
    const checks = new Map(active.map((r) => [r.name, check(r.argv(program))] as const));
    const reference = checks.get("luajit");
    const agree = (name: string): boolean => {
      const c = checks.get(name);
      return !!c?.ok && (!reference?.ok || c.output === reference.output);
    };
    const timed = active.filter((r) => checks.get(r.name)!.ok);
    let times: number[] = [];
    try {
      const commands = timed.map((r) => r.argv(program));
      times = hyperfine ? timeWithHyperfine(commands) : await timeWithNode(commands);
    } catch (e) {
      notes.push(`${program}: timing failed: ${(e as Error).message}`);
    }
    const t = new Map(timed.map((r, i) => [r.name, times[i]] as const));
    const base = t.get("luajit");
    const ts = t.get("tsresty");
    const joff = t.get("luajit -joff");
    const tsRatio = base && ts && agree("tsresty") ? ts / base : undefined;
    const joffRatio = base && joff && agree("luajit -joff") ? joff / base : undefined;
    if (tsRatio !== undefined) tsRatios.push(tsRatio);
    else tsFailures++;
    if (joffRatio !== undefined) joffRatios.push(joffRatio);

    let checksum = reference?.ok ? "agree" : "-";
    for (const r of active) {
      const c = checks.get(r.name)!;
      if (!c.ok) {
        checksum = `${r.name} failed`;
        notes.push(`${program}: ${r.name} failed: ${c.output}`);
      } else if (reference?.ok && c.output !== reference.output) {
        checksum = `${r.name} MISMATCH`;
        notes.push(`${program}: ${r.name} printed ${JSON.stringify(c.output)}, luajit ${JSON.stringify(reference.output)}`);
      }
    }
    if (!haveLuajit && checks.get("tsresty")!.ok) checksum = checks.get("tsresty")!.output;
    rows.push([program, ...RUNTIMES.map((r) => ms(t.get(r.name))), ratio(tsRatio), ratio(joffRatio), checksum]);
  }

  console.log(table(rows));
  for (const n of notes) console.log(`  ${n}`);

  if (haveLuajit) {
    if (tsRatios.length > 0) {
      const g = geomean(tsRatios);
      const worst = Math.max(...tsRatios);
      const all = tsFailures === 0;
      console.log(
        `tsresty/luajit: geometric mean ${ratio(g)} (target <= ${TARGET_GEOMEAN}x: ${g <= TARGET_GEOMEAN && all ? "met" : "NOT met"})` +
          `, worst ${ratio(worst)} (target: none over ${TARGET_MAX}x: ${worst <= TARGET_MAX && all ? "met" : "NOT met"})` +
          (all ? "" : `; ${tsFailures} of ${programs.length} programs failed or printed a wrong checksum`),
      );
    } else {
      console.log(`tsresty/luajit: no program ran correctly under tsresty (targets: geometric mean <= ${TARGET_GEOMEAN}x, none over ${TARGET_MAX}x: NOT met)`);
    }
    if (joffRatios.length > 0) console.log(`luajit -joff/luajit: geometric mean ${ratio(geomean(joffRatios))}`);
  }
  await compileSpeed(programs);
}
