// nginx's index module: for a URI ending in `/`, the first `index` name that exists under
// it becomes an internal redirect (URI + name, args kept). A name starting with `/` is a
// URI redirected to as is. Names may hold variables. When none exists the module declines,
// and the content phase ends in 403 (`directory index of "..." is forbidden`), or 404 when
// the directory itself is missing.
import * as fs from "node:fs";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { LocationConf } from "../config/model.js";
import { DONE, NEXT, type PhaseHandler, type PhaseResult } from "../phases.js";
import { ConfigError, type SettingSpec } from "../config/settings.js";
import { compileComplexValue, type ComplexValue } from "../script.js";
import { fsPath, mapUriToPath } from "./static-path.js";
import { errnoText } from "./static.js";

interface IndexName {
  readonly text: string;
  readonly value: ComplexValue | undefined;
}

const indexSetting: SettingSpec<readonly IndexName[]> = {
  directive: "index",
  key: "index",
  default: [{ text: "index.html", value: undefined }],
  parse(d, prev) {
    const out = [...(prev ?? [])];
    for (const a of d.args) {
      if (a === "") throw new ConfigError(`index "" in "index" directive is invalid`, d.file, d.line);
      out.push({ text: a, value: a.includes("$") ? compileComplexValue(a) : undefined });
    }
    return out;
  },
};

function indexError(r: Request, file: string, e: NodeJS.ErrnoException): number {
  if (e.code === "EACCES") {
    r.log("error", `"${file}" is forbidden (${errnoText(e)})`);
    return 403;
  }
  if (r.loc.core.log_not_found) r.log("error", `"${file}" is not found (${errnoText(e)})`);
  return 404;
}

/** ngx_http_index_test_dir: the directory must exist before a missing index means "next". */
function testDir(r: Request, dir: string, file: string): number | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(fsPath(dir));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // nginx has put the name back by then: the line names the index file.
    if (err.code === "ENOENT") return indexError(r, file, err);
    if (err.code === "EACCES") return undefined;
    r.log("crit", `stat() "${dir}" failed (${errnoText(e)})`);
    return 500;
  }
  if (!st.isDirectory()) {
    r.log("alert", `"${dir}" is not a directory`);
    return 500;
  }
  return undefined;
}

function handlerFor(loc: LocationConf): PhaseHandler {
  const names = loc.settings.index as readonly IndexName[];
  return (r: Request): PhaseResult => {
    if (!r.uri.endsWith("/")) return NEXT;
    const m = r.method;
    if (m !== "GET" && m !== "HEAD" && m !== "POST") return NEXT;
    let dirTested = false;
    for (const n of names) {
      const name = n.value ? n.value(r) : n.text;
      if (name.startsWith("/")) {
        r.internalRedirect(name, r.args);
        return DONE;
      }
      const { path } = mapUriToPath(r);
      const file = path + name;
      try {
        fs.statSync(fsPath(file));
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === "ENOTDIR" || err.code === "ENAMETOOLONG" || err.code === "EACCES") return indexError(r, file, err);
        if (!dirTested) {
          const rc = testDir(r, path, file);
          if (rc !== undefined) return rc;
          dirTested = true;
        }
        if (err.code === "ENOENT") continue;
        r.log("crit", `stat() "${file}" failed (${errnoText(e)})`);
        return 500;
      }
      r.internalRedirect(r.uri + name, r.args);
      return DONE;
    }
    return NEXT;
  };
}

export const indexModule: HttpModule = {
  name: "index",
  settings: [indexSetting],
  handler: (phase, loc) => (phase === "content" ? handlerFor(loc) : undefined),
};
