// Location selection, server selection and URI normalisation: each case names the
// location it must reach, and the whole table is also run on the reference nginx.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { diffCase, runSide, type DiffCase, type DiffRequest } from "../differential/harness.js";

const LOCATIONS_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    # nginx's documentation example (ngx_http_core_module#location)
    location = / { return 200 "A\\n"; }
    location / { return 200 "B\\n"; }
    location /documents/ { return 200 "C\\n"; }
    location ^~ /images/ { return 200 "D\\n"; }
    location ~* \\.(gif|jpg|jpeg)$ { return 200 "E\\n"; }
    # nested locations: the nested regex wins over the outer ones
    location /n/ {
      location /n/a/ { return 200 "n-a\\n"; }
      location ~ \\.txt$ { return 200 "n-txt\\n"; }
      return 200 "n\\n";
    }
    location ~ \\.txt$ { return 200 "txt\\n"; }
    location ^~ /p/ {
      location ~ \\.txt$ { return 200 "p-txt\\n"; }
      return 200 "p\\n";
    }
    # an outer regex beats a nested prefix
    location /q/ {
      location /q/r/ { return 200 "q-r\\n"; }
      return 200 "q\\n";
    }
    location ~ ^/q/r/x { return 200 "q-regex\\n"; }
    # regexes in order of appearance
    location ~ ^/ord/a { return 200 "ord1\\n"; }
    location ~ ^/ord { return 200 "ord2\\n"; }
    location ~ /CaSe { return 200 "case\\n"; }
    location ~* /insens { return 200 "insens\\n"; }
    location = /e { return 200 "exact-e\\n"; }
    location /e { return 200 "prefix-e\\n"; }
    location @named { return 200 "named\\n"; }
    location ~ ^/cap/(?<word>[a-z]+)/(\\d+)$ { return 200 "$word $1 $2\\n"; }
    location /u/ { return 200 "uri=$uri args=$args request_uri=$request_uri is_args=$is_args a=$arg_a B=$arg_b\\n"; }
    location /r/ { return 302 /target; }
    location /internal/ { internal; return 200 "internal\\n"; }
  }
}
`;

/** [uri, expected body] */
const LOCATION_CASES: readonly (readonly [string, string])[] = [
  ["/", "A"],
  ["/index.html", "B"],
  ["/documents/document.html", "C"],
  ["/images/1.gif", "D"],
  ["/documents/1.jpg", "E"],
  ["/documents/1.JPG", "E"],
  ["/n/", "n"],
  ["/n/a/b", "n-a"],
  ["/n/a/b.txt", "n-txt"],
  ["/x.txt", "txt"],
  ["/p/", "p"],
  ["/p/a.txt", "p-txt"],
  ["/q/", "q"],
  ["/q/r/", "q-r"],
  ["/q/r/xyz", "q-regex"],
  ["/ord/abc", "ord1"],
  ["/ord/b", "ord2"],
  ["/CaSe", "case"],
  ["/case", "B"],
  ["/INSENS", "insens"],
  ["/e", "exact-e"],
  ["/e/", "prefix-e"],
  ["/ex", "prefix-e"],
  ["/@named", "B"],
  ["/cap/abc/42", "abc abc 42"],
  // normalisation before matching
  ["/documents/../images/1.gif", "D"],
  ["/n//a/x", "n-a"],
  ["/%6E/a/", "n-a"],
  ["/n/./a/", "n-a"],
  ["/n/a/..", "n"],
];

const URI_CASES: readonly string[] = [
  "/u/a?a=1&b=2",
  "/u/a%20b?x",
  "/u//a///b/",
  "/u/a/./b/../c",
  "/u/?A=up&a=low",
  "/u/%41%42?a=%41",
  "/u/a?",
  "/u/a?a",
  "/u/a+b?b=+",
];

const REQ = (path: string): DiffRequest => ({ name: path, raw: `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n` });

const locationsCase: DiffCase = {
  name: "locations",
  conf: LOCATIONS_CONF,
  requests: [
    ...LOCATION_CASES.map(([p]) => REQ(p)),
    ...URI_CASES.map(REQ),
    REQ("/../x"),
    REQ("/a/%2e%2e/%2e%2e/x"),
    REQ("/%zz"),
    REQ("/r/"),
    REQ("/internal/"),
  ],
};

test("location matching follows nginx (expected table)", async () => {
  const side = await runSide(locationsCase, "tsresty");
  LOCATION_CASES.forEach(([uri, want], i) => {
    const r = side.responses[i]![0];
    assert.ok(r, `no response for ${uri}`);
    assert.equal(r.body, want + "\n", `location for ${uri}`);
  });
  const u = side.responses[LOCATION_CASES.length]![0]!;
  assert.equal(u.body, "uri=/u/a args=a=1&b=2 request_uri=/u/a?a=1&b=2 is_args=? a=1 B=2\n");
});

test("location matching, URIs and redirects agree with nginx", async (t) => {
  await diffCase(t, locationsCase);
});

const SERVERS_CONF = `
events {}
http {
  access_log off;
  server { listen 127.0.0.1:__PORT__; server_name example.com www.example.com; return 200 "exact $server_name $host\\n"; }
  server { listen 127.0.0.1:__PORT__; server_name *.example.com; return 200 "leading $server_name $host\\n"; }
  server { listen 127.0.0.1:__PORT__; server_name www.example.*; return 200 "trailing $server_name\\n"; }
  server { listen 127.0.0.1:__PORT__ default_server; server_name _; return 200 "default $server_name $host\\n"; }
  server { listen 127.0.0.1:__PORT__; server_name ~^(?<sub>[a-z]+)\\.regex\\.org$; return 200 "regex $sub\\n"; }
  server { listen 127.0.0.1:__PORT__; server_name ~^(www)\\.(num)\\.org$; return 200 "numbered $1 $2\\n"; }
  server { listen 127.0.0.1:__PORT__; server_name .dot.net; return 200 "dot $server_name $host\\n"; }
  server { listen 127.0.0.1:__PORT__; server_name ""; return 200 "empty\\n"; }
  server { listen 127.0.0.1:__PORT__; server_name first.org; return 200 "first\\n"; }
}
`;

const HOSTS = [
  "example.com", "www.example.com", "a.example.com", "a.b.example.com", "www.example.org", "foo.regex.org",
  "www.num.org", "dot.net", "x.dot.net", "other.org", "EXAMPLE.COM", "example.com.", "example.com:8080", "first.org",
];

test("server selection by name agrees with nginx", async (t) => {
  await diffCase(t, {
    name: "servers",
    conf: SERVERS_CONF,
    requests: [
      ...HOSTS.map((h) => ({ name: h, raw: `GET / HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n` })),
      { name: "no host (HTTP/1.0)", raw: "GET / HTTP/1.0\r\n\r\n" },
      { name: "absolute URI", raw: "GET http://a.example.com/x HTTP/1.1\r\nHost: other.org\r\nConnection: close\r\n\r\n" },
    ],
  });
});

test("server selection (expected)", async () => {
  const side = await runSide({
    name: "servers-ts",
    conf: SERVERS_CONF,
    requests: HOSTS.slice(0, 10).map((h) => ({ raw: `GET / HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n` })),
  }, "tsresty");
  const bodies = side.responses.map((r) => r[0]?.body.trim());
  assert.deepEqual(bodies, [
    "exact example.com example.com", "exact example.com www.example.com", "leading *.example.com a.example.com",
    "leading *.example.com a.b.example.com", "trailing www.example.*", "regex foo", "numbered www num",
    "dot dot.net dot.net", "dot dot.net x.dot.net", "default _ other.org",
  ]);
});

test("listen: a specific address beside a wildcard on one port, default_server per address", async (t) => {
  const conf = `
events {}
http {
  access_log off;
  server { listen 127.0.0.1:__PORT__; server_name a; return 200 "specific a $server_addr\\n"; }
  server { listen 127.0.0.1:__PORT__ default_server; server_name b; return 200 "specific default b\\n"; }
  server { listen __PORT__; server_name a; return 200 "wildcard a $server_addr\\n"; }
  server { listen *:__PORT__; server_name c; return 200 "wildcard c\\n"; }
}
`;
  const req = (host: string, to: string): DiffRequest => ({ name: `${host} via ${to}`, connectHost: to, raw: `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n` });
  await diffCase(t, {
    name: "listen",
    conf,
    requests: [req("a", "127.0.0.1"), req("c", "127.0.0.1"), req("zzz", "127.0.0.1"), req("a", "127.0.0.2"), req("c", "127.0.0.2"), req("zzz", "127.0.0.2")],
  });
});
