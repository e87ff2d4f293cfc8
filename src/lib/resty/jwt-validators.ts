// resty.jwt-validators (lua-resty-jwt 0.2.x): validator factories for claim specs.
// A validator is function(val, claim, jwt_json) returning true/false or raising a reason.
// The dates validators read the clock when they run, with an optional { leeway = n }.
import { LuaTable } from "../../lua/runtime/table.js";
import { LuaError } from "../../lua/runtime/error.js";
import { typeName } from "../../lua/runtime/convert.js";
import { call, first, truthy } from "../../lua/runtime/ops.js";
import { compilePattern } from "../../lua/stdlib/lpattern.js";
import type { LuaFunction, LuaResult, LuaValue } from "../../lua/runtime/value.js";
import { named } from "../util.js";

// Shared by every load of the module in the process, and by resty.jwt's legacy options
// (lifetime_grace_period sets the system leeway there too, as in Lua).
let systemLeeway = 0;
let systemClock: LuaFunction | undefined;
let defaultClock: () => number = () => Date.now() / 1000;

/** For tests: the clock used when Lua has not set one with set_system_clock (seconds). */
export function setJwtClock(fn: () => number): void {
  defaultClock = fn;
  systemClock = undefined;
}

function now(): number {
  if (systemClock !== undefined) return first(call(systemClock)) as number;
  return defaultClock();
}

/** ngx.http_time(sec): "Thu, 01 Jan 1970 00:00:00 GMT". */
export function httpTime(sec: number): string {
  return new Date(Math.trunc(sec) * 1000).toUTCString();
}

const MSG = {
  nilValidator: "Cannot create validator for nil %s.",
  wrongTypeValidator: "Cannot create validator for non-%s %s.",
  emptyTableValidator: "Cannot create validator for empty table %s.",
  wrongTableTypeValidator: "Cannot create validator for non-%s table %s.",
  requiredClaim: "'%s' claim is required.",
  wrongTypeClaim: "'%s' is malformed.  Expected to be a %s.",
  missingClaim: "Missing one of claims - [ %s ].",
};

function fmt(msg: string, ...args: string[]): string {
  let i = 0;
  return msg.replace(/%s/g, () => args[i++] ?? "");
}

/** error(msg, 0): a reason without a position. */
function fail(msg: string, ...args: string[]): never {
  throw new LuaError(fmt(msg, ...args));
}

function ensureNotNil(v: LuaValue, msg: string, ...args: string[]): void {
  if (v === undefined) fail(msg, ...args);
}
function ensureType(v: LuaValue, t: string, msg: string, ...args: string[]): void {
  if (typeName(v) !== t) fail(msg, ...args);
}
function ensureTable(v: LuaValue, msg: string, ...args: string[]): LuaTable {
  ensureType(v, "table", msg, ...args);
  const t = v as LuaTable;
  if (t.next(undefined) === undefined) fail(msg, ...args);
  return t;
}
function ensureTableType(v: LuaValue, t: string, msg: string, ...args: string[]): void {
  if (v === undefined) return;
  const tbl = ensureTable(v, msg, ...args);
  for (let i = 1; ; i++) {
    const x = tbl.get(i);
    if (x === undefined) break;
    ensureType(x, t, msg, ...args);
  }
}
function ensureNonNegative(v: LuaValue, msg: string, ...args: string[]): void {
  if (v === undefined) return;
  ensureType(v, "number", msg, ...args);
  if (!((v as number) >= 0)) fail(msg, ...args);
}

/** Lua's tostring for the %s of a message. */
function str(v: LuaValue): string {
  return typeof v === "string" ? v : v === undefined ? "nil" : String(v);
}

type Validator = (val: LuaValue, claim: LuaValue, jwtJson: LuaValue) => LuaResult;

function fnOf(v: Validator): LuaFunction {
  return v as LuaFunction;
}

