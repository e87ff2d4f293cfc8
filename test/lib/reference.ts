// Running the reference luajit (OpenResty's LuaJIT 2.1 with the system lua-cjson) from tests.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests run from dist/test/lib). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const FIXTURES = join(ROOT, "test", "lib", "fixtures");

const CPATH = "/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;/usr/local/lib/lua/5.1/?.so;;";

let available: boolean | undefined;

/** Whether `luajit` runs and can load cjson. */
export function haveReference(): boolean {
  if (available === undefined) {
    const r = spawnSync(process.env.LUAJIT ?? "luajit", ["-e", `package.cpath = "${CPATH}" .. package.cpath; require "cjson"`], {
      encoding: "latin1",
    });
    available = r.status === 0;
  }
  return available;
}

/** Run a Lua program under the reference luajit; returns its stdout as a byte string. */
export function runReference(program: string): string {
  const r = spawnSync(process.env.LUAJIT ?? "luajit", ["-"], {
    // Prepended on the program's first line, so that its line numbers stay the program's own.
    input: Buffer.from(`package.cpath = "${CPATH}" .. package.cpath; ` + program, "latin1"),
    encoding: "latin1",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`luajit failed: ${r.stderr}`);
  return r.stdout;
}
