// The expectations of test/lua/stringlib.test.ts for machines without luajit:
// test/lua/fixtures/string/<group>.json, each { "cases": [[line, luajit's outcome], ...] }.
//   npm run build && node dist/test/lua/stringlib-fixtures.js --write
// regenerates them all from luajit. Without --write this module only reads them (the test
// runner may load it as a test file: it then does nothing).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GROUPS, runLuajit } from "./stringlib-cases.js";

// Compiled to dist/test/lua/: the sources are three levels up.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const DIR = join(ROOT, "test", "lua", "fixtures", "string");

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
    const cases = lines.map((l, i) => [l, out[i]!]);
    writeFileSync(join(DIR, `${group}.json`), JSON.stringify({ cases }, null, 1) + "\n");
    console.log(`${group}: ${lines.length} cases`);
  }
}

if (process.argv.includes("--write")) writeAll();
