// `tsresty compile [-p PREFIX] [-c CONF] -o DIR`: writes DIR as a new prefix that serves
// the same application, with every Lua block and Lua file of the configuration turned into
// the module tsresty runs for it (lua/compiled/<server>-<location>-<phase>.ts, see
// src/lua/compiler/readable-module.ts), and the configuration rewritten so that each
// *_by_lua, *_by_lua_block and *_by_lua_file directive is a *_by_lua_file naming its
// module. Everything else in the configuration stays byte for byte, on the same lines: the
// replaced directive's original lines stay beside it as comments. Lua modules that the code
// `require`s stay Lua (they are copied with the directories they live in).
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Execute } from "../command-table.js";
import type { Directive, LoadResult } from "../../conf/ast.js";
import { loadConfig } from "../../conf/load.js";
import { formatDiagnostic, isError } from "../../conf/diagnostics.js";
import { luaChunkName } from "../../conf/lua-chunk-name.js";
import { compileToJs } from "../../lua/compile.js";
import { LuaSyntaxError } from "../../lua/syntax/ast.js";
import { readableModule, TYPES_MODULE } from "../../lua/compiler/readable-module.js";

/** The Lua directives tsresty runs, by tag: whether their code may suspend (as src/http/modules/lua.ts records them) and the file-name part. */
const LUA_TAGS: Readonly<Record<string, { readonly suspendable: boolean; readonly phase: string }>> = {
  init_by_lua: { suspendable: false, phase: "init" },
  init_worker_by_lua: { suspendable: false, phase: "init_worker" },
  exit_worker_by_lua: { suspendable: false, phase: "exit_worker" },
  set_by_lua: { suspendable: false, phase: "set" },
  server_rewrite_by_lua: { suspendable: true, phase: "server_rewrite" },
  rewrite_by_lua: { suspendable: true, phase: "rewrite" },
  access_by_lua: { suspendable: true, phase: "access" },
  content_by_lua: { suspendable: true, phase: "content" },
  header_filter_by_lua: { suspendable: false, phase: "header_filter" },
  body_filter_by_lua: { suspendable: false, phase: "body_filter" },
  log_by_lua: { suspendable: false, phase: "log" },
};

/** The *_by_lua_file modules that are TypeScript or JavaScript handlers (as the loader tells them). */
const JS_MODULE = /\.(?:m?ts|m?js)$/;
/** Where compiled modules go, relative to the prefix. */
const MODULE_DIR = "lua/compiled";
/** This package's root (dist/src/cli/commands/compile.js is four levels down). */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

function say(line: string): void {
  process.stderr.write(Buffer.from(`tsresty: ${line}\n`, "latin1"));
}

interface Context {
  server: string;
  location: string;
}

/** One Lua directive to replace: where it is and what it becomes. */
interface LuaSite {
  readonly d: Directive;
  readonly tag: string;
  readonly form: "inline" | "block" | "file";
  readonly module: string;
}

// ------------------------------------------------------------------ naming

function locationPart(args: readonly string[]): string {
  const mods: Readonly<Record<string, string>> = { "=": "eq_", "~": "re_", "~*": "rei_", "^~": "pre_" };
  const mod = args.length > 1 ? (mods[args[0]!] ?? "") : "";
  const uri = args[args.length - 1] ?? "";
  const word = uri.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return `location_${mod}${word === "" ? "root" : word}`;
}

/** A server by its first name (`server_name api.example.com` is `api_example_com`), else by its rank. */
function serverPart(block: readonly Directive[], rank: number): string {
  const first = block.find((d) => d.name === "server_name")?.args[0] ?? "";
  const word = first.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return word === "" ? `server${rank}` : word;
}

