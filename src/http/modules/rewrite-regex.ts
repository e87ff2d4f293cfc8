// `rewrite REGEX REPLACEMENT [last|break|redirect|permanent]`: the regex runs on $uri; the
// replacement takes $1..$9, named captures and variables. A replacement starting with
// http://, https:// or $scheme redirects; a `?` starts the new arguments (the original ones
// follow after `&`), and a final `?` drops the original arguments.
import type { Directive } from "../../conf/ast.js";
import type { Request } from "../request.js";
import { NEXT } from "../phases.js";
import { ConfigError } from "../config/settings.js";
import { compileRegex } from "../regex.js";
import { variableGetter, type VariableGetter } from "../variables.js";
import { setCaptures } from "../config/locations.js";
import { STOP, rewriteLog, type RewriteOp } from "./rewrite-op.js";
import { escapeArgs, escapeRedirectPath, extenOf } from "./rewrite-util.js";

type Part = string | { readonly capture: number } | { readonly get: VariableGetter };

interface Replacement {
  /** The parts before the first literal `?`, and after it (undefined: no `?`). */
  readonly uri: readonly Part[];
  readonly args: readonly Part[] | undefined;
}

const FLAGS: Record<string, "last" | "break" | "redirect" | "permanent"> = {
  last: "last", break: "break", redirect: "redirect", permanent: "permanent",
};

/** Split a replacement into literals, captures and variables; a literal `?` starts the args. */
export function compileReplacement(text: string): Replacement {
  const uri: Part[] = [];
  let args: Part[] | undefined;
  let cur = uri;
  const re = /\$(?:\{([A-Za-z0-9_]+)\}|([0-9])|([A-Za-z_][A-Za-z0-9_]*))/g;
  let last = 0;
  const literal = (s: string): void => {
    if (s === "") return;
    if (args === undefined) {
      const q = s.indexOf("?");
      if (q >= 0) {
        if (q > 0) cur.push(s.slice(0, q));
        args = [];
        cur = args;
        s = s.slice(q + 1);
        if (s === "") return;
      }
    }
    cur.push(s);
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    literal(text.slice(last, m.index));
    const name = m[1] ?? m[2] ?? m[3]!;
    cur.push(/^[0-9]$/.test(name) ? { capture: Number(name) } : { get: variableGetter(name) });
    last = re.lastIndex;
  }
  literal(text.slice(last));
  return { uri, args };
}

/** nginx escapes captures in arguments and redirects when the request URI was escaped. */
function evaluate(parts: readonly Part[], r: Request, escape: ((s: string) => string) | undefined): string {
  let s = "";
  for (const p of parts) {
    if (typeof p === "string") s += p;
    else if ("capture" in p) {
      const v = r.captures?.[p.capture] ?? "";
      s += escape ? escape(v) : v;
    } else s += p.get(r) ?? "";
  }
  return s;
}

function quotedUri(r: Request): boolean {
  const q = r.main.requestUri.indexOf("?");
  const path = q < 0 ? r.main.requestUri : r.main.requestUri.slice(0, q);
  return path.includes("%") || path.includes("+");
}

export function compileRewrite(d: Directive): RewriteOp {
  const src = d.args[0] ?? "";
  const regex = compileRegex(src, false, d);
  let text = d.args[1] ?? "";
  const flagArg = d.args[2];
  let flag: "last" | "break" | "redirect" | "permanent" | undefined;
  if (flagArg !== undefined) {
    flag = FLAGS[flagArg];
    if (flag === undefined) throw new ConfigError(`invalid parameter "${flagArg}"`, d.file, d.line);
  }
  let status = flag === "permanent" ? 301 : flag === "redirect" ? 302 : 0;
  if (status === 0 && /^(https?:\/\/|\$scheme)/.test(text)) status = 302;
  let addArgs = true;
  if (text.endsWith("?")) {
    text = text.slice(0, -1);
    addArgs = false;
  }
  const rep = compileReplacement(text);
  const hasArgs = rep.args !== undefined;
  return (r) => {
    const m = regex.exec(r.uri);
    if (!m) {
      rewriteLog(r, `"${src}" does not match "${r.uri}"`);
      return NEXT;
    }
    rewriteLog(r, `"${src}" matches "${r.uri}"`);
    setCaptures(r, m);
    const quoted = quotedUri(r);
    const uri = evaluate(rep.uri, r, status !== 0 && quoted ? escapeRedirectPath : undefined);
    const newArgs = rep.args ? evaluate(rep.args, r, quoted ? escapeArgs : undefined) : undefined;
    if (status !== 0) {
      let loc = uri;
      if (newArgs !== undefined) loc += "?" + newArgs;
      if (addArgs && r.args.length > 0) loc += (hasArgs ? "&" : "?") + r.args;
      rewriteLog(r, `rewritten redirect: "${loc}"`);
      r.headersOut.remove("location");
      r.location = loc;
      return status;
    }
    if (uri === "") {
      r.log("error", "the rewritten URI has a zero length");
      return 500;
    }
    let args = r.args;
    if (newArgs !== undefined) args = addArgs && r.args.length > 0 ? newArgs + "&" + r.args : newArgs;
    else if (!addArgs) args = "";
    r.internal = true;
    r.uri = uri;
    r.exten = extenOf(uri);
    r.args = args;
    rewriteLog(r, `rewritten data: "${uri}", args: "${args}"`);
    if (flag === "break") return STOP;
    r.uriChanged = true;
    return flag === "last" ? STOP : NEXT;
  };
}
