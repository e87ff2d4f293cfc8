// `npm install` / `npm ci` runs this (package.json "install"): build native/reuseport.c with
// node-gyp into build/Release/reuseport.node. Node's own headers are used when they are
// installed beside it (no download needed); a failed build only warns: tsresty then serves
// with one worker (docs/workers.md).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

const prefix = dirname(dirname(process.execPath));
const args = ["rebuild"];
if (!process.env.npm_config_nodedir && existsSync(join(prefix, "include/node/node_api.h"))) args.push(`--nodedir=${prefix}`);
// npm puts its node-gyp on PATH for scripts and names it in npm_config_node_gyp
const gyp = process.env.npm_config_node_gyp;
const r = gyp ? spawnSync(process.execPath, [gyp, ...args], { stdio: "inherit" }) : spawnSync("node-gyp", args, { stdio: "inherit", shell: true });
if (r.status !== 0) {
  process.stderr.write("tsresty: [warn] the reuseport addon could not be built: worker_processes above 1 will serve with one worker\n");
}
