// loadConfig: the front end's entry point. Finds the configuration as nginx does (-p, -c,
// -g), reads, parses and checks it like `nginx -t`, and returns the tree with includes
// resolved, every file as parsed, and the errors and warnings as values.

import type { ConfFile, Diagnostic, LoadOptions, LoadResult } from "./ast.js";
import { encodeBytes } from "./bytes.js";
import { ConfigChecker } from "./checker.js";
import { isError } from "./diagnostics.js";
import { defaultReadFile } from "./file-source.js";

export const DEFAULT_CONF = "conf/nginx.conf";

/** nginx's paths: the prefix ends in `/`, the conf is relative to it, includes to the conf's directory. */
export function resolvePaths(options: Pick<LoadOptions, "prefix" | "conf">): {
  prefix: string;
  confFile: string;
  confPrefix: string;
} {
  let prefix = encodeBytes(options.prefix ?? process.cwd());
  if (!prefix.endsWith("/")) prefix += "/";
  const conf = encodeBytes(options.conf ?? DEFAULT_CONF);
  const confFile = conf.startsWith("/") ? conf : prefix + conf;
  const slash = confFile.lastIndexOf("/");
  const confPrefix = slash > 0 ? confFile.slice(0, slash + 1) : prefix;
  return { prefix, confFile, confPrefix };
}

export interface LoadConfigOptions extends LoadOptions {
  /** Keep going after errors, as crossplane does (`tsresty parse`). */
  readonly keepGoing?: boolean;
}

export function loadConfig(options: LoadConfigOptions = {}): LoadResult {
  const { prefix, confFile, confPrefix } = resolvePaths(options);
  const checker = new ConfigChecker({
    confPrefix,
    readFile: options.readFile ?? defaultReadFile,
    keepGoing: options.keepGoing === true,
  });
  const globals = options.globals !== undefined && options.globals !== "" ? checker.checkGlobals(encodeBytes(options.globals)) : [];
  const tree = checker.failed && options.keepGoing !== true ? null : checker.checkMainFile(confFile);
  const syntaxOk = !checker.failed;
  const syntaxDiagnostics = checker.diagnostics.length;
  if (syntaxOk) checker.finish();
  const diagnostics: Diagnostic[] = checker.diagnostics;
  const files: ConfFile[] = checker.files;
  return {
    ok: !diagnostics.some(isError),
    syntaxOk,
    prefix,
    confFile,
    confPrefix,
    globals,
    tree: tree ?? [],
    files,
    diagnostics,
    syntaxDiagnostics,
  };
}
