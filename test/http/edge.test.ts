// Request-line, URI and header edge cases, compared with nginx.
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
    location / { return 200 "uri=[$uri] args=[$args] ru=[$request_uri] host=[$host] ex=[$http_x]\\n"; }
  }
}`;
const H = "Host: a\r\n";
const raw = (name: string, r: string, responses = 1): DiffRequest => ({ name, raw: r, responses });
test("request-line, URI and header edge cases agree with nginx", async (t) => {
  await diffCase(t, { name: "edge", conf: CONF, requests: [
    raw("fragment", `GET /a?b#c HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("fragment in path", `GET /a#b?c HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("encoded slash", `GET /a%2Fb/%2e%2E/c HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("encoded slash dotdot", `GET /a%2F..%2Fb HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("absolute with port", `GET http://Example.COM:8080/p?q=1 HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("absolute no path", `GET http://example.com HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("absolute no path query", `GET http://example.com?x=1 HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("asterisk", `OPTIONS * HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("utf8 in path", `GET /caf\xc3\xa9?x=\xc3\xa9 HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("utf8 header name", `GET / HTTP/1.1\r\n${H}X\xc3\xa9: 1\r\nConnection: close\r\n\r\n`),
    raw("trailing ws value", `GET / HTTP/1.1\r\n${H}X: v  \t \r\nConnection: close\r\n\r\n`),
    raw("tab before value", `GET / HTTP/1.1\r\n${H}X:\tv\r\nConnection: close\r\n\r\n`),
    raw("empty value", `GET / HTTP/1.1\r\n${H}X:\r\nConnection: close\r\n\r\n`),
    raw("many headers", `GET / HTTP/1.1\r\n${H}${Array.from({length: 200}, (_, i) => `X-H${i}: ${"v".repeat(150)}\r\n`).join("")}Connection: close\r\n\r\n`),
    raw("big request line then headers", `GET /${"y".repeat(3000)} HTTP/1.1\r\n${H}${Array.from({length: 8}, (_, i) => `X-H${i}: ${"v".repeat(3000)}\r\n`).join("")}Connection: close\r\n\r\n`),
    raw("method with underscore", `MY_METHOD / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("method with digit", `GET2 / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("version 1.10", `GET / HTTP/1.10\r\n${H}Connection: close\r\n\r\n`),
    raw("version 01.1", `GET / HTTP/01.1\r\n${H}Connection: close\r\n\r\n`),
    raw("version 1.100", `GET / HTTP/1.100\r\n${H}Connection: close\r\n\r\n`),
    raw("lowercase http", `GET / http/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("tab separator", `GET\t/ HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("CR alone in request line", `GET / HTTP/1.1\rX\r\n${H}Connection: close\r\n\r\n`),
    raw("host with port only", `GET / HTTP/1.1\r\nHost: :80\r\nConnection: close\r\n\r\n`),
    raw("host leading dot", `GET / HTTP/1.1\r\nHost: .a\r\nConnection: close\r\n\r\n`),
    raw("host dotdot", `GET / HTTP/1.1\r\nHost: a..b\r\nConnection: close\r\n\r\n`),
    raw("host uppercase trailing dot", `GET / HTTP/1.1\r\nHost: A.B.\r\nConnection: close\r\n\r\n`),
    raw("host ipv6", `GET / HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close\r\n\r\n`),
    raw("host backslash", `GET / HTTP/1.1\r\nHost: a\\b\r\nConnection: close\r\n\r\n`),
    raw("args with dot segments", `GET /a/./b?c=/../d HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("double query", `GET /a??b HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("percent in args", `GET /a?%zz HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("encoded question mark", `GET /a%3Fb HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("trailing dot segment", `GET /a/b/. HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("trailing dotdot", `GET /a/b/.. HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("triple dots", `GET /a/.../b HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("dot file", `GET /a/.b/c HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("double slash start", `GET //a//b HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("backslash path", `GET /a\\b HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    raw("TE chunked uppercase", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: Chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`),
    raw("TE chunked, gzip", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`),
    raw("CL with spaces", `POST / HTTP/1.1\r\n${H}Content-Length:  3 \r\nConnection: close\r\n\r\nabc`),
    raw("CL plus sign", `POST / HTTP/1.1\r\n${H}Content-Length: +3\r\nConnection: close\r\n\r\nabc`),
    raw("CL huge", `POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999999\r\nConnection: close\r\n\r\n`),
  ]});
});
