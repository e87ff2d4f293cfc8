// nginx's "complex values": text with $var and ${var} references, compiled once at load
// into a function of the request. Used by return, and by the modules that take such text.
import type { Request } from "./request.js";
import { variableGetter, type VariableGetter } from "./variables.js";

export type ComplexValue = (r: Request) => string;

export function compileComplexValue(text: string): ComplexValue {
  if (text.indexOf("$") < 0) return () => text;
  const parts: (string | VariableGetter)[] = [];
  // A digit after `$` is one capture ($10 is $1 then "0"), as nginx's script compiler reads it.
  const re = /\$(?:\{([A-Za-z0-9_]+)\}|([0-9])|([A-Za-z_][A-Za-z0-9_]*))/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(variableGetter(m[1] ?? m[2] ?? m[3]!));
    last = re.lastIndex;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (r) => {
    let s = "";
    for (const p of parts) s += typeof p === "string" ? p : (p(r) ?? "");
    return s;
  };
}

/** Whether the text holds variable references (nginx treats such values differently in places). */
export function hasVariables(text: string): boolean {
  return /\$(\{[A-Za-z0-9_]+\}|[A-Za-z0-9_])/.test(text);
}