/** Build the module table. */
export function makeJwtValidators(): LuaTable {
  const M = new LuaTable();
  const def = (name: string, f: (...a: LuaValue[]) => LuaValue): void => {
    M.setStr(name, named(name, f as LuaFunction));
  };
  /** define_validator: the opt_ version as given, the plain one chained after required(). */
  const defineValidator = (name: string, f: (...a: LuaValue[]) => LuaValue): void => {
    def("opt_" + name, f);
    def(name, (...a: LuaValue[]) => chain(required(), f(...a)));
  };

  const chain = (...fns: LuaValue[]): LuaValue => {
    for (const f of fns) ensureType(f, "function", MSG.wrongTypeValidator, "function", "chain_function");
    return fnOf((val, claim, jwtJson) => {
      for (const f of fns) if (first(call(f, val, claim, jwtJson)) === false) return false;
      return true;
    });
  };
  const required = (chainFunction?: LuaValue): LuaValue => {
    if (chainFunction !== undefined) return chain(required(), chainFunction);
    return fnOf((val, claim) => {
      ensureNotNil(val, MSG.requiredClaim, str(claim));
      return true;
    });
  };
  def("chain", chain);
  def("required", required);

  def("require_one_of", (claimKeys: LuaValue) => {
    ensureNotNil(claimKeys, MSG.nilValidator, "claim_keys");
    ensureType(claimKeys, "table", MSG.wrongTypeValidator, "table", "claim_keys");
    ensureTable(claimKeys, MSG.emptyTableValidator, "claim_keys");
    ensureTableType(claimKeys, "string", MSG.wrongTableTypeValidator, "string", "claim_keys");
    const keys = claimKeys as LuaTable;
    return fnOf((val, claim) => {
      ensureType(val, "table", MSG.wrongTypeClaim, str(claim), "table");
      const payload = (val as LuaTable).getStr("payload");
      ensureType(payload, "table", MSG.wrongTypeClaim, str(claim) + ".payload", "table");
      const names: string[] = [];
      for (let i = 1; keys.get(i) !== undefined; i++) {
        const k = keys.get(i)!;
        if ((payload as LuaTable).get(k) !== undefined) return true;
        names.push(str(k));
      }
      return fail(MSG.missingClaim, names.join(", "));
    });
  });

  const optCheck = (checkVal: LuaValue, checkFunction: LuaValue, name?: LuaValue, checkType?: LuaValue): LuaValue => {
    const n = name === undefined ? "check_val" : str(name);
    ensureNotNil(checkVal, MSG.nilValidator, n);
    ensureNotNil(checkFunction, MSG.nilValidator, "check_function");
    ensureType(checkFunction, "function", MSG.wrongTypeValidator, "function", "check_function");
    const t = checkType === undefined ? typeName(checkVal) : str(checkType);
    return fnOf((val, claim) => {
      if (val === undefined) return true;
      ensureType(val, t, MSG.wrongTypeClaim, str(claim), t);
      return first(call(checkFunction, val, checkVal));
    });
  };
  defineValidator("check", optCheck);

  const fromJs = (f: (a: LuaValue, b: LuaValue) => boolean): LuaFunction => ((a: LuaValue, b: LuaValue) => f(a, b)) as LuaFunction;
  const equality = fromJs((a, b) => a === b);
  const stringMatch = fromJs((v, p) => compilePattern(p as string).search(v as string, 0) >= 0);
  const tableContains = fromJs((v, x) => {
    const t = v as LuaTable;
    for (let i = 1; t.get(i) !== undefined; i++) if (t.get(i) === x) return true;
    return false;
  });

  defineValidator("equals", (checkVal) => optCheck(checkVal, equality, "check_val"));
  defineValidator("matches", (pattern) => {
    ensureType(pattern, "string", MSG.wrongTypeValidator, "string", "pattern");
    return optCheck(pattern, stringMatch, "pattern", "string");
  });

  const optAnyOf = (checkValues: LuaValue, checkFunction: LuaValue, name?: LuaValue, checkType?: LuaValue, tableType?: LuaValue): LuaValue => {
    const n = name === undefined ? "check_values" : str(name);
    ensureNotNil(checkValues, MSG.nilValidator, n);
    ensureType(checkValues, "table", MSG.wrongTypeValidator, "table", n);
    ensureTable(checkValues, MSG.emptyTableValidator, n);
    const tt = tableType === undefined ? typeName((checkValues as LuaTable).get(1)) : str(tableType);
    ensureTableType(checkValues, tt, MSG.wrongTableTypeValidator, tt, n);
    ensureNotNil(checkFunction, MSG.nilValidator, "check_function");
    ensureType(checkFunction, "function", MSG.wrongTypeValidator, "function", "check_function");
    const ct = checkType === undefined ? tt : checkType;
    const anyOf = fromJs((v1, v2) => {
      const t = v2 as LuaTable;
      for (let i = 1; t.get(i) !== undefined; i++) if (truthy(first(call(checkFunction, v1, t.get(i))))) return true;
      return false;
    });
    return optCheck(checkValues, anyOf, n, ct);
  };
  defineValidator("any_of", optAnyOf);
  defineValidator("equals_any_of", (values) => optAnyOf(values, equality, "check_values"));
  defineValidator("matches_any_of", (patterns) => optAnyOf(patterns, stringMatch, "patterns", "string", "string"));
  defineValidator("contains_any_of", (values, name) => optAnyOf(values, tableContains, name, "table", "string"));

  const numeric = (name: string, cmp: (a: number, b: number) => boolean): void => {
    defineValidator(name, (checkVal) => {
      ensureType(checkVal, "number", MSG.wrongTypeValidator, "number", "check_val");
      return optCheck(checkVal, fromJs((a, b) => cmp(a as number, b as number)), "check_val", "number");
    });
  };
  numeric("greater_than", (a, b) => a > b);
  numeric("greater_than_or_equal", (a, b) => a >= b);
  numeric("less_than", (a, b) => a < b);
  numeric("less_than_or_equal", (a, b) => a <= b);

  def("set_system_leeway", (leeway) => {
    ensureType(leeway, "number", "leeway must be a non-negative number");
    ensureNonNegative(leeway, "leeway must be a non-negative number");
    systemLeeway = leeway as number;
    return undefined;
  });
  def("set_system_clock", (clock) => {
    ensureType(clock, "function", "clock must be a function");
    const t = first(call(clock));
    ensureType(t, "number", "clock function must return a non-negative number");
    ensureNonNegative(t, "clock function must return a non-negative number");
    systemClock = clock as LuaFunction;
    return undefined;
  });

  const leewayOption = (options: LuaValue): number | undefined => {
    if (options === undefined) return undefined;
    ensureType(options, "table", MSG.wrongTypeValidator, "table", "options");
    const l = (options as LuaTable).getStr("leeway");
    if (l !== undefined) {
      ensureType(l, "number", "leeway must be a non-negative number");
      ensureNonNegative(l, "leeway must be a non-negative number");
    }
    return l as number | undefined;
  };
  /** A date validator: a non-negative number passing `ok`, else "'<claim>' claim <msg> <http time>". */
  const dateValidator = (msg: string, ok: (val: number, leeway: number) => boolean) => (options?: LuaValue): LuaValue => {
    const leeway = leewayOption(options);
    return fnOf((val, claim) => {
      ensureNonNegative(val, MSG.wrongTypeClaim, str(claim), "positive numeric value");
      if (val !== undefined && !ok(val as number, leeway ?? systemLeeway)) {
        fail("'%s' claim %s %s", str(claim), msg, httpTime(val as number));
      }
      return true;
    });
  };
  defineValidator("is_not_before", dateValidator("not valid until", (v, l) => v <= now() + l));
  defineValidator("is_not_expired", dateValidator("expired at", (v, l) => v > now() - l));
  defineValidator("is_at", dateValidator("is only valid at", (v, l) => {
    const t = now();
    return v >= t - l && v <= t + l;
  }));
  M.setStr("_VERSION", "0.2.3");
  return M;
}

/** The leeway set by set_system_leeway (or a legacy lifetime_grace_period). */
export function getSystemLeeway(): number {
  return systemLeeway;
}

/** For tests: back to a zero leeway and the default clock. */
export function resetJwtValidators(): void {
  systemLeeway = 0;
  systemClock = undefined;
  defaultClock = () => Date.now() / 1000;
}

