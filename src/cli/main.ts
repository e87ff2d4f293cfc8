// tsresty's command line. nginx's own flags work at the top level (`tsresty -t`,
// `tsresty -s reload`, `-p`, `-c`, `-g`); the subcommands are declared as data in
// command-table.ts and their code is loaded only when one runs.
import { Command, Option } from "commander";
import { COMMANDS, type CommandSpec } from "./command-table.js";
import type { NginxFlags } from "./flags.js";
import { VERSION } from "../version.js";

export type { NginxFlags } from "./flags.js";

type Opts = Record<string, string | boolean | undefined>;

function addCommand(program: Command, spec: CommandSpec): void {
  const cmd = program.command(spec.name).description(spec.description);
  for (const [flags, text] of spec.options) cmd.option(flags, text);
  for (const [name, text] of spec.args ?? []) cmd.argument(name, text);
  if (spec.passThrough === true) cmd.allowUnknownOption().passThroughOptions();
  cmd.action(async (...params: unknown[]) => {
    // commander passes the declared arguments (a variadic one as an array), then the options.
    const n = spec.args?.length ?? 0;
    const args = params.slice(0, n).flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? (a as string[]) : [a as string]));
    const opts = params[n] as Opts;
    const top = program.opts<{ p?: string; c?: string; g?: string }>();
    const flags: NginxFlags = {
      prefix: (opts.p as string | undefined) ?? top.p,
      conf: (opts.c as string | undefined) ?? top.c,
      globals: (opts.g as string | undefined) ?? top.g,
    };
    const execute = await spec.load();
    process.exitCode = await execute({ opts, args, flags });
  });
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command("tsresty");
  program
    .description("Run OpenResty applications (nginx.conf with Lua) on Node.js")
    .version(`tsresty/${VERSION}`, "-v, --version")
    .option("-t", "test the configuration and exit (as nginx -t)")
    .option("-p <prefix>", "set the prefix path (default: the current directory)")
    .option("-c <file>", "set the configuration file (default: conf/nginx.conf)")
    .option("-g <directives>", "set global directives out of the configuration file")
    .addOption(new Option("-s <signal>", "send a signal to the master process").choices(["stop", "quit", "reopen", "reload"]))
    .enablePositionalOptions()
    .action(async (opts: { t?: boolean; p?: string; c?: string; g?: string; s?: string }) => {
      const flags: NginxFlags = { prefix: opts.p, conf: opts.c, globals: opts.g };
      if (opts.t) {
        const { testConfig } = await import("./commands/test-config.js");
        process.exitCode = await testConfig(flags);
        return;
      }
      if (opts.s !== undefined) {
        const { sendSignal } = await import("./commands/serve.js");
        process.exitCode = await sendSignal(flags, opts.s);
        return;
      }
      program.help();
    });
  for (const spec of COMMANDS) addCommand(program, spec);
  await program.parseAsync(argv);
}
