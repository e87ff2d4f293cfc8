// docs/compatibility.md must be what the registry says today.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderCompatibility } from "../../src/docs/compatibility.js";

test("docs/compatibility.md is generated from the registry", () => {
  const file = fileURLToPath(new URL("../../../docs/compatibility.md", import.meta.url));
  assert.equal(readFileSync(file, "utf8"), renderCompatibility(), "run `npm run build && node scripts/gen-compatibility.mjs`");
});
