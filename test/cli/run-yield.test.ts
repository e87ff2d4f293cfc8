// `tsresty run` with a main chunk that waits: as OpenResty's `resty` runs the script inside a
// timer, cosockets, ngx.sleep and resty.redis work at the top level of the script (against
// the real Redis at 127.0.0.1:6379), and ngx.say/ngx.print/ngx.exit write to stdout and exit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TSRESTY } from "../differential/harness.js";

function run(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [TSRESTY, "run", ...args], { encoding: "latin1", timeout: 20000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test("resty.redis and ngx.sleep at the top level of a script", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-yield-"));
  const file = path.join(dir, "main.lua");
  const key = `tsresty:run-yield:${process.pid}`;
  fs.writeFileSync(file, `
local redis = require "resty.redis"
local red = redis:new()
red:set_timeout(2000)
local ok, err = red:connect("127.0.0.1", 6379)
if not ok then error("connect: " .. tostring(err)) end
print("phase " .. ngx.get_phase())
ngx.sleep(0.01)
print(red:set(arg[1], "v1"))
print(red:get(arg[1]))
print(red:del(arg[1]))
print(red:get(arg[1]) == ngx.null)
local t = {}
for i = 1, 3 do
  -- a coroutine that waits inside a loop of the main chunk
  local co = coroutine.wrap(function() ngx.sleep(0.001) return i end)
  t[#t + 1] = co()
end
print(table.concat(t, ","))
red:close()
`);
  const r = run([file, key]);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "phase timer\nOK\nv1\n1\ntrue\n1,2,3\n");
  assert.equal(r.status, 0);
});

test("a raw cosocket and a failing connect at the top level of -e code", () => {
  const r = run(["-e", `
local s = ngx.socket.tcp()
s:settimeout(1000)
local ok, err = s:connect("127.0.0.1", 6379)
print(ok, err)
s:send("PING\\r\\n")
print(s:receive())
s:close()
local s2 = ngx.socket.tcp()
print(s2:connect("127.0.0.1", 1))
`]);
  assert.equal(r.stdout, "1\tnil\n+PONG\nnil\tconnection refused\n");
  // the failed connect is logged as nginx logs it, to stderr (resty's error_log stderr warn)
  assert.match(r.stderr, /\[error\] \d+#\d+: connect\(\) failed \(111: Connection refused\)/);
  assert.equal(r.status, 0);
});

test("ngx.say, ngx.print and ngx.exit write to stdout and end the program", () => {
  const r = run(["-e", `ngx.sleep(0.001) ngx.print("a", 1) ngx.say("b", {"c", "d"}) ngx.exit(3) print("not reached")`]);
  assert.equal(r.stdout, "a1bcd\n");
  assert.equal(r.status, 3);
});

test("an error after a wait: the message and traceback as luajit's command line, status 1", () => {
  const r = run(["-e", `ngx.sleep(0.001) error("boom")`]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^tsresty: \(command line\):1: boom\nstack traceback:\n/);
});

test("a plain Lua program keeps LuaJIT's command-line semantics (no ngx global, no yield at top level)", () => {
  const r = run(["-e", `print(rawget(_G, "n" .. "gx"), coroutine.running()) print(pcall(coroutine.yield))`]);
  assert.equal(r.stdout, "nil\tnil\nfalse\tattempt to yield across C-call boundary\n");
});
