// tsresty's command line. nginx's own flags work at the top level (`tsresty -t`,
// `tsresty -s reload`, `-p`, `-c`, `-g`), and the subcommands are parse, run, serve, compile.
// Each subcommand lives in commands/<name>.ts and registers itself here.
import { Command, Option } from "commander";
import { registerParse } from "./commands/parse.js";
import { registerRun } from "./commands/run.js";
import { registerServe, sendSignal } from "./commands/serve.js";
import { testConfig } from "./commands/test-config.js";
import { VERSION } from "../version.js";

export interface NginxFlags {
  prefix?: string;
  conf?: string;
  globals?: string;
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
        process.exitCode = await testConfig(flags);
        return;
      }
      if (opts.s !== undefined) {
        process.exitCode = await sendSignal(flags, opts.s);
        return;
      }
      program.help();
    });
  registerParse(program);
  registerRun(program);
  registerServe(program);
  await program.parseAsync(argv);
}
