// `npm run bench -- lua-parse`: speed of the Lua front end. Generates about 2 MB of realistic
// Lua (modules of functions, tables, strings, loops, method calls, comments), parses it several
// times and prints MB/s; then the whole compile (parse, resolve, emit, write, and V8's compile
// of the emitted text into a runnable function), phase by phase, on 1 MB of that Lua and on
// 1 MB of the bench/lua programs (what bench/lua.ts measures, without V8). Target: 5 MB/s.
// The generator is deterministic (seeded) and also feeds the parser's fuzz test.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import { parse } from "../src/lua/syntax/parser.js";
import { resolve } from "../src/lua/compiler/resolve.js";
import { emitChunk } from "../src/lua/compiler/emit.js";

/** A small deterministic PRNG (mulberry32), so that every run parses the same text. */
export function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "user", "name", "count", "total", "value", "item", "list", "index", "result", "data", "key",
  "config", "request", "response", "header", "body", "status", "cache", "buffer", "offset",
  "len", "pos", "state", "handler", "callback", "options", "timeout", "retry", "host", "port",
];

/**
 * Generate syntactically valid Lua of about `bytes` bytes (as a latin1 byte string), in the
 * style of OpenResty modules.
 */
export function generateLua(bytes: number, seed = 1): string {
  const rnd = makeRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (n: number): number => Math.floor(rnd() * n);
  const ident = (): string => pick(WORDS) + (rnd() < 0.3 ? "_" + pick(WORDS) : "");
  const out: string[] = [];
  let size = 0;
  const emit = (s: string): void => {
    out.push(s);
    size += s.length + 1;
  };

  const str = (): string => {
    const r = rnd();
    if (r < 0.6) return `"${pick(WORDS)} ${pick(WORDS)}"`;
    if (r < 0.8) return `'${pick(WORDS)}: %s\\n'`;
    if (r < 0.9) return `"\\t${pick(WORDS)}\\x41\\u{48}\\065 \\"q\\""`;
    return `[[${pick(WORDS)}\n  ${pick(WORDS)}]]`;
  };
  const num = (): string => {
    const r = rnd();
    if (r < 0.6) return String(int(1000));
    if (r < 0.8) return (rnd() * 100).toFixed(2);
    if (r < 0.9) return "0x" + int(65536).toString(16).toUpperCase();
    return `${int(9) + 1}e${int(10)}`;
  };
  const expr = (depth: number): string => {
    const r = rnd();
    if (depth > 2 || r < 0.25) return rnd() < 0.5 ? ident() : num();
    if (r < 0.4) return `${expr(depth + 1)} ${pick(["+", "-", "*", "/", "%", "..", "==", "~=", "<", ">=", "and", "or"])} ${expr(depth + 1)}`;
    if (r < 0.5) return str();
    if (r < 0.6) return `${ident()}.${ident()}`;
    if (r < 0.7) return `${ident()}[ ${expr(depth + 1)} ]`;
    if (r < 0.8) return `${ident()}:${ident()}(${expr(depth + 1)}, ${expr(depth + 1)})`;
    if (r < 0.85) return `not ${expr(depth + 1)}`;
    if (r < 0.9) return `#${ident()}`;
    if (r < 0.95) return `(${expr(depth + 1)})`;
    return `{ ${ident()} = ${expr(depth + 1)}, ${expr(depth + 1)}, [ ${str()} ] = ${num()} }`;
  };
  const stmts = (indent: string, depth: number, n: number): void => {
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (r < 0.2) emit(`${indent}local ${ident()} = ${expr(0)}`);
      else if (r < 0.32) emit(`${indent}${ident()}.${ident()} = ${expr(0)}`);
      else if (r < 0.45) emit(`${indent}${ident()}(${expr(0)}, ${str()})`);
      else if (r < 0.52) emit(`${indent}-- ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`);
      else if (r < 0.56) emit(`${indent}ngx.say(${str()}, ${ident()})`);
      else if (depth < 3 && r < 0.66) {
        emit(`${indent}if ${expr(0)} then`);
        stmts(indent + "  ", depth + 1, 1 + int(3));
        if (rnd() < 0.4) {
          emit(`${indent}elseif ${expr(0)} then`);
          stmts(indent + "  ", depth + 1, 1 + int(2));
        }
        if (rnd() < 0.4) {
          emit(`${indent}else`);
          stmts(indent + "  ", depth + 1, 1 + int(2));
        }
        emit(`${indent}end`);
      } else if (depth < 3 && r < 0.72) {
        emit(`${indent}for i = 1, #${ident()} do`);
        stmts(indent + "  ", depth + 1, 1 + int(3));
        emit(`${indent}end`);
      } else if (depth < 3 && r < 0.78) {
        emit(`${indent}for k, v in pairs(${ident()}) do`);
        stmts(indent + "  ", depth + 1, 1 + int(3));
        emit(`${indent}end`);
      } else if (depth < 3 && r < 0.82) {
        emit(`${indent}while ${expr(0)} do`);
        stmts(indent + "  ", depth + 1, 1 + int(2));
        emit(`${indent}  break`);
        emit(`${indent}end`);
      } else if (depth < 3 && r < 0.86) {
        emit(`${indent}local ${ident()} = function(${ident()}, ...)`);
        stmts(indent + "  ", depth + 1, 1 + int(3));
        emit(`${indent}  return ...`);
        emit(`${indent}end`);
      } else if (r < 0.9) {
        emit(`${indent}local ${ident()}, ${ident()} = ${expr(0)}, ${expr(0)}`);
      } else if (r < 0.94) {
        emit(`${indent}local ${ident()} = { ${ident()} = ${str()}, ${num()}, ${num()}, ${str()} }`);
      } else {
        emit(`${indent}${ident()} = ${ident()} .. ${str()} .. ${expr(0)}`);
      }
    }
  };

  let fn = 0;
  while (size < bytes) {
    const mod = `_M${fn % 7}`;
    if (fn % 20 === 0) {
      // A block per group of functions, as a real file would be one module: LuaJIT allows
      // 200 active locals per function.
      if (fn > 0) emit("end");
      emit("do");
      emit(`local ${mod} = { _VERSION = "0.${fn}" }`);
      emit(`local mt = { __index = ${mod} }`);
      emit(`--[[ ${pick(WORDS)} ${pick(WORDS)}\n  ${pick(WORDS)} ]]`);
    }
    const kind = rnd();
    if (kind < 0.4) emit(`function ${mod}.${ident()}_${fn}(${ident()}, ${ident()})`);
    else if (kind < 0.8) emit(`function ${mod}:${ident()}_${fn}(${ident()})`);
    else emit(`local function ${ident()}_${fn}(self, ...)`);
    emit(`  local ${ident()} = self.${ident()} or {}`);
    stmts("  ", 0, 4 + int(8));
    emit(`  return ${expr(0)}`);
    emit("end");
    emit("");
    fn++;
  }
  emit("end");
  return out.join("\n");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function main(): Promise<void> {
  const source = generateLua(2 * 1024 * 1024, 42);
  const mb = source.length / (1024 * 1024);
  // Warm up: let V8 optimize the lexer and parser before timing.
  for (let i = 0; i < 3; i++) parse(source);
  const runs = 10;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    parse(source);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const rate = (ms: number): string => `${ms.toFixed(1)} ms = ${(mb / (ms / 1000)).toFixed(1)} MB/s`;
  console.log(`source: ${mb.toFixed(2)} MB of generated Lua, ${source.split("\n").length} lines`);
  console.log(`parse:  median ${rate(median(times))}; best ${rate(Math.min(...times))} (${runs} runs)`);
  // CPU time (all threads, GC helpers included) is less sensitive to a busy machine.
  console.log(`        CPU time: median ${rate(median(cpu))}`);
  compileSpeed("generated", generateLua(1_000_000, 42));
  compileSpeed("bench/lua", benchPrograms(1_000_000));
}

