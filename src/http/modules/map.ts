// ngx_http_map_module: `map SOURCE $name { ... }` at the http level. The variable is computed
// when first read in a request (then kept for the request, unless `volatile`): exact keys,
// then with `hostnames` the wildcard names, then the regexes in order (their captures are
// set, for the value and for later directives), else `default`.
import type { Directive } from "../../conf/ast.js";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import { ConfigError, type SettingSpec } from "../config/settings.js";
import { compileComplexValue, type ComplexValue } from "../script.js";
import { compileRegex } from "../regex.js";
import { registerVariable } from "../variables.js";
import { setCaptures } from "../config/locations.js";

interface CompiledMap {
  readonly source: ComplexValue;
  readonly exact: ReadonlyMap<string, ComplexValue>;
  /** `*.example.com` / `.example.com` (suffix with its dot) and `www.example.*` (prefix with its dot). */
  readonly leading: readonly { readonly suffix: string; readonly dot: boolean; readonly value: ComplexValue }[];
  readonly trailing: readonly { readonly prefix: string; readonly value: ComplexValue }[];
  readonly regexes: readonly { readonly re: RegExp; readonly value: ComplexValue }[];
  readonly def: ComplexValue | undefined;
  readonly hostnames: boolean;
  readonly volatile: boolean;
}

type Maps = ReadonlyMap<string, CompiledMap>;

function compileMap(d: Directive): CompiledMap {
  const exact = new Map<string, ComplexValue>();
  const leading: { suffix: string; dot: boolean; value: ComplexValue }[] = [];
  const trailing: { prefix: string; value: ComplexValue }[] = [];
  const regexes: { re: RegExp; value: ComplexValue }[] = [];
  let def: ComplexValue | undefined;
  let hostnames = false;
  let vol = false;
  for (const line of d.block ?? []) {
    const key = line.name;
    if (line.args.length === 0 && key === "hostnames") {
      hostnames = true;
      continue;
    }
    if (line.args.length === 0 && key === "volatile") {
      vol = true;
      continue;
    }
    if (line.args.length !== 1) throw new ConfigError("invalid number of the map parameters", line.file, line.line);
    const value = compileComplexValue(line.args[0]!);
    if (key === "default") def = value;
    else if (key.startsWith("~")) {
      const caseless = key.startsWith("~*");
      regexes.push({ re: compileRegex(key.slice(caseless ? 2 : 1), caseless, line), value });
    } else {
      const k = (key.startsWith("\\") ? key.slice(1) : key).toLowerCase();
      if (hostnames && k.startsWith("*.")) leading.push({ suffix: k.slice(1), dot: false, value });
      else if (hostnames && k.startsWith(".")) leading.push({ suffix: k, dot: true, value });
      else if (hostnames && k.endsWith(".*")) trailing.push({ prefix: k.slice(0, -1), value });
      else if (!exact.has(k)) exact.set(k, value);
    }
  }
  leading.sort((a, b) => b.suffix.length - a.suffix.length);
  trailing.sort((a, b) => b.prefix.length - a.prefix.length);
  return { source: compileComplexValue(d.args[0] ?? ""), exact, leading, trailing, regexes, def, hostnames, volatile: vol };
}

function lookup(m: CompiledMap, r: Request): string {
  let key = m.source(r);
  if (m.hostnames && key.endsWith(".")) key = key.slice(0, -1);
  const low = key.toLowerCase();
  const v = m.exact.get(low);
  if (v) return v(r);
  if (m.hostnames) {
    for (const l of m.leading) {
      if (low.endsWith(l.suffix) || (l.dot && low === l.suffix.slice(1))) return l.value(r);
    }
    for (const t of m.trailing) if (low.startsWith(t.prefix)) return t.value(r);
  }
  for (const x of m.regexes) {
    const match = x.re.exec(key);
    if (match) {
      setCaptures(r, match);
      return x.value(r);
    }
  }
  return m.def ? m.def(r) : "";
}

function mapVariable(name: string): void {
  const note = `map:${name}`;
  registerVariable(name, {
    get(r) {
      const m = (r.config.httpSettings.map as Maps | undefined)?.get(name);
      if (!m) return r.vars.get(name);
      if (m.volatile) return lookup(m, r);
      let v = r.notes.get(note) as string | undefined;
      if (v === undefined) r.notes.set(note, (v = lookup(m, r)));
      return v;
    },
  });
}

const MAP_SETTING: SettingSpec<Maps> = {
  directive: "map",
  key: "map",
  default: new Map(),
  parse(d, prev) {
    const v = d.args[1] ?? "";
    if (!v.startsWith("$")) throw new ConfigError(`invalid variable name "${v}"`, d.file, d.line);
    const name = v.slice(1).toLowerCase();
    const maps = new Map(prev ?? []);
    if (maps.has(name)) throw new ConfigError(`the duplicate "${name}" variable`, d.file, d.line);
    maps.set(name, compileMap(d));
    // Registered while the http level is read, before any location compiles a reference to it.
    mapVariable(name);
    return maps;
  },
};

export const mapModule: HttpModule = {
  name: "map",
  settings: [MAP_SETTING],
  // Hash sizing: nothing to size here.
  directives: ["map_hash_max_size", "map_hash_bucket_size"],
};
