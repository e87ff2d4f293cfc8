import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../../../src/ngx/async/shdict/memory.js";
import { parseZoneSize } from "../../../src/ngx/async/index.js";
import { shdictSuite } from "./shdict-suite.js";

// The answers (shdict-suite.ts) on the in-process store.
shdictSuite("memory", (name, size) => new MemoryStore(name, size));

test("zone sizes", () => {
  assert.equal(parseZoneSize("10m"), 10485760);
  assert.equal(parseZoneSize("8k"), 8192);
  assert.equal(parseZoneSize("4k"), undefined);
  assert.equal(parseZoneSize("1x"), undefined);
});
