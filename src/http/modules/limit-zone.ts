// What limit_req_zone and limit_conn_zone share: the `zone=name:size` argument and the key
// (a complex value). Their state lives in shared memory (./limit-shared-zone.ts).
import type { Directive } from "../../conf/ast.js";
import { ConfigError } from "../config/settings.js";
import { parseSize } from "../config/values.js";
import { compileComplexValue, type ComplexValue } from "../script.js";

export interface ZoneDef {
  readonly name: string;
  readonly size: number;
  readonly key: ComplexValue;
  /** The key as written (nginx names it in the "key is more than" line). */
  readonly keyText: string;
  /** The other arguments (rate=, sync), for the module to read. */
  readonly params: readonly string[];
}

/** `NAME_zone KEY zone=name:size ...` */
export function parseZone(d: Directive): ZoneDef {
  let name: string | undefined;
  let size = 0;
  const params: string[] = [];
  for (const a of d.args.slice(1)) {
    if (!a.startsWith("zone=")) {
      params.push(a);
      continue;
    }
    const v = a.slice(5);
    const colon = v.indexOf(":");
    if (colon <= 0) throw new ConfigError(`invalid zone size "${a}"`, d.file, d.line);
    name = v.slice(0, colon);
    const s = parseSize(v.slice(colon + 1));
    if (s === undefined) throw new ConfigError(`invalid zone size "${a}"`, d.file, d.line);
    // eight pages at least, as nginx (its message names the whole argument)
    if (s < 8 * 4096) throw new ConfigError(`zone "${a}" is too small`, d.file, d.line);
    size = s;
  }
  if (name === undefined) throw new ConfigError(`"${d.name}" must have "zone" parameter`, d.file, d.line);
  return { name, size, key: compileComplexValue(d.args[0] ?? ""), keyText: d.args[0] ?? "", params };
}

/** A zone declared again by the same module: nginx's size conflict, else its key binding. */
export function checkRedeclared(d: Directive, z: ZoneDef, prev: readonly ZoneDef[] | undefined): void {
  const old = prev?.find((p) => p.name === z.name);
  if (old === undefined) return;
  if (old.size !== z.size) {
    throw new ConfigError(`the size ${z.size} of shared memory zone "${z.name}" conflicts with already declared size ${old.size}`, d.file, d.line);
  }
  throw new ConfigError(`${d.name} "${z.name}" is already bound to key "${old.keyText}"`, d.file, d.line);
}
