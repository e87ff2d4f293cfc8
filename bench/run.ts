// `npm run bench [-- NAME...]`: runs the benchmark suites, each beside the reference where
// it has one, and prints their tables. A suite is a module in bench/ exporting `main()`.
import { pathToFileURL } from "node:url";
import { join, dirname } from "node:path";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SUITES = ["conf", "lua", "http"] as const;

async function runAll(names: string[]): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const name of names.length > 0 ? names : SUITES) {
    const file = join(here, `${name}.js`);
    if (!existsSync(file)) {
      console.log(`# ${name}: no such benchmark suite yet`);
      continue;
    }
    const mod = (await import(pathToFileURL(file).href)) as { main: () => Promise<void> };
    console.log(`\n## ${name}`);
    await mod.main();
  }
}

await runAll(process.argv.slice(2));
