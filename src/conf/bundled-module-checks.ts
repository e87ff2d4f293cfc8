// Load-time checks of OpenResty's bundled C modules, worded as the reference prints them:
// set_misc's target variable, headers-more's options (an [error] line without a place,
// as that module logs it from its directive handler).
import type { DirectiveCheck } from "./directive-checks.js";
import { READ_ONLY } from "./rewrite-checks.js";

/** The variable written: a `$name` that is not one of nginx's read-only variables. */
const variableName: DirectiveCheck = (d) => {
  const v = d.args[0] ?? "";
  if (!v.startsWith("$")) return `invalid variable name "${v}"`;
  const name = v.slice(1).toLowerCase();
  return READ_ONLY.has(name) ? `the duplicate "${name}" variable` : null;
};

const SET_MISC = [
  "set_unescape_uri", "set_escape_uri", "set_quote_sql_str", "set_quote_pgsql_str", "set_quote_json_str",
  "set_md5", "set_sha1", "set_encode_base64", "set_decode_base64", "set_encode_base32", "set_decode_base32",
  "set_encode_hex", "set_decode_hex", "set_if_empty", "set_random", "set_secure_random_alphanum",
  "set_secure_random_lcalpha",
];

/** headers-more: -s and -t take a value; input headers know no -s; statuses are digits. */
function moreOptions(input: boolean): DirectiveCheck {
  return (d) => {
    const err = (message: string) => ({ level: "error" as const, message: `${d.name}: ${message}`, unplaced: true });
    for (let i = 0; i < d.args.length; i++) {
      const a = d.args[i]!;
      if (a === "-s" && input) return err(`invalid option name: "-s"`);
      if (a !== "-s" && a !== "-t") continue;
      const v = d.args[++i];
      if (v === undefined) return err(`option ${a} takes an argument.`);
      if (a === "-s") {
        const bad = /[^0-9\s]/.exec(v);
        if (bad) return err(`invalid digit "${bad[0]}" found in the status code list "${v}"`);
      }
    }
    return null;
  };
}

export const BUNDLED_MODULE_CHECKS: readonly (readonly [string, DirectiveCheck])[] = [
  ...SET_MISC.map((n) => [n, variableName] as const),
  ["more_set_headers", moreOptions(false)],
  ["more_clear_headers", moreOptions(false)],
  ["more_set_input_headers", moreOptions(true)],
  ["more_clear_input_headers", moreOptions(true)],
];