class Namer {
  private used = new Set<string>();
  take(base: string): string {
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}-${n}`;
    this.used.add(name);
    return name;
  }
}

// ------------------------------------------------------------------ finding the directives

/** Walk the configuration in nginx's order, following includes, naming every Lua directive's module. */
function findLuaSites(load: LoadResult): Map<string, LuaSite[]> {
  const byFile = new Map<string, LuaSite[]>();
  const namer = new Namer();
  let servers = 0;
  const walk = (dirs: readonly Directive[], ctx: Context): void => {
    for (const d of dirs) {
      if (d.includes !== undefined) {
        for (const i of d.includes) walk(load.files[i]?.directives ?? [], ctx);
        continue;
      }
      const m = /^(.*_by_lua)(_block|_file)?$/.exec(d.name);
      const spec = m ? LUA_TAGS[m[1]!] : undefined;
      if (m && spec) {
        const form = m[2] === "_block" ? "block" : m[2] === "_file" ? "file" : "inline";
        // A path built from variables is chosen per request, and a TypeScript or JavaScript
        // handler is no Lua: they stay as they are.
        const file = form === "file" ? (d.args[m[1] === "set_by_lua" ? 1 : 0] ?? "") : "";
        if (!file.includes("$") && !JS_MODULE.test(file)) {
          const where = [ctx.server, ctx.location].filter((s) => s !== "").join("-") || "main";
          const setVar = m[1] === "set_by_lua" ? `_${(d.args[0] ?? "").replace(/[^A-Za-z0-9]+/g, "")}` : "";
          const module = `${MODULE_DIR}/${namer.take(`${where}-${spec.phase}${setVar}`)}.ts`;
          const list = byFile.get(d.file) ?? [];
          list.push({ d, tag: m[1]!, form, module });
          byFile.set(d.file, list);
        }
      }
      if (d.block !== undefined) {
        let inner = ctx;
        if (d.name === "server") inner = { server: serverPart(d.block, ++servers), location: "" };
        else if (d.name === "location") inner = { ...ctx, location: locationPart(d.args) };
        else if (d.name === "if") inner = { ...ctx, location: `${ctx.location || "server"}_if` };
        walk(d.block, inner);
      }
    }
  };
  walk(load.files[0]?.directives ?? [], { server: "", location: "" });
  return byFile;
}

// ------------------------------------------------------------------ the configuration text

/** Offsets of each line's start in `text` (index = 1-based line). */
function lineStarts(text: string): number[] {
  const out = [0, 0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") out.push(i + 1);
  return out;
}

interface Token {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** nginx's tokens from `pos`: words and quoted strings, up to and including `;` or `{`. */
function scanHead(text: string, pos: number): { tokens: Token[]; stop: number; stopChar: string } {
  const tokens: Token[] = [];
  let i = pos;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\n") { i++; continue; }
    if (c === "#") { while (i < text.length && text[i] !== "\n") i++; continue; }
    if (c === ";" || c === "{") return { tokens, stop: i, stopChar: c };
    const start = i;
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === "\\" ? 2 : 1;
      i++;
    } else {
      while (i < text.length && !/[\s;{}]/.test(text[i]!)) i += text[i] === "\\" ? 2 : 1;
    }
    tokens.push({ start, end: i, text: text.slice(start, i) });
  }
  throw new Error("unexpected end of the configuration");
}

/** A path as one nginx argument (quoted when it needs to be). */
function confArg(s: string): string {
  return /^[^\s;{}"'#\\$]+$/.test(s) ? s : `'${s.replace(/[\\']/g, "\\$&")}'`;
}

