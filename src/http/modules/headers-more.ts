// headers-more: more_set_headers / more_clear_headers (a header filter) and
// more_set_input_headers / more_clear_input_headers (a rewrite-phase handler), with -s
// (statuses), -t (content types) and, for input headers, -r (replace only). Measured on the
// reference: every level's commands apply, the enclosing levels' first (http, server,
// location, if); the filter runs before the Lua header filter and add_header, on
// subrequests too, for any status; a set replaces every line of the name in the place of
// the first; an empty value (`X-Foo:` or `X-Foo`) clears; `X-Foo*` clears by prefix. Input
// headers are set after the rewrite module's script (and before rewrite_by_lua).
import type { Directive } from "../../conf/ast.js";
import type { LocationConf } from "../config/model.js";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import type { HeaderFilter, PhaseHandler } from "../phases.js";
import { NEXT } from "../phases.js";
import { ConfigError, type SettingSpec } from "../config/settings.js";
import { compileComplexValue, type ComplexValue } from "../script.js";
import { setResponseHeader } from "../headers-out.js";
import type { HeaderList } from "../headers.js";

interface HeaderOp {
  readonly name: string;
  /** undefined: clear. */
  readonly value: ComplexValue | undefined;
  /** `X-Foo*`: the lowercase prefix (clear only). */
  readonly prefix: string | undefined;
}

interface Command {
  readonly ops: readonly HeaderOp[];
  readonly statuses: ReadonlySet<number> | undefined;
  readonly types: readonly string[] | undefined;
  readonly replaceOnly: boolean;
}

/** Parse one directive: options, then header specs. */
function parseCommand(d: Directive, set: boolean, input: boolean): Command {
  const ops: HeaderOp[] = [];
  let statuses: Set<number> | undefined;
  let types: string[] | undefined;
  let replaceOnly = false;
  const args = d.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-s" && !input) {
      const v = args[++i];
      if (v === undefined) throw new ConfigError(`${d.name}: -s must be followed by a value`, d.file, d.line);
      statuses ??= new Set();
      for (const s of v.split(/\s+/).filter(Boolean)) {
        if (!/^[0-9]+$/.test(s)) throw new ConfigError(`${d.name}: invalid value "${s}" in -s`, d.file, d.line);
        statuses.add(Number(s));
      }
    } else if (a === "-t") {
      const v = args[++i];
      if (v === undefined) throw new ConfigError(`${d.name}: -t must be followed by a value`, d.file, d.line);
      types ??= [];
      types.push(...v.split(/\s+/).filter(Boolean));
    } else if (a === "-r" && input && set) {
      replaceOnly = true;
    } else {
      ops.push(set ? parseSet(a) : parseClear(a));
    }
  }
  return { ops, statuses, types, replaceOnly };
}

function parseSet(spec: string): HeaderOp {
  const colon = spec.indexOf(":");
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const v = colon < 0 ? "" : spec.slice(colon + 1).trim();
  return { name, value: v === "" ? undefined : compileComplexValue(v), prefix: undefined };
}

function parseClear(spec: string): HeaderOp {
  const colon = spec.indexOf(":");
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const wild = name.endsWith("*");
  return { name, value: undefined, prefix: wild ? name.slice(0, -1).toLowerCase() : undefined };
}

/** A list setting whose levels add up (nginx's headers-more merges the enclosing levels' first). */
function commands(directive: string, key: string, set: boolean, input: boolean): SettingSpec<readonly Command[]> {
  return {
    directive, key, default: [],
    parse: (d, prev) => [...(prev ?? []), parseCommand(d, set, input)],
    merge: (inherited, own) => [...inherited, ...own],
  };
}

const SETTINGS = [
  commands("more_set_headers", "more_headers_out", true, false),
  commands("more_clear_headers", "more_headers_out", false, false),
  commands("more_set_input_headers", "more_headers_in", true, true),
  commands("more_clear_input_headers", "more_headers_in", false, true),
] as SettingSpec[];

function removePrefix(list: HeaderList, prefix: string): void {
  const raw = list.raw;
  let w = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase().startsWith(prefix)) continue;
    raw[w++] = raw[i]!;
    raw[w++] = raw[i + 1]!;
  }
  raw.length = w;
}

// ------------------------------------------------------------------ output headers

/** nginx's own Server line is written by the response writer: clearing it is a flag there. */
function setOut(r: Request, name: string, value: string | undefined): void {
  if (value === undefined && name.toLowerCase() === "server") r.serverHeaderOff = true;
  setResponseHeader(r, name, value);
}

function typeMatches(types: readonly string[], contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(";");
  const t = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return types.some((x) => x.toLowerCase() === t);
}

function outputFilter(loc: LocationConf): HeaderFilter | undefined {
  const cmds = loc.settings.more_headers_out as readonly Command[] | undefined;
  if (!cmds || cmds.length === 0) return undefined;
  return (r) => {
    for (const c of cmds) {
      if (c.statuses && !c.statuses.has(r.status)) continue;
      if (c.types && !typeMatches(c.types, r.contentType)) continue;
      for (const op of c.ops) {
        if (op.prefix !== undefined) removePrefix(r.headersOut, op.prefix);
        else {
          const v = op.value?.(r);
          setOut(r, op.name, v === "" ? undefined : v);
        }
      }
    }
  };
}

// ------------------------------------------------------------------ input headers

/** A new Host header is also the request's host ($host), as nginx validates it: lowercase, no port. */
function setHost(r: Request, value: string | undefined): void {
  const h = (value ?? "").toLowerCase().replace(/:[0-9]*$/, "");
  (r as { host: string }).host = h;
}

function inputHandler(loc: LocationConf): PhaseHandler | undefined {
  const cmds = loc.settings.more_headers_in as readonly Command[] | undefined;
  if (!cmds || cmds.length === 0) return undefined;
  return (r) => {
    const hin = r.headersIn;
    for (const c of cmds) {
      if (c.types && !c.types.includes(hin.get("content-type") ?? "")) continue;
      for (const op of c.ops) {
        if (op.prefix !== undefined) {
          removePrefix(hin, op.prefix);
          continue;
        }
        if (c.replaceOnly && !hin.has(op.name)) continue;
        const v = op.value?.(r);
        if (v === undefined || v === "") hin.remove(op.name);
        else hin.set(op.name, v);
        if (op.name.toLowerCase() === "host") setHost(r, v);
      }
    }
    return NEXT;
  };
}

export const headersMoreModule: HttpModule = {
  name: "headers_more",
  settings: SETTINGS,
  handler: (phase, loc) => (phase === "rewrite" ? inputHandler(loc) : undefined),
  headerFilter: outputFilter,
};
