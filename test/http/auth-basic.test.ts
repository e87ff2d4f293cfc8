// auth_basic and auth_basic_user_file (ngx_http_auth_basic_module), compared with the
// reference nginx over real HTTP: every hash scheme nginx and glibc's crypt(3) check (the
// reference verifies the hashes our code makes), the Authorization header's edge cases,
// realms with variables, and the error-log lines.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { diffCase, type DiffRequest } from "../differential/harness.js";
import { cryptPassword } from "../../src/http/modules/auth-basic-crypt.js";

const get = (path: string, headers: [string, string][] = []): DiffRequest => ({ path, headers });
const auth = (value: string): [string, string] => ["Authorization", value];
const basic = (user: string, pass: string): [string, string] => auth("Basic " + Buffer.from(user + ":" + pass, "latin1").toString("base64"));

function sshaOf(pass: string, salt: string): string {
  const d = createHash("sha1").update(pass).update(salt).digest();
  return "{SSHA}" + Buffer.concat([d, Buffer.from(salt)]).toString("base64");
}

// Known answers made by `openssl passwd` (salts fixed).
const OPENSSL: readonly [string, string][] = [
  ["$apr1$", "$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/"],
  ["$1$", "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1"],
  ["$5$", "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA"],
  ["$6$", "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"],
];

test("crypt schemes give openssl's known answers", () => {
  for (const [, hash] of OPENSSL) assert.equal(cryptPassword("secret", hash), hash);
  assert.equal(cryptPassword("secret", "{SHA}x"), "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=");
  assert.equal(cryptPassword("secret", "{PLAIN}x"), "{PLAIN}secret");
  assert.equal(cryptPassword("secret", sshaOf("secret", "saltsalt")), sshaOf("secret", "saltsalt"));
});

const LONG = "a much longer password than sixteen bytes, to cover the repeats";
const HTPASSWD = [
  "# a comment line",
  "plain:{PLAIN}secret",
  "sha:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
  "ssha:" + sshaOf("secret", "saltsalt"),
  ...OPENSSL.map(([p, h]) => p.replace(/\$/g, "") + ":" + h),
  // Made by our code; the reference's crypt(3) checks them.
  "rounds5:" + cryptPassword("secret", "$5$rounds=1000$roundsalt$")!,
  "rounds6:" + cryptPassword("secret", "$6$rounds=2000$longsaltlongsaltlong$")!,
  "long1:" + cryptPassword(LONG, "$1$xy$")!,
  "long5:" + cryptPassword(LONG, "$5$abc$")!,
  "long6:" + cryptPassword(LONG, "$6$abcdefghijklmnop$")!,
  "longapr:" + cryptPassword(LONG, "$apr1$q$")!,
  "empty:" + cryptPassword("", "$6$e$")!,
  "comment:{PLAIN}secret:a comment field",
  // crypt(3) reads these as DES (salt "no") or as an invalid salt
  "garbage:nonsense",
  "star:*",
  "crlf:{PLAIN}secret\r",
  "",
].join("\n");

const AUTH_CONF = `
events {}
http {
  access_log off;
  error_log logs/error.log info;
  server {
    listen 127.0.0.1:__PORT__;
    location / {
      auth_basic "Restricted area";
      auth_basic_user_file htpasswd;
      return 200 "hello $remote_user\\n";
    }
    location /var { auth_basic "realm of $host"; auth_basic_user_file htpasswd; return 200 "ok\\n"; }
    location /off { auth_basic off; auth_basic_user_file htpasswd; return 200 "off\\n"; }
    location /offvar { set $r off; auth_basic $r; auth_basic_user_file htpasswd; return 200 "offvar\\n"; }
    location /nofile { auth_basic "x"; return 200 "no file: no check\\n"; }
    location /missing { auth_basic "x"; auth_basic_user_file missing.htpasswd; return 200 "never\\n"; }
    location /filevar { auth_basic "x"; auth_basic_user_file $arg_f; return 200 "filevar\\n"; }
    location /inh {
      auth_basic "outer";
      auth_basic_user_file htpasswd;
      location /inh/in { return 200 "inner inherits\\n"; }
      location /inh/off { auth_basic off; return 200 "inner off\\n"; }
    }
  }
}
`;

test("auth_basic: schemes, users, headers, realms", async (t) => {
  const users = ["plain", "sha", "ssha", "apr1", "1", "5", "6", "rounds5", "rounds6", "comment", "crlf"];
  await diffCase(t, {
    name: "auth-basic", conf: AUTH_CONF, files: { "conf/htpasswd": HTPASSWD }, requests: [
      ...users.map((u) => get("/", [basic(u, "secret")])),
      ...users.map((u) => get("/", [basic(u, "wrong")])),
      get("/", [basic("long1", LONG)]), get("/", [basic("long5", LONG)]), get("/", [basic("long6", LONG)]), get("/", [basic("longapr", LONG)]),
      get("/", [basic("empty", "")]), get("/", [basic("empty", "x")]),
      get("/", [basic("garbage", "secret")]), get("/", [basic("star", "secret")]),
      get("/"), get("/", [basic("nobody", "secret")]), get("/", [basic("#", "x")]),
      get("/", [auth("Basic")]), get("/", [auth("Basic ")]), get("/", [auth("basic " + Buffer.from("plain:secret").toString("base64"))]),
      get("/", [auth("Basic   " + Buffer.from("plain:secret").toString("base64"))]),
      get("/", [auth("Bearer abc")]), get("/", [auth("Basic " + Buffer.from("nocolon").toString("base64"))]),
      get("/", [auth("Basic !!!!")]),
      get("/var", [["Host", "example.com"]]), get("/off"), get("/offvar"), get("/nofile"), get("/missing", [basic("plain", "secret")]),
      get("/filevar?f=htpasswd", [basic("plain", "secret")]),
      get("/inh/in"), get("/inh/in", [basic("plain", "secret")]), get("/inh/off"),
    ],
  });
});
