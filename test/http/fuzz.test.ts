// The parser and the server against random and mutated input: no exception escapes, the
// outcome does not depend on how the bytes are split, and the server keeps answering.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { HeadParser, type ParseOutcome } from "../../src/http/transport/parser.js";
import { ChunkedDecoder } from "../../src/http/transport/chunked.js";
import { startInProcess } from "./support.js";

const OPTS = {
  headerBufferSize: 1024, largeBuffers: 4, largeBufferSize: 8192, underscoresInHeaders: false,
  ignoreInvalidHeaders: true, headerTimeout: 60000, mergeSlashes: true,
};

/** A small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const SEEDS = [
  "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
  "POST /a/b?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\nX-A: b\r\n\r\nabc",
  "GET /%41/../b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  "PUT /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
  "GET /\r\n",
];

function mutate(s: string, r: () => number): string {
  const a = s.split("");
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (a.length + 1));
    const op = r();
    const ch = String.fromCharCode(Math.floor(r() * 256));
    if (op < 0.4) a.splice(at, 1, ch);
    else if (op < 0.7) a.splice(at, 0, ch);
    else if (op < 0.9) a.splice(at, 1);
    else a.splice(at, 0, ..."\r\n:% /.".split(""));
  }
  return a.join("");
}

function outcome(o: ParseOutcome): string {
  if (o.kind === "more") return "more";
  if (o.kind === "error") return `error ${o.error.status} ${o.error.message}`;
  return `head ${o.consumed} ${o.head.method} ${o.head.uri} ${o.head.args} ${o.head.headers.join("|")}`;
}

function parseWhole(bytes: Buffer): string {
  return outcome(new HeadParser(OPTS).feed(bytes, bytes.length));
}

function parseSplit(bytes: Buffer, r: () => number): string {
  const p = new HeadParser(OPTS);
  let len = 0;
  let last: ParseOutcome = { kind: "more" };
  while (len < bytes.length) {
    len = Math.min(bytes.length, len + 1 + Math.floor(r() * 8));
    last = p.feed(bytes, len);
    if (last.kind !== "more") break;
  }
  return outcome(last);
}

test("parser: mutated requests never throw, and splitting does not change the outcome", () => {
  const r = rng(12345);
  for (let i = 0; i < 20000; i++) {
    const text = mutate(SEEDS[i % SEEDS.length]!, r);
    const bytes = Buffer.from(text, "latin1");
    const whole = parseWhole(bytes);
    const split = parseSplit(bytes, r);
    assert.equal(split, whole, `input ${JSON.stringify(text)}`);
  }
});

test("chunked decoder: random framing never throws; a split stream decodes as a whole one", () => {
  const r = rng(777);
  for (let i = 0; i < 5000; i++) {
    const text = mutate("5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\n", r);
    const bytes = Buffer.from(text, "latin1");
    const a: Buffer[] = [];
    const d1 = new ChunkedDecoder();
    const e1 = d1.decode(bytes, 0, bytes.length, (b) => a.push(Buffer.from(b)));
    const b: Buffer[] = [];
    const d2 = new ChunkedDecoder();
    let pos = 0;
    let e2 = 0;
    while (pos < bytes.length) {
      const end = Math.min(bytes.length, pos + 1 + Math.floor(r() * 5));
      e2 = d2.decode(bytes, pos, end, (x) => b.push(Buffer.from(x)));
      if (e2 < 0 || d2.done) break;
      pos = end;
    }
    assert.equal(d2.invalid, d1.invalid, JSON.stringify(text));
    if (!d1.invalid && d1.done) {
      assert.equal(Buffer.concat(b).toString("latin1"), Buffer.concat(a).toString("latin1"));
      assert.equal(e2, e1);
    }
  }
});

test("server: garbage on many connections never stops it from answering", async () => {
  const s = await startInProcess(`events {} http { access_log off; server { listen 127.0.0.1:__PORT__; location / { return 200 "alive\\n"; } } }`);
  try {
    const r = rng(99);
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      const text = r() < 0.5 ? mutate(SEEDS[i % SEEDS.length]!, r) : Buffer.from(Array.from({ length: 1 + Math.floor(r() * 300) }, () => Math.floor(r() * 256))).toString("latin1");
      sends.push(new Promise((resolve) => {
        const c = net.connect(s.port, "127.0.0.1");
        c.on("error", () => resolve());
        c.on("close", () => resolve());
        c.on("data", () => {});
        c.write(Buffer.from(text, "latin1"));
        setTimeout(() => c.destroy(), 200);
      }));
    }
    await Promise.all(sends);
    const [ok] = await s.get("/");
    assert.equal(ok?.body, "alive\n");
  } finally {
    await s.close();
  }
});
