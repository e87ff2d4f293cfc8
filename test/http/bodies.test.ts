// Request bodies: sizes, limits, chunked framing, discarding and lingering, compared with nginx.
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";
const CONF = `
error_log logs/error.log info;
events {}
http {
  access_log off;
  client_max_body_size 3m;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location / { return 200 "ok $content_length\\n"; }
    location /tiny { client_max_body_size 5; return 200 "tiny\\n"; }
    location /nolimit { client_max_body_size 0; return 200 "nolimit\\n"; }
  }
}`;
const H = "Host: a\r\n";
const raw = (name: string, r: string, responses = 1): DiffRequest => ({ name, raw: r, responses });
const big = "z".repeat(2 * 1024 * 1024);
test("request bodies agree with nginx", async (t) => {
  await diffCase(t, { name: "bodies", conf: CONF, requests: [
    raw("2MB body then pipelined", `POST / HTTP/1.1\r\n${H}Content-Length: ${big.length}\r\n\r\n${big}GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 2),
    raw("4MB declared", `POST / HTTP/1.1\r\n${H}Content-Length: ${4 * 1024 * 1024}\r\n\r\nabc`),
    raw("chunked over tiny", `POST /tiny HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n`),
    raw("chunked exactly tiny", `POST /tiny HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n01234\r\n0\r\n\r\n`),
    raw("CL exactly tiny", `POST /tiny HTTP/1.1\r\n${H}Content-Length: 5\r\nConnection: close\r\n\r\n01234`),
    raw("nolimit", `POST /nolimit HTTP/1.1\r\n${H}Content-Length: ${5 * 1024 * 1024}\r\nConnection: close\r\n\r\nab`),
    raw("chunk extension and trailer", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\nGET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 2),
    raw("chunk size overflow", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n`),
    raw("chunk missing CRLF", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n`),
    raw("HTTP/1.0 keep-alive 404", `GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`),
  ]});
});
