// From a URI to a file name, as ngx_http_map_uri_to_path does it: `root` + URI, or `alias`
// in place of the location's prefix. An alias in a regex location is the whole path (its
// captures choose the file), and the URI is not appended. Compiled once per location.
import type { LocationConf } from "../config/model.js";
import type { Request } from "../request.js";
import { resolvePath } from "../config/core-settings.js";
import { compileComplexValue, hasVariables, type ComplexValue } from "../script.js";

export interface DocRoot {
  /** The root (or alias) for this request: absolute, no trailing slash for `root`. */
  base(r: Request): string;
  /** How many leading URI bytes the alias replaces (0 for root); -1: a regex alias (the whole path). */
  readonly aliasLength: number;
  readonly alias: boolean;
}

const cache = new WeakMap<LocationConf, DocRoot>();

/** The location's compiled root or alias. */
export function docRoot(loc: LocationConf): DocRoot {
  let d = cache.get(loc);
  if (!d) cache.set(loc, (d = compileRoot(loc)));
  return d;
}

function compileRoot(loc: LocationConf): DocRoot {
  const { path, alias } = loc.core.root;
  const regexAlias = alias && (loc.modifier === "~" || loc.modifier === "~*");
  const aliasLength = !alias ? 0 : regexAlias ? -1 : loc.modifier === "@" ? 0 : loc.name.length;
  if (hasVariables(path)) {
    const v: ComplexValue = compileComplexValue(path);
    return {
      aliasLength, alias,
      base: (r) => resolvePath(v(r), r.config.main.prefix),
    };
  }
  let p = path;
  // nginx drops a root's trailing slash (the URI brings its own); an alias keeps it.
  if (!alias && p.endsWith("/")) p = p.slice(0, -1);
  return { aliasLength, alias, base: fixedBase(p) };
}

function fixedBase(p: string): (r: Request) => string {
  let prefix = "";
  let full = "";
  // Resolved against the prefix of the configuration the request runs under (known per request).
  return (r) => {
    const pre = r.config.main.prefix;
    if (pre !== prefix) {
      prefix = pre;
      full = resolvePath(p, pre);
    }
    return full;
  };
}

/** The file for `uri` (the request's URI by default), and where the root ends in it. */
export function mapUriToPath(r: Request, uri: string = r.uri): { path: string; rootLength: number } {
  const d = docRoot(r.loc);
  const base = d.base(r);
  if (d.aliasLength < 0) {
    // A regex alias names the file itself, unless try_files asked for the URI to be added.
    if (r.notes.get("add_uri_to_alias") === true) return { path: base + uri, rootLength: base.length };
    return { path: base, rootLength: base.length };
  }
  const rest = d.aliasLength > 0 ? uri.slice(Math.min(d.aliasLength, uri.length)) : uri;
  return { path: base + rest, rootLength: base.length };
}

/** A path for node:fs: URIs are byte strings (latin1), so bytes past ASCII go as a Buffer. */
export function fsPath(p: string): string | Buffer {
  // A loop: the regex /[^\x00-\x7f]/ showed in the static file profile, this does not.
  for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) > 0x7f) return Buffer.from(p, "latin1");
  return p;
}
