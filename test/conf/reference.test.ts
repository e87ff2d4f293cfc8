// tsresty -t against the real nginx -t: on every broken configuration and every seed
// fixture, the same verdict and the same lines (message, file, line), tsresty's own
// "not supported" warnings aside.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import {
  FIXTURES,
  isTsrestyOnly,
  makePrefix,
  pool,
  referenceMissing,
  removePrefix,
  runReference,
  runTsresty,
} from "./support/reference.js";

const cases = [
  ...readdirSync(join(FIXTURES, "broken")).map((n) => join(FIXTURES, "broken", n)),
  ...readdirSync(join(FIXTURES, "seeds")).map((n) => join(FIXTURES, "seeds", n)),
];

test("the broken-configuration set is large enough", () => {
  assert.ok(readdirSync(join(FIXTURES, "broken")).length >= 25);
});

test("tsresty -t agrees with nginx -t", { timeout: 300_000 }, async (t) => {
  const missing = referenceMissing();
  if (missing !== null) {
    t.skip(missing);
    return;
  }
  const results = await pool(cases, 4, async (source) => {
    const prefix = makePrefix(source);
    try {
      const [ref, ts] = await Promise.all([runReference(prefix), runTsresty(["-t", "-p", prefix])]);
      return { source, ref, ts };
    } finally {
      removePrefix(prefix);
    }
  });
  for (const { source, ref, ts } of results) {
    await t.test(source.slice(FIXTURES.length + 1), () => {
      assert.equal(ts.status === 0, ref.status === 0, `verdict: nginx ${ref.status}, tsresty ${ts.status}`);
      assert.deepEqual(ts.lines.filter((l) => !isTsrestyOnly(l)), ref.lines);
    });
  }
});
