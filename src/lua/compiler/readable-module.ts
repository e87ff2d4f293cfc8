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

/** How deep each JS line starts, counting braces and brackets outside strings and comments. */
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
      else if (c === "/" && line[i + 1] === "/") break;
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
  const luaSrc = source.split("\n");
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
  const body = jsLines.slice(1, -1);
  const depth = depths(body);
  const out: string[] = [];
  const fileLua: [number, number][] = [];
  const sites: [number, number][] = [];
  let shown = 0; // the last Lua line shown as a comment
  const firstBodyLine = head.length + 1; // 1-based file line of the first body line
  for (let i = 0; i < body.length; i++) {
    const jsLine = i + 2; // 1-based line in compiled.code
    const lua = compiled.luaLine[jsLine] ?? 0;
    const pad = "  ".repeat(depth[i]! + 1);
    if (lua > shown) {
      for (let l = shown + 1; l <= lua; l++) {
        const text = luaSrc[l - 1] ?? "";
        // Lines that translate to nothing (comments, `end`, blanks) are shown with the next one.
        if (text.trim() !== "") out.push(pad + luaComment(l, text));
      }
      shown = lua;
    }
    const fileLine = firstBodyLine + out.length;
    out.push(pad + body[i]!.replace(/^\s+/, ""));
    if (lua > 0) fileLua.push([fileLine, lua]);
    const stripped = body[i]!.length - body[i]!.replace(/^\s+/, "").length;
    for (const key of compiled.methodSites) {
      if (Math.floor(key / 100000) === jsLine) sites.push([fileLine, (key % 100000) - stripped + pad.length]);
    }
  }
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