/** The configuration file's text with its Lua directives replaced, each keeping its lines. */
function rewriteConf(text: string, sites: readonly LuaSite[]): string {
  const starts = lineStarts(text);
  const seen = new Map<string, number>();
  const edits: { start: number; end: number; text: string }[] = [];
  for (const s of sites) {
    // The directive's name on its first line (the n-th such name there, for one-liners).
    const key = `${s.d.line}:${s.d.name}`;
    const nth = seen.get(key) ?? 0;
    seen.set(key, nth + 1);
    const lineText = text.slice(starts[s.d.line]!, starts[s.d.line + 1] ?? text.length);
    const re = new RegExp(`(^|[\\s;{}])(${s.d.name})(?=[\\s;{"'])`, "g");
    let found: RegExpExecArray | null = null;
    for (let k = 0; k <= nth; k++) found = re.exec(lineText);
    if (found === null) throw new Error(`${s.d.file}:${s.d.line}: ${s.d.name} not found`);
    const start = starts[s.d.line]! + found.index + found[1]!.length;
    const head = scanHead(text, start + s.d.name.length);
    let end: number;
    // Arguments kept as written: set_by_lua's variable and the arguments after the code.
    let kept: string[];
    if (s.form === "block") {
      const code = s.d.lua?.code ?? "";
      end = head.stop + 1 + code.length;
      if (text[end] !== "}") throw new Error(`${s.d.file}:${s.d.line}: the end of ${s.d.name}'s block was not found`);
      end++;
      kept = head.tokens.map((t) => t.text);
    } else {
      end = head.stop + 1;
      const codeIndex = s.tag === "set_by_lua" ? 1 : 0;
      kept = head.tokens.map((t) => t.text);
      kept.splice(codeIndex, 1);
    }
    const args = s.tag === "set_by_lua" ? [kept[0] ?? "", confArg(s.module), ...kept.slice(1)] : [confArg(s.module), ...kept];
    const replacement = `${s.tag}_file ${args.join(" ")};`;
    // The original stays as comments on the lines it took, so that every other line keeps its number.
    const original = text.slice(start, end).split("\n");
    const lineEnd = text.indexOf("\n", end);
    const restBlank = text.slice(end, lineEnd < 0 ? text.length : lineEnd).trim() === "";
    const indent = /^[ \t]*/.exec(lineText)![0];
    let out = replacement;
    if (original.length === 1) {
      if (restBlank) out += `  # was: ${original[0]}`;
    } else {
      out += `  # was: ${original[0]}`;
      for (let k = 1; k < original.length - 1; k++) out += `\n${indent}# ${original[k]}`;
      out += restBlank ? `\n${indent}# ${original[original.length - 1]!.trimStart()}` : `\n${indent}`;
    }
    edits.push({ start, end, text: out });
  }
  edits.sort((a, b) => b.start - a.start);
  let result = text;
  for (const e of edits) result = result.slice(0, e.start) + e.text + result.slice(e.end);
  return result;
}

// ------------------------------------------------------------------ the modules

function describe(s: LuaSite, load: LoadResult): string {
  const rel = s.d.file.startsWith(load.prefix) ? s.d.file.slice(load.prefix.length) : s.d.file;
  return `${s.d.name} at ${rel}:${s.d.line}`;
}

/** The module for one site, or an error text when its Lua does not compile (the directive then stays). */
function moduleFor(s: LuaSite, load: LoadResult): { text: string } | { error: string } {
  const spec = LUA_TAGS[s.tag]!;
  let source: string;
  let chunkName: string;
  if (s.form === "file") {
    const arg = s.d.args[s.tag === "set_by_lua" ? 1 : 0] ?? "";
    const file = arg.startsWith("/") ? arg : load.prefix + arg;
    try {
      source = fs.readFileSync(file).toString("latin1");
    } catch {
      return { error: `cannot open ${file}` };
    }
    // A file under the prefix is named relative to it: the loader names it under the prefix served.
    chunkName = "@" + (arg.startsWith("/") ? arg : arg.replace(/^\.\//, ""));
  } else {
    const line = s.form === "block" ? (s.d.lua?.line ?? s.d.line) : s.d.endLine;
    chunkName = "=" + luaChunkName(s.tag, s.d.file, line, load.confPrefix);
    source = s.form === "block" ? (s.d.lua?.code ?? "") : (s.d.args[s.tag === "set_by_lua" ? 1 : 0] ?? "");
  }
  const main = spec.suspendable ? "suspendable" : "plain";
  try {
    const compiled = compileToJs(source, chunkName, { main, skipShebang: s.form === "file" });
    return {
      text: readableModule({
        compiled, source, chunkName, main,
        header: [`Compiled by \`tsresty compile\` from ${describe(s, load)} (chunk ${chunkName.slice(1)}).`],
      }),
    };
  } catch (e) {
    if (e instanceof LuaSyntaxError) return { error: `${chunkName.slice(1)}:${e.line}: ${e.text}` };
    throw e;
  }
}

// ------------------------------------------------------------------ the files around

/** The top-level entries of the prefix the configuration names (roots, Lua dirs, certificates...). */
function referencedEntries(load: LoadResult): Set<string> {
  const out = new Set<string>(["html"]);
  const add = (p: string): void => {
    if (p === "" || p.includes("$") && !p.startsWith("$prefix")) return;
    const rel = p.replace(/^\$\{?prefix\}?\/?/, "").replace(/^\.\//, "");
    if (rel.startsWith("/") || rel.startsWith("..")) return;
    const top = rel.split("/")[0]!;
    if (top !== "" && top !== "logs" && fs.existsSync(load.prefix + top)) out.add(top);
  };
  const walk = (dirs: readonly Directive[]): void => {
    for (const d of dirs) {
      if (d.name === "lua_package_path") for (const part of (d.args[0] ?? "").split(";")) add(part.split("?")[0]!);
      else for (const a of d.args) if (!a.startsWith("/") && /^[\w.$]/.test(a)) add(a);
      if (d.block) walk(d.block);
    }
  };
  for (const f of load.files) walk(f.directives);
  return out;
}

function writeTsconfig(dir: string): void {
  const types = path.join(PACKAGE_ROOT, "dist/src/lua/compiler/readable-types.d.ts");
  const conf = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      // Lua's locals and parameters carry no types: they stay implicitly `any`, and a local
      // holding nil is not narrowed to `never` (`local t = nil; t.x` is Lua's runtime error).
      noImplicitAny: false,
      strictNullChecks: false,
      noEmit: true,
      skipLibCheck: true,
      lib: ["ES2022"],
      types: [],
      paths: { [TYPES_MODULE]: [types] },
    },
    include: [`${MODULE_DIR}/**/*.ts`],
  };
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(conf, null, 2) + "\n");
}

