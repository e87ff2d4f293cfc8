// Parsing and checking configurations held in memory, for tests that need no files.

import { loadConfig } from "../../../src/conf/load.js";
import { parseText, type ParsedText } from "../../../src/conf/parse.js";
import { isLuaBlockDirective } from "../../../src/conf/registry/index.js";
import { formatDiagnostic } from "../../../src/conf/diagnostics.js";
import type { LoadResult } from "../../../src/conf/ast.js";

export const PREFIX = "/srv/app/";
export const CONF = "/srv/app/conf/nginx.conf";

/** Parses one file's text (a byte string) as nginx.conf. */
export function parse(text: string): ParsedText {
  return parseText(text, { file: CONF, isFile: true, isLuaBlock: isLuaBlockDirective });
}

/** Loads conf/nginx.conf (and any other files given, by path relative to conf/). */
export function load(main: string, others: Record<string, string> = {}, globals?: string): LoadResult {
  const files = new Map<string, string>([[CONF, main]]);
  for (const [name, text] of Object.entries(others)) files.set(PREFIX + "conf/" + name, text);
  return loadConfig({
    prefix: PREFIX,
    globals,
    readFile: (path) => {
      const text = files.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT", errno: -2 });
      return Buffer.from(text, "latin1");
    },
  });
}

/** The diagnostics of a load as nginx's one-line texts. */
export function messages(result: LoadResult): string[] {
  return result.diagnostics.map(formatDiagnostic);
}

/** The first error of a configuration, as `[emerg] TEXT in FILE:LINE`. */
export function firstError(main: string, others: Record<string, string> = {}): string | undefined {
  return messages(load(main, others)).find((m) => !m.startsWith("[warn]"));
}
