// Running `nginx -t` on the reference (../shared/ref/ref-nginx) and `tsresty -t` on the
// same prefix, and putting both outputs in one comparable form.

import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root (this file runs from dist/test/conf/support/). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const FIXTURES = join(REPO, "test/conf/fixtures");
export const REF_NGINX = process.env.TSRESTY_REF_NGINX ?? resolve(REPO, "../shared/ref/ref-nginx");
const CLI_ENTRY = join(REPO, "dist/test/conf/support/cli-entry.js");

/** Why the reference cannot run here, or null when it can. */
export function referenceMissing(): string | null {
  if (!existsSync("/usr/sbin/nginx")) return "reference nginx not installed";
  if (!existsSync(REF_NGINX)) return `reference script not found at ${REF_NGINX}`;
  return null;
}

export interface RunResult {
  readonly status: number;
  /** stderr lines with the program name, times and pids removed, paths made comparable. */
  readonly lines: string[];
}

function run(cmd: string, args: string[]): Promise<{ status: number; stderr: Buffer }> {
  return new Promise((done) => {
    execFile(cmd, args, { encoding: "buffer", maxBuffer: 1 << 24 }, (err, _stdout, stderr) => {
      const status = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
      done({ status, stderr });
    });
  });
}

/** nginx's and tsresty's lines in one form: `[emerg] TEXT in FILE:LINE`, paths as given. */
export function normalize(stderr: Buffer, prefix: string): string[] {
  return stderr
    .toString("latin1")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) =>
      l
        .replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(\w+)\] \d+#\d+: /, "[$1] ")
        .replace(/^(nginx|tsresty): /, "")
        // ref-nginx runs a copy of the configuration from /tmp/ref-nginx.XXXXXX/.
        .replace(/\/tmp\/ref-nginx\.[A-Za-z0-9]+\//g, `${prefix}conf/`),
    );
}

/** tsresty's own warnings, which nginx has no reason to print. */
export function isTsrestyOnly(line: string): boolean {
  return /directive is not supported by tsresty, ignored/.test(line);
}

/** A fresh prefix holding a case: a single file becomes conf/nginx.conf, a folder conf/. */
export function makePrefix(source: string): string {
  const prefix = mkdtempSync(join(tmpdir(), "tsresty-conf-")) + "/";
  mkdirSync(prefix + "conf");
  mkdirSync(prefix + "logs");
  if (statSync(source).isDirectory()) cpSync(source, prefix + "conf", { recursive: true });
  else writeFileSync(prefix + "conf/nginx.conf", readFileSync(source));
  return prefix;
}

export function removePrefix(prefix: string): void {
  rmSync(prefix, { recursive: true, force: true });
}

export async function runReference(prefix: string): Promise<RunResult> {
  const r = await run(REF_NGINX, ["-t", "-p", prefix]);
  return { status: r.status, lines: normalize(r.stderr, prefix) };
}

/** tsresty -t through the front end's own entry (see cli-entry.ts). */
export async function runTsresty(args: string[]): Promise<RunResult> {
  const prefix = args[args.indexOf("-p") + 1] ?? "";
  const r = await run(process.execPath, [CLI_ENTRY, ...args]);
  return { status: r.status, lines: normalize(r.stderr, prefix) };
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}
