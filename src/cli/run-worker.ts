// The worker thread behind `tsresty run` (see runLuaInWorker): runs the program and exits
// with its status.
import { workerData } from "node:worker_threads";
import { runLua } from "./run-lua.js";
import type { RunOptions } from "./commands/run.js";
import { flushStdout } from "../lua/stdlib/stdio.js";

const status = runLua(workerData as RunOptions);
flushStdout();
process.exit(status);
