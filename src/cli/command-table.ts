// The subcommands as data: what commander needs to parse and describe them, and a loader
// for the code that runs them. The code is imported only when its command runs, so a
// broken or heavy subsystem (the HTTP server, the Lua compiler) never slows or breaks the
// other commands, and `tsresty --help` loads none of them.
import type { NginxFlags } from "./flags.js";

/** What a command's code receives: its own options and arguments, and the top-level nginx flags. */
export interface Invocation {
  readonly opts: Readonly<Record<string, string | boolean | undefined>>;
  readonly args: readonly string[];
  readonly flags: NginxFlags;
}

export type Execute = (inv: Invocation) => Promise<number> | number;

export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  /** [flags, description] as commander takes them. */
  readonly options: readonly (readonly [string, string])[];
  /** [name, description]: `[file]`, `[args...]`. */
  readonly args?: readonly (readonly [string, string])[];
  /** Options after the first argument belong to the program being run (`tsresty run f.lua -x`). */
  readonly passThrough?: boolean;
  readonly load: () => Promise<Execute>;
}

const PREFIX: readonly [string, string] = ["-p <prefix>", "set the prefix path (default: the current directory)"];
const CONF: readonly [string, string] = ["-c <file>", "set the configuration file (default: conf/nginx.conf)"];
const GLOBALS: readonly [string, string] = ["-g <directives>", "set global directives out of the configuration file"];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "compile",
    description: "write a prefix whose Lua blocks and files are the modules tsresty compiles them to",
    options: [PREFIX, CONF, ["-o <dir>", "the directory to write (a new prefix)"]],
    load: async () => (await import("./commands/compile.js")).execute,
  },
  {
    name: "parse",
    description: "print the configuration as parsed (crossplane's JSON schema with --json)",
    options: [PREFIX, CONF, ["--json", "print crossplane's JSON"], ["--indent <n>", "indent the JSON by n spaces"]],
    load: async () => (await import("./commands/parse.js")).execute,
  },
  {
    name: "run",
    description: "run a Lua program (like the resty command, for plain Lua)",
    options: [["-e <code>", "run this code instead of a file"]],
    args: [["[file]", "the Lua file to run"], ["[args...]", "arguments for the program (its arg table)"]],
    passThrough: true,
    load: async () => (await import("./commands/run.js")).execute,
  },
  {
    name: "serve",
    description: "serve the configuration in the foreground (nginx -g 'daemon off;')",
    options: [PREFIX, CONF, GLOBALS],
    load: async () => (await import("./commands/serve.js")).execute,
  },
];
