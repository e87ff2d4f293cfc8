// ngx.var: every variable of the server's registry (src/http/variables.ts), read through
// its getter, written where nginx allows (built-ins with a setter, declared user
// variables); ngx.var[N] reads regex captures.
import { LuaTable } from "../lua/runtime/table.js";
import type { LuaFunction, LuaResult, LuaValue } from "../lua/runtime/value.js";
import { numberToString, typeName } from "../lua/runtime/convert.js";
import { luaError } from "../lua/runtime/error.js";
import { getVariable, setVariable, VARIABLES } from "../http/variables.js";
import { declaredVariables } from "./declared-variables.js";
import { requestFor } from "./host.js";

function varIndex(_t: LuaValue, k: LuaValue): LuaResult {
  const { r } = requestFor("ngx.var");
  if (typeof k === "number") return r.captures?.[k];
  if (typeof k !== "string") return luaError(`bad variable name`);
  return getVariable(r, k.toLowerCase());
}

function varNewIndex(_t: LuaValue, k: LuaValue, v: LuaValue): LuaResult {
  const { h, r } = requestFor("ngx.var");
  if (typeof k !== "string") return luaError("bad variable name");
  const name = k.toLowerCase();
  let value: string;
  if (v === undefined) value = "";
  else if (typeof v === "string") value = v;
  else if (typeof v === "number") value = numberToString(v);
  else return luaError(`bad value type: ${typeName(v)}`);
  const tree = h.vm.config?.tree;
  const res = setVariable(r, name, value, tree ? declaredVariables(tree) : DECLARED_ANY);
  if (res === "not changeable") return luaError(`variable "${name}" not changeable`);
  if (res === "not found") {
    return luaError(`variable "${name}" not found for writing; maybe it is a built-in variable that is not changeable or you forgot to use "set $${name} '';" in the config file to define it first`);
  }
  if (v === undefined && !(name in VARIABLES)) r.vars.delete(name);
  return [];
}

/** Without a configuration (Lua run outside a server), every user variable may be written. */
const DECLARED_ANY: ReadonlySet<string> = { has: () => true } as unknown as ReadonlySet<string>;

export function makeVarTable(): LuaTable {
  const t = new LuaTable();
  const mt = new LuaTable();
  mt.setStr("__index", varIndex as LuaFunction);
  mt.setStr("__newindex", varNewIndex as LuaFunction);
  t.mt = mt;
  return t;
}
