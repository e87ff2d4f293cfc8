// The phase engine, in nginx's order. Modules give per-location handler lists at load time
// (LocationConf.handlers), and this loop runs them, synchronously while they return numbers
// and resuming when one returns a Promise (nginx's NGX_AGAIN), so a plain request costs no
// microtask.
import type { Request } from "./request.js";

/** The phases, in order. The index is what LocationConf.handlers is keyed by. */
export const PHASES = [
  "post_read", "server_rewrite", "find_config", "rewrite", "post_rewrite", "preaccess",
  "access", "post_access", "try_files", "content", "log",
] as const;
export type PhaseName = (typeof PHASES)[number];

export const PH = {
  post_read: 0, server_rewrite: 1, find_config: 2, rewrite: 3, post_rewrite: 4, preaccess: 5,
  access: 6, post_access: 7, try_files: 8, content: 9, log: 10,
} as const satisfies Record<PhaseName, number>;

/** Handler results (nginx's values, so the Lua module can pass them through). */
export const OK = 0;
export const ERROR = -1;
export const AGAIN = -2;
export const DONE = -4;
/** nginx's NGX_DECLINED: this handler has nothing to do, go on with the next. */
export const NEXT = -5;
export const DECLINED = NEXT;

/**
 * What a handler returns:
 * - NEXT: go on with the next handler of the phase (then the next phase);
 * - OK: this phase is done, go to the next phase (in content: the response is complete);
 * - DONE: the handler finalized the request itself (or will): stop running phases;
 * - ERROR: terminate the request (close the connection);
 * - a status (>= 100): finalize with it (nginx's special response: error page, redirect...).
 * A Promise of one of these is nginx's AGAIN: the engine resumes when it settles.
 */
export type PhaseResult = number;
export type PhaseHandler = (r: Request) => PhaseResult | Promise<PhaseResult>;

/** Header filters run once, before the header is serialized; a number other than OK finalizes with it. */
export type HeaderFilter = (r: Request) => PhaseResult | void;

/** One piece of response body on its way through the body filters. */
export interface BodyChunk {
  /** Bytes as a latin1 string or a Buffer; "" for none. */
  data: string | Buffer;
  /** The last piece of the response. */
  eof: boolean;
  /** Push to the client now (ngx.flush). */
  flush: boolean;
}

/** Body filters edit the chunk in place (replace data, set or clear eof). */
export type BodyFilter = (r: Request, chunk: BodyChunk) => void;

/** Run (or resume) the phases of `r` from r.phase. */
export function runPhases(r: Request): void {
  for (;;) {
    if (r.finalized || r.detached) return;
    const phase = r.phase;
    if (phase >= PH.log) return;
    const list = r.phaseHandlers(phase);
    // Core checkers for the phases nginx runs itself.
    if (phase === PH.find_config) {
      const rc = r.findConfig();
      if (rc !== NEXT) {
        r.finalize(rc);
        return;
      }
      r.nextPhase();
      continue;
    }
    if (phase === PH.post_rewrite) {
      if (r.uriChanged) {
        r.uriChanged = false;
        if (!r.countUriChange("while processing \"" + r.uri + "\"")) return;
        r.phase = PH.find_config;
        r.handlerIndex = 0;
        continue;
      }
      r.nextPhase();
      continue;
    }
    if (phase === PH.access && r !== r.main) {
      // ngx_http_core_access_phase: subrequests skip the access phase.
      r.nextPhase();
      continue;
    }
    if (phase === PH.post_access) {
      // ngx_http_core_post_access_phase: what satisfy any left undecided.
      const code = r.accessCode;
      if (code !== 0) {
        r.accessCode = 0;
        if (code === 403) r.log("error", "access forbidden by rule");
        r.finalize(code);
        return;
      }
      r.nextPhase();
      continue;
    }
    if (phase === PH.content && r.handlerIndex === 0 && r.loc.contentHandler && !r.contentHandlerDeclined) {
      r.handlerIndex = -1; // the location's own content handler replaces the phase's list
      if (!step(r, r.loc.contentHandler)) return;
      continue;
    }
    if (r.handlerIndex < 0 || r.handlerIndex >= list.length) {
      if (phase === PH.content) {
        r.finalize(r.noContentStatus());
        return;
      }
      r.nextPhase();
      continue;
    }
    const h = list[r.handlerIndex]!;
    if (!step(r, h)) return;
  }
}

/** Run one handler; false when the engine must stop (suspended or finalized). */
function step(r: Request, h: PhaseHandler): boolean {
  let rc: PhaseResult | Promise<PhaseResult>;
  try {
    rc = h(r);
  } catch (e) {
    r.handlerFailed(e);
    return false;
  }
  if (typeof rc === "number") return apply(r, rc);
  const gen = r.generation;
  rc.then(
    (v) => {
      if (r.generation !== gen) return;
      if (apply(r, v)) runPhases(r);
    },
    (e: unknown) => {
      if (r.generation !== gen) return;
      r.handlerFailed(e);
    },
  );
  return false;
}

function apply(r: Request, rc: PhaseResult): boolean {
  if (r.finalized || r.detached) return false;
  if (rc === NEXT) {
    if (r.phase === PH.content && r.handlerIndex === -1) {
      r.handlerIndex = 0;
      r.contentHandlerDeclined = true;
      return true;
    }
    r.handlerIndex++;
    return true;
  }
  if (r.phase === PH.access && (rc === OK || rc === 403 || rc === 401)) return accessAnswer(r, rc);
  if (rc === OK && r.phase !== PH.content) {
    r.nextPhase();
    return true;
  }
  if (rc === DONE || rc === AGAIN) return false;
  r.finalize(rc);
  return false;
}

/**
 * ngx_http_core_access_phase's rule for the access handlers' answers. `satisfy all`: OK goes
 * on with the next handler, a denial ends the request. `satisfy any`: OK ends the phase (and
 * drops a WWW-Authenticate an earlier handler set), a denial is remembered (401 over 403) and
 * the next handler may still allow; post_access answers with what is left.
 */
function accessAnswer(r: Request, rc: PhaseResult): boolean {
  if (r.loc.settings.satisfy !== "any") {
    if (rc !== OK) {
      r.finalize(rc);
      return false;
    }
    r.handlerIndex++;
    return true;
  }
  if (rc === OK) {
    r.accessCode = 0;
    r.headersOut.remove("WWW-Authenticate");
    r.nextPhase();
    return true;
  }
  if (r.accessCode !== 401) r.accessCode = rc;
  r.handlerIndex++;
  return true;
}
