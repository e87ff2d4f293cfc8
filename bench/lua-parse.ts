// `npm run bench -- lua-parse`: parse speed of the Lua front end (src/lua/syntax/parser.ts).
// Generates about 2 MB of realistic Lua (modules of functions, tables, strings, loops, method
// calls, comments), parses it several times and prints MB/s. The generator is deterministic
// (seeded) and also feeds the parser's fuzz test.
import { parse } from "../src/lua/syntax/parser.js";

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
}

// Run directly: `node dist/bench/lua-parse.js`.
if (import.meta.url === `file://${process.argv[1]}`) await main();
