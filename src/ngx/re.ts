import { LuaTable } from "../lua/runtime/table.js";
import type { LuaVm } from "./vm.js";
export function makeRe(vm: LuaVm): LuaTable {
  void vm;
  return new LuaTable();
}
