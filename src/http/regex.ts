// nginx regexes (PCRE) in JavaScript: the syntax translation and error words are shared with
// `tsresty -t` (src/conf/regex-syntax.ts). Compiled once at load; a pattern JS cannot take
// is a configuration error, worded as nginx's.
import { ConfigError } from "./config/settings.js";
import { regexError, toJsRegex } from "../conf/regex-syntax.js";
import { noteRegexCaptures } from "./variables.js";

export function compileRegex(src: string, caseless: boolean, where?: { file: string; line: number }): RegExp {
  noteRegexCaptures(src);
  const js = toJsRegex(src, caseless);
  try {
    return new RegExp(js.source, js.flags);
  } catch {
    throw new ConfigError(regexError(src, caseless) ?? `pcre2_compile() failed in "${src}"`, where?.file, where?.line);
  }
}
