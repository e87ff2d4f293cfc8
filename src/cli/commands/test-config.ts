// `tsresty -t`: tests the configuration as `nginx -t` does, with the same lines on stderr
// (the program name aside) and exit status 1 on failure.

import type { NginxFlags } from "../flags.js";
import { loadConfig } from "../../conf/load.js";
import { formatDiagnostic } from "../../conf/diagnostics.js";
import type { Diagnostic } from "../../conf/ast.js";

/** Writes a byte string (messages carry the configuration's bytes) to stderr as is. */
function say(line: string): void {
  process.stderr.write(Buffer.from(`tsresty: ${line}\n`, "latin1"));
}

function sayAll(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) say(formatDiagnostic(d));
}

export async function testConfig(flags: NginxFlags): Promise<number> {
  const result = loadConfig({ prefix: flags.prefix, conf: flags.conf, globals: flags.globals });
  sayAll(result.diagnostics.slice(0, result.syntaxDiagnostics));
  if (result.syntaxOk) say(`the configuration file ${result.confFile} syntax is ok`);
  const after = result.diagnostics.slice(result.syntaxDiagnostics);
  sayAll(after);
  if (result.ok) {
    say(`configuration file ${result.confFile} test is successful`);
    return 0;
  }
  say(`configuration file ${result.confFile} test failed`);
  return 1;
}
