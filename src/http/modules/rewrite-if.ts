// `if (condition) { ... }`: the condition compiled once; in a location, the block is a
// location of its own (settings merged over the enclosing one's), and when the condition
// holds the request switches to it, as nginx switches r->loc_conf: add_header, content and
// the later phases then come from the block. The block's rewrite directives run inline.
import * as fs from "node:fs";
import type { Directive } from "../../conf/ast.js";
import type { LocationConf } from "../config/model.js";
import type { Request } from "../request.js";
import { NEXT, type PhaseHandler } from "../phases.js";
import { ConfigError } from "../config/settings.js";
import { buildIfLocation } from "../config/build.js";
import { compileComplexValue, type ComplexValue } from "../script.js";
import { compileRegex } from "../regex.js";
import { setCaptures } from "../config/locations.js";
import type { RewriteCtx, RewriteOp } from "./rewrite-op.js";
import { rewriteLog } from "./rewrite-op.js";

type Condition = (r: Request) => boolean;

const ifLocations = new WeakSet<LocationConf>();
let buildingIf = false;

/** Whether `loc` is an if block's location (or is being built as one). */
export function isIfLocation(loc: LocationConf): boolean {
  return buildingIf || ifLocations.has(loc);
}

/** File tests (-f, -d, -e, -x) on a path, as nginx's open_file_cache answers them. */
const FILE_TESTS: Record<string, (path: string) => boolean> = {
  "-f": (p) => stat(p)?.isFile() ?? false,
  "-d": (p) => stat(p)?.isDirectory() ?? false,
  "-e": (p) => stat(p) !== undefined,
  "-x": (p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return stat(p)?.isFile() ?? false;
    } catch {
      return false;
    }
  },
};

function stat(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** String comparisons by operator. */
const COMPARE: Record<string, (a: string, b: string) => boolean> = {
  "=": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

function regexCondition(value: ComplexValue, src: string, op: string, d: Directive): Condition {
  const caseless = op.endsWith("*");
  const negate = op.startsWith("!");
  const re = compileRegex(src, caseless, d);
  return (r) => {
    const s = value(r);
    const m = re.exec(s);
    rewriteLog(r, m ? `"${src}" matches "${s}"` : `"${src}" does not match "${s}"`);
    if (m && !negate) setCaptures(r, m);
    return negate ? !m : m !== null;
  };
}

/** ngx_http_rewrite_if_condition: the words between the parentheses. */
export function compileCondition(d: Directive): Condition {
  const w = [...d.args];
  const bad = (s: string): ConfigError => new ConfigError(`invalid condition "${s}"`, d.file, d.line);
  if (w.length === 0 || !w[0]!.startsWith("(")) throw bad(w[0] ?? "");
  w[0] = w[0]!.slice(1);
  if (w[0] === "") w.shift();
  const last = w.length - 1;
  if (last < 0 || !w[last]!.endsWith(")")) throw bad(w[last] ?? "");
  w[last] = w[last]!.slice(0, -1);
  if (w[last] === "") w.pop();
  const first = w[0] ?? "";
  if (first.length > 1 && first.startsWith("$")) {
    const value = compileComplexValue(first);
    if (w.length === 1) {
      return (r) => {
        const v = value(r);
        return v !== "" && v !== "0";
      };
    }
    if (w.length !== 3) throw bad(first);
    const op = w[1]!;
    const arg = w[2]!;
    const cmp = COMPARE[op];
    if (cmp) {
      const rhs = compileComplexValue(arg);
      return (r) => cmp(value(r), rhs(r));
    }
    if (op === "~" || op === "~*" || op === "!~" || op === "!~*") return regexCondition(value, arg, op, d);
    throw new ConfigError(`unexpected "${op}" in condition`, d.file, d.line);
  }
  const m = /^(!?)(-[fdex])$/.exec(first);
  if (m && w.length === 2) {
    const test = FILE_TESTS[m[2]!]!;
    const path = compileComplexValue(w[1]!);
    const negate = m[1] === "!";
    return (r) => test(path(r)) !== negate;
  }
  throw bad(first);
}

export function compileIf(
  d: Directive, ctx: RewriteCtx, compileOps: (ds: readonly Directive[], ctx: RewriteCtx) => RewriteOp[],
): RewriteOp {
  const cond = compileCondition(d);
  let target: LocationConf | undefined;
  if (ctx.loc) {
    const parent = ctx.loc;
    buildingIf = true;
    try {
      target = buildIfLocation(parent, d);
    } finally {
      buildingIf = false;
    }
    ifLocations.add(target);
    // nginx keeps the enclosing location's content handler when the block has none.
    if (target.contentHandler === undefined) {
      const inherit: PhaseHandler = (r) => (parent.contentHandler ? parent.contentHandler(r) : NEXT);
      (target as { contentHandler: PhaseHandler | undefined }).contentHandler = inherit;
    }
  }
  const ops = compileOps(d.block ?? [], { loc: undefined, server: ctx.server });
  const to = target;
  return (r) => {
    if (!cond(r)) return NEXT;
    if (to) r.loc = to;
    for (let i = 0; i < ops.length; i++) {
      const rc = ops[i]!(r);
      if (rc !== NEXT) return rc;
    }
    return NEXT;
  };
}
