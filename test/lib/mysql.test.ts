// resty.mysql against the real MariaDB (database `test`): lua-resty-mysql 0.26's return
// shapes, conversions and error texts (taken from its source: the reference nginx has no
// resty.mysql to run). Tables have unique names and are dropped at the end.
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import mysql from "mysql2/promise";
import { TestHost } from "../ngx/async/support.js";
import { makeMysql } from "../../src/lib/resty/mysql.js";
import { LuaTable } from "../../src/lua/runtime/table.js";
import { LUA_NULL, type LuaValue } from "../../src/lua/runtime/value.js";
import { freePort } from "../differential/harness.js";
import { startInProcess } from "../http/support.js";

// root logs in over the unix socket (unix_socket auth); TCP tests use a user of their own.
const SOCK = process.env.TSRESTY_MYSQL_SOCKET ?? ["/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock", "/tmp/mysql.sock"].find((p) => fs.existsSync(p)) ?? "/run/mysqld/mysqld.sock";
const TAG = `tsresty_my_${process.pid}`;
const USER = `tsr_my_${process.pid}`.slice(0, 32);
const PASS = "pw-test-1";
const ROOT = `{ path = "${SOCK}", user = "root", database = "test" }`;

const PRELUDE = `
local mysql = require "resty.mysql"
local out = {}
local function p(...)
  local t = {}
  for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end
  out[#out + 1] = table.concat(t, " ")
end
`;

function host(): TestHost {
  const h = new TestHost();
  const preload = (h.G.getStr("package") as LuaTable).getStr("preload") as LuaTable;
  preload.setStr("resty.mysql", (() => makeMysql()) as unknown as LuaValue);
  // TestHost's ngx table has no ngx.null: scripts name it NULL.
  h.G.setStr("NULL", LUA_NULL);
  return h;
}

/** Run `body` (after the prelude) as a content handler; returns the lines p() collected. */
async function lua(body: string, h = host(), phase = "content"): Promise<string> {
  const r = await h.run(PRELUDE + body + "\nreturn table.concat(out, '\\n')", phase);
  return String(r[0]);
}

let admin: mysql.Connection;

before(async () => {
  admin = await mysql.createConnection({ socketPath: SOCK, user: "root", database: "test", multipleStatements: true });
  await admin.query(`DROP USER IF EXISTS '${USER}'@'localhost'`);
  await admin.query(`CREATE USER '${USER}'@'localhost' IDENTIFIED BY '${PASS}'`);
  await admin.query(`GRANT ALL ON test.* TO '${USER}'@'localhost'`);
});

after(async () => {
  const [rows] = await admin.query(`SHOW TABLES LIKE '${TAG}%'`);
  for (const r of rows as Record<string, string>[]) await admin.query(`DROP TABLE \`${Object.values(r)[0]}\``);
  await admin.query(`DROP USER IF EXISTS '${USER}'@'localhost'`);
  await admin.end();
});

