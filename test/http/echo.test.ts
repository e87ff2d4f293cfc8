// echo-nginx-module: the echo_* commands, echo_status, echo_before_body/echo_after_body and
// the $echo_* variables, each case compared with the reference nginx.
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";
import { compareLoadErrors } from "./load-check.js";
import { startInProcess } from "./support.js";
import * as assert from "node:assert/strict";

const get = (path: string, headers: [string, string][] = []): DiffRequest => ({ path, headers });

const CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /e { echo hello world; echo -n "a  b"; echo -- -n x; echo "uri=$uri args=$args"; echo; }
    location /n { echo -n; echo -n -n x; echo -- ; echo -n -- -n; }
    location /dup { echo_duplicate 3 "ab"; echo_duplicate 0 x; echo_duplicate 2 "$arg_a\\n"; }
    location /ba { echo_before_body before; echo_after_body after; echo body; }
    location /st { echo_status 404; echo "st"; }
    location /sub1 { echo "sub1 $arg_a $echo_request_method"; }
    location /sub2 { echo -n "sub2"; }
    location /loc { echo start; echo_location /sub1 a=1; echo_location_async /sub2; echo_location /sub1?a=2; echo end; }
    location /sr { echo_subrequest POST /sub1 -q a=3 -b body; echo_subrequest_async GET /sub2; echo_subrequest PUT /rb -b "hello body"; }
    location /rb { echo_read_request_body; echo "rb=[$echo_request_body] m=$echo_request_method cm=$echo_client_request_method"; }
    location /rb2 { echo_read_request_body; echo_request_body; echo; }
    location /ex { echo_exec /sub1 a=9; }
    location /ex2 { echo_exec @named; }
    location @named { echo "named $uri"; }
    location /fe { echo_foreach_split ',' $arg_l; echo "item: $echo_it"; echo_end; echo done; }
    location /vars { echo "cru=$echo_cacheable_request_uri ru=$echo_request_uri i=$echo_incr $echo_incr"; echo_location /vsub; }
    location /vsub { echo "sub cru=$echo_cacheable_request_uri ru=$echo_request_uri i=$echo_incr m=$echo_request_method cm=$echo_client_request_method"; }
    location /hdrs { echo -n $echo_client_request_headers; }
    location /timer { echo_reset_timer; echo_sleep 0.01; echo_flush; echo "t"; }
    location /asyncorder { echo_location_async /sub1 a=x; echo middle; echo_location_async /sub2; echo last; }
    location /if { if ($arg_a) { echo "in if $arg_a"; } echo "outside"; }
  }
}`;

test("echo commands", async (t) => {
  await diffCase(t, {
    name: "echo",
    conf: CONF,
    requests: [
      get("/e"), get("/n"), get("/dup?a=z"), get("/ba"), get("/st"), get("/loc"), get("/sr"), get("/ex"), get("/ex2"),
      get("/fe?l=a,b,,c"), get("/fe"), get("/vars?x=1"), get("/hdrs", [["X-A", "1"]]), get("/timer"), get("/asyncorder"),
      get("/if?a=1"), get("/if"),
      { method: "POST", path: "/rb2", body: "posted body" },
      { method: "POST", path: "/rb", body: "xyz" },
    ],
  });
});

test("echo_subrequest -f: the body from a file (relative to the prefix), -b first, a missing file closes the connection", async (t) => {
  await diffCase(t, {
    name: "echo_subrequest -f",
    conf: `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /rel { echo_subrequest POST /sub -f html/body.txt; }
    location /query { echo_subrequest PUT /sub -f html/body.txt -q x=1; }
    location /both { echo_subrequest POST /sub -b inline -f html/body.txt; }
    location /missing { echo_subrequest POST /sub -f html/missing.txt; echo after; }
    location /sub { echo_read_request_body; echo "[$echo_request_body] $args $content_length $echo_request_method"; }
  }
}`,
    files: { "html/body.txt": "file body\n" },
    requests: [get("/rel"), get("/query"), get("/both"), get("/missing")],
  });
});

test("echo: load-time errors as nginx -t words them", async (t) => {
  await compareLoadErrors(t, [
    "echo_status abc; echo x;", "echo_location /a b c;", "echo_foreach_split , $arg_a; echo x;", "echo_end;",
    "echo_subrequest GET /x -z 1;", "echo_duplicate;", "echo_sleep 1 2;", "echo_exec;",
  ]);
});

test("echo_before_body / echo_after_body around other content", async (t) => {
  await diffCase(t, {
    name: "echo filters",
    conf: `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /static-before { echo_before_body "before --"; return 200 "ret\\n"; }
    location /f.txt { echo_before_body "B"; echo_after_body "A"; }
    location /lua { echo_before_body "B"; echo_after_body -n "A"; content_by_lua_block { ngx.print("x") ngx.flush() ngx.print("y") } }
    location /sub { echo_before_body "sb"; echo_after_body "sa"; echo "sub"; }
    location /main { echo m1; echo_location /sub; echo m2; }
    location /cap { content_by_lua_block { local r = ngx.location.capture("/sub") ngx.print(r.body) } }
  }
}`,
    files: { "html/f.txt": "file\n" },
    mtime: 1700000000,
    requests: ["/static-before", "/f.txt", "/lua", "/main", "/cap"].map((p) => get(p)),
  });
});

test("$echo_timer_elapsed: seconds with milliseconds since the request or echo_reset_timer", async () => {
  const s = await startInProcess(`
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location / { echo_sleep 0.02; echo "a=$echo_timer_elapsed"; echo_reset_timer; echo "b=$echo_timer_elapsed"; }
  }
}`);
  try {
    const [res] = await s.get("/");
    assert.match(res!.body, /^a=\d+\.\d{3}\nb=\d+\.\d{3}\n$/);
  } finally {
    await s.close();
  }
});

test("echo subrequests: error pages in the output, headers, args, HEAD, nested locations", async (t) => {
  await diffCase(t, {
    name: "echo subrequests",
    conf: `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /a { echo a; echo_location /missing; echo_location /r500; echo b; }
    location /r500 { return 500; }
    location /h { echo_location /sub; }
    location /sub { more_set_headers "X-S: 1"; add_header X-A a; echo_status 201; echo sub; }
    location /head { echo hi; }
    location /esc { set_escape_uri $x "$arg_a"; echo_subrequest GET /args -q "a=$x"; }
    location /args { echo "args=$args a=$arg_a"; }
    location /dup { echo_duplicate 1 ""; echo_duplicate 2 "$arg_x"; }
    location /fe2 { echo_foreach_split "," "a,b"; echo_location /args "i=$echo_it"; echo_end; }
    location /exq { echo_exec /args?x=1; }
    location /more-ct { more_set_headers "Content-Type: text/x"; echo x; }
    location /multi-loc { more_set_headers "X-Loc: $uri"; location /multi-loc/in { more_set_headers "X-In: 1"; echo in; } }
  }
}`,
    requests: [
      get("/a"), get("/h"), { method: "HEAD", path: "/head" }, get("/esc?a=a%20b"), get("/dup?x=y"),
      get("/fe2"), get("/exq"), get("/more-ct"), get("/multi-loc/in"),
    ],
  });
});
