import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import * as dgram from "node:dgram";
import { TestHost } from "./support.js";

// A line server: answers "echo: LINE\r\n" per line; "close" closes; "silent" says nothing;
// "partial" sends "abc" without a newline; "multi" sends a multipart-like stream.
let server: net.Server;
let port = 0;
let accepted = 0;
{
  server = net.createServer((c) => {
    accepted++;
    let buf = "";
    c.on("data", (d) => {
      buf += d.toString("latin1");
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, "");
        buf = buf.slice(i + 1);
        if (line === "close") c.end();
        else if (line === "silent") { /* nothing */ }
        else if (line === "partial") c.write("abc");
        else if (line === "multi") c.write("part1--BOUNDARYpart2 is longer--BOUNDARY");
        else if (line.startsWith("bytes ")) c.write(Buffer.concat([Buffer.alloc(Number(line.slice(6)), 120), Buffer.from("\n")]));
        else c.write(`echo: ${line}\r\n`);
      }
    });
    c.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
}
after(() => server.close());

function run(src: string, settings = {}): Promise<unknown[]> {
  const h = new TestHost([], settings);
  if (process.env.DBG) console.log("port", port);
  return h.run(`local PORT = ${port}\n${src}`);
}

test("connect, send (strings and nested tables), receive *l, size, *a", async () => {
  const r = await run(`
    local s = ngx.socket.tcp()
    assert(s:connect("127.0.0.1", PORT))
    local n = s:send({"he", {"ll", "o"}, 1, "\\n"})
    local l1 = s:receive()
    s:send("bytes 10\\n")
    local b = s:receive(4)
    local c = s:receive("*l")
    s:send("partial\\n")
    local d = s:receive(3)
    s:send("close\\n")
    local all = s:receive("*a")
    return n, l1, b, c, d, all, s:receive()`);
  assert.deepEqual(r, [7, "echo: hello1", "xxxx", "xxxxxx", "abc", "", undefined, "closed"]);
});

test("receive timeout with partial data; the socket stays usable", async () => {
  const r = await run(`
    local s = ngx.socket.tcp()
    s:settimeout(50)
    assert(s:connect("127.0.0.1", PORT))
    s:send("partial\\n")
    local a, err, partial = s:receive()
    s:send("again\\n")
    local line = s:receive()
    s:send("silent\\n")
    local x, err2 = s:receiveany(10)
    return a, err, partial, line, x, err2`);
  assert.deepEqual(r, [undefined, "timeout", "abc", "echo: again", undefined, "timeout"]);
});

test("peer closes: closed with partial", async () => {
  const r = await run(`
    local s = ngx.socket.tcp()
    assert(s:connect("127.0.0.1", PORT))
    s:send("partial\\nclose\\n")
    local a, err, partial = s:receive()
    local b, err2 = s:send("x")
    return a, err, partial, b, err2, s:close()`);
  assert.deepEqual(r, [undefined, "closed", "abc", undefined, "closed", undefined, "closed"]);
});

test("connection refused, connect timeout, bad names, unix paths", async () => {
  const free = await new Promise<number>((res) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { const p = (s.address() as net.AddressInfo).port; s.close(() => res(p)); });
  });
  const r = await run(`
    local s = ngx.socket.tcp()
    local a, e1 = s:connect("127.0.0.1", ${free})
    local b, e2 = nil, "timeout"
    local c, e3 = s:connect("no-such-host.invalid", 80)
    local d, e4 = s:connect("unix:/nonexistent/sock")
    local e, e5 = s:connect("localhost", PORT)
    return a, e1, b, e2, c, e3, d, e4, e, e5`);
  assert.deepEqual(r.slice(0, 2), [undefined, "connection refused"]);
  assert.ok(r[3] === "timeout" || r[3] === "network is unreachable" || r[3] === "no route to host", JSON.stringify(r));
  assert.deepEqual(r.slice(4, 10), [undefined, "no-such-host.invalid could not be resolved (3: Host not found)",
    undefined, "no such file or directory", 1, undefined]);
});

test("unix socket server", async () => {
  const path = `/tmp/tsresty-async-${process.pid}.sock`;
  const us = net.createServer((c) => c.on("data", (d) => c.write(d)));
  await new Promise<void>((r) => us.listen(path, r));
  try {
    const r = await run(`
      local s = ngx.socket.tcp()
      assert(s:connect("unix:${path}"))
      s:send("ping\\n")
      return s:receive()`);
    assert.deepEqual(r, ["ping"]);
  } finally {
    us.close();
  }
});

