// Static files through the reused read buffer (modules/static.ts): a response the socket still
// holds must never be overwritten by the next file read, files past one piece go whole, and
// locations with a body filter or ranges give the reference's bytes.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { diffCase, type DiffRequest } from "../differential/harness.js";
import { sleep, startStatic } from "./support.js";

/** `n` bytes whose pattern depends on `seed`: two files never share a piece. */
function pattern(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * seed + (i >> 9) + seed) & 0xff;
  return b;
}

/** A request on its own connection (closed by the server after it), read at once or on `go`. */
function fetchRaw(port: number, p: string, held?: Promise<void>, extra = ""): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const s = net.connect(port, "127.0.0.1", () => {
      s.write(`GET ${p} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n${extra}\r\n`);
      if (held) {
        // Not reading: the server's writes stay in its socket while others are served.
        s.pause();
        void held.then(() => s.resume());
      }
    });
    s.on("data", (d: Buffer) => parts.push(d));
    s.on("error", reject);
    s.on("close", () => resolve(Buffer.concat(parts)));
  });
}

function bodyOf(res: Buffer, status = "200 OK"): Buffer {
  const i = res.indexOf("\r\n\r\n");
  assert.ok(i > 0, "no header end");
  assert.ok(res.subarray(0, i).toString("latin1").startsWith(`HTTP/1.1 ${status}\r\n`), "status");
  return res.subarray(i + 4);
}

test("static buffers: a slow client's response stays intact while others are served", async () => {
  const files: Record<string, Buffer> = {
    "x.bin": pattern(256 * 1024, 3),
    "y.bin": pattern(256 * 1024, 5),
    "w.bin": pattern(100 * 1024, 11),
    "z.bin": pattern(1536 * 1024 + 17, 13),
    "s.bin": pattern(5000, 17),
  };
  const srv = await startStatic({});
  try {
    for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(srv.prefix, "html", n), b);
    let go!: () => void;
    const held = new Promise<void>((r) => (go = r));
    const slow = [fetchRaw(srv.port, "/x.bin", held), fetchRaw(srv.port, "/z.bin", held), fetchRaw(srv.port, "/w.bin", held)];
    // Let the server write into the held sockets (correctness does not depend on how much).
    await sleep(100);
    for (let round = 0; round < 3; round++) {
      const fast = await Promise.all(["/y.bin", "/w.bin", "/s.bin", "/x.bin", "/z.bin"].map((p) => fetchRaw(srv.port, p)));
      ["y.bin", "w.bin", "s.bin", "x.bin", "z.bin"].forEach((n, i) => {
        assert.equal(bodyOf(fast[i]!).equals(files[n]!), true, `fast ${n}`);
      });
    }
    // A range longer than a piece, from a held connection too.
    const ranged = fetchRaw(srv.port, "/z.bin", held, "Range: bytes=1000-700000\r\n");
    await sleep(50);
    go();
    assert.equal(bodyOf(await ranged, "206 Partial Content").equals(files["z.bin"]!.subarray(1000, 700001)), true, "range");
    const got = await Promise.all(slow);
    ["x.bin", "z.bin", "w.bin"].forEach((n, i) => {
      assert.equal(bodyOf(got[i]!).equals(files[n]!), true, `slow ${n}`);
    });
  } finally {
    await srv.close();
  }
});

test("static buffers: keep-alive responses of one connection, and one pipelined burst", async () => {
  const files = [pattern(64 * 1024, 7), pattern(200 * 1024, 9), pattern(300 * 1024, 19)];
  const srv = await startStatic({});
  try {
    files.forEach((b, i) => fs.writeFileSync(path.join(srv.prefix, `html/f${i}.bin`), b));
    const order = [0, 1, 2, 1, 0, 2, 2, 1];
    const all = await new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      const s = net.connect(srv.port, "127.0.0.1", () => {
        s.write(order.map((i, k) => `GET /f${i}.bin HTTP/1.1\r\nHost: t\r\n${k === order.length - 1 ? "Connection: close\r\n" : ""}\r\n`).join(""));
      });
      s.on("data", (d: Buffer) => parts.push(d));
      s.on("error", reject);
      s.on("close", () => resolve(Buffer.concat(parts)));
    });
    let at = 0;
    for (const i of order) {
      const end = all.indexOf("\r\n\r\n", at);
      const head = all.subarray(at, end).toString("latin1");
      const len = Number(/\r\nContent-Length: (\d+)\r\n/.exec(head)?.[1]);
      assert.equal(len, files[i]!.length);
      assert.equal(all.subarray(end + 4, end + 4 + len).equals(files[i]!), true, `response for f${i}`);
      at = end + 4 + len;
    }
    assert.equal(at, all.length);
  } finally {
    await srv.close();
  }
});

const text = (n: number, seed: number): string => {
  let s = "";
  while (s.length < n) s += `line ${seed} ${s.length} abcdefghijklmnopqrstuvwxyz\n`;
  return s.slice(0, n);
};

test("static buffers: body filters, ranges of a large file and HEAD match the reference", async (t) => {
  const get = (p: string, headers: readonly (readonly [string, string])[] = []): DiffRequest => ({ path: p, headers });
  await diffCase(t, {
    name: "static buffers",
    conf: `
events {}
http {
  access_log off;
  default_type text/plain;
  server {
    listen 127.0.0.1:__PORT__;
    location / { root html; }
    location /up/ {
      alias html/;
      header_filter_by_lua_block { ngx.header.content_length = nil }
      body_filter_by_lua_block { ngx.arg[1] = string.upper(ngx.arg[1]) }
    }
  }
}
`,
    files: { "html/mid.txt": text(20_000, 1), "html/big.txt": text(300_000, 2) },
    mtime: 1_700_000_000,
    // Small answers only (the harness reads slowly on a busy machine); whole large files and
    // a range longer than a piece are checked over plain sockets above.
    requests: [
      get("/big.txt", [["Range", "bytes=0-10,262000-263000,299990-"]]),
      get("/big.txt", [["Range", "bytes=262100-262200"]]),
      get("/big.txt", [["Range", "bytes=-3000"]]),
      get("/mid.txt"),
      { path: "/big.txt", method: "HEAD" },
      get("/up/mid.txt"),
      get("/up/big.txt", [["Range", "bytes=262000-263000"]]),
    ],
  });
});
