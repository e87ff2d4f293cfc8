// Every nginx.conf fragment of the shared seeds, completed into a whole configuration
// (fixtures/seeds), parses and passes the -t checks; reference.test.ts also compares each
// with nginx.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/conf/load.js";
import { formatDiagnostic, isError } from "../../src/conf/diagnostics.js";
import { toCrossplane } from "../../src/conf/crossplane.js";
import { FIXTURES, makePrefix, removePrefix } from "./support/reference.js";

/** Fragments nginx itself rejects, kept as they are; each has a repaired copy. */
const REJECTED_BY_NGINX: Record<string, string> = {
  // Two access_by_lua_block in one location; 000-block27-merged.conf has them as one.
  "000-block27.conf": "[emerg] is duplicate",
};

for (const name of readdirSync(join(FIXTURES, "seeds"))) {
  test(`seed ${name}`, () => {
    const prefix = makePrefix(join(FIXTURES, "seeds", name));
    try {
      const r = loadConfig({ prefix });
      assert.ok(r.syntaxOk || REJECTED_BY_NGINX[name] !== undefined, r.diagnostics.map(formatDiagnostic).join("\n"));
      const errors = r.diagnostics.filter(isError).map(formatDiagnostic);
      const expected = REJECTED_BY_NGINX[name];
      if (expected === undefined) {
        assert.deepEqual(errors, []);
        assert.ok(r.tree.length > 0);
      } else {
        assert.ok(errors[0]?.startsWith(expected), errors[0]);
      }
      const json = toCrossplane(loadConfig({ prefix, keepGoing: true }));
      assert.equal(json.config[0]!.parsed.length > 0, true);
    } finally {
      removePrefix(prefix);
    }
  });
}
