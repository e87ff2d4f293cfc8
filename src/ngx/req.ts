import { LuaTable } from "../lua/runtime/table.js";
import type { LuaVm } from "./vm.js";
export function makeReq(vm: LuaVm): LuaTable {
  void vm;
  return new LuaTable();
}
export function makeResp(): LuaTable {
  return new LuaTable();
}
