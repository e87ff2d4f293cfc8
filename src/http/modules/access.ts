// The access phase of nginx's access and auth_basic modules, with `satisfy` and
// `limit_except`. One handler runs both checks in nginx's order (access, then auth_basic)
// and applies the core's satisfy rule: `all` needs every check that has an opinion to pass,
// `any` needs one (then the rest of the access phase is skipped, as nginx jumps to
// post_access). limit_except is a nested configuration that requests with the methods it
// does not list run under (LocationConf.limitExcept, chosen at find_config): its own
// settings merged over the location's, none of the location's rewrite script or
// content_by_lua (checked on the reference), only proxy_pass carried in, as nginx's proxy
// module does for limit_except blocks.
import type { Directive } from "../../conf/ast.js";
import type { HttpModule } from "../module.js";
import type { LocationConf } from "../config/model.js";
import { ConfigError, type ParseEnv, type SettingSpec } from "../config/settings.js";
import { buildIfLocation } from "../config/build.js";
import { NEXT, OK, type PhaseHandler } from "../phases.js";
import { compileComplexValue, type ComplexValue } from "../script.js";
import { matchRules, parseRule, type AccessRule } from "./access-rules.js";
import { checkAuthBasic, DECLINED, type AuthBasicConf } from "./auth-basic.js";

interface UserFile {
  readonly value: ComplexValue;
  readonly confPrefix: string;
}

// nginx's method names for limit_except (ngx_http_core_limit_except).
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "MKCOL", "COPY", "MOVE", "OPTIONS", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK", "PATCH"]);

const rulesSpec = (directive: string): SettingSpec<readonly AccessRule[]> => ({
  directive, key: "access_rules", default: [],
  parse: (d, prev) => [...(prev ?? []), parseRule(d)],
});

const SETTINGS: readonly SettingSpec[] = [
  rulesSpec("allow"),
  rulesSpec("deny"),
  {
    directive: "satisfy", key: "satisfy", default: "all",
    parse(d: Directive) {
      const v = d.args[0] ?? "";
      if (v !== "all" && v !== "any") {
        throw new ConfigError(`invalid value "${v}" in "satisfy" directive, it must be "all" or "any"`, d.file, d.line);
      }
      return v;
    },
  } satisfies SettingSpec<string>,
  {
    directive: "auth_basic", key: "auth_basic", default: undefined,
    parse: (d: Directive) => compileComplexValue(d.args[0] ?? ""),
  } satisfies SettingSpec<ComplexValue | undefined>,
  {
    directive: "auth_basic_user_file", key: "auth_basic_user_file", default: undefined,
    parse: (d: Directive, _prev: unknown, env: ParseEnv) => ({ value: compileComplexValue(d.args[0] ?? ""), confPrefix: env.confPrefix }),
  } satisfies SettingSpec<UserFile | undefined>,
];

/**
 * The access phase's two handlers, access rules then auth_basic, each answering as nginx's
 * does (OK, DECLINED, 403, 401); the phase engine applies satisfy all/any to the answers
 * (phases.ts accessAnswer), with access_by_lua's answer after them.
 */
function handlerFor(loc: LocationConf): PhaseHandler | undefined {
  const s = loc.settings;
  const rules = (s.access_rules as readonly AccessRule[] | undefined) ?? [];
  const realm = s.auth_basic as ComplexValue | undefined;
  const file = s.auth_basic_user_file as UserFile | undefined;
  const checks: PhaseHandler[] = [];
  if (rules.length > 0) {
    const all = s.satisfy !== "any";
    checks.push((r) => {
      const deny = matchRules(rules, r.conn.remoteAddress);
      if (deny === undefined) return NEXT;
      if (!deny) return OK;
      // With satisfy any, post_access logs it if nothing else allows.
      if (all) r.log("error", "access forbidden by rule");
      return 403;
    });
  }
  if (realm !== undefined && file !== undefined) {
    const auth: AuthBasicConf = { realm, userFile: file.value, confPrefix: file.confPrefix };
    checks.push((r) => {
      const rc = checkAuthBasic(r, auth);
      return rc === DECLINED ? NEXT : rc;
    });
  }
  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0];
  // Both: run them as two handlers of the phase would, one after the other.
  const [first, second] = checks as [PhaseHandler, PhaseHandler];
  const any = s.satisfy === "any";
  return (r) => {
    const rc = first(r) as number;
    if (rc === NEXT || (rc === OK && !any)) return second(r);
    if (!any || rc === OK) return rc;
    if (rc !== 403 && rc !== 401) return rc;
    // satisfy any, denied by the rules: auth_basic may still allow.
    r.accessCode = rc;
    return second(r);
  };
}

/** limit_except's block as the nested location requests with other methods run under. */
function compileLimitExcept(loc: LocationConf): void {
  const d = loc.directives.find((x) => x.name === "limit_except");
  if (d === undefined) return;
  const methods = new Set<string>();
  for (const m of d.args) {
    if (!METHODS.has(m)) throw new ConfigError(`invalid method "${m}"`, d.file, d.line);
    methods.add(m);
    if (m === "GET") methods.add("HEAD");
  }
  const inner = buildIfLocation(loc, d);
  if (inner.contentHandler === undefined) {
    // The location is still being built (its proxy_pass, its content handler): look late.
    const carried: PhaseHandler = (r) => (loc.moduleData.has("proxy") && loc.contentHandler ? loc.contentHandler(r) : NEXT);
    (inner as { contentHandler: PhaseHandler | undefined }).contentHandler = carried;
  }
  (loc as { limitExcept?: LocationConf["limitExcept"] }).limitExcept = { methods, loc: inner };
}

export const accessModule: HttpModule = {
  name: "access",
  settings: SETTINGS,
  directives: ["limit_except"],
  compileLocation: compileLimitExcept,
  handler(phase, loc) {
    return phase === "access" ? handlerFor(loc) : undefined;
  },
};
