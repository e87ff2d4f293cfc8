// ngx_lua's write guard on _G: a request handler (any phase but init and init_worker) that
// creates a global gets a warning with the writer's traceback, since globals are shared by
// every request of a worker. ngx_lua installs it as a Lua chunk named "=_G write guard" whose
// line 12 logs, so the log line reads `[lua] _G write guard:12: __newindex(): writing ...`;
// ours is Lua too, laid out so that the same line logs (checked on the reference).
import { loadLua } from "../lua/compile.js";
import { call } from "../lua/runtime/ops.js";
import type { LuaVm } from "./vm.js";

const GUARD = `local rawset, tostring, setmetatable = rawset, tostring, setmetatable
local log, WARN = ngx.log, ngx.WARN
local get_phase = ngx.get_phase
local traceback = debug.traceback
-- init_by_lua and init_worker_by_lua define the globals a configuration shares on purpose.
local quiet = { init = true, init_worker = true }

local function __newindex(G, key, value)
  rawset(G, key, value)
  if quiet[get_phase()] then return end
  local what = "writing a global Lua variable ('" .. tostring(key) .. "') which may lead to race conditions between concurrent requests, so prefer the use of 'local' variables"
  log(WARN, what, traceback("", 2))
end
setmetatable(_G, { __newindex = __newindex })
`;

/** Put the guard on the VM's globals (before init_by_lua, as ngx_lua does). */
export function installGlobalWriteGuard(vm: LuaVm): void {
  call(loadLua(GUARD, "=_G write guard", vm.G, { main: "plain" }));
}
