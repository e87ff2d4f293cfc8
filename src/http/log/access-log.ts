// The access log: log_format compiled once into parts (text and variable getters), nginx's
// escaping of variable values (default, json, none), `combined` built in, `if=` conditions.
import * as fs from "node:fs";
import type { Request } from "../request.js";
import { docRoot } from "../modules/static-path.js";
import { errnoText } from "../modules/static.js";
import { openLogFile, type LogFile } from "./log-file.js";
import { variableGetter, type VariableGetter } from "../variables.js";
import { compileComplexValue, hasVariables, type ComplexValue } from "../script.js";

export type LogEscape = "default" | "json" | "none";

export interface LogFormat {
  readonly name: string;
  readonly escape: LogEscape;
  /** Literal text and variable getters in order. */
  readonly parts: readonly (string | VariableGetter)[];
}

export const COMBINED =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/** Split "text $var ${var}text" into parts; `$` without a name stays literal. */
export function compileFormat(name: string, text: string, escape: LogEscape = "default"): LogFormat {
  const parts: (string | VariableGetter)[] = [];
  const re = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(variableGetter(m[1] ?? m[2]!));
    last = re.lastIndex;
  }
  if (last < text.length) parts.push(text.slice(last));
  return { name, escape, parts };
}

const HEX = "0123456789ABCDEF";

function escapeDefault(v: string): string {
  if (!/["\\\x00-\x1f\x7f-\xff]/.test(v)) return v;
  let o = "";
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c < 0x20 || c >= 0x7f) o += "\\x" + HEX[c >> 4] + HEX[c & 15];
    else o += v[i];
  }
  return o;
}

function escapeJson(v: string): string {
  let o = "";
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x22) o += '\\"';
    else if (c === 0x5c) o += "\\\\";
    else if (c === 10) o += "\\n";
    else if (c === 13) o += "\\r";
    else if (c === 9) o += "\\t";
    else if (c === 8) o += "\\b";
    else if (c === 12) o += "\\f";
    else if (c < 0x20) o += "\\u00" + HEX[c >> 4] + HEX[c & 15];
    else o += v[i];
  }
  return o;
}

export class AccessLog {
  private readonly file: LogFile | undefined;
  /** A path with variables is evaluated per request (each file opened once, then shared). */
  private readonly pathValue: ComplexValue | undefined;
  private readonly cond: VariableGetter | undefined;

  constructor(readonly path: string, readonly format: LogFormat, condition?: string) {
    if (hasVariables(path)) this.pathValue = compileComplexValue(path);
    else this.file = openLogFile(path);
    this.cond = condition !== undefined ? compileCondition(condition) : undefined;
  }

  format_(r: Request): string {
    const esc = this.format.escape;
    let line = "";
    for (const p of this.format.parts) {
      if (typeof p === "string") {
        line += p;
        continue;
      }
      const v = p(r);
      // Not found is `-` (nothing with escape=json or none); an empty value is empty.
      if (v === undefined) {
        if (esc === "default") line += "-";
      } else if (v !== "") line += esc === "default" ? escapeDefault(v) : esc === "json" ? escapeJson(v) : v;
    }
    return line + "\n";
  }

  write(r: Request): void {
    if (this.cond) {
      const v = this.cond(r);
      if (v === undefined || v === "" || v === "0") return;
    }
    if (this.file) {
      this.file.write(this.format_(r));
      return;
    }
    // As nginx: a per-request log file needs the request's root to exist.
    const root = docRoot(r.loc).base(r);
    try {
      fs.statSync(root);
    } catch (e) {
      r.log("error", `testing "${root}" existence failed (${errnoText(e)})`, "logging request");
      return;
    }
    openLogFile(this.pathValue!(r)).write(this.format_(r));
  }
}

function compileCondition(c: string): VariableGetter {
  const f = compileFormat("if", c, "none");
  return (r) => {
    let s = "";
    for (const p of f.parts) s += typeof p === "string" ? p : (p(r) ?? "");
    return s;
  };
}
