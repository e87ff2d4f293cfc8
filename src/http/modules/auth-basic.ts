// auth_basic and auth_basic_user_file (ngx_http_auth_basic_module): the Authorization
// header's Basic credentials checked against an htpasswd file, read on each request as
// nginx reads it (so edits apply at once). Answers 401 with WWW-Authenticate, and nginx's
// error-log lines.
import * as fs from "node:fs";
import type { Request } from "../request.js";
import type { ComplexValue } from "../script.js";
import { cryptPassword } from "./auth-basic-crypt.js";
import { errnoText } from "./static.js";

export interface AuthBasicConf {
  /** undefined: no auth_basic at this level (or inherited). */
  readonly realm: ComplexValue | undefined;
  readonly userFile: ComplexValue | undefined;
  /** Where a relative user file resolves (nginx's conf prefix). */
  readonly confPrefix: string;
}

export const OK = 0;
export const DECLINED = -5;

/** The user and password of `Authorization: Basic ...`, or undefined (nginx's NGX_DECLINED). */
function credentials(r: Request): { user: string; pass: string } | undefined {
  const h = r.headersIn.get("authorization");
  if (h === undefined || h.length < 6 || h.slice(0, 6).toLowerCase() !== "basic ") return undefined;
  const b64 = h.slice(6).replace(/^ +/, "");
  if (b64 === "") return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) return undefined;
  const text = Buffer.from(b64, "base64").toString("latin1");
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), pass: text.slice(colon + 1) };
}

/** The hash stored for `user` in an htpasswd text (lines `user:hash[:comment]`, `#` comments). */
function findUser(text: string, user: string): string | undefined {
  for (const line of text.split(/\r?\n|\r/)) {
    if (line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon < 0 || line.slice(0, colon) !== user) continue;
    const rest = line.slice(colon + 1);
    const end = rest.indexOf(":");
    return end < 0 ? rest : rest.slice(0, end);
  }
  return undefined;
}

function unauthorized(r: Request, realm: string): number {
  r.headersOut.set("WWW-Authenticate", `Basic realm="${realm}"`);
  return 401;
}

/** The auth_basic check: OK, DECLINED, or a status (401, 403, 500). */
export function checkAuthBasic(r: Request, c: AuthBasicConf): number {
  if (c.realm === undefined || c.userFile === undefined) return DECLINED;
  const realm = c.realm(r);
  if (realm === "off") return DECLINED;
  const cred = credentials(r);
  if (cred === undefined) {
    r.log("info", "no user/password was provided for basic authentication");
    return unauthorized(r, realm);
  }
  let file = c.userFile(r);
  if (!file.startsWith("/")) file = c.confPrefix + file;
  let text: string;
  try {
    text = fs.readFileSync(file, "latin1");
  } catch (e) {
    const enoent = (e as NodeJS.ErrnoException).code === "ENOENT";
    r.log(enoent ? "error" : "crit", `open() "${file}" failed (${errnoText(e)})`);
    return enoent ? 403 : 500;
  }
  const stored = findUser(text, cred.user);
  if (stored === undefined) {
    r.log("error", `user "${cred.user}" was not found in "${file}"`);
    return unauthorized(r, realm);
  }
  const hashed = cryptPassword(cred.pass, stored);
  if (hashed === undefined) {
    r.log("crit", `crypt() failed (22: Invalid argument)`);
    return 500;
  }
  if (hashed === stored) return OK;
  r.log("error", `user "${cred.user}": password mismatch`);
  return unauthorized(r, realm);
}
