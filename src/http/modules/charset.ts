// nginx's charset filter, without recoding: `charset NAME` adds `; charset=NAME` to the
// Content-Type of responses whose type is one of charset_types (and that name none yet).
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { LocationConf } from "../config/model.js";
import { OK } from "../phases.js";
import type { SettingSpec } from "../config/settings.js";

const DEFAULT_TYPES: ReadonlySet<string> = new Set([
  "text/html", "text/xml", "text/plain", "text/vnd.wap.wml", "application/javascript", "application/rss+xml",
]);

const charset: SettingSpec<string> = { directive: "charset", key: "charset", default: "off", parse: (d) => d.args[0] ?? "off" };

/** `charset_types`: "*" for any type; text/html is always in the list, as nginx adds it. */
const charsetTypes: SettingSpec<ReadonlySet<string> | "*"> = {
  directive: "charset_types",
  key: "charset_types",
  default: DEFAULT_TYPES,
  parse(d) {
    if (d.args.includes("*")) return "*";
    return new Set(["text/html", ...d.args.map((a) => a.toLowerCase())]);
  },
};

function filterFor(loc: LocationConf): ((r: Request) => number) | undefined {
  const name = loc.settings.charset as string;
  if (name === "off") return undefined;
  const types = loc.settings.charset_types as ReadonlySet<string> | "*";
  return (r) => {
    const ct = r.contentType;
    if (ct === undefined || ct === "" || r.charset) return OK;
    // nginx leaves redirects alone (old browsers took their charset for the next page).
    if (r.status === 301 || r.status === 302) return OK;
    if (types !== "*" && !types.has(ct.toLowerCase())) return OK;
    r.charset = name;
    return OK;
  };
}

export const charsetModule: HttpModule = {
  name: "charset",
  settings: [charset, charsetTypes],
  headerFilter: filterFor,
};
