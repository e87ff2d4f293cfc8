// The response Content-Type nginx picks (ngx_http_set_content_type): the `types` map by the
// URI's extension, else default_type. Without a `types` block nginx knows three types.
import type { Request } from "./request.js";
import type { SettingSpec } from "./config/settings.js";
import { registerSettings } from "./config/settings.js";

export type TypesMap = ReadonlyMap<string, string>;

const BUILTIN: TypesMap = new Map([["html", "text/html"], ["gif", "image/gif"], ["jpg", "image/jpeg"]]);

/** `types { text/html html htm; ... }`: extension to type; a later block replaces the inherited one. */
export const TYPES_SETTING: SettingSpec<TypesMap> = {
  directive: "types",
  key: "types",
  default: BUILTIN,
  parse(d, prev) {
    const m = new Map(prev ?? []);
    for (const t of d.block ?? []) for (const ext of t.args) m.set(ext.toLowerCase(), t.name);
    return m;
  },
};

registerSettings([TYPES_SETTING]);

export function setContentType(r: Request): void {
  if (r.contentType !== undefined) return;
  const types = r.loc.settings.types as TypesMap;
  if (r.exten !== "") {
    const t = types.get(r.exten) ?? types.get(r.exten.toLowerCase());
    if (t !== undefined) {
      r.contentType = t;
      return;
    }
  }
  r.contentType = r.loc.core.default_type;
}
