// lua-resty-http's header tables (resty.http_headers): keys keep the case they were first
// set with, lookups ignore case and read `_` as `-` (headers.content_type), and a later
// set with another case writes the first key. The metatable's functions close over the
// table's own map from normalised name to stored key.
import { LuaTable } from "../../lua/runtime/table.js";
import { numberToString } from "../../lua/runtime/convert.js";
import type { LuaFunction, LuaResult, LuaValue } from "../../lua/runtime/value.js";
import { moduleTable } from "../util.js";

/** A headers table and its normalised-name map. */
export class HeadersTable extends LuaTable {
  readonly names = new Map<string, string>();
}

function keyText(k: LuaValue): string | undefined {
  if (typeof k === "string") return k;
  if (typeof k === "number") return numberToString(k);
  return undefined;
}

const hyphenate = (s: string): string => (s.includes("_") ? s.replace(/_/g, "-") : s);

/** headers[k] through the metatable: the stored key of k's normalised name. */
export function headerGet(t: HeadersTable, k: LuaValue): LuaValue {
  const s = keyText(k);
  if (s === undefined) return undefined;
  const stored = t.names.get(hyphenate(s).toLowerCase());
  return stored === undefined ? undefined : t.get(stored);
}

/** headers[k] = v as __newindex does it (for a key not yet in the table). */
export function headerSet(t: HeadersTable, k: LuaValue, v: LuaValue): void {
  const s = keyText(k);
  if (s === undefined) {
    if (k !== undefined) t.set(k, v);
    return;
  }
  const h = typeof k === "string" ? hyphenate(s) : s;
  const norm = h.toLowerCase();
  const stored = t.names.get(norm);
  if (stored === undefined) {
    t.names.set(norm, h);
    t.set(typeof k === "string" ? h : k, v);
  } else {
    t.set(stored, v);
  }
}

/** A header received: a second one of a name makes the value an array, as lua-resty-http does. */
export function headerAdd(t: HeadersTable, k: string, v: string): void {
  const cur = headerGet(t, k);
  if (cur === undefined) headerSet(t, k, v);
  else if (cur instanceof LuaTable) cur.set(cur.length() + 1, v);
  else headerSet(t, k, new LuaTable([cur, v]));
}

const index = ((t: LuaValue, k: LuaValue): LuaResult => (t instanceof HeadersTable ? headerGet(t, k) : undefined)) as LuaFunction;
const newindex = ((t: LuaValue, k: LuaValue, v: LuaValue): LuaResult => {
  if (t instanceof HeadersTable) headerSet(t, k, v);
  return [];
}) as LuaFunction;

/** An empty headers table. */
export function newHeaders(): HeadersTable {
  const t = new HeadersTable();
  // One metatable per table, as http_headers.new makes (code may read or change it).
  const mt = new LuaTable();
  mt.setStr("__index", index);
  mt.setStr("__newindex", newindex);
  t.mt = mt;
  return t;
}

/** Headers from the raw list (name, value, name, value...), bytes as latin1. */
export function headersFromRaw(raw: readonly (Buffer | string)[] | null | undefined): HeadersTable {
  const t = newHeaders();
  if (raw == null) return t;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i]!;
    const v = raw[i + 1]!;
    headerAdd(t, typeof k === "string" ? k : k.toString("latin1"), typeof v === "string" ? v : v.toString("latin1"));
  }
  return t;
}

/** require "resty.http_headers". */
export function makeHttpHeaders(): LuaValue {
  return moduleTable({ new: (() => newHeaders()) as LuaFunction }, { _VERSION: "0.01" });
}
