// `tsresty -t`: tests the configuration as `nginx -t` does, with the same lines on stderr
// (the program name aside) and exit status 1 on failure.

import type { NginxFlags } from "../flags.js";
import { loadConfig } from "../../conf/load.js";
import { formatDiagnostic } from "../../conf/diagnostics.js";
import type { Diagnostic, LoadResult } from "../../conf/ast.js";

/** Writes a byte string (messages carry the configuration's bytes) to stderr as is. */
function say(line: string): void {
  process.stderr.write(Buffer.from(`tsresty: ${line}\n`, "latin1"));
}

function sayAll(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) say(formatDiagnostic(d));
}

/**
 * What nginx checks while it reads a configuration beyond its syntax: the runtime model
 * (locations, listens, logs) and each module's post-configuration step, where upstream
 * hosts are resolved (`host not found in upstream "x"`) and init_by_lua runs. The first
 * error, worded as nginx's, or undefined.
 */
async function buildCheck(load: LoadResult): Promise<string | undefined> {
  const [{ buildConfig }, { ConfigError }, { httpModules }] = await Promise.all([
    import("../../http/config/build.js"),
    import("../../http/config/settings.js"),
    import("../../http/module.js"),
    import("../../http/modules/index.js"),
  ]);
  try {
    const cfg = buildConfig(load).config;
    for (const m of httpModules()) await m.postConfiguration?.(cfg);
    return undefined;
  } catch (e) {
    if (e instanceof ConfigError) return e.format();
    throw e;
  }
}

export async function testConfig(flags: NginxFlags): Promise<number> {
  const result = loadConfig({ prefix: flags.prefix, conf: flags.conf, globals: flags.globals });
  sayAll(result.diagnostics.slice(0, result.syntaxDiagnostics));
  if (result.ok) {
    const failure = await buildCheck(result);
    if (failure !== undefined) {
      say(failure);
      say(`configuration file ${result.confFile} test failed`);
      return 1;
    }
  }
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
