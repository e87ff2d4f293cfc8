// `tsresty run FILE [args...]` and `tsresty run -e CODE`: plain Lua, like OpenResty's
// `resty` and LuaJIT's own command line (the arg table, print to stdout, errors to stderr
// with a traceback and exit status 1, os.exit).
import { Worker } from "node:worker_threads";
import type { Execute } from "../command-table.js";

export interface RunOptions {
  readonly code?: string;
  readonly file?: string;
  readonly args: string[];
}

/**
 * Run a Lua program in a worker thread with a 32 MB stack: LuaJIT recurses tens of
 * thousands of levels deep (and has proper tail calls); 32 MB gives ~450k JS frames and still overflows in a fraction of a second (a larger stack makes every GC slower), where the main thread's 8 MB stack
 * gives JS about ten thousand frames. Resolves to the exit status.
 */
export function runLuaInWorker(opts: RunOptions): Promise<number> {
  return new Promise((resolvePromise) => {
    const worker = new Worker(new URL("../run-worker.js", import.meta.url), {
      workerData: opts,
      resourceLimits: { stackSizeMb: 32 },
    });
    worker.on("error", (e) => {
      process.stderr.write(`tsresty: internal error: ${e.stack ?? e.message}\n`);
      resolvePromise(1);
    });
    worker.on("exit", (code) => resolvePromise(code));
  });
}

/** `tsresty run`'s entry (see ../command-table.ts). */
export const execute: Execute = async ({ opts, args }) => {
  const [file, ...rest] = args;
  if (opts.e === undefined && file === undefined) {
    process.stderr.write("tsresty run: a FILE or -e CODE is needed\n");
    return 1;
  }
  const run: RunOptions = opts.e !== undefined ? { code: opts.e as string, args: [...args] } : { file, args: rest };
  return runLuaInWorker(run);
};
