// Build: compile the nearley grammars (grammar/*.ne -> src/conf/*.generated.ts), then tsc.
// Runs on `npm install` (prepare) so a fresh clone needs no manual step.
import { execFileSync } from "node:child_process";
import { readdirSync, existsSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const run = (cmd, args) => execFileSync(process.execPath, [cmd, ...args], { cwd: root, stdio: "inherit" });

const grammarDir = join(root, "grammar");
for (const f of existsSync(grammarDir) ? readdirSync(grammarDir) : []) {
  if (!f.endsWith(".ne")) continue;
  const src = join(grammarDir, f);
  const out = join(root, "src/conf", f.replace(/\.ne$/, ".generated.ts"));
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) continue;
  run(require.resolve("nearley/bin/nearleyc.js"), [src, "-o", out]);
}
run(require.resolve("typescript/bin/tsc"), ["-p", root]);
