// `tsresty parse --json`: the configuration in crossplane's JSON schema, so that tools
// built on `crossplane parse` read it. Like crossplane, `if` loses its parentheses, a Lua
// block's body is one argument (after `$var` for set_by_lua_block), and errors read
// "TEXT in FILE:LINE". Text is UTF-8 (invalid bytes become U+FFFD, as crossplane does).

import type { Diagnostic, Directive, LoadResult } from "./ast.js";
import { decodeBytes } from "./bytes.js";
import { isError } from "./diagnostics.js";

export interface CrossplaneDirective {
  directive: string;
  line: number;
  args: string[];
  includes?: number[];
  block?: CrossplaneDirective[];
}

export interface CrossplaneError {
  error: string;
  line: number | null;
}

export interface CrossplaneConfig {
  file: string;
  status: "ok" | "failed";
  errors: CrossplaneError[];
  parsed: CrossplaneDirective[];
}

export interface CrossplaneOutput {
  status: "ok" | "failed";
  errors: Array<CrossplaneError & { file: string }>;
  config: CrossplaneConfig[];
}

/** crossplane's _prepare_if_args: drop the outer parentheses, then empty words. */
function ifArgs(args: string[]): string[] {
  if (args.length === 0 || !args[0]!.startsWith("(") || !args[args.length - 1]!.endsWith(")")) return args;
  const out = [...args];
  out[0] = out[0]!.slice(1);
  out[out.length - 1] = out[out.length - 1]!.slice(0, -1);
  return out.filter((a) => a !== "");
}

function convert(d: Directive): CrossplaneDirective {
  let args = d.args.map(decodeBytes);
  if (d.name === "if") args = ifArgs(args);
  if (d.lua !== undefined) args.push(decodeBytes(d.lua.code));
  const out: CrossplaneDirective = { directive: decodeBytes(d.name), line: d.line, args };
  if (d.includes !== undefined) out.includes = [...d.includes];
  if (d.block !== undefined) out.block = d.block.map(convert);
  return out;
}

function errorText(d: Diagnostic): string {
  const where = d.file !== undefined ? ` in ${d.file}:${d.line ?? 0}` : d.commandLine === true ? " in command line" : "";
  return decodeBytes(d.message + where);
}

export function toCrossplane(result: LoadResult): CrossplaneOutput {
  const config: CrossplaneConfig[] = result.files.map((f) => {
    const errors = f.errors.filter(isError).map((e) => ({ error: errorText(e), line: e.line ?? null }));
    return { file: decodeBytes(f.file), status: errors.length > 0 ? "failed" : "ok", errors, parsed: f.directives.map(convert) };
  });
  const errors = result.diagnostics.filter(isError).map((e) => ({
    file: decodeBytes(e.file ?? result.confFile),
    error: errorText(e),
    line: e.line ?? null,
  }));
  return { status: errors.length > 0 ? "failed" : "ok", errors, config };
}
