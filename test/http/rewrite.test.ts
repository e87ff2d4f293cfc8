// The rewrite module (return, rewrite, set, if, break, rewrite_log,
// uninitialized_variable_warn) and map, each case compared with the reference nginx.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { diffCase, referenceAvailable, runSide, type DiffCase, type DiffRequest } from "../differential/harness.js";
import { startInProcess } from "./support.js";

const get = (path: string, headers: [string, string][] = []): DiffRequest => ({ path, headers });

const REWRITE_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location / {
      if ($arg_a = "x") { set $q 1; }
      if ($uri ~ ^/(?<w>a)(.*)) { set $z 2; }
      rewrite ^/a(.*)$ /b$1?k=v last;
      return 200 "u=$uri a=$args 1=$1 w=$w\\n";
    }
    location /b { return 200 "B u=$uri a=$args 1=$1 w=$w z=$z q=$q\\n"; }
    location /d { rewrite ^ http://x.com/$uri; }
    location /r { rewrite ^/r(.*) http://x$1 permanent; }
    location /red { rewrite ^/red(.*)$ /b$1 redirect; }
    location /s { rewrite ^/s(.*) /b$1?z=$1; }
    location /t { rewrite ^/t(.*) /b$1? break; return 200 "no"; }
    location /noflag { rewrite ^/noflag(.*) /b$1; rewrite ^/b(.*) /b/again$1; return 200 "not reached"; }
    location /brk { set $x 1; break; set $x 2; return 200 "not reached"; }
    location /argsq { rewrite ^ /b?; }
    location /argsvar { rewrite ^ /b?n=$arg_n&m=1; }
    location /loop { rewrite ^ /loop last; }
    location /named { rewrite ^/named/(?<first>[a-z]+)/(\\d+) /b/$first/$2 last; }
    location /ret301 { return 301 /x; }
    location /ret302 { return 302; }
    location /ret303 { return 303 http://example.com/$uri; }
    location /ret307 { return 307 "rel"; }
    location /ret308 { return 308 /y?$args; }
    location /retu { return https://a.b/$uri; }
    location /ret444 { return 444; }
    location /ret402 { return 402; }
    location /rettext { return 418 "teapot $uri\\n"; }
    location /retstatus { return 201 "$status\\n"; }
    location /ftest {
      if (-f /etc/passwd) { set $f1 "f"; }
      if (!-f /etc) { set $f2 "notf"; }
      if (-d /etc) { set $f3 "d"; }
      if (!-d /etc/passwd) { set $f4 "notd"; }
      if (-e /nonexistent) { set $f5 "e?"; }
      if (!-e /nonexistent) { set $f6 "note"; }
      if (-x /bin/sh) { set $f7 "x"; }
      if (!-x /etc/passwd) { set $f8 "notx"; }
      return 200 "$f1 $f2 $f3 $f4 $f5 $f6 $f7 $f8\\n";
    }
    location /ci {
      if ($http_x ~* ^AB(c)) { return 200 "m $1\\n"; }
      if ($http_x !~ abc) { return 200 "nm\\n"; }
      if ($http_x !~* ZZZ) { return 200 "not zzz $1\\n"; }
      return 200 "x\\n";
    }
    location /eq {
      if ($arg_v != "a") { return 200 "ne\\n"; }
      if ($arg_w) { return 200 "w set\\n"; }
      return 200 "eq\\n";
    }
    location ~ ^/loc/(\\w+)/(?<name>\\w+) {
      set $combined "$1-$name";
      if ($arg_x) { return 200 "x $combined $1\\n"; }
      return 200 "loc $combined $2\\n";
    }
  }
}`;

test("rewrite, return, set, if and break agree with nginx", async (t) => {
  await diffCase(t, {
    name: "rewrite", conf: REWRITE_CONF, requests: [
      get("/a%20b?a=x"), get("/ab"), get("/d?x=1"), get("/r%20x?q"), get("/rplain"), get("/red1?p=q"), get("/s1"),
      get("/noflag1"), get("/brk"), get("/argsq?drop=1"), get("/argsvar?n=5&o=6"), get("/loop"), get("/named/abc/42?x"),
      get("/ret301"), get("/ret302"), get("/ret303"), get("/ret307"), get("/ret308?a=1"), get("/retu"), get("/ret444"),
      get("/ret402"), get("/rettext"), get("/retstatus"), get("/ftest"),
      get("/ci", [["X", "abcd"]]), get("/ci", [["X", "zz"]]), get("/ci", [["X", "ZZZ"]]), get("/ci", [["X", "abc"]]),
      get("/eq?v=b"), get("/eq?v=a&w=1"), get("/eq?v=a&w=0"), get("/eq?v=a"),
      get("/loc/one/two"), get("/loc/one/two?x=1"),
    ],
  });
});

const DETAILS_CONF = `
events {}
http {
  access_log off;
  error_page 404 /http404;
  server { listen 127.0.0.1:__PORT__;
    if ($request_method = DELETE) { return 405; }
    if ($http_x_srv ~ ^(?<sv>\w+)$) { set $fromsrv "srv-$sv"; break; }
    location /http404 { return 200 "http-level 404 page\\n"; }
    location /esc { rewrite ^/esc(.*) /b$1?z=$1 last; }
    location /b { return 200 "b uri=$uri args=$args z=$arg_z fromsrv=$fromsrv\\n"; }
    location /iflast { if ($arg_go) { rewrite ^ /b?from=if last; } return 200 "stay\\n"; }
    location /named { if ($uri ~ ^/named/(?<part>[a-z]+)) { } return 200 "part=$part\\n"; }
    location /abs { absolute_redirect off; rewrite ^ /b redirect; }
    location /abs2 { absolute_redirect off; return 302 /b; }
    location /port { port_in_redirect off; return 301 /p; }
    location /sn { server_name_in_redirect on; return 301 /p; }
    location /ru { return 301 http://example.com$request_uri; }
    location /lua { rewrite ^ /b last; rewrite_by_lua_block { ngx.log(ngx.ERR, "rewrite_by_lua ran ", ngx.var.uri) } }
    location /tf { try_files /nonexist =418; if ($arg_a) { } }
    location /locerr { error_page 500 /http404; return 404; }
    location /i444 { if ($arg_x) { return 444; } return 200 "ok\\n"; }
    location /mapmap { return 200 "$mm\\n"; }
    location /setargs { set $args "new=1"; rewrite ^ /b; }
    location /enc { rewrite ^/enc/(.*)$ http://x/$1 redirect; }
    location /arg { rewrite ^/arg/(.*)$ /b?v=$1 redirect; }
    location /encargs { rewrite ^/encargs/(.*)$ /b?v=$1 last; }
  }
  map $arg_q $m1 { default "m1-$arg_q"; }
  map $m1 $mm { default "mm-$m1"; m1-z zz; }
}
`;

const SPECIALS = "%20%23%25%26%2B%3B%3F%22%27%3C%3E%7F%C3%A9%01=,$!*@:/~^`{}|\\%5B%5D()%09";

test("rewrite details: escaping of captures, redirects, server-level if, rewrite_by_lua after a rewrite", async (t) => {
  await diffCase(t, {
    name: "rewrite-details", conf: DETAILS_CONF, requests: [
      get("/esc%20a+b"), get("/iflast?go=1"), get("/iflast"), get("/named/abc"), get("/abs"), get("/abs2"), get("/port"),
      get("/sn"), get("/ru?x=1"), get("/lua"), get("/tf?a=1"), get("/tf"), get("/locerr"), get("/i444?x=1"),
      get("/mapmap?q=z"), get("/mapmap?q=y"), get("/setargs"), get("/enc/a%20b%3F?q=1"), get("/encargs/a%26b+c"),
      get("/b", [["X-Srv", "abc"]]), { method: "DELETE", path: "/b" }, get("/nothere"),
      get(`/enc/${SPECIALS}`), get(`/arg/${SPECIALS}`), get("/enc/a+b"), get("/arg/a+b"), get("/enc/plain"),
    ],
  });
});

const IDIOMS_CONF = `
events {}
http {
  access_log off;
  server { listen 127.0.0.1:__PORT__; server_name example.com;
    error_page 404 /404.html;
    location = /404.html { internal; return 200 "not found page\\n"; }
    location /https { return 301 https://$host$request_uri; }
    location /scheme { return 301 $scheme://$host$request_uri; }
    location /host { if ($host != 'example.com') { return 301 http://example.com$request_uri; } return 200 "canonical\\n"; }
    location /perm { rewrite ^/perm/(.*)$ /new/$1 permanent; }
    location /slash { rewrite ^(.*[^/])$ $1/ permanent; }
    location /reqargs { rewrite ^ $request_uri? last; }
    location /method { if ($request_method !~ ^(GET|HEAD)$) { return 405; } return 200 "ok\\n"; }
    location /ua { if ($http_user_agent ~* (curl|wget)) { return 403; } return 200 "browser\\n"; }
    location /cookie { if ($cookie_session = "") { return 401; } return 200 "session $cookie_session\\n"; }
    location /new/ { return 200 "new $uri\\n"; }
    location /args { if ($args ~ "^id=(\\d+)") { set $id $1; rewrite ^ /new/item-$id? last; } return 200 "noid\\n"; }
  }
}
`;

test("common configurations: canonical hosts, https redirects, method and agent checks", async (t) => {
  await diffCase(t, {
    name: "idioms", conf: IDIOMS_CONF, requests: [
      get("/nope"), get("/https?a=1"), get("/scheme?x"), get("/host", [["Host", "other.com"]]), get("/host", [["Host", "example.com"]]),
      get("/perm/a?b=c"), get("/slash/x"), get("/reqargs"), get("/method"), { method: "POST", path: "/method", body: "" },
      get("/ua", [["User-Agent", "curl/8"]]), get("/ua"), get("/cookie", [["Cookie", "session=abc"]]), get("/cookie"),
      get("/args?id=42&x=1"), get("/args"), { raw: "GET /perm/x HTTP/1.0\r\n\r\n" }, get("/404.html"),
    ],
  });
});

const IF_LOCATION_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /c {
      content_by_lua_block { ngx.say("lua ", ngx.var.uri, " ", ngx.var.set_in_if or "-") }
      if ($arg_a) { add_header X-If 1; set $set_in_if yes; }
    }
    location /c2 {
      add_header X-Outer outer;
      if ($arg_a) { add_header X-Inner inner; }
      if ($arg_b) { add_header X-Second second; }
      return 200 "c2\\n";
    }
    location /c3 {
      if ($arg_a) { content_by_lua_block { ngx.say("if content") } }
      content_by_lua_block { ngx.say("location content") }
    }
    location /c4 {
      if ($arg_a) { rewrite ^ /c2?b=1 break; }
      return 200 "c4\\n";
    }
    location /c5 {
      if ($arg_a) { return 403; }
      error_page 403 = /c2;
      return 200 "c5\\n";
    }
  }
}`;

test("an if block becomes the location's configuration when it matches", async (t) => {
  await diffCase(t, {
    name: "if-location", conf: IF_LOCATION_CONF, requests: [
      get("/c"), get("/c?a=1"), get("/c2"), get("/c2?a=1"), get("/c2?a=1&b=1"), get("/c2?b=1"), get("/c3"), get("/c3?a=1"),
      get("/c4"), get("/c4?a=1"), get("/c5"), get("/c5?a=1"),
    ],
  });
});

const SERVER_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    server_name ~^(?<sub>[a-z]+)\\.example\\.com$ localhost;
    rewrite ^/old/(.*)$ /new/$1 last;
    if ($http_x_block) { return 403; }
    set $srv "server-level";
    location /new/ { return 200 "new $uri $1 $srv sub=$sub\\n"; }
    location / { return 200 "root $uri $srv sub=$sub\\n"; }
  }
}`;

test("server-level rewrite directives, and server_name captures", async (t) => {
  await diffCase(t, {
    name: "server-rewrite", conf: SERVER_CONF, requests: [
      get("/old/x"), get("/plain"), get("/plain", [["X-Block", "1"]]), get("/plain", [["Host", "abc.example.com"]]),
    ],
  });
});

const SET_BY_LUA_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location / {
      set $a "first";
      set_by_lua_block $b { return ngx.var.a .. "+lua" }
      set $c "$b+set";
      set_by_lua $d 'return ngx.arg[1] .. "!"' $c;
      return 200 "$a $b $c $d\\n";
    }
  }
}`;

test("set and set_by_lua run in configuration order", async (t) => {
  await diffCase(t, { name: "set-by-lua", conf: SET_BY_LUA_CONF, requests: [get("/")] });
});

const WARN_CONF = `
error_log logs/error.log warn;
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /warn { return 200 "[$never]\\n"; }
    location /quiet { uninitialized_variable_warn off; return 200 "[$never]\\n"; }
    location /setter { set $never "set"; return 200 "[$never]\\n"; }
    location /lua { content_by_lua_block { ngx.say("[", ngx.var.never, "]") } }
  }
}`;

test("uninitialized variables: empty, with nginx's warning unless turned off", async (t) => {
  await diffCase(t, { name: "uninitialized", conf: WARN_CONF, requests: [get("/warn"), get("/quiet"), get("/setter"), get("/lua")] });
});

const LOG_CONF = `
error_log logs/error.log notice;
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    rewrite_log on;
    location / {
      if ($uri ~ ^/(?<w>a)(.*)) { set $z 2; }
      if ($uri !~ nomatch) { set $y 1; }
      rewrite ^/zzz /never;
      rewrite ^/a(.*)$ /b$1?k=v break;
      return 200 "no\\n";
    }
    location /d { rewrite ^ http://x.com$uri; }
    location /quiet { rewrite_log off; rewrite ^ /b last; }
    location /b { return 200 "b\\n"; }
  }
}`;

/** The rewrite_log lines (notice level, which diffCase leaves out) of one side. */
async function rewriteLogLines(c: DiffCase, which: "tsresty" | "reference"): Promise<string[]> {
  const side = await runSide({ ...c, ignoreLog: [] }, which);
  return (await import("node:fs")).readFileSync(`${side.prefix}/logs/error.log`, "latin1").split("\n")
    .filter((l) => / \[notice\] .*(matches|rewritten)/.test(l))
    .map((l) => l.replace(/^.*\[notice\] \d+#\d+: \*\d+ /, "").replace(/, client: .*$/, ""));
}

test("rewrite_log writes nginx's notice lines", async (t) => {
  const c: DiffCase = { name: "rewrite-log", conf: LOG_CONF, requests: [get("/a%20b?a=x"), get("/d?x=1"), get("/quiet")] };
  if (!referenceAvailable()) {
    t.skip("reference nginx not installed");
    return;
  }
  const [ts, ref] = [await rewriteLogLines(c, "tsresty"), await rewriteLogLines(c, "reference")];
  assert.ok(ref.length > 0);
  assert.deepEqual(ts, ref);
});

const MAP_CONF = `
events {}
http {
  access_log off;
  map $arg_k $mk {
    default def;
    abc ABC;
    \\default escaped;
    ~^x(?<tail>.*)$ "X-$tail";
    ~*^Y(.) "y$1";
    include map.inc;
  }
  map $http_host $mh {
    hostnames;
    default none;
    *.example.com wild;
    www.test.* trail;
    .dot.org dot;
    exact.com ex;
  }
  map $arg_v $mv { volatile; default "v=$arg_v"; }
  map $uri $chain { default "uri:$mk"; }
  server {
    listen 127.0.0.1:__PORT__;
    location /m { return 200 "mk=$mk tail=$tail 1=$1 mh=$mh mv=$mv chain=$chain\\n"; }
    # the map's regex sets the captures that $1 reads after it
    location ~ ^/cap/(.*) { return 200 "mk=$mk 1=$1\\n"; }
  }
}`;

test("map: exact, default, regexes with captures, hostnames, include, volatile", async (t) => {
  await diffCase(t, {
    name: "map", conf: MAP_CONF, files: { "conf/map.inc": "fromfile FILE;\n" }, requests: [
      get("/m?k=abc"), get("/m?k=ABC"), get("/m?k=xyz"), get("/m?k=yZ", [["Host", "a.example.com"]]), get("/m?k=default"),
      get("/m", [["Host", "www.test.org"]]), get("/m", [["Host", "dot.org"]]), get("/m", [["Host", "sub.dot.org"]]),
      get("/m", [["Host", "EXACT.com."]]), get("/m?k=fromfile&v=3", [["Host", "other"]]), get("/cap/q?k=xtail"),
    ],
  });
});

test("a rewrite cycle ends in 500 with nginx's log line (in process)", async () => {
  const s = await startInProcess(`events {} http { access_log off; server { listen 127.0.0.1:__PORT__; location / { rewrite ^ /x last; } } }`);
  try {
    const [res] = await s.get("/loop");
    assert.match(res!.statusLine, /^HTTP\/1\.1 500/);
  } finally {
    await s.close();
  }
});

/** What `tsresty -t` says about one directive in a location (nginx -t's words, checked on the reference). */
const BAD_ARGUMENTS: readonly [string, string][] = [
  ["rewrite ^/ /x foo;", `invalid parameter "foo"`],
  ["rewrite ^/( /x;", `pcre2_compile() failed: missing closing parenthesis in "^/("`],
  ["rewrite ^/)x /y;", `pcre2_compile() failed: unmatched closing parenthesis in "^/)x" at ")x"`],
  ["rewrite *a /y;", `pcre2_compile() failed: quantifier does not follow a repeatable item in "*a" at "*a"`],
  ["rewrite [a /y;", `pcre2_compile() failed: missing terminating ] for character class in "[a"`],
  [`if ($a ~ "^(") { return 200; }`, `pcre2_compile() failed: missing closing parenthesis in "^("`],
  ["if ($a =) { }", `invalid condition "$a"`],
  ["if (-z /x) { }", `invalid condition "-z"`],
  ["error_page 200 /x;", `value "200" must be between 300 and 599`],
  ["error_page 404 =abc /x;", `invalid value "=abc"`],
  ["error_page = /x;", `invalid value "="`],
  ["error_page 499 /x;", `invalid value "499"`],
  ["add_header X y z;", `invalid parameter "z"`],
  ["expires 1x;", `"expires" directive invalid value`],
  ["expires @25h;", `"expires" directive daily time value must be less than 24 hours`],
  ["expires foo 1h;", `invalid value "foo"`],
  ["set $uri 1;", `the duplicate "uri" variable`],
  ["set x 1;", `invalid variable name "x"`],
  ["return 1000;", `invalid return code "1000"`],
  ["rewrite_log maybe;", `invalid value "maybe" in "rewrite_log" directive, it must be "on" or "off"`],
];

test("tsresty -t: nginx's messages for bad arguments of these directives", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const { loadConfig } = await import("../../src/conf/load.js");
  const { formatDiagnostic } = await import("../../src/conf/diagnostics.js");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-rewrite-t-"));
  fs.mkdirSync(path.join(dir, "conf"));
  try {
    for (const [line, message] of BAD_ARGUMENTS) {
      fs.writeFileSync(path.join(dir, "conf/nginx.conf"), `events {}\nhttp {\n server {\n  location / {\n   ${line}\n  }\n }\n}\n`);
      const r = loadConfig({ prefix: dir });
      const said = r.diagnostics.filter((d) => d.level === "emerg").map(formatDiagnostic);
      assert.deepEqual(said, [`[emerg] ${message} in ${dir}/conf/nginx.conf:5`], line);
    }
    // and good ones pass
    fs.writeFileSync(path.join(dir, "conf/nginx.conf"), `events {}\nhttp {\n server {\n  location / {\n   rewrite ^/(a) /b$1 last; error_page 404 =200 /x?y; error_page 500 = @n; add_header X y always; expires modified +1h; if ($a ~* "^x$") { } set $args a;\n  }\n }\n}\n`);
    assert.deepEqual(loadConfig({ prefix: dir }).diagnostics.filter((d) => d.level === "emerg"), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const DIGITS_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location ~ ^/c/(a)(b)$ { return 200 "[$10] [$1x] [$2$1]\\n"; }
    location /d { rewrite ^/d/(.)(.) /e/$10-$21; }
    location /e { return 200 "$uri\\n"; }
    location /braces { set $v "\${uri}x"; rewrite ^ /e/\${arg_a}y/$v; }
  }
}`;