describe("resty.mysql", () => {
  test("connect, server_ver, a select; the module's fields", async () => {
    const out = await lua(`
      p(mysql._VERSION, type(mysql.new), type(mysql.query))
      local db, err = mysql:new()
      p(type(db), err)
      p(db:set_timeout(5000))
      p(db:connect(${ROOT}))
      p(type(db:server_ver()), db:server_ver() == (db:query("select version() v"))[1].v or db:server_ver())
      p(db:get_reused_times())
      local res = db:query("select 1 as a, 'x' as b")
      p(#res, res[1].a, type(res[1].a), res[1].b)
      p(db:close())
    `);
    const lines = out.split("\n");
    assert.equal(lines[0], "0.26 function function");
    assert.equal(lines[1], "table nil");
    assert.equal(lines[2], "");
    assert.equal(lines[3], "1");
    // The handshake's version (MariaDB's carries a "5.5.5-" prefix before its own).
    assert.match(lines[4]!, /^string (true|5\.5\.5-.*MariaDB.*)$/);
    assert.equal(lines.slice(5).join("\n"), "0\n1 1 number x\n1");
  });

  test("column types map as lua-resty-mysql maps them; NULL is ngx.null", async () => {
    const t = `${TAG}_types`;
    const out = await lua(`
      local db = mysql:new()
      db:connect(${ROOT})
      p(db:query([[create table ${t} (
        ti tinyint, si smallint, mi mediumint, i int, iu int unsigned, bi bigint, bbig bigint unsigned,
        f float, d double, dec1 decimal(10,2), y year, c char(3), vc varchar(20), tx text, bl blob,
        dt date, dtt datetime, tm time, bt bit(8), en enum('a','b'), n int)]]).affected_rows)
      p(db:query([[insert into ${t} values (-5, 300, 70000, -2147483648, 4294967295, 42,
        18446744073709551615, 1.5, 2.25, 12.30, 2024, 'abc', concat('h', X'C3A9', 'llo'), 'some text', X'00FF0A41',
        '2024-02-29', '2024-02-29 13:14:15', '-12:30:00', b'00000101', 'b', NULL)]]).insert_id)
      local r = db:query("select * from ${t}")[1]
      for _, k in ipairs({ "ti", "si", "mi", "i", "iu", "bi", "bbig", "f", "d", "dec1", "y", "c", "vc", "tx", "dt", "dtt", "tm", "en" }) do
        p(k, type(r[k]), r[k])
      end
      p("bl", #r.bl, r.bl:byte(1, -1))
      p("bt", #r.bt, r.bt:byte(1, -1))
      p("n", r.n == ngx.null, type(r.n))
      local r2 = db:query("select null as z, 1e300 * 10 as big, cast(12345678901234567 as decimal(30,0)) as dz, 2 * 3 as m, 9007199254740993 as b53")[1]
      p(r2.z == ngx.null, r2.big, r2.dz, type(r2.dz), r2.m, r2.b53, type(r2.b53))
    `.replace(/ngx\.null/g, "NULL"));
    assert.equal(out, [
      "0",
      "0",
      "ti number -5", "si number 300", "mi number 70000", "i number -2147483648", "iu number 4294967295",
      "bi string 42", "bbig string 18446744073709551615",
      "f number 1.5", "d number 2.25", "dec1 number 12.3", "y number 2024",
      "c string abc", "vc string h\u00c3\u00a9llo", "tx string some text",
      "dt string 2024-02-29", "dtt string 2024-02-29 13:14:15", "tm string -12:30:00", "en string b",
      "bl 4 0 255 10 65",
      "bt 1 5",
      "n true userdata",
      "true 1e+301 1.2345678901235e+16 number 6 9007199254740993 string",
    ].join("\n"));
  });

  test("writes: affected_rows, insert_id, server_status, warning_count, message", async () => {
    const t = `${TAG}_w`;
    const out = await lua(`
      local db = mysql:new()
      db:connect(${ROOT})
      local function show(res, err, errno, state)
        if not res then return p("err", err, errno, state) end
        local keys = {}
        for k in pairs(res) do keys[#keys + 1] = k end
        table.sort(keys)
        local t = {}
        for _, k in ipairs(keys) do t[#t + 1] = k .. "=" .. tostring(res[k]) end
        p(table.concat(t, " "))
      end
      show(db:query("create table ${t} (id int auto_increment primary key, v varchar(10))"))
      show(db:query("insert into ${t} (v) values ('a')"))
      show(db:query("insert into ${t} (v) values ('b'), ('c')"))
      show(db:query("update ${t} set v = 'z' where id > 1"))
      show(db:query("delete from ${t} where id = 1"))
      show(db:query("insert into ${t} (id, v) values (1, 'dup')"))
      show(db:query("insert into ${t} (id, v) values (1, 'dup')"))
      local rows = db:query("select * from ${t} where id > 100")
      p(type(rows), #rows, next(rows))
    `);
    assert.equal(out, [
      "affected_rows=0 insert_id=0 server_status=2 warning_count=0",
      "affected_rows=1 insert_id=1 server_status=2 warning_count=0",
      "affected_rows=2 insert_id=2 message=Records: 2  Duplicates: 0  Warnings: 0 server_status=2 warning_count=0",
      "affected_rows=2 insert_id=0 message=Rows matched: 2  Changed: 2  Warnings: 0 server_status=2 warning_count=0",
      "affected_rows=1 insert_id=0 server_status=2 warning_count=0",
      "affected_rows=1 insert_id=1 server_status=2 warning_count=0",
      "err Duplicate entry '1' for key 'PRIMARY' 1062 23000",
      "table 0 nil",
    ].join("\n"));
  });

  test("bytes go through unchanged both ways (latin1 byte strings)", async () => {
    const t = `${TAG}_bytes`;
    const out = await lua(`
      local db = mysql:new()
      db:connect(${ROOT})
      db:query("create table ${t} (b blob, s varchar(20) character set utf8mb4)")
      local bytes = {}
      for i = 1, 255 do bytes[i] = string.char(i) end
      local all = table.concat(bytes)
      local hex = all:gsub(".", function(c) return string.format("%02X", c:byte()) end)
      p(db:query("insert into ${t} values (X'" .. hex .. "', 'h\\195\\169llo \\226\\130\\172')").affected_rows)
      local r = db:query("select b, s, length(s) as ls, char_length(s) as cs from ${t}")[1]
      p(r.b == all, #r.b, r.s == "h\\195\\169llo \\226\\130\\172", r.ls, r.cs)
      local n = db:query("select 'h\\195\\169' as \`col\\195\\169\`")[1]
      p(n["col\\195\\169"] == "h\\195\\169")
      -- a latin1 connection: the server converts the utf8mb4 column; names and texts are latin1 bytes
      local l1 = mysql:new()
      p(l1:connect({ path = "${SOCK}", user = "root", database = "test", charset = "latin1" }))
      r = l1:query("select s, 'h\\233' as \`c\\233\` from ${t}")[1]
      p(r.s == "h\\233llo \\128", -- MariaDB's latin1 is cp1252: the euro sign is 0x80
        r["c\\233"] == "h\\233")
      p(select(2, l1:query("select * from \`t\\233\`")) == "Table 'test.t\\233' doesn't exist")
    `);
    assert.equal(out, "1\ntrue 255 true 10 7\ntrue\n1\ntrue true\ntrue");
  });

  test("multiple statements: \"again\" while results follow; send_query + read_result", async () => {
    const out = await lua(`
      local db = mysql:new()
      db:connect(${ROOT})
      local res, err = db:query("select 1 as a; select 2 as b; do 0")
      p(res[1].a, err)
      res, err = db:read_result()
      p(res[1].b, err)
      res, err = db:read_result()
      p(res.affected_rows, res.server_status, err)
      p(db:read_result())
      p(db:send_query("select 3 as c; select 4 as d"))
      p(db:send_query("select 5"))
      p(db:set_keepalive())
      res, err = db:read_result()
      p(res[1].c, err)
      res, err = db:read_result()
      p(res[1].d, err)
      -- an error in a later statement comes after the earlier results
      res, err = db:query("select 6 as e; select * from no_such_table_${process.pid}; select 7")
      p(res[1].e, err)
      p(db:read_result())
      p(db:read_result())
      p(db:query("select 8 as f")[1].f)
    `);
    assert.equal(out, [
      "1 again",
      "2 again",
      "0 2 nil",
      "nil cannot read result in the current context: 1",
      "33",
      "nil cannot send query in the current context: 2",
      "nil cannot be reused in the current connection state: 2",
      "3 again",
      "4 nil",
      "6 again",
      `nil Table 'test.no_such_table_${process.pid}' doesn't exist 1146 42S02`,
      "nil cannot read result in the current context: 1",
      "8",
    ].join("\n"));
  });

  test("SQL errors: nil, message, errno, sqlstate; the connection stays usable", async () => {
    const out = await lua(`
      local db = mysql:new()
      db:connect(${ROOT})
      p(db:query("selec 1"))
      p(db:query("do no_such_function_${process.pid}()"))
      p(db:query("create temporary table li (a text)").affected_rows)
      p(db:query("load data local infile '/etc/hostname' into table li"))
      p(db:query("select 1 as ok")[1].ok)
    `);
    assert.equal(out, [
      "nil You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'selec 1' at line 1 1064 42000",
      `nil FUNCTION test.no_such_function_${process.pid} does not exist 1305 42000`,
      "0",
      "nil packet type LOCALINFILE not supported",
      "1",
    ].join("\n"));
  });

  test("compact arrays: the connect option and set_compact_arrays", async () => {
    const out = await lua(`
      local db = mysql:new()
      db:connect({ path = "${SOCK}", user = "root", database = "test", compact_arrays = true })
      local r = db:query("select 1 as a, null as b, 'x' as c")[1]
      p(#r, r[1], r[2] == ngx.null, r[3], r.a)
      db:set_compact_arrays(false)
      r = db:query("select 1 as a")[1]
      p(r[1], r.a)
      db.compact = true
      p(db:query("select 2 as a")[1][1])
    `.replace(/ngx\.null/g, "NULL"));
    assert.equal(out, "3 1 true x nil\nnil 1\n2");
  });

  test("TCP login: a user with a password; a wrong password; the server down; bad options", async () => {
    const down = await freePort();
    const h = host();
    const out = await lua(`
      local db = mysql:new()
      db:set_timeout(5000)
      p(db:connect({ host = "127.0.0.1", port = 3306, user = "${USER}", password = "${PASS}", database = "test" }))
      p(db:query("select current_user() as u")[1].u)
      p(db:close())
      p(db:close())
      p(db:query("select 1"))
      db = mysql:new()
      p(db:connect({ host = "127.0.0.1", port = 3306, user = "${USER}", password = "wrong", database = "test" }))
      p(db:connect({ host = "127.0.0.1", port = 3306, user = "${USER}", password = "${PASS}", database = "no_such_db_${process.pid}" }))
      p(db:connect({ host = "127.0.0.1", port = ${down}, user = "root" }))
      p(db:connect({ host = "host-not-found.invalid", user = "root" }))
      p(db:connect({ host = "127.0.0.1", port = 3306, user = "${USER}", password = "${PASS}", ssl = true }))
      p(db:connect({ user = "root" }))
      p(db:connect({ host = "127.0.0.1", charset = "klingon" }))
      p(db:connect({ host = "127.0.0.1", port = 70000 }))
      p(mysql:close())
      p(mysql:set_keepalive())
      p(mysql:query("select 1"))
      p(pcall(db.connect, db))
      p(pcall(db.connect, db, { host = "127.0.0.1", pool = {} }))
      p(pcall(db.connect, db, { host = "127.0.0.1", pool_size = 0 }))
      p(pcall(db.connect, db, { host = "127.0.0.1", backlog = "x" }))
    `, h);
    // lua_socket_log_errors: nginx's line for the refused connect.
    assert.deepEqual(h.logs, ["[4] connect() failed (111: Connection refused)"]);
    assert.equal(out, [
      "1",
      `${USER}@localhost`,
      "1",
      "nil closed",
      "nil failed to send query: cannot send query in the current context: nil",
      `nil Access denied for user '${USER}'@'localhost' (using password: YES) 1045 28000`,
      `nil Access denied for user '${USER}'@'localhost' to database 'no_such_db_${process.pid}' 1044 42000`,
      "nil failed to connect: connection refused",
      "nil failed to connect: host-not-found.invalid could not be resolved (3: Host not found)",
      // This server runs without TLS (have_ssl DISABLED).
      "nil ssl disabled on server",
      'nil neither "host" nor "path" options are specified',
      "nil charset 'klingon' is not supported",
      "nil failed to connect: bad port number: 70000",
      "nil not initialized",
      "nil not initialized",
      "nil failed to send query: cannot send query in the current context: nil",
      "false attempt to index local 'opts' (a nil value)",
      'false bad "pool" option type: table',
      'false bad "pool_size" option value: 0',
      'false bad "backlog" option type: string',
    ].join("\n"));
  });

  test("set_keepalive pools by user:database:host:port; get_reused_times counts reuses", async () => {
    const h = host();
    const script = `
      local db = mysql:new()
      p(db:connect({ host = "127.0.0.1", port = 3306, user = "${USER}", password = "${PASS}", database = "test" }))
      p(db:get_reused_times(), type(db:server_ver()))
      p(db:query("select connection_id() as id")[1].id > 0)
      p(db:set_keepalive(10000, 5))
      p(db:get_reused_times())
      p(db:set_keepalive())
    `;
    const first = await lua(script, h);
    const second = await lua(script, h);
    assert.equal(first, "1\n0 string\ntrue\n1\nnil closed\nnil cannot be reused in the current connection state: nil");
    // lua-resty-mysql skips the handshake of a reused connection: no server version then.
    assert.equal(second, "1\n1 nil\ntrue\n1\nnil closed\nnil cannot be reused in the current connection state: nil");
    // A named pool is a pool of its own.
    const other = await lua(`
      local db = mysql:new()
      db:connect({ host = "127.0.0.1", port = 3306, user = "${USER}", password = "${PASS}", database = "test", pool = "${TAG}_p" })
      p(db:get_reused_times())
      db:set_keepalive(10000, 5)
    `, h);
    assert.equal(other, "0");
  });

  test("two light threads on one connection: the second read finds it busy", async () => {
    const out = await lua(`
      local db = mysql:new()
      db:connect(${ROOT})
      p(db:send_query("select sleep(0.1) as s"))
      local th = ngx.thread.spawn(function() return db:read_result() end)
      p(db:read_result())
      local ok, res = ngx.thread.wait(th)
      p(ok, res[1].s)
    `);
    assert.equal(out, "27\nnil failed to receive packet header: socket busy reading\ntrue 0");
  });

  test("a connection the server kills: in the pool it is dropped; in use, queries fail", async () => {
    const h = host();
    const id = await lua(`
      local db = mysql:new()
      db:connect({ path = "${SOCK}", user = "root", database = "test", pool = "${TAG}_kill" })
      p(db:query("select connection_id() as id")[1].id)
      db:set_keepalive(10000, 5)
    `, h);
    await admin.query(`KILL ${Number(id)}`);
    await new Promise((r) => setTimeout(r, 100));
    const out = await lua(`
      local db = mysql:new()
      db:connect({ path = "${SOCK}", user = "root", database = "test", pool = "${TAG}_kill" })
      p(db:get_reused_times())
      local id = db:query("select connection_id() as id")[1].id
      p(id ~= ${Number(id)})
      p(db:query("kill " .. id))
      ngx.sleep(0.05)
      p(db:query("select 1"))
      p(db:close())
    `, h);
    assert.equal(out, [
      "0",
      "true",
      "nil Connection was killed 1927 70100",
      "nil failed to receive packet header: closed",
      "nil closed",
    ].join("\n"));
  });

  test("backlog: connects past pool_size wait for a connection, or fail past the backlog", async () => {
    const h = host();
    const out = await lua(`
      local opts = { path = "${SOCK}", user = "root", database = "test", pool = "${TAG}_bl", pool_size = 1, backlog = 1 }
      local db1 = mysql:new()
      p(db1:connect(opts))
      local th = ngx.thread.spawn(function()
        local db2 = mysql:new()
        local ok, err = db2:connect(opts)
        return ok, err, db2:get_reused_times()
      end)
      local db3 = mysql:new()
      p(db3:connect(opts))
      ngx.sleep(0.05)
      p(db1:set_keepalive(10000))
      p(ngx.thread.wait(th))
    `, h);
    assert.equal(out, "1\nnil failed to connect: too many waiting connect operations\n1\ntrue 1 nil 1");
  });

  test("set_timeout: a read timeout keeps the query; read_result then gets its result", async () => {
    const out = await lua(`
      local db = mysql:new()
      db:connect(${ROOT})
      db:set_timeout(50)
      p(db:query("select sleep(0.3) as s"))
      db:set_timeout(5000)
      local res, err = db:read_result()
      p(res[1].s, err)
      p(db:query("select 1 as x")[1].x)
    `);
    assert.equal(out, "nil failed to receive packet header: timeout\n0 nil\n1");
  });

  test("a rows set comes at its EOF packet, before later statements finish; max_packet_size", async () => {
    const out = await lua(`
      local db = mysql:new()
      db:connect(${ROOT})
      db:set_timeout(100)
      local res, err = db:query("select 1 as a; select sleep(0.4) as s")
      p(res[1].a, err)
      p(db:read_result())
      db:set_timeout(5000)
      res, err = db:read_result()
      p(res[1].s, err)
      db = mysql:new()
      db:connect({ path = "${SOCK}", user = "root", database = "test", max_packet_size = 100 })
      p(#db:query("select repeat('x', 99) as s")[1].s)
      p(db:query("select repeat('x', 200) as s"))
    `);
    assert.equal(out, "1 again\nnil failed to receive packet header: timeout\n0 nil\n99\nnil packet size too big: 201");
  });

  test("phases: cosockets only where Lua may wait; the plain call form cannot wait", async () => {
    const h = host();
    await assert.rejects(lua("mysql:new()", h, "log"), /API disabled in the context of log_by_lua\*/);
    // As the reference's ngx.socket.tcp() in init_by_lua.
    await assert.rejects(lua("mysql:new()", h, "init"), /no request found/);
    const out = await lua(`
      local db = mysql:new()
      p(pcall(db.connect, db, ${ROOT}))
    `, h);
    // pcall is a Lua call that may wait here, as in LuaJIT 2.1.
    assert.equal(out, "true 1");
  });

  test("under the real server: content_by_lua_block queries and keeps the connection", async () => {
    const srv = await startInProcess(`
events {}
http {
  lua_shared_dict mysql_t 1m;
  server {
    listen __PORT__;
    location /timer {
      content_by_lua_block {
        local v = ngx.shared.mysql_t:get("v")
        if v then ngx.say(v) return end
        ngx.timer.at(0, function()
          local mysql = require "resty.mysql"
          local db = mysql:new()
          db:connect({ path = "${SOCK}", user = "root", database = "test" })
          local res, err = db:query("select 'from a timer' as v")
          ngx.shared.mysql_t:set("v", res and res[1].v or err)
        end)
        ngx.say("started")
      }
    }
    location / {
      content_by_lua_block {
        local mysql = require "resty.mysql"
        local db = mysql:new()
        db:set_timeout(5000)
        local ok, err, errno, sqlstate = db:connect({ path = "${SOCK}", user = "root", database = "test" })
        if not ok then
          ngx.say("failed to connect: ", err, ": ", errno, " ", sqlstate)
          return
        end
        local res, err, errno, sqlstate = db:query("select 6 * 7 as answer, null as n, 'txt' as t")
        if not res then
          ngx.say("bad result: ", err, ": ", errno, ": ", sqlstate, ".")
          return
        end
        ngx.say(res[1].answer, " ", tostring(res[1].n == ngx.null), " ", res[1].t, " ", db:get_reused_times())
        res, err, errno, sqlstate = db:query("selec 1")
        ngx.say(errno, " ", sqlstate)
        local ok, err = db:set_keepalive(10000, 100)
        ngx.say(ok, " ", err)
      }
    }
  }
}`);
    try {
      const [a] = await srv.get("/");
      const [b] = await srv.get("/");
      assert.equal(a!.body.toString(), "42 true txt 0\n1064 42000\n1 nil\n");
      assert.equal(b!.body.toString(), "42 true txt 1\n1064 42000\n1 nil\n");
      const [t1] = await srv.get("/timer");
      assert.equal(t1!.body.toString(), "started\n");
      let t2 = "";
      for (let i = 0; i < 50 && t2 !== "from a timer\n"; i++) {
        await new Promise((r) => setTimeout(r, 20));
        t2 = (await srv.get("/timer"))[0]!.body.toString();
      }
      assert.equal(t2, "from a timer\n");
    } finally {
      await srv.close();
    }
  });
});
