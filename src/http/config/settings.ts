// Settings as data: each directive that sets a value names its key, its default, how its
// arguments parse, and how a level inherits it. Modules add their own tables with
// registerSettings(); the builder (build.ts) knows no directive by name beyond structure.
//
// Merge rule (nginx's ngx_conf_merge_*): a level that has none of a setting's directives
// inherits the enclosing level's value. Directives that may repeat (access_log, error_page,
// add_header) accumulate within one level, and a level with any of them replaces the
// inherited list, as nginx does.
import type { Directive } from "../../conf/ast.js";
import { parseFlag, parseSize, parseTimeMs } from "./values.js";

/** The merged values of one level, keyed by setting key. */
export type Settings = Readonly<Record<string, unknown>>;

export interface ParseEnv {
  /** The prefix, with a trailing slash (relative paths resolve here). */
  readonly prefix: string;
  /** The directory of nginx.conf, with a trailing slash. */
  readonly confPrefix: string;
}

export interface SettingSpec<T = unknown> {
  /** The directive's name. */
  readonly directive: string;
  /** The key in Settings (several directives may share one, e.g. root and alias). */
  readonly key: string;
  readonly default: T;
  /** Parse one occurrence; `prev` is this level's value so far (for repeating directives). */
  parse(d: Directive, prev: T | undefined, env: ParseEnv): T;
  /** How a level's own value combines with the inherited one (default: it replaces it). */
  merge?(inherited: T, own: T): T;
}

/** A configuration error worded as nginx words it, with where. */
export class ConfigError extends Error {
  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(message);
  }
  /** `[emerg] MESSAGE in FILE:LINE` */
  format(): string {
    return `[emerg] ${this.message}${this.file !== undefined ? ` in ${this.file}:${this.line ?? 0}` : ""}`;
  }
}

export function invalid(d: Directive, value: string): ConfigError {
  return new ConfigError(`invalid value "${value}" in "${d.name}" directive`, d.file, d.line);
}

// Spec builders for the common shapes.
export function flag(directive: string, def: boolean, key = directive): SettingSpec<boolean> {
  return {
    directive, key, default: def,
    parse(d) {
      const v = parseFlag(d.args[0] ?? "");
      if (v === undefined) {
        throw new ConfigError(`invalid value "${d.args[0]}" in "${d.name}" directive, it must be "on" or "off"`, d.file, d.line);
      }
      return v;
    },
  };
}

export function size(directive: string, def: number, key = directive): SettingSpec<number> {
  return {
    directive, key, default: def,
    parse(d) {
      const v = parseSize(d.args[0] ?? "");
      if (v === undefined) throw new ConfigError(`"${d.name}" directive invalid value`, d.file, d.line);
      return v;
    },
  };
}

export function msTime(directive: string, def: number, key = directive): SettingSpec<number> {
  return {
    directive, key, default: def,
    parse(d) {
      const v = parseTimeMs(d.args[0] ?? "");
      if (v === undefined) throw new ConfigError(`"${d.name}" directive invalid value`, d.file, d.line);
      return v;
    },
  };
}

export function str(directive: string, def: string, key = directive): SettingSpec<string> {
  return { directive, key, default: def, parse: (d) => d.args[0] ?? "" };
}

export function num(directive: string, def: number, key = directive): SettingSpec<number> {
  return {
    directive, key, default: def,
    parse(d) {
      const a = d.args[0] ?? "";
      if (!/^[0-9]+$/.test(a)) throw invalid(d, a);
      return Number(a);
    },
  };
}

/** Repeating directive: each occurrence is parsed by `one` and appended. */
export function list<T>(directive: string, one: (d: Directive, env: ParseEnv) => T, key = directive): SettingSpec<readonly T[]> {
  return {
    directive, key, default: [],
    parse: (d, prev, env) => [...(prev ?? []), one(d, env)],
  };
}

const table = new Map<string, SettingSpec[]>();
const keys = new Map<string, SettingSpec>();

/** Add a module's settings. Several specs may use one directive (e.g. a key per argument). */
export function registerSettings(specs: readonly SettingSpec[]): void {
  for (const s of specs) {
    const l = table.get(s.directive) ?? [];
    if (!l.includes(s)) l.push(s);
    table.set(s.directive, l);
    keys.set(s.key, s);
  }
}

export function settingsFor(directive: string): readonly SettingSpec[] | undefined {
  return table.get(directive);
}

/** Every setting's default, the root of inheritance. */
export function defaultSettings(): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, s] of keys) o[k] = s.default;
  return o;
}

/** Apply one level's directives over the inherited values. */
export function mergeLevel(inherited: Settings, directives: readonly Directive[], env: ParseEnv): Record<string, unknown> {
  const own = new Map<string, unknown>();
  for (const d of directives) {
    const specs = table.get(d.name);
    if (!specs) continue;
    for (const s of specs) own.set(s.key, s.parse(d, own.get(s.key), env));
  }
  const out: Record<string, unknown> = { ...inherited };
  for (const [k, v] of own) {
    const m = keys.get(k)?.merge;
    out[k] = m ? m(out[k], v) : v;
  }
  return out;
}
