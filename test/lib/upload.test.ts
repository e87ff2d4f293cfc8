// resty.upload under the real server: multipart bodies posted over HTTP and read token by
// token, printed as lua-resty-upload's own tests print them (cjson of {typ, res}). The
// chunking follows the cosocket's receiveuntil as the reference nginx answers it: a piece of
// exactly chunk_size bytes before a boundary is followed by an empty one. (During
// development these forms were also run through the original library's logic on the
// reference's ngx.req.socket, with identical output.)
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startInProcess, type InProcess } from "../http/support.js";
import { exchange } from "../differential/harness.js";

let srv: InProcess;

const READ_ALL = String.raw`
    local upload = require "resty.upload"
    local cjson = require "cjson"
    local form, err = upload:new(tonumber(ngx.var.arg_chunk) or 4096, tonumber(ngx.var.arg_line))
    if not form then
      ngx.say("failed to new upload: ", err)
      return
    end
    for i = 1, 40 do
      local typ, res, e = form:read()
      if not typ then
        ngx.say("failed to read: ", e)
        return
      end
      ngx.say("read: ", cjson.encode({ typ, res }))
      if typ == "eof" then break end
    end
    ngx.say("read: ", cjson.encode({ form:read() }))
`;

const LOCATIONS: Record<string, string> = {
  "/form": READ_ALL,
  "/after-read": `ngx.req.read_body() ${READ_ALL}`,
  "/twice": String.raw`
    local upload = require "resty.upload"
    local a = upload:new(10)
    ngx.say(select(2, upload:new(10)))
    ngx.say(a:read())
  `,
  "/big": String.raw`
    local upload = require "resty.upload"
    local form = assert(upload:new(4096))
    local n, chunks, max = 0, 0, 0
    while true do
      local typ, res, err = form:read()
      if not typ then ngx.say(err) return end
      if typ == "body" then
        n = n + #res
        chunks = chunks + 1
        if #res > max then max = #res end
      elseif typ == "eof" then
        break
      end
    end
    ngx.say(n, " ", chunks, " ", max, " ", ngx.req.get_body_file() ~= nil)
  `,
  "/preserve": String.raw`
    local upload = require "resty.upload"
    local form = assert(upload:new(1000, nil, true))
    local parts = {}
    while true do
      local typ, res, err = form:read()
      if not typ then ngx.say(err) return end
      if typ == "body" then parts[#parts + 1] = res end
      if typ == "eof" then break end
    end
    -- Past client_body_buffer_size init_body's buffer went to a temporary file, as in ngx_lua.
    local body = ngx.req.get_body_data()
    if not body then local f = assert(io.open(ngx.req.get_body_file())) body = f:read("*a") f:close() end
    ngx.say(#table.concat(parts), " ", #body, " ", ngx.md5(body))
  `,
};

before(async () => {
  const locs = Object.entries(LOCATIONS)
    .map(([p, code]) => `location = ${p} { content_by_lua_block {${code}} }`)
    .join("\n");
  srv = await startInProcess(`
events {}
http {
  client_body_buffer_size 8k;
  client_max_body_size 8m;
  server {
    listen __PORT__;
    ${locs}
  }
}`);
});

after(async () => {
  await srv.close();
});

async function post(uri: string, body: string, contentType: string | undefined, extra: [string, string][] = []): Promise<string> {
  const headers: [string, string][] = [["Connection", "close"], ...extra];
  if (contentType !== undefined) headers.push(["Content-Type", contentType]);
  const { responses } = await exchange(srv.port, { method: "POST", path: uri, headers, body });
  const r = responses[0]!;
  if (r.statusLine !== "HTTP/1.1 200 OK") {
    assert.fail(`${r.statusLine}\n${fs.readFileSync(path.join(srv.prefix, "logs/error.log"), "latin1")}`);
  }
  return r.body;
}

const FORM = [
  "preamble to skip\r\n",
  "--AaB03x\r\n",
  'Content-Disposition: form-data; name="submit-name"\r\n',
  "\r\n",
  "Larry\r\n",
  "--AaB03x\r\n",
  'Content-Disposition: form-data; name="files"; filename="file1.txt"\r\n',
  "Content-Type: text/plain\r\n",
  "no-colon-line\r\n",
  "\r\n",
  "hello world\r\n",
  "--AaB03x--\r\n",
  "epilogue\r\n",
].join("");

test("resty.upload: headers, body chunks, part ends and eof", async () => {
  assert.equal(await post("/form?chunk=4", FORM, "multipart/form-data; boundary=AaB03x"), [
    'read: ["header",["Content-Disposition","form-data; name=\\"submit-name\\"","Content-Disposition: form-data; name=\\"submit-name\\""]]',
    'read: ["body","Larr"]',
    'read: ["body","y"]',
    'read: ["part_end"]',
    'read: ["header",["Content-Disposition","form-data; name=\\"files\\"; filename=\\"file1.txt\\"","Content-Disposition: form-data; name=\\"files\\"; filename=\\"file1.txt\\""]]',
    // (cjson escapes slashes)
    'read: ["header",["Content-Type","text\\/plain","Content-Type: text\\/plain"]]',
    'read: ["header","no-colon-line"]',
    'read: ["body","hell"]',
    'read: ["body","o wo"]',
    'read: ["body","rld"]',
    'read: ["part_end"]',
    'read: ["eof"]',
    'read: ["eof"]',
    "",
  ].join("\n"));
});