// ------------------------------------------------------------------ the command

export function compilePrefix(opts: { prefix?: string | undefined; conf?: string | undefined; out: string }): number {
  const load = loadConfig({ prefix: opts.prefix, conf: opts.conf });
  for (const d of load.diagnostics) if (!isError(d)) say(formatDiagnostic(d));
  if (!load.ok) {
    for (const d of load.diagnostics) if (isError(d)) say(formatDiagnostic(d));
    return 1;
  }
  const out = path.resolve(opts.out) + "/";
  const src = load.prefix;
  if (src === out) {
    say("[emerg] the output directory is the prefix itself");
    return 1;
  }
  fs.mkdirSync(out, { recursive: true });
  // The configuration's directory and whatever the prefix's top level the configuration names.
  const confDir = load.confFile.startsWith(src) ? path.dirname(load.confFile.slice(src.length)) : "conf";
  const entries = referencedEntries(load);
  // (A configuration at the prefix's top is written below with its includes, as every
  // configuration file is: the prefix itself is never copied whole.)
  if (confDir !== ".") entries.add(confDir.split("/")[0]!);
  for (const e of entries) {
    const from = src + e;
    // Never copy the output into itself (DIR inside the prefix).
    if (out.startsWith(from + "/") || !fs.existsSync(from)) continue;
    fs.cpSync(from, out + e, { recursive: true, dereference: false, filter: (f) => !f.startsWith(out) });
  }
  fs.mkdirSync(out + "logs", { recursive: true });
  fs.rmSync(out + MODULE_DIR, { recursive: true, force: true });
  fs.mkdirSync(out + MODULE_DIR, { recursive: true });

  const byFile = findLuaSites(load);
  let modules = 0;
  for (const f of load.files) {
    const sites = (byFile.get(f.file) ?? []).filter((s) => {
      const m = moduleFor(s, load);
      if ("error" in m) {
        say(`[warn] ${describe(s, load)} stays as it is: ${m.error}`);
        return false;
      }
      fs.writeFileSync(out + s.module, m.text, "latin1");
      modules++;
      return true;
    });
    const target = f.file.startsWith(src) ? out + f.file.slice(src.length) : out + "conf/" + path.basename(f.file);
    const text = fs.readFileSync(f.file).toString("latin1");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, sites.length > 0 ? rewriteConf(text, sites) : text, "latin1");
  }
  writeTsconfig(out);
  const mainConf = load.confFile.startsWith(src) ? load.confFile.slice(src.length) : "conf/" + path.basename(load.confFile);
  process.stdout.write(`tsresty: compiled ${modules} Lua chunk${modules === 1 ? "" : "s"} into ${out}${MODULE_DIR}/; serve it with: tsresty serve -p ${out}${mainConf !== "conf/nginx.conf" ? ` -c ${mainConf}` : ""}\n`);
  return 0;
}

/** `tsresty compile`'s entry (see ../command-table.ts). */
export const execute: Execute = ({ opts, flags }) => {
  const outDir = opts["o"];
  if (typeof outDir !== "string" || outDir === "") {
    say("[emerg] compile needs an output directory: -o DIR");
    return 1;
  }
  return compilePrefix({ prefix: flags.prefix, conf: flags.conf, out: outDir });
};
