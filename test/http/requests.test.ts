// Requests as the transport sees them: malformed input, keep-alive and pipelining, HEAD,
// HTTP/1.0 and 0.9, bodies (Content-Length, chunked, Expect), and nginx's error pages,
// each compared with the reference nginx.
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";

const CONF = `
error_log logs/error.log info;
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location / { return 200 "hello\\n"; }
    location /small { client_max_body_size 10; return 200 "ok\\n"; }
    location /ka { keepalive_timeout 30 20; return 200 "ka\\n"; }
    location /nka { keepalive_timeout 0; return 200 "nka\\n"; }
    location /kr { keepalive_requests 2; return 200 "kr\\n"; }
    location /tokens { server_tokens off; return 404; }
    location /empty { return 200; }
    location /html { return 200 "<b>x</b>"; }
  }
}
`;

const raw = (name: string, r: string, responses = 1): DiffRequest => ({ name, raw: r, responses });
const H = "Host: a\r\n";

test("malformed requests get nginx's statuses, pages and log lines", async (t) => {
  await diffCase(t, {
    name: "malformed",
    conf: CONF,
    requests: [
      raw("too long URI", `GET /${"x".repeat(9000)} HTTP/1.1\r\n${H}\r\n`),
      raw("URI at the limit", `GET /${"x".repeat(8176)} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
      raw("URI one past the limit", `GET /${"x".repeat(8177)} HTTP/1.1\r\n${H}\r\n`),
      raw("too long header", `GET / HTTP/1.1\r\n${H}X-A: ${"x".repeat(9000)}\r\n\r\n`),
      raw("header at the limit", `GET / HTTP/1.1\r\n${H}X: ${"x".repeat(8187)}\r\nConnection: close\r\n\r\n`),
      raw("too long cookie", `GET / HTTP/1.1\r\n${H}Cookie: ${"x".repeat(9000)}\r\n\r\n`),
      raw("unknown transfer-encoding", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`),
      raw("CL and TE", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`),
      raw("TE on HTTP/1.0", `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`),
      raw("no host", "GET / HTTP/1.1\r\n\r\n"),
      raw("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
      raw("bad method", "GARBAGE\r\n\r\n"),
      raw("lowercase method", `get / HTTP/1.1\r\n${H}\r\n`),
      raw("space in header name", `GET / HTTP/1.1\r\n${H}bad header\r\n\r\n`),
      raw("empty header name", `GET / HTTP/1.1\r\n${H}: x\r\n\r\n`),
      raw("folded header", `GET / HTTP/1.1\r\n${H}  folded\r\n\r\n`),
      raw("CR in value", `GET / HTTP/1.1\r\n${H}X: a\rb\r\n\r\n`),
      raw("NUL in value", `GET / HTTP/1.1\r\n${H}X: a\x00b\r\n\r\n`),
      raw("control char in name", `GET / HTTP/1.1\r\n${H}X\x01: b\r\n\r\n`),
      raw("bad content-length", `GET / HTTP/1.1\r\n${H}Content-Length: abc\r\n\r\n`),
      raw("duplicate host", `GET / HTTP/1.1\r\n${H}Host: b\r\n\r\n`),
      raw("duplicate content-length", `GET / HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 1\r\n\r\nx`),
      raw("empty host", "GET / HTTP/1.1\r\nHost:\r\n\r\n"),
      raw("host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"),
      raw("HTTP/2.0 version", `GET / HTTP/2.0\r\n${H}\r\n`),
      raw("HTTP/3.0 version", `GET / HTTP/3.0\r\n${H}\r\n`),
      raw("bad protocol", `GET / FOO/1.1\r\n${H}\r\n`),
      raw("space in URI", `GET /a b HTTP/1.1\r\n${H}\r\n`),
      raw("dotdot above root", `GET /../a HTTP/1.1\r\n${H}\r\n`),
      raw("encoded dotdot", `GET /%2e%2e/a HTTP/1.1\r\n${H}\r\n`),
      raw("bad escape", `GET /%zz HTTP/1.1\r\n${H}\r\n`),
      raw("encoded NUL", `GET /a%00b HTTP/1.1\r\n${H}\r\n`),
      raw("TRACE", `TRACE / HTTP/1.1\r\n${H}\r\n`),
      raw("CONNECT", `CONNECT / HTTP/1.1\r\n${H}\r\n`),
      raw("HTTP/0.9 POST", "POST /\r\n", 0),
      raw("body too large", `POST /small HTTP/1.1\r\n${H}Content-Length: 20\r\n\r\n01234567890123456789`),
      raw("bad chunk", `POST /small HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\n`),
      raw("invalid header ignored", `GET / HTTP/1.1\r\n${H}X_Foo: bar\r\nX.y: 1\r\nConnection: close\r\n\r\n`),
      raw("underscore ignored", `GET / HTTP/1.1\r\n${H}A_B: c\r\nConnection: close\r\n\r\n`),
      raw("header without colon", `GET / HTTP/1.1\r\n${H}Nocolon\r\nConnection: close\r\n\r\n`),
    ],
  });
});

test("keep-alive, pipelining, HEAD, HTTP/1.0 and 0.9, bodies", async (t) => {
  await diffCase(t, {
    name: "connections",
    conf: CONF,
    requests: [
      raw("HTTP/1.0", "GET / HTTP/1.0\r\n\r\n"),
      raw("HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /empty HTTP/1.0\r\n\r\n", 2),
      raw("HTTP/0.9", "GET /\r\n", 0),
      raw("HEAD", `HEAD / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
      raw("pipelined", `GET / HTTP/1.1\r\n${H}\r\nGET /nothing HTTP/1.1\r\nHost: b\r\n\r\nHEAD /html HTTP/1.1\r\n${H}\r\nGET /empty HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 4),
      raw("close header", `GET / HTTP/1.1\r\n${H}Connection: Keep-Alive, Close\r\n\r\n`),
      raw("keepalive_timeout header", `GET /ka HTTP/1.1\r\n${H}\r\nGET /nka HTTP/1.1\r\n${H}\r\nGET / HTTP/1.1\r\n${H}\r\n`, 3),
      raw("chunked body then pipelined", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 2),
      raw("body then pipelined", `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhelloGET /empty HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 2),
      raw("expect 100-continue", `POST / HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 3\r\n\r\n`, 2),
      raw("leading empty lines", `\r\n\r\nGET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
      raw("bare LF", "GET / HTTP/1.1\nHost: a\nConnection: close\n\n"),
      raw("extra spaces", `GET  /  HTTP/1.1  \r\n${H}Connection: close\r\n\r\n`),
      raw("HTTP/1.2", `GET / HTTP/1.2\r\n${H}Connection: close\r\n\r\n`),
      raw("keepalive_requests", `GET /kr HTTP/1.1\r\n${H}\r\nGET /kr HTTP/1.1\r\n${H}\r\nGET /kr HTTP/1.1\r\n${H}\r\n`, 2),
      raw("types by extension", `GET /html/a.html HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    ],
  });
});

const CODES = [200, 201, 202, 203, 204, 206, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 429, 431, 494, 495, 496, 497, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 599, 600, 999];

test("error pages and status lines, byte for byte", async (t) => {
  const locs = CODES.map((c) => `location = /s/${c} { return ${c}; }\n    location = /t/${c} { return ${c} "text $uri"; }`).join("\n    ");
  await diffCase(t, {
    name: "error-pages",
    conf: CONF.replace('location / { return 200 "hello\\n"; }', `location / { return 200 "hello\\n"; }\n    ${locs}`),
    requests: [
      ...CODES.flatMap((c) => [
        raw(`return ${c}`, `GET /s/${c} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
        raw(`return ${c} text`, `GET /t/${c} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
      ]),
      raw("server_tokens off", `GET /tokens HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
      raw("keep-alive after 404", `GET /s/404 HTTP/1.1\r\n${H}\r\nGET /s/500 HTTP/1.1\r\n${H}\r\n`, 2),
      raw("HEAD 404", `HEAD /s/404 HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
      raw("MSIE padding", `GET /s/404 HTTP/1.1\r\n${H}User-Agent: Mozilla/4.0 (compatible; MSIE 6.0)\r\nConnection: close\r\n\r\n`),
      raw("relative redirect", `GET /s/302x HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    ],
  });
});

test("the access log's combined format, for good and bad requests", async (t) => {
  await diffCase(t, {
    name: "access-log",
    conf: CONF.replace("access_log off;", "log_format custom '$request_method $uri $args $status $body_bytes_sent [$http_x_a] $request_length';\n  access_log logs/access.log;\n  access_log logs/access.log custom;"),
    accessLog: true,
    requests: [
      raw("plain", `GET /?a=1 HTTP/1.1\r\n${H}User-Agent: ua "quoted"\r\nReferer: http://r/\r\nConnection: close\r\n\r\n`),
      raw("404", `GET /tokens HTTP/1.1\r\n${H}X-A: \x01\xff\r\nConnection: close\r\n\r\n`),
      raw("bad request", "GARBAGE\r\n\r\n"),
      raw("too large", `POST /small HTTP/1.1\r\n${H}Content-Length: 20\r\n\r\n01234567890123456789`),
      raw("HEAD", `HEAD / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    ],
  });
});