test("resty.upload: a chunk of exactly chunk_size before the boundary, quoted boundary", async () => {
  const body = FORM.replace(/AaB03x/g, "x y");
  const out = await post("/form?chunk=5", body, 'multipart/form-data; boundary="x y"');
  assert.deepEqual(out.split("\n").slice(1, 4), ['read: ["body","Larry"]', 'read: ["body",""]', 'read: ["part_end"]']);
});

test("resty.upload: edge forms (outputs as the original library gives them on the reference)", async () => {
  const ct = "multipart/form-data; boundary=AaB03x";
  // a part without headers, no CRLF after the closing boundary
  assert.equal(await post("/form", "--AaB03x\r\n\r\nx\r\n--AaB03x--", ct),
    'read: ["body","x"]\nread: ["part_end"]\nread: ["eof"]\nread: ["eof"]\n');
  // text after the first boundary is skipped; an empty part body is one empty chunk
  assert.equal(await post("/form", "--AaB03x junk\r\nA: b\r\n\r\n\r\n--AaB03x--\r\n", ct),
    'read: ["header",["A","b","A: b"]]\nread: ["body",""]\nread: ["part_end"]\nread: ["eof"]\nread: ["eof"]\n');
  assert.equal(await post("/form", "no boundary at all", ct), "failed to read: closed\n");
});

test("resty.upload: errors", async () => {
  assert.equal(await post("/form", FORM, "multipart/form-data"), "failed to new upload: no boundary defined in Content-Type\n");
  assert.equal(await post("/form", FORM, undefined), "failed to new upload: no boundary defined in Content-Type\n");
  assert.equal(await post("/form", "", "multipart/form-data; boundary=AaB03x"), "failed to new upload: no body\n");
  assert.equal(await post("/after-read", FORM, "multipart/form-data; boundary=AaB03x"), "failed to new upload: request body already exists\n");
  assert.equal(await post("/twice", FORM, "multipart/form-data; boundary=AaB03x"), "request body already exists\nheaderContent-Dispositionform-data; name=\"submit-name\"Content-Disposition: form-data; name=\"submit-name\"\n");
  // a header line longer than max_line_size: its first 20 bytes, the next one, "..."
  const long = await post("/form?line=20", FORM, "multipart/form-data; boundary=AaB03x");
  assert.equal(long, "failed to read: line too long: Content-Disposition: ...\n");
  // the body ends before the closing boundary
  const cut = await post("/form", FORM.slice(0, FORM.indexOf("hello") + 3), "multipart/form-data; boundary=AaB03x");
  assert.match(cut, /read: \["header","no-colon-line"\]\nfailed to read: closed\n$/);
});

test("resty.upload: chunked bodies are refused as ngx.req.socket refuses them", async () => {
  const raw = "POST /form HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary=AaB03x\r\n" +
    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
  const { responses } = await exchange(srv.port, { raw });
  assert.equal(responses[0]!.body, "failed to new upload: chunked request bodies not supported yet\n");
});

test("resty.upload: a body in a temp file", async () => {
  const content = "x".repeat(50000);
  const body = `--b\r\nContent-Disposition: form-data; name="f"\r\n\r\n${content}\r\n--b--\r\n`;
  // read through ngx.req.socket as the form is parsed: no temp file, as with the original
  assert.equal(await post("/big", body, "multipart/form-data; boundary=b"), "50000 13 4096 false\n");
});

test("resty.upload: a body far larger than client_body_buffer_size streams in chunk_size pieces", async () => {
  const content = "0123456789abcdef".repeat(3 * 65536); // 3 MB
  const body = `--b\r\nContent-Disposition: form-data; name="f"; filename="big"\r\n\r\n${content}\r\n--b--\r\n`;
  // 768 full pieces, then the empty one a piece of exactly chunk_size before a boundary brings
  assert.equal(await post("/big", body, "multipart/form-data; boundary=b"), `${content.length} ${content.length / 4096 + 1} 4096 false\n`);
});

test("resty.upload: preserve_body puts what was read back as the request body", async () => {
  const { createHash } = await import("node:crypto");
  const body = FORM + "x".repeat(20000);
  const md5 = createHash("md5").update(Buffer.from(body, "latin1")).digest("hex");
  assert.equal(await post("/preserve", body, "multipart/form-data; boundary=AaB03x"), `16 ${body.length} ${md5}\n`);
});
