import { LuaTable } from "../lua/runtime/table.js";
import type { LuaVm } from "./vm.js";
export function makeLocation(vm: LuaVm): LuaTable {
  void vm;
  return new LuaTable();
}
