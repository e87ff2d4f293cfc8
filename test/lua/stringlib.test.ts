// Differential tests of the string library (string.ts, lpattern.ts, format.ts) and of the
// number formatting in runtime/convert.ts. Each case is a line of Lua calling a string
// function with literal arguments (test/lua/stringlib-cases.ts); the builtins are called
// directly from TS with the same arguments, and the outcome (values and their count, or the
// error message without luajit's position prefix) must equal luajit's. Each group of cases
// runs in one luajit process. Without luajit, the expectations come from the JSON fixtures
// in test/lua/fixtures/string/, written from luajit by
//   node dist/test/lua/stringlib-fixtures.js --write
// and where luajit is installed the fixtures are checked against it too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GROUPS, haveLuajit, runLuajit, runTs } from "./stringlib-cases.js";
import { caseKey, readFixture } from "./stringlib-fixtures.js";

const live = haveLuajit();

function compare(group: string, lines: readonly string[], expected: readonly string[]): void {
  const bad: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const got = runTs(lines[i]!);
    if (got !== expected[i]) bad.push(`  ${lines[i]}\n    luajit:  ${expected[i]}\n    tsresty: ${got}`);
  }
  assert.equal(bad.length, 0, `${bad.length} of ${lines.length} ${group} cases differ from luajit:\n${bad.slice(0, 40).join("\n")}`);
}

let total = 0;
for (const [group, lines] of Object.entries(GROUPS)) {
  total += lines.length;
  test(`string library: ${group} (${lines.length} cases)`, () => {
    const fixture = readFixture(group);
    let expected: string[];
    if (live) {
      expected = runLuajit(lines);
      compare(group, lines, expected);
      // The committed expectations must be what luajit says today, for machines without it.
      const stale = lines.filter((l, i) => fixture?.get(caseKey(l)) !== expected[i]);
      assert.equal(stale.length, 0, `test/lua/fixtures/string/${group}.json is stale (${stale.length} cases, e.g. ${stale[0]}): run node dist/test/lua/stringlib-fixtures.js --write`);
    } else {
      assert.ok(fixture !== undefined, `no luajit and no fixture for ${group}`);
      expected = lines.map((l) => {
        const e = fixture.get(caseKey(l));
        assert.ok(e !== undefined, `no expectation for ${l} in ${group}.json: regenerate it where luajit is installed`);
        return e;
      });
      compare(group, lines, expected);
    }
  });
}

test("string library: case count", () => {
  assert.ok(total >= 300, `only ${total} cases`);
});
