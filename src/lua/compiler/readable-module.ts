// `tsresty compile`'s output for one Lua chunk: the JavaScript the compiler emits for it
// (compileToJs, unchanged in meaning), laid out for reading as a TypeScript module: the
// code indented by its braces, each Lua line as a comment above its translation, and the
// table from the module's own lines to Lua lines that error positions go through.
//
// The runnable text sits between REGION_START and REGION_END, one statement layout as the
// compiler wrote it plus comment lines and indentation (neither changes what V8 runs); the
// loader (src/lua/compiled-module.ts) runs that text from the file itself, at the file's
// own line numbers, so positions do not depend on how the .ts file is transpiled.
import type { CompiledChunk } from "../compile.js";
import { siteKey } from "./writer.js";

export const REGION_START = "//#region lua (what tsresty runs: edit it and the line table below no longer matches)";
export const REGION_END = "//#endregion lua";
/** The module's import of its types (tsconfig paths map it to this package). */
export const TYPES_MODULE = "tsresty/compiled-lua";
/** The format number the loader checks. */
export const FORMAT = 1;

export interface ReadableInput {
  readonly compiled: CompiledChunk;
  /** The Lua source (latin1 bytes), for the comments. */
  readonly source: string;
  /** As the original directive had it: "=content_by_lua(nginx.conf:6)", or "@lua/x.lua" (prefix-relative). */
  readonly chunkName: string;
  readonly main: "suspendable" | "plain";
  /** Lines of the header comment (where the code came from). */
  readonly header: readonly string[];
}

/** A piece of a compiled JS line, put on a line of its own for reading. */
interface Piece {
  /** 1-based line in the compiled code. */
  readonly jsLine: number;
  /** Offset of the piece's first character in that line. */
  readonly from: number;
  readonly text: string;
}

/**
 * Statements and block bodies on lines of their own. A break goes after a block's `{` (one
 * that follows `)`, `else`, `try`, `finally` or `do`), before its `}`, and after a `;` that
 * ends a statement (no parenthesis opened since its block began: not `for (;;)`'s): places
 * where a line break never changes JavaScript's meaning. Strings are skipped (the emitter
 * writes no regular expressions or comments).
 */
function splitStatements(lines: readonly string[], firstLine: number): Piece[] {
  const out: Piece[] = [];
  // Per open `{`: whether it was split after, and the parentheses open when it opened.
  const blocks: { split: boolean; parens: number }[] = [];
  let parens = 0;
  let quote = "";
  lines.forEach((line, k) => {
    const jsLine = firstLine + k;
    let from = 0;
    const cut = (at: number): void => {
      if (line.slice(from, at).trim() !== "") out.push({ jsLine, from, text: line.slice(from, at) });
      from = at;
    };
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote !== "") {
        if (c === "\\") i++;
        else if (c === quote) quote = "";
        continue;
      }
      if (c === '"' || c === "'" || c === "`") quote = c;
      else if (c === "(" || c === "[") parens++;
      else if (c === ")" || c === "]") parens--;
      else if (c === "{") {
        const split = /(?:\)|\belse|\btry|\bfinally|\bdo)$/.test(line.slice(0, i).trimEnd());
        blocks.push({ split, parens });
        if (split) cut(i + 1);
      } else if (c === "}") {
        if (blocks.pop()?.split === true) {
          cut(i);
          // What follows a block ends up on a line of its own, unless it continues the statement.
          if (!/^(?:else\b|catch\b|finally\b|while\b|[,);]|$)/.test(line.slice(i + 1).trimStart())) cut(i + 1);
        }
      } else if (c === ";" && parens === (blocks[blocks.length - 1]?.parens ?? 0)) cut(i + 1);
    }
    cut(line.length);
  });
  return out;
}

/** How deep each line starts, counting braces and brackets outside strings. */
function depths(lines: readonly string[]): number[] {
  const out: number[] = [];
  let depth = 0;
  let quote = "";
  for (const line of lines) {
    // Closers at the start of a line belong to the outer level.
    let lead = 0;
    if (quote === "") {
      const m = /^[\s]*([)}\]]+)/.exec(line);
      if (m) lead = m[1]!.length;
    }
    out.push(Math.max(0, depth - lead));
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote !== "") {
        if (c === "\\") i++;
        else if (c === quote) quote = "";
        continue;
      }
      if (c === '"' || c === "'" || c === "`") quote = c;
      else if (c === "{" || c === "(" || c === "[") depth++;
      else if (c === "}" || c === ")" || c === "]") depth = Math.max(0, depth - 1);
    }
  }
  return out;
}

/** A Lua line as a one-line comment (no line terminators in it). */
function luaComment(n: number, text: string): string {
  return `// ${String(n).padStart(3)}| ${text.replace(/[\r\n\u2028\u2029]/g, " ").trimEnd()}`;
}

