// The expectations of test/lua/stringlib.test.ts for machines without luajit:
// test/lua/fixtures/string/<group>.json, each { "cases": [[key, luajit's outcome], ...] } where
// the key is a short hash of the case line (some lines are kilobytes of pattern).
//   npm run build && node dist/test/lua/stringlib-fixtures.js --write
// regenerates them all from luajit. Without --write this module only reads them (the test
// runner may load it as a test file: it then does nothing).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GROUPS, runLuajit } from "./stringlib-cases.js";

// Compiled to dist/test/lua/: the sources are three levels up.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const DIR = join(ROOT, "test", "lua", "fixtures", "string");

/** The fixture key of a case line. */
export function caseKey(line: string): string {
  return createHash("sha1").update(line, "latin1").digest("hex").slice(0, 16);
}

/** The expectations of a group, by caseKey(line). */
export function readFixture(group: string): Map<string, string> | undefined {
  const file = join(DIR, `${group}.json`);
  if (!existsSync(file)) return undefined;
  const data = JSON.parse(readFileSync(file, "utf8")) as { cases: [string, string][] };
  return new Map(data.cases);
}

function writeAll(): void {
  mkdirSync(DIR, { recursive: true });
  for (const [group, lines] of Object.entries(GROUPS)) {
    const out = runLuajit(lines);
    const cases = lines.map((l, i) => JSON.stringify([caseKey(l), out[i]!]));
    writeFileSync(join(DIR, `${group}.json`), `{"cases": [\n${cases.join(",\n")}\n]}\n`);
    console.log(`${group}: ${lines.length} cases`);
  }
}

if (process.argv.includes("--write")) writeAll();