/** The bench/lua programs, each wrapped in a function, repeated to about `bytes` (as bench/lua.ts builds its input). */
function benchPrograms(bytes: number): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = [resolvePath(here, "lua"), resolvePath(here, "../../bench/lua")].find((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith(".lua"));
    } catch {
      return false;
    }
  })!;
  const bodies = readdirSync(dir).filter((f) => f.endsWith(".lua")).sort().map((f) => readFileSync(join(dir, f), "latin1"));
  const parts = ["local B = {}"];
  let size = 0;
  for (let copy = 0; size < bytes; copy++) {
    for (const [i, body] of bodies.entries()) {
      const part = `B[${copy * bodies.length + i + 1}] = function(...)\n${body}\nend`;
      parts.push(part);
      size += part.length + 1;
    }
  }
  parts.push("return B");
  return parts.join("\n");
}

/**
 * Source to a runnable function, as load() compiles a chunk (main function plain), phase by
 * phase in CPU time (less sensitive to a busy machine than wall time; it counts the GC's
 * helper threads too), the best of a few runs.
 */
function compileSpeed(label: string, source: string): void {
  const mb = source.length / (1024 * 1024);
  const cpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const phases = { parse: [] as number[], resolve: [] as number[], emit: [] as number[], v8: [] as number[], total: [] as number[] };
  let jsBytes = 0;
  for (let run = 0; run < 6; run++) {
    const t0 = cpuMs();
    const ast = parse(source, { skipShebang: false });
    const t1 = cpuMs();
    const res = resolve(ast);
    const t2 = cpuMs();
    const out = emitChunk(ast, res, { chunkname: "@bench", main: "plain" });
    const t3 = cpuMs();
    new Script(out.code, { filename: `lua-parse-bench-${run}` }).runInThisContext();
    const t4 = cpuMs();
    if (run === 0) {
      jsBytes = out.code.length;
      continue; // warm-up
    }
    phases.parse.push(t1 - t0);
    phases.resolve.push(t2 - t1);
    phases.emit.push(t3 - t2);
    phases.v8.push(t4 - t3);
    phases.total.push(t4 - t0);
  }
  const best = Math.min(...phases.total);
  const split = (["parse", "resolve", "emit", "v8"] as const).map((k) => `${k} ${Math.min(...phases[k]).toFixed(0)}`).join(", ");
  console.log(
    `compile (${label}): ${mb.toFixed(2)} MB of Lua -> ${(jsBytes / (1024 * 1024)).toFixed(2)} MB of JS; ` +
      `best ${best.toFixed(0)} ms CPU = ${(mb / (best / 1000)).toFixed(2)} MB/s (${split} ms; emit includes the writer); target 5 MB/s`,
  );
}

// Run directly: `node dist/bench/lua-parse.js`.
if (import.meta.url === `file://${process.argv[1]}`) await main();