test("a digit after $ is one capture: $10 is $1 then 0; ${name} braces", async (t) => {
  await diffCase(t, { name: "capture-digits", conf: DIGITS_CONF, requests: [get("/c/ab"), get("/d/xy"), get("/braces?a=1")] });
});

const ODD_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /nos { rewrite ^ foo last; }
    location /empty { rewrite ^/empty(.*) $1 last; }
    location /qq { rewrite ^ /t?a=1?b=2 last; }
    location /t { return 200 "t $uri [$args]\\n"; }
    location / { return 200 "root $uri [$args]\\n"; }
    location /sch { rewrite ^ $scheme://h/x; }
    location /brk2 { if ($arg_a) { rewrite ^ /t?from=brk break; } return 200 "after\\n"; }
  }
}`;

test("odd rewrites: no leading slash, empty result, several ?, $scheme redirects", async (t) => {
  await diffCase(t, { name: "odd-rewrites", conf: ODD_CONF, requests: ["/nos", "/empty", "/qq?z=1", "/sch", "/brk2?a=1"].map((p) => get(p)) });
});

const CAPTURE_CONF = `
events {}
http {
  access_log off;
  server { listen 127.0.0.1:__PORT__;
    location /main { content_by_lua_block {
      for _, u in ipairs({"/rw/x?a=1", "/setv", "/iff?q=1", "/redir"}) do
        local r = ngx.location.capture(u)
        ngx.say(u, " ", r.status, " [", r.body, "] ", tostring(r.header["Location"]), " ", tostring(r.header["X-A"]))
      end
    } }
    location /rw { rewrite ^/rw/(.*) /target/$1 last; }
    location /target { add_header X-A a; return 200 "target $uri $args"; }
    location /setv { set $v "vv"; return 200 "v=$v"; }
    location /iff { if ($arg_q) { add_header X-A ifa; return 200 "if"; } return 200 "noif"; }
    location /redir { rewrite ^ /target redirect; }
  }
}
`;

test("rewrite, set and if in subrequests (ngx.location.capture)", async (t) => {
  await diffCase(t, { name: "rewrite-subrequests", conf: CAPTURE_CONF, requests: [get("/main")] });
});