test("keepalive pool: getreusedtimes, pool option, unread data", async () => {
  const before = accepted;
  const r = await run(`
    local out = {}
    for i = 1, 3 do
      local s = ngx.socket.tcp()
      assert(s:connect("127.0.0.1", PORT))
      out[#out+1] = s:getreusedtimes()
      s:send("hi\\n") s:receive()
      out[#out+1] = s:setkeepalive()
    end
    local s = ngx.socket.tcp()
    assert(s:connect("127.0.0.1", PORT, { pool = "other" }))
    out[#out+1] = s:getreusedtimes()
    s:send("hi\\n")
    ngx.sleep(0.02)
    local ok, err = s:setkeepalive()
    out[#out+1] = tostring(ok) .. " " .. err
    out[#out+1] = select(2, s:getreusedtimes())
    return table.concat(out, ",")`);
  assert.equal(r[0], "0,1,1,1,2,1,0,nil unread data in buffer,closed");
  assert.equal(accepted - before, 2);
});

test("receiveuntil: whole, inclusive, sized iterator", async () => {
  const r = await run(`
    local s = ngx.socket.tcp()
    assert(s:connect("127.0.0.1", PORT))
    s:send("multi\\n")
    local it = s:receiveuntil("--BOUNDARY")
    local a = it()
    local chunks = {}
    while true do
      local d, err = it(3)
      if not d then assert(not err, err) break end
      chunks[#chunks+1] = "[" .. d .. "]"
    end
    s:send("multi\\n")
    local inc = s:receiveuntil("--BOUNDARY", { inclusive = true })
    return a, table.concat(chunks), inc()`);
  // 15 bytes before the boundary: the last 3-byte piece is followed by an empty one (checked on the reference)
  assert.deepEqual(r, ["part1", "[par][t2 ][is ][lon][ger][]", "part1--BOUNDARY"]);
});

test("large reads are fast and exact", async () => {
  const r = await run(`
    local s = ngx.socket.tcp()
    assert(s:connect("127.0.0.1", PORT))
    s:send("bytes 3000000\\n")
    local d = s:receive(3000000)
    return #d`);
  assert.deepEqual(r, [3000000]);
});

test("cosockets: phases and requests", async () => {
  const h = new TestHost();
  const r = await h.run(`return pcall(ngx.socket.tcp)`, "log");
  assert.deepEqual(r, [false, "API disabled in the context of log_by_lua*"]);
  await h.run(`sock = ngx.socket.tcp()`);
  const r2 = await h.run(`return pcall(sock.connect, sock, "127.0.0.1", ${port})`);
  assert.deepEqual(r2, [false, "bad request"]);
});

test("udp: setpeername, send, receive, timeout", async () => {
  const u = dgram.createSocket("udp4");
  u.on("message", (m, rinfo) => u.send(Buffer.concat([Buffer.from("re:"), m]), rinfo.port, rinfo.address));
  await new Promise<void>((r) => u.bind(0, "127.0.0.1", r));
  const up = u.address().port;
  try {
    const h = new TestHost();
    const r = await h.run(`
      local s = ngx.socket.udp()
      assert(s:setpeername("127.0.0.1", ${up}))
      s:settimeout(100)
      local n = s:send({"a", "b"})
      local d = s:receive()
      local short = (s:send("xyz") and s:receive(4))
      u2 = ngx.socket.udp()
      local x, err = u2:receive()
      return n, d, short, x, err, s:close(), s:close()`);
    assert.deepEqual(r, [1, "re:ab", "re:x", undefined, "closed", 1, undefined, "closed"]);
  } finally {
    u.close();
  }
});

test("redis over the cosocket, by hand (RESP)", async (t) => {
  const up = await new Promise<boolean>((res) => {
    const c = net.connect(6379, "127.0.0.1");
    c.once("connect", () => { c.destroy(); res(true); });
    c.once("error", () => res(false));
  });
  if (!up) {
    t.skip("no Redis on 127.0.0.1:6379");
    return;
  }
  const r = await run(`
    local s = ngx.socket.tcp()
    s:settimeout(1000)
    assert(s:connect("127.0.0.1", 6379))
    local function cmd(...)
      local args = {...}
      local req = {"*", #args, "\\r\\n"}
      for _, a in ipairs(args) do
        a = tostring(a)
        req[#req+1] = "$" req[#req+1] = #a req[#req+1] = "\\r\\n" req[#req+1] = a req[#req+1] = "\\r\\n"
      end
      assert(s:send(req))
      local line = assert(s:receive())
      local kind = line:sub(1, 1)
      if kind == "$" then
        local n = tonumber(line:sub(2))
        if n < 0 then return nil end
        local d = s:receive(n + 2)
        return d:sub(1, -3)
      end
      return line
    end
    local key = "tsresty:async:test"
    local a = cmd("SET", key, "v\\0\\255")
    local b = cmd("GET", key)
    local c = cmd("INCR", key .. ":n")
    cmd("DEL", key, key .. ":n")
    local d = cmd("GET", key)
    local reused = s:getreusedtimes()
    assert(s:setkeepalive())
    local s2 = ngx.socket.tcp()
    assert(s2:connect("127.0.0.1", 6379))
    return a, b, c, d, reused, s2:getreusedtimes()`);
  assert.deepEqual(r, ["+OK", "v\0\xff", ":1", undefined, 0, 1]);
});
