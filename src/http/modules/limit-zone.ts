// What limit_req_zone and limit_conn_zone share: the `zone=name:size` argument, the key (a
// complex value), and the zones' state, kept per process by name (tsresty is one worker,
// so nginx's shared memory is a Map here) and kept across reloads, as nginx keeps a zone
// whose name and size are unchanged.
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
    if (colon <= 0) throw new ConfigError(`invalid zone size "${v}"`, d.file, d.line);
    name = v.slice(0, colon);
    const s = parseSize(v.slice(colon + 1));
    if (s === undefined) throw new ConfigError(`invalid zone size "${v}"`, d.file, d.line);
    if (s < 8192) throw new ConfigError(`zone "${name}" is too small`, d.file, d.line);
    size = s;
  }
  if (name === undefined) throw new ConfigError(`"${d.name}" must have "zone" parameter`, d.file, d.line);
  return { name, size, key: compileComplexValue(d.args[0] ?? ""), keyText: d.args[0] ?? "", params };
}

/** Zone state by module and zone name, for the life of the process. */
const states = new Map<string, Map<string, unknown>>();

export function zoneState<T>(module: string, zone: string): Map<string, T> {
  const id = module + "\0" + zone;
  let m = states.get(id);
  if (!m) states.set(id, (m = new Map()));
  return m as Map<string, T>;
}
