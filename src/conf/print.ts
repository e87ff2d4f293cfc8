// `tsresty parse` without --json: each file re-printed in a normalised form (one directive
// per line, four-space indents, comments dropped, quotes only where nginx needs them), with
// Lua bodies verbatim. What it prints reads back into the same tree.

import type { ConfFile, Directive } from "./ast.js";

/** Bytes that end or alter an unquoted word, or that nginx's unescaping would change. */
const NEEDS_QUOTES = /[ \t\r\n;{}#"'\\]|^$/;

/** An argument written so that nginx reads it back unchanged. */
export function quoteArg(arg: string): string {
  if (!NEEDS_QUOTES.test(arg)) return arg;
  const body = arg.replace(/[\\"\t\r\n]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\t": "\\t", "\r": "\\r", "\n": "\\n" })[c]!);
  return `"${body}"`;
}

function printDirective(d: Directive, indent: string, out: string[]): void {
  const head = [d.name, ...d.args].map(quoteArg).join(" ");
  if (d.lua !== undefined) {
    out.push(`${indent}${head} {${d.lua.code}}`);
  } else if (d.block !== undefined) {
    out.push(`${indent}${head} {`);
    for (const child of d.block) printDirective(child, indent + "    ", out);
    out.push(`${indent}}`);
  } else {
    out.push(`${indent}${head};`);
  }
}

/** The directives of a list, one per line. */
export function printDirectives(directives: readonly Directive[]): string {
  const out: string[] = [];
  for (const d of directives) printDirective(d, "", out);
  return out.join("\n") + (out.length > 0 ? "\n" : "");
}

/** Every file, each under a comment naming it. */
export function printConfig(files: readonly ConfFile[]): string {
  return files.map((f) => `# ${f.file}\n${printDirectives(f.directives)}`).join("\n");
}
