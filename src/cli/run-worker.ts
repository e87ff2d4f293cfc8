// The worker thread behind `tsresty run` (see runLuaInWorker): runs the program and exits
// with its status once its main chunk has ended (it may wait on sockets and timers).
import { workerData } from "node:worker_threads";
import { runLua } from "./run-lua.js";
import type { RunOptions } from "./commands/run.js";
import { flushStdout } from "../lua/stdlib/stdio.js";

void runLua(workerData as RunOptions).then((status) => {
  flushStdout();
  process.exit(status);
});
