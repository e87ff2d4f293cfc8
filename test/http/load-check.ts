// `tsresty -t` beside `nginx -t` on the reference for inline configurations: both outputs in
// one form (test/conf/support/reference.ts), compared line by line.
import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { isTsrestyOnly, makePrefix, pool, referenceMissing, removePrefix, runReference, runTsresty } from "../conf/support/reference.js";

/** One location body per case, inside a minimal http/server. */
export async function compareLoadErrors(t: TestContext, bodies: readonly string[]): Promise<void> {
  const missing = referenceMissing();
  if (missing !== null) {
    t.skip(missing);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "tsresty-load-"));
  const results = await pool(bodies, 4, async (body) => {
    const file = join(dir, `c${bodies.indexOf(body)}.conf`);
    writeFileSync(file, `events {}\nhttp {\n  server {\n    location / {\n      ${body}\n    }\n  }\n}\n`);
    const prefix = makePrefix(file);
    try {
      const [ref, ts] = await Promise.all([runReference(prefix), runTsresty(["-t", "-p", prefix])]);
      return { body, ref, ts };
    } finally {
      removePrefix(prefix);
    }
  });
  for (const { body, ref, ts } of results) {
    assert.equal(ts.status === 0, ref.status === 0, `${body}: verdict: nginx ${ref.status}, tsresty ${ts.status}`);
    assert.deepEqual(ts.lines.filter((l) => !isTsrestyOnly(l)), ref.lines, body);
  }
}
