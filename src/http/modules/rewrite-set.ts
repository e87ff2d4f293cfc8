// `set $name value`: a user variable (declared at load, so reading it before any `set` ran
// gives "" and, with uninitialized_variable_warn, nginx's warning), or a writable built-in.
import type { Directive } from "../../conf/ast.js";
import type { Request } from "../request.js";
import { NEXT } from "../phases.js";
import { ConfigError } from "../config/settings.js";
import { compileComplexValue } from "../script.js";
import { setUninitializedHandler, setVariable, VARIABLES, PREFIX_VARIABLES } from "../variables.js";
import type { RewriteOp } from "./rewrite-op.js";

/** Names `set` declares (nginx keeps them per configuration; a name set once stays known here). */
const declared = new Set<string>();

setUninitializedHandler((r: Request, name: string) => {
  if (!declared.has(name)) return undefined;
  if (r.loc.settings.uninitialized_variable_warn !== false) r.log("warn", `using uninitialized "${name}" variable`);
  return "";
});

export function compileSet(d: Directive): RewriteOp {
  const name = setTarget(d);
  const value = compileComplexValue(d.args[1] ?? "");
  return (r) => {
    setVariable(r, name, value(r));
    return NEXT;
  };
}

/** Check and declare the variable a set-like directive writes (set, set_misc's set_*): its name. */
export function setTarget(d: Directive): string {
  const v = d.args[0] ?? "";
  if (!v.startsWith("$")) throw new ConfigError(`invalid variable name "${v}"`, d.file, d.line);
  const name = v.slice(1).toLowerCase();
  const def = VARIABLES[name];
  if ((def && !def.set) || (!def && PREFIX_VARIABLES.some(([p, pd]) => name.startsWith(p) && !pd.set))) {
    throw new ConfigError(`the duplicate "${name}" variable`, d.file, d.line);
  }
  if (!def) declared.add(name);
  return name;
}
