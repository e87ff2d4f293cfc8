// The rewrite module's script engine, at the server level (server_rewrite phase) and in
// locations (rewrite phase). Each level's rewrite directives compile, in order, into a list
// of operations run by one handler: return, rewrite, set, if, break (and set_by_lua*, which
// the Lua module adds to REWRITE_OPS, so it runs in configuration order with the others).
import type { Directive } from "../../conf/ast.js";
import type { LocationConf, ServerConf } from "../config/model.js";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import { DONE, NEXT, OK, type PhaseHandler, type PhaseResult } from "../phases.js";
import { compileComplexValue } from "../script.js";
import { ConfigError, flag } from "../config/settings.js";
import { setContentType } from "../content-type.js";
import { STOP, type RewriteCompiler, type RewriteCtx, type RewriteOp } from "./rewrite-op.js";
import { compileRewrite } from "./rewrite-regex.js";
import { compileIf, isIfLocation } from "./rewrite-if.js";
import { compileSet } from "./rewrite-set.js";

export { STOP, type RewriteOp, type RewriteCtx, type RewriteCompiler } from "./rewrite-op.js";

/** Compilers for the rewrite module's directives, by name (set_by_lua* adds itself here). */
export const REWRITE_OPS: Record<string, RewriteCompiler> = {
  return: compileReturn,
  rewrite: compileRewrite,
  set: compileSet,
  break: () => () => STOP,
  if: (d, ctx) => compileIf(d, ctx, compileOps),
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function compileReturn(d: Directive): RewriteOp {
  const a0 = d.args[0] ?? "";
  if (d.args.length === 1 && !/^[0-9]+$/.test(a0)) {
    if (!/^(https?:\/\/|\$scheme)/.test(a0)) throw new ConfigError(`invalid return code "${a0}"`, d.file, d.line);
    const url = compileComplexValue(a0);
    return (r) => {
      const rc = r.discardBody();
      return rc !== 0 ? rc : sendResponse(r, 302, url(r));
    };
  }
  const code = Number(a0);
  if (!/^[0-9]+$/.test(a0) || code > 999) throw new ConfigError(`invalid return code "${a0}"`, d.file, d.line);
  if (d.args.length < 2) {
    if (code === 444) return () => 444;
    if (code >= 400) return () => code;
    return (r) => sendResponse(r, code, "");
  }
  const text = compileComplexValue(d.args[1]!);
  // nginx sets the status before it evaluates the text ($status in it is the new one).
  return (r) => {
    r.status = code;
    const rc = code === 444 ? 0 : r.discardBody();
    if (rc !== 0) return rc;
    return sendResponse(r, code, text(r));
  };
}

/** ngx_http_send_response: a redirect with its Location, or the text as the body. */
export function sendResponse(r: Request, status: number, text: string): PhaseResult {
  if (status === 444) return 444;
  const rc = r.discardBody();
  if (rc !== 0) return rc;
  if (REDIRECTS.has(status)) {
    r.headersOut.remove("location");
    r.location = text;
    return status;
  }
  r.status = status;
  setContentType(r);
  r.contentLength = text.length;
  r.sendHeader();
  if (text.length > 0) r.write(text);
  r.eof();
  r.finalize(0);
  return DONE;
}

/** Compile a level's (or an if block's) rewrite directives, in order. */
export function compileOps(ds: readonly Directive[], ctx: RewriteCtx): RewriteOp[] {
  const ops: RewriteOp[] = [];
  for (const d of ds) {
    const c = REWRITE_OPS[d.name];
    if (c) ops.push(c(d, ctx));
  }
  return ops;
}

/** Run ops in order; NEXT when they all went on, STOP when one ended the script, or a result. */
export function runOps(ops: readonly RewriteOp[], r: Request): PhaseResult {
  for (let i = 0; i < ops.length; i++) {
    const rc = ops[i]!(r);
    if (rc !== NEXT) return rc;
  }
  return NEXT;
}

function handlerFor(ops: readonly RewriteOp[], inLocation: boolean): PhaseHandler | undefined {
  if (ops.length === 0) return undefined;
  return (r) => {
    const rc = runOps(ops, r);
    if (rc !== NEXT && rc !== STOP) return rc;
    // A changed URI ends the location's rewrite phase: rewrite_by_lua declines to run then,
    // as lua-nginx-module does, and the location is looked up again.
    return inLocation && r.uriChanged ? OK : NEXT;
  };
}

/** An if block's location keeps the handler slot of the script that switched to it. */
const IF_SLOT: PhaseHandler = () => NEXT;

export const rewriteModule: HttpModule = {
  name: "rewrite",
  settings: [flag("rewrite_log", false), flag("uninitialized_variable_warn", true)],
  directives: Object.keys(REWRITE_OPS),
  serverRewrite(srv: ServerConf) {
    return handlerFor(compileOps(srv.directives, { loc: undefined, server: srv }), false);
  },
  handler(phase, loc: LocationConf) {
    if (phase !== "rewrite") return undefined;
    if (isIfLocation(loc)) return IF_SLOT;
    if (loc.parent === undefined && loc.name === "" && loc.modifier === "") return undefined;
    return handlerFor(compileOps(loc.directives, { loc, server: loc.server }), true);
  },
};
