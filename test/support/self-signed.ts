// Self-signed certificates for the TLS tests, made by openssl as an operator would make them.
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";

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
