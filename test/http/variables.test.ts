// nginx's core variables, compared with the reference: each location returns a few of them.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const VARS = [
  "uri", "document_uri", "request_uri", "args", "query_string", "is_args", "arg_a", "arg_B", "arg_missing",
  "http_user_agent", "http_x_multi", "http_cookie", "cookie_sid", "cookie_other", "remote_addr", "server_addr",
  "server_port", "server_name", "host", "scheme", "https", "request_method", "request", "server_protocol",
  "content_type", "content_length", "nginx_version", "connection_requests", "document_root", "request_filename",
  "sent_http_content_type", "sent_http_x_nothing", "status", "remote_user", "unknown_thing",
];

const CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    server_name vars.test;
    root /tmp/ts-vars-root;
    ${VARS.map((v) => `location = /v/${v} { return 200 "[$${v}]\\n"; }`).filter((l) => !l.includes("$unknown_thing")).join("\n    ")}
    location /alias/ { alias /tmp/ts-alias/; return 200 "[$document_root][$request_filename]\\n"; }
    location ~ ^/re/(?<name>\\w+)/(\\d+) { return 200 "[$name][$1][$2][$3]\\n"; }
  }
}
`;

test("core variables agree with nginx", async (t) => {
  const H = "Host: Vars.Test:8080\r\nUser-Agent: ua/1\r\nX-Multi: a\r\nX-Multi: b\r\nCookie: sid=42; other=x\r\nCookie: third=3\r\n" +
    "Content-Type: text/x\r\nAuthorization: Basic dXNlcjpwYXNz\r\n";
  await diffCase(t, {
    name: "variables",
    conf: CONF,
    requests: [
      ...VARS.filter((v) => v !== "unknown_thing").map((v) => ({
        name: v,
        raw: `POST /v/${v}?a=1&b=2&B=3 HTTP/1.1\r\n${H}Content-Length: 0\r\nConnection: close\r\n\r\n`,
      })),
      { name: "no args", raw: `GET /v/is_args HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n` },
      { name: "HTTP/1.0 host", raw: `GET /v/host HTTP/1.0\r\n\r\n` },
      { name: "alias", raw: `GET /alias/f/g.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n` },
      { name: "captures", raw: `GET /re/abc/42 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n` },
    ],
  });
});
