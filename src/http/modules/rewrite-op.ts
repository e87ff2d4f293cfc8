// The shapes shared by the rewrite module's compilers (rewrite.ts and its rewrite-*.ts parts).
import type { Directive } from "../../conf/ast.js";
import type { LocationConf, ServerConf } from "../config/model.js";
import type { Request } from "../request.js";
import type { PhaseResult } from "../phases.js";

/** One compiled rewrite-module directive. NEXT goes on with the next operation. */
export type RewriteOp = (r: Request) => PhaseResult;

/** Returned by an operation that ends the script without ending the phase (break, last). */
export const STOP = -100;

/** Where a directive is compiled: in a location (`if` switches to its own location), or a server. */
export interface RewriteCtx {
  readonly loc: LocationConf | undefined;
  readonly server: ServerConf | undefined;
}

export type RewriteCompiler = (d: Directive, ctx: RewriteCtx) => RewriteOp;

/** rewrite_log: nginx logs regex matches and results at notice level in the current location. */
export function rewriteLog(r: Request, message: string): void {
  if (r.loc.settings.rewrite_log === true) r.log("notice", message);
}
