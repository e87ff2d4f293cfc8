// Location selection, as ngx_http_core_find_location does it, level by level:
//   1. an exact (`=`) match ends the search;
//   2. otherwise the longest prefix is remembered, and its nested locations are searched
//      (recursively) first; a regex or exact match there wins;
//   3. unless that prefix is `^~`, this level's regexes are tried in order; the first match
//      wins (and its own nested locations are searched);
//   4. otherwise the remembered prefix (or the nested prefix found in 2) is used.
import type { LocationConf, LocationTree, ServerConf } from "./model.js";
import type { Request } from "../request.js";

const enum R { None, Prefix, Final }

/** Select the location for `uri` in `server`; regex captures go to `r`. */
export function findLocation(server: ServerConf, uri: string, r?: Request): LocationConf {
  const found: { loc: LocationConf } = { loc: server.root };
  search(server.locations, uri, found, r);
  return found.loc;
}

function search(tree: LocationTree, uri: string, found: { loc: LocationConf }, r?: Request): R {
  const exact = tree.exact.size > 0 ? tree.exact.get(uri) : undefined;
  if (exact) {
    found.loc = exact;
    return R.Final;
  }
  let rc = R.None;
  let noRegex = false;
  // nginx's auto_redirect (a location "/dir/" with proxy_pass and the like): "/dir" is sent
  // to "/dir/" unless a location is named "/dir" itself; it wins over shorter prefixes and
  // regexes, as it sits deeper in nginx's location tree.
  let redirect: LocationConf | undefined;
  for (const p of tree.prefixes) {
    if (p.name.length === uri.length + 1 && p.name.startsWith(uri) && p.name.endsWith("/") && p.moduleData.get("auto_redirect") === true) {
      redirect = p;
      continue;
    }
    if (uri.startsWith(p.name)) {
      if (redirect && p.name.length < uri.length) break;
      found.loc = p;
      noRegex = p.modifier === "^~";
      rc = R.Prefix;
      const nested = p.children;
      if (nested.prefixes.length + nested.regexes.length + nested.exact.size > 0) {
        const n = search(nested, uri, found, r);
        if (n === R.Final) return R.Final;
      }
      break;
    }
  }
  if (redirect && found.loc !== redirect && (rc === R.None || found.loc.name.length < uri.length)) {
    found.loc = redirect;
    if (r) r.notes.set("auto_redirect", true);
    return R.Final;
  }
  if (noRegex) return rc;
  for (const l of tree.regexes) {
    const m = l.regex!.exec(uri);
    if (m) {
      found.loc = l;
      if (r) setCaptures(r, m);
      const nested = l.children;
      if (nested.prefixes.length + nested.regexes.length + nested.exact.size > 0) search(nested, uri, found, r);
      return R.Final;
    }
  }
  return rc;
}

/** $0..$9 and named captures, as nginx sets them after a successful regex match. */
export function setCaptures(r: Request, m: RegExpExecArray): void {
  r.captures = Array.from(m, (v) => v ?? "");
  if (m.groups) for (const [k, v] of Object.entries(m.groups)) r.vars.set(k, v ?? "");
}
