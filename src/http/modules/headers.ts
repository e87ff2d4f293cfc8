// ngx_http_headers_module: add_header and expires, one header filter per location that has
// either. They apply to the main request only, for the statuses nginx deems safe (200, 201,
// 204, 206, 301, 302, 303, 304, 307, 308) unless `add_header ... always`. A level with any
// add_header replaces the inherited ones (the `list` setting's rule).
import type { Directive } from "../../conf/ast.js";
import type { LocationConf } from "../config/model.js";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { HeaderFilter } from "../phases.js";
import { ConfigError, list, type SettingSpec } from "../config/settings.js";
import { compileComplexValue, hasVariables, type ComplexValue } from "../script.js";
import { setResponseHeader } from "../headers-out.js";
import { parseExpires, setExpires, type Expires } from "./headers-expires.js";

interface AddHeader {
  readonly name: string;
  readonly value: ComplexValue;
  readonly always: boolean;
  readonly apply: (r: Request, name: string, value: string) => void;
}

const SAFE = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);

/** A plain header is added only when its value is not empty. */
function addPlain(r: Request, name: string, value: string): void {
  if (value === "") return;
  r.headersOut.add(name, value);
  if (name.length === 6 && name.toLowerCase() === "server") r.addedServer++;
  else if (name.length === 4 && name.toLowerCase() === "date") r.addedDate++;
}

/** Headers nginx replaces rather than adds (ngx_http_set_response_header): empty clears them. */
const REPLACING: Record<string, (r: Request, name: string, value: string) => void> = {
  "last-modified": (r, _n, v) => setResponseHeader(r, "Last-Modified", v === "" ? undefined : v),
  etag: (r, n, v) => {
    if (v === "") r.headersOut.remove(n);
    else r.headersOut.set(n, v);
  },
};

function parseAddHeader(d: Directive): AddHeader {
  const name = d.args[0] ?? "";
  const flag = d.args[2];
  if (flag !== undefined && flag !== "always") throw new ConfigError(`invalid parameter "${flag}"`, d.file, d.line);
  return {
    name,
    value: compileComplexValue(d.args[1] ?? ""),
    always: flag === "always",
    apply: REPLACING[name.toLowerCase()] ?? addPlain,
  };
}

const EXPIRES: SettingSpec<Expires | undefined> = {
  directive: "expires",
  key: "expires",
  default: undefined,
  parse(d) {
    const modified = d.args.length === 2;
    if (modified && d.args[0] !== "modified") throw new ConfigError(`invalid value "${d.args[0]}"`, d.file, d.line);
    const v = d.args[modified ? 1 : 0] ?? "";
    if (hasVariables(v)) return { kind: "variable", value: compileComplexValue(v), modified };
    const e = parseExpires(v, modified);
    if (typeof e === "string") throw new ConfigError(`"expires" directive ${e}`, d.file, d.line);
    return e;
  },
};

export const HEADERS_SETTINGS: readonly SettingSpec[] = [list("add_header", parseAddHeader), EXPIRES] as SettingSpec[];

function filterFor(loc: LocationConf): HeaderFilter | undefined {
  const headers = loc.settings.add_header as readonly AddHeader[];
  const expires = loc.settings.expires as Expires | undefined;
  const exp = expires && expires.kind !== "off" ? expires : undefined;
  if (headers.length === 0 && exp === undefined) return undefined;
  return (r) => {
    if (r !== r.main) return;
    const safe = SAFE.has(r.status);
    if (exp && safe) setExpires(r, exp);
    for (const h of headers) {
      if (safe || h.always) h.apply(r, h.name, h.value(r));
    }
  };
}

export const headersModule: HttpModule = {
  name: "headers",
  settings: HEADERS_SETTINGS,
  headerFilter: filterFor,
};
