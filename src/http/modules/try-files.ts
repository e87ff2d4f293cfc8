// nginx's try_files (a phase of its own, before content): each argument but the last is a
// file under the root (with a trailing `/`, a directory); the first that exists becomes the
// URI and the content phase serves it. The last argument is the fallback: `=code`, a named
// location `@name`, or a URI to redirect to internally (with its own `?args`, else none).
// try_files is not inherited: each location (or the server level) has its own.
import * as fs from "node:fs";
import type { Directive } from "../../conf/ast.js";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { LocationConf } from "../config/model.js";
import { DONE, OK, type PhaseHandler, type PhaseResult } from "../phases.js";
import { ConfigError } from "../config/settings.js";
import { compileComplexValue, type ComplexValue } from "../script.js";
import { docRoot, fsPath } from "./static-path.js";
import { errnoText } from "./static.js";

interface TryEntry {
  readonly value: ComplexValue;
  readonly variables: boolean;
  readonly dir: boolean;
}

interface TryFiles {
  readonly entries: readonly TryEntry[];
  readonly fallback: ComplexValue;
  /** `=code` as the last argument. */
  readonly code: number | undefined;
}

function compile(d: Directive): TryFiles {
  const args = d.args;
  const entries: TryEntry[] = args.slice(0, -1).map((a) => {
    const dir = a.endsWith("/");
    const name = dir ? a.slice(0, -1) : a;
    return { value: compileComplexValue(name), variables: name.includes("$"), dir };
  });
  const last = args[args.length - 1]!;
  let code: number | undefined;
  if (last.startsWith("=")) {
    const n = last.slice(1);
    if (!/^[0-9]+$/.test(n) || Number(n) > 999) throw new ConfigError(`invalid code "${last}"`, d.file, d.line);
    code = Number(n);
  }
  return { entries, fallback: compileComplexValue(last), code };
}

function statKind(r: Request, path: string): "file" | "dir" | undefined {
  try {
    return fs.statSync(fsPath(path)).isDirectory() ? "dir" : "file";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR" && code !== "ENAMETOOLONG") {
      r.log("crit", `stat() "${path}" failed (${errnoText(e)})`);
    }
    return undefined;
  }
}

function handlerFor(tf: TryFiles, loc: LocationConf): PhaseHandler {
  const root = docRoot(loc);
  return (r: Request): PhaseResult => {
    for (const e of tf.entries) {
      let name = e.value(r);
      const base = root.base(r);
      const alias = root.aliasLength;
      // A variable name starting with the location's prefix is taken relative to the alias.
      if (alias > 0 && e.variables && name.startsWith(r.uri.slice(0, alias))) name = name.slice(alias);
      const kind = statKind(r, base + name);
      if (kind === undefined || (kind === "dir") !== e.dir) continue;
      if (alias === 0) r.uri = name;
      else if (alias < 0) {
        if (!e.dir) {
          r.uri = name;
          r.notes.set("add_uri_to_alias", true);
        }
      } else r.uri = r.uri.slice(0, alias) + name;
      r.exten = extensionOf(r.uri);
      return OK;
    }
    if (tf.code !== undefined) return tf.code;
    const target = tf.fallback(r);
    if (target.startsWith("@")) {
      r.namedRedirect(target);
      return DONE;
    }
    const q = target.indexOf("?");
    if (q >= 0) r.internalRedirect(target.slice(0, q), target.slice(q + 1));
    else r.internalRedirect(target, "");
    return DONE;
  };
}

/** ngx_http_set_exten: what follows the last dot of the last segment. */
function extensionOf(uri: string): string {
  const dot = uri.lastIndexOf(".");
  return dot < 0 || uri.lastIndexOf("/") > dot ? "" : uri.slice(dot + 1);
}

const compiled = new WeakMap<LocationConf, PhaseHandler | null>();

export const tryFilesModule: HttpModule = {
  name: "try_files",
  directives: ["try_files"],
  handler(phase, loc) {
    if (phase !== "try_files") return undefined;
    let h = compiled.get(loc);
    if (h === undefined) {
      const d = [...loc.directives].reverse().find((x) => x.name === "try_files");
      h = d ? handlerFor(compile(d), loc) : null;
      compiled.set(loc, h);
    }
    return h ?? undefined;
  },
};
