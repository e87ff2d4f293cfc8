// Self-signed certificates for the TLS tests, made by openssl as an operator would make them.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { before, after } from "node:test";

/**
 * Write NAME.key and NAME.crt (CN=NAME, RSA 2048, two days) into `dir` and add their PEM
 * texts to `pem` under those file names.
 */
export function makeSelfSigned(dir: string, name: string, pem: Record<string, string>): void {
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name}`,
    "-keyout", path.join(dir, `${name}.key`), "-out", path.join(dir, `${name}.crt`),
  ], { stdio: "ignore" });
  for (const ext of ["key", "crt"]) pem[`${name}.${ext}`] = fs.readFileSync(path.join(dir, `${name}.${ext}`), "latin1");
}

/**
 * For a test file: certificates for `names`, made in a temporary directory before its tests
 * and removed after them; the returned map is filled with their PEM texts (NAME.key, NAME.crt).
 */
export function selfSignedForFile(tag: string, names: readonly string[]): Record<string, string> {
  const pem: Record<string, string> = {};
  let dir = "";
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsresty-${tag}-`));
    for (const n of names) makeSelfSigned(dir, n, pem);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return pem;
}
