// Runs the front end's two commands without the rest of the CLI, so that these tests do
// not depend on the other subsystems being built: `node cli-entry.js -t [-p P] [-c C] [-g G]`
// or `node cli-entry.js parse [-p P] [-c C] [--json]`.

import { testConfig } from "../../../src/cli/commands/test-config.js";
import { parseCommand } from "../../../src/cli/commands/parse.js";

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

const args = process.argv.slice(2);
if (args[0] === "parse") {
  process.exitCode = parseCommand({ p: flag(args, "-p"), c: flag(args, "-c"), json: args.includes("--json") });
} else {
  process.exitCode = await testConfig({ prefix: flag(args, "-p"), conf: flag(args, "-c"), globals: flag(args, "-g") });
}
