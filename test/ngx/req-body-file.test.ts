// The request body as Lua replaces it, compared with nginx + ngx_lua: set_body_data (kept in
// memory whatever its size), init_body/append_body/finish_body spilling to a temporary file
// past the buffer (client_body_buffer_size or init_body's size) with nginx's warning,
// set_body_file (auto_clean), what get_body_data / get_body_file / $request_body /
// Content-Length say at each step, and the new body forwarded by proxy_pass and capture.
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";

const CONF = `
events {}
http {
  error_log logs/error.log info;
  client_body_buffer_size 8k;
  client_body_temp_path client_body_temp;
  server {
    listen 127.0.0.1:__PORT__;
    location /echo { content_by_lua_block {
      ngx.req.read_body()
      local d = ngx.req.get_body_data()
      local f = ngx.req.get_body_file()
      if not d and f then local h = io.open(f) d = h:read("*a") h:close() end
      ngx.say("echo ", ngx.var.http_content_length, " ", d and #d, " ", d and d:sub(1, 10))
    } }
    location /up { proxy_pass http://127.0.0.1:__PORT__/echo; }
    location /info { content_by_lua_block {
      local function info(tag)
        local f = ngx.req.get_body_file()
        local d = ngx.req.get_body_data()
        ngx.say(tag, ": data=", d and #d, " file=", f and (f:match("client_body_temp/%d+$") and "temp" or f:gsub("%d+$", "N")),
          " cl=", ngx.var.http_content_length, " rb=", ngx.var.request_body and #ngx.var.request_body)
      end
      ngx.req.read_body()
      info("read")
      local m = ngx.var.arg_m
      local p = "/tmp/tsresty-bodyfile-" .. ngx.var.server_port
      if m == "set" then ngx.req.set_body_data(string.rep("x", 20000)) info("set20000")
      elseif m == "init" then
        ngx.req.init_body() ngx.req.append_body(string.rep("y", 5000)) info("app5000")
        ngx.req.append_body(string.rep("y", 5000)) info("app10000") ngx.req.finish_body() info("fin")
      elseif m == "init100" then
        ngx.req.init_body(100) ngx.req.append_body(string.rep("z", 60)) ngx.req.append_body(string.rep("z", 60))
        ngx.req.finish_body() info("fin")
      elseif m == "small" then ngx.req.init_body() ngx.req.append_body("abc") ngx.req.finish_body() info("fin")
      elseif m == "spillthenfile" then
        ngx.req.init_body(10) ngx.req.append_body(string.rep("q", 20)) ngx.req.finish_body() info("spilled")
        local h = io.open(p, "w") h:write(string.rep("g", 7)) h:close()
        ngx.req.set_body_file(p, true) info("setfile")
        ngx.req.set_body_data("after") info("setdata")
      elseif m == "reinit" then
        ngx.req.init_body(10) ngx.req.append_body(string.rep("q", 20))
        ngx.req.init_body() ngx.req.append_body("new") ngx.req.finish_body() info("reinit")
      end
      local r = ngx.location.capture("/echo", { always_forward_body = true, method = ngx.HTTP_POST })
      ngx.print("capture ", r.body)
      r = ngx.location.capture("/up", { always_forward_body = true, method = ngx.HTTP_POST })
      ngx.print("proxy ", r.body)
    } }
    location /file { content_by_lua_block {
      -- (logged from the main chunk, on one line: ngx.log's "fname(): " prefix is not what is tested here)
      local function info(tag)
        local f = ngx.req.get_body_file()
        local d = ngx.req.get_body_data()
        return tag .. ": data=" .. tostring(d and #d) .. " file=" .. tostring(f and (f:gsub("%d+$", "N"))) .. " cl="
          .. ngx.var.http_content_length .. " rb=" .. tostring(ngx.var.request_body and #ngx.var.request_body)
      end
      ngx.req.read_body()
      local p = "/tmp/tsresty-bodyfile-" .. ngx.var.server_port
      local h = io.open(p, "w") h:write(string.rep("f", 30)) h:close()
      local r1, r2
      if ngx.var.arg_m == "nofile" then r1, r2 = pcall(ngx.req.set_body_file, "/nonexistent/x")
      else r1, r2 = pcall(ngx.req.set_body_file, p, ngx.var.arg_clean == "1") end
      local line = tostring(r1) .. " " .. tostring(r2) .. " " .. info(ngx.var.arg_m)
      ngx.log(ngx.ERR, line)
      if ngx.var.arg_x == "exec" then return ngx.exec("/up") end
      ngx.say("done")
    } }
    location /exists { content_by_lua_block {
      local p = "/tmp/tsresty-bodyfile-" .. ngx.var.server_port
      -- ?gone=1: the file is expected gone; the request that removes it may still be ending.
      if ngx.var.arg_gone then
        for i = 1, 40 do
          local h = io.open(p)
          if not h then break end
          h:close()
          ngx.sleep(0.05)
        end
      end
      local h = io.open(p)
      ngx.say(h ~= nil)
      if h then h:close() os.remove(p) end
    } }
    location /noread { content_by_lua_block {
      ngx.say(pcall(ngx.req.set_body_file, "/tmp/x"))
      ngx.say(pcall(ngx.req.init_body))
      ngx.say(pcall(ngx.req.set_body_data, "x"))
      ngx.say(pcall(ngx.req.append_body, "x"))
      ngx.say(pcall(ngx.req.finish_body))
    } }
  }
}
`;

const post = (path: string): DiffRequest => ({ method: "POST", path, body: "hello" });

test("ngx.req body replacement: memory, temporary files, set_body_file", async (t) => {
  await diffCase(t, {
    name: "req-body-file",
    conf: CONF,
    requests: [
      post("/info?m=set"), post("/info?m=init"), post("/info?m=init100"), post("/info?m=small"),
      post("/info?m=spillthenfile"), { path: "/exists?gone=1" }, post("/info?m=reinit"),
      post("/file?m=nofile"), post("/file?m=file"), { path: "/exists" },
      post("/file?m=file&clean=1"), { path: "/exists?gone=1" },
      post("/file?m=file&clean=1&x=exec"), { path: "/exists?gone=1" },
      { path: "/noread" },
    ],
    // The temporary files' numbers differ (nginx counts from its start); which of the upstream
    // side's reads spill is the proxy's business, not compared here.
    ignoreLog: [/a client request body is buffered to a temporary file/],
    // The response proxied from a body in a file: Content-Length (nginx) or chunked (tsresty).
    ignoreHeaders: ["content-length", "transfer-encoding"],
  });
});
