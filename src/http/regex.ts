// nginx regexes (PCRE) in JavaScript: the few syntax differences that configurations use.
// Compiled once at load; a pattern JS cannot take is a configuration error, worded as nginx's.
import { ConfigError } from "./config/settings.js";

export function compileRegex(src: string, caseless: boolean, where?: { file: string; line: number }): RegExp {
  let s = src.replace(/\(\?P</g, "(?<").replace(/\\A/g, "^").replace(/\\[zZ]/g, "$");
  let flags = caseless ? "i" : "";
  const inline = /^\(\?([imsx]+)\)/.exec(s);
  if (inline) {
    s = s.slice(inline[0].length);
    for (const f of inline[1]!) if (f !== "x" && !flags.includes(f)) flags += f;
  }
  try {
    return new RegExp(s, flags);
  } catch (e) {
    throw new ConfigError(`pcre_compile() failed: ${(e as Error).message.replace(/^Invalid regular expression: /, "")} in "${src}"`, where?.file, where?.line);
  }
}
