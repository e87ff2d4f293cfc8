// receiveuntil's iterator over real HTTP, compared with nginx + ngx_lua, for a tcp cosocket
// (reading a response of this same server) and for ngx.req.socket (the request body): calls
// with and without a size in many orders, the nil, nil, nil that ends a part read in sized
// pieces, the "" that consumes a pattern met right after a full-size piece, and the end of
// the stream (nil, "closed", partial).
import { test } from "node:test";
import assert from "node:assert/strict";
import { diffCase, referenceAvailable, runSide, type DiffCase, type DiffRequest } from "../differential/harness.js";

const SHOW = `
      local function show(...)
        local n = select('#', ...)
        local t = {}
        for i = 1, n do t[i] = tostring((select(i, ...))) end
        return n .. ":" .. table.concat(t, ",")
      end
      local function run(it)
        for w in (ngx.var.arg_s or ""):gmatch("[^,]+") do
          local sz = tonumber(w)
          if sz then ngx.say(w, " => ", show(it(sz))) else ngx.say("n => ", show(it())) end
        end
      end`;

const CONF = `
events {}
http {
  error_log logs/error.log info;
  server {
    listen 127.0.0.1:__PORT__;
    location /data { return 200 "ab--cd--efgh--ij"; }
    location /tcp { content_by_lua_block {${SHOW}
      local s = ngx.socket.tcp()
      assert(s:connect("127.0.0.1", __PORT__))
      s:send("GET /data HTTP/1.0\\r\\n\\r\\n")
      repeat local l = s:receive() until l == ""
      run(s:receiveuntil("--", { inclusive = ngx.var.arg_inc == "1" }))
      ngx.say("rest ", show(s:receive("*a")))
    } }
    location /req { content_by_lua_block {${SHOW}
      local s = ngx.req.socket()
      run(s:receiveuntil("--", { inclusive = ngx.var.arg_inc == "1" }))
      ngx.say("rest ", show(s:receive(2)))
    } }
  }
}
`;

const SEQUENCES = [
  "n,n,n,n,n,n", "2,2,2,2,n,n", "1,1,1,1,n,1,1,1", "2,n,2,n", "3,3,3,3,3,3,3", "5,n,n", "5,5,5,5,5,5",
];

const requests: DiffRequest[] = [];
for (const q of SEQUENCES) {
  for (const inc of ["0", "1"]) {
    requests.push({ name: `tcp ${q} inc=${inc}`, path: `/tcp?s=${q}&inc=${inc}` });
    requests.push({ name: `req ${q} inc=${inc}`, method: "POST", path: `/req?s=${q}&inc=${inc}`, body: "ab--cd--efgh--ij" });
  }
}

test("receiveuntil: the iterator's answers after the pattern and at the end", async (t) => {
  // ngx_lua's "attempt to receive data on a closed socket: u:%p, c:%p, ..." line (after the
  // end of the stream) is not written by tsresty (docs/ngx-async.md).
  await diffCase(t, { name: "receiveuntil", conf: CONF, requests, ignoreLog: [/attempt to receive data on a closed socket/] });
});

// Reads and sends on a closed socket: ngx_lua's "attempt to receive data on a closed socket:
// u:%p, c:%p, ft:%d eof:%d" (the pointers masked: NULL or not is what is compared).
const CLOSED_CONF = `
events {}
http {
  error_log logs/error.log info;
  server {
    listen 127.0.0.1:__PORT__;
    location /data { return 200 "ab--cd--efgh--ij"; }
    location /c { content_by_lua_block {
      local s = ngx.socket.tcp()
      ngx.log(ngx.ERR, "MARK unconnected") ngx.say(s:receive()) ngx.say(s:receiveany(3))
      assert(s:connect("127.0.0.1", __PORT__))
      local it = s:receiveuntil("x")
      s:close()
      ngx.log(ngx.ERR, "MARK closed") ngx.say(s:receive()) ngx.say(s:receiveany(3)) ngx.say(it()) ngx.say(it(3)) ngx.say(s:send("x")) ngx.say(s:close())
      assert(s:connect("127.0.0.1", __PORT__))
      s:send("GET /data HTTP/1.0\\r\\n\\r\\n")
      ngx.say(#s:receive("*a"))
      ngx.log(ngx.ERR, "MARK eof") ngx.say(s:receive(1)) ngx.say(s:receiveany(1)) ngx.say(s:receive("*a")) ngx.say(s:receive())
      ngx.log(ngx.ERR, "MARK it") ngx.say(s:receiveuntil("zz")())
    } }
    location /d { content_by_lua_block {
      local s = ngx.socket.tcp()
      assert(s:connect("127.0.0.1", __PORT__))
      s:send("GET /data HTTP/1.0\\r\\n\\r\\n")
      local l, e, p
      repeat l, e, p = s:receive() until not l
      ngx.say(e, " ", p)
      ngx.say(s:receive())
    } }
    location /r { content_by_lua_block {
      local s = ngx.req.socket()
      ngx.say(s:receive(4)) ngx.say(s:receive(4))
      ngx.log(ngx.ERR, "MARK r") ngx.say(s:receiveany(4)) ngx.say(s:receive("*a")) ngx.say(s:receive("*l"))
    } }
    location /r2 { content_by_lua_block {
      local s = ngx.req.socket()
      ngx.say(s:receive("*a")) ngx.say(s:receive("*a"))
      ngx.log(ngx.ERR, "MARK r2") ngx.say(s:receive(1)) ngx.say(s:receive()) ngx.say(s:receiveany(1))
    } }
    location /off { lua_socket_log_errors off; content_by_lua_block {
      local s = ngx.socket.tcp()
      ngx.say(s:receive())
    } }
  }
}
`;

test("reads and sends on a closed socket: the error-log line", async (t) => {
  if (!referenceAvailable()) {
    t.skip("reference nginx not installed");
    return;
  }
  const c: DiffCase = { name: "closed-socket", conf: CLOSED_CONF, requests: [
    { path: "/c" }, { path: "/d" }, { path: "/off" },
    { method: "POST", path: "/r", body: "abcdef" }, { method: "POST", path: "/r2", body: "abcdef" },
  ] };
  const mask = (l: string): string => l.replace(/\b([uc]):(?!0{16})[0-9A-F]{16}/g, "$1:PTR");
  const ref = await runSide(c, "reference");
  const ts = await runSide(c, "tsresty");
  assert.deepEqual(ts.responses.map((r) => r.map((x) => x.body)), ref.responses.map((r) => r.map((x) => x.body)));
  assert.ok(ref.errorLog.some((l) => l.includes("attempt to receive data on a closed socket")));
  assert.deepEqual(ts.errorLog.map(mask), ref.errorLog.map(mask));
});