/** The whole module's text (latin1 bytes, as the Lua source). */
export function readableModule(input: ReadableInput): string {
  const { compiled, source } = input;
  const jsLines = compiled.code.split("\n");
  // The emitted code is `(function ($rt, $env, $meta) {` ... `})`: the body goes in the region.
  if (!jsLines[0]!.startsWith("(function ($rt, $env, $meta) {") || jsLines[jsLines.length - 1] !== "})") {
    throw new Error("unexpected shape of the compiled chunk");
  }
  // The Lua lines without the indentation they share (a block's code is indented as the configuration).
  const rawLua = source.split("\n");
  const indent = Math.min(...rawLua.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length));
  const luaSrc = Number.isFinite(indent) && indent > 0 ? rawLua.map((l) => l.slice(Math.min(indent, /^[ \t]*/.exec(l)![0].length))) : rawLua;
  const head: string[] = [
    ...input.header.map((l) => `// ${l}`),
    "//",
    "// Each Lua line is shown as a comment (`// LINE| code`) above the JavaScript it became.",
    "// The loader runs the region below as written, at this file's line numbers, and maps",
    "// those through `compiledLua.lines` to the Lua lines that error messages name.",
    `import type { CompiledLuaRuntime, CompiledLuaEnv, CompiledLuaMeta, CompiledLuaMain } from "${TYPES_MODULE}";`,
    "",
    "export function factory($rt: CompiledLuaRuntime, $env: CompiledLuaEnv, $meta: CompiledLuaMeta): CompiledLuaMain {",
    REGION_START,
  ];
  const pieces = splitStatements(jsLines.slice(1, -1), 2);
  const depth = depths(pieces.map((p) => p.text));
  const sitesByLine = new Map<number, number[]>();
  for (const key of compiled.methodSites) {
    const line = Math.floor(key / 100000);
    sitesByLine.set(line, [...(sitesByLine.get(line) ?? []), key % 100000]);
  }
  const out: string[] = [];
  const fileLua: [number, number][] = [];
  const sites: [number, number][] = [];
  let shown = 0; // the last Lua line shown as a comment
  const starts = new Map<string, number>(); // per compiled function: `shown` where its plain form began
  let genLine = -1; // the JS line where the latest generator form began
  const firstBodyLine = head.length + 1; // 1-based file line of the first body line
  pieces.forEach((p, i) => {
    const lua = compiled.luaLine[p.jsLine] ?? 0;
    const pad = "  ".repeat(depth[i]! + 1);
    // A function's second (suspendable) form repeats its body: show its Lua lines again.
    const plain = /\$mkfn\(function ([\w$]+)\(/.exec(p.text);
    if (plain) starts.set(plain[1]!, shown);
    const gen = /^\s*\}, function\* ([\w$]+)\$g\(/.exec(p.text);
    if (gen) {
      out.push(`${pad}// the same function in the form that may suspend (a generator, called with yield*)`);
      shown = Math.min(shown, starts.get(gen[1]!) ?? shown);
    }
    // (The generator's head shares the JS line of the plain form's end: its body shows the lines.)
    if (gen) genLine = p.jsLine;
    if (lua > shown && p.jsLine !== genLine) {
      for (let l = shown + 1; l <= lua; l++) {
        const text = luaSrc[l - 1] ?? "";
        // Lines that translate to nothing (comments, `end`, blanks) are shown with the next one.
        if (text.trim() !== "") out.push(pad + luaComment(l, text));
      }
      shown = lua;
    }
    const fileLine = firstBodyLine + out.length;
    const text = p.text.replace(/^\s+/, "");
    const start = p.from + (p.text.length - text.length); // offset of `text` in its JS line
    out.push(pad + text);
    if (lua > 0) fileLua.push([fileLine, lua]);
    // V8 reports a call at its "(" (1-based column): the same character, moved.
    for (const col of sitesByLine.get(p.jsLine) ?? []) {
      if (col - 1 >= start && col - 1 < start + text.length) sites.push([fileLine, col - 1 - start + pad.length + 1]);
    }
  });
  // Lua lines after the last translated one (a trailing comment) still appear.
  for (let l = shown + 1; l <= luaSrc.length; l++) {
    if ((luaSrc[l - 1] ?? "").trim() !== "") out.push("  " + luaComment(l, luaSrc[l - 1]!));
  }
  const tail = [
    REGION_END,
    "}",
    "",
    "/** What the loader needs besides the code: the chunk's name and the line table. */",
    "export const compiledLua = {",
    `  format: ${FORMAT},`,
    `  chunkName: ${JSON.stringify(input.chunkName)},`,
    `  main: ${JSON.stringify(input.main)},`,
    "  /** [file line, Lua line] for every line of the region that runs code. */",
    `  lines: ${JSON.stringify(fileLua)},`,
    "  /** [file line, column] of method calls (`obj:m()`), for LuaJIT's argument numbering. */",
    `  methodSites: ${JSON.stringify(sites)},`,
    "} as const;",
    "",
  ];
  return [...head, ...out, ...tail].join("\n");
}

/** The line table and method sites of a module, as the runtime's ChunkInfo wants them. */
export function lineTable(lines: readonly (readonly [number, number])[], sites: readonly (readonly [number, number])[], fileLines: number): {
  luaLine: Int32Array;
  methodSites: Set<number>;
} {
  const luaLine = new Int32Array(fileLines + 2);
  for (const [f, l] of lines) if (f < luaLine.length) luaLine[f] = l;
  return { luaLine, methodSites: new Set(sites.map(([f, c]) => siteKey(f, c))) };
}
