// The user variables a configuration declares: nginx creates them at load time
// (ngx_http_add_variable with NGX_HTTP_VAR_CHANGEABLE), for the whole configuration whichever
// location the directive is in. ngx.var may write those; writing any other name without a
// setter fails with lua-nginx-module's "not found for writing" error.
import type { Directive } from "../conf/ast.js";

/** Declaring directives: the index of the argument that names the variable ("last": the last one). */
const DECLARING: Readonly<Record<string, number | "last">> = {
  set: 0,
  set_by_lua: 0, set_by_lua_block: 0, set_by_lua_file: 0,
  map: 1,
  split_clients: 1,
  geo: "last",
  auth_request_set: 0,
  perl_set: 0,
  js_set: 0,
};

/** set-misc's directives (set_md5, set_quote_sql_str, set_if_empty, ...) all declare their first argument. */
const SET_MISC = /^set_/;

const cache = new WeakMap<readonly Directive[], ReadonlySet<string>>();

function walk(ds: readonly Directive[], out: Set<string>): void {
  for (const d of ds) {
    const at = DECLARING[d.name] ?? (SET_MISC.test(d.name) ? 0 : undefined);
    if (at !== undefined) {
      const arg = at === "last" ? d.args[d.args.length - 1] : d.args[at];
      if (arg !== undefined && arg.startsWith("$")) out.add(arg.slice(1).toLowerCase());
    }
    if (d.block) walk(d.block, out);
  }
}

/** The names (lower case, no `$`) the configuration tree declares; computed once per tree. */
export function declaredVariables(tree: readonly Directive[]): ReadonlySet<string> {
  let s = cache.get(tree);
  if (s === undefined) {
    const out = new Set<string>();
    walk(tree, out);
    cache.set(tree, (s = out));
  }
  return s;
}
