// Small helpers of the rewrite module: nginx's escaping of captures and the URI's extension.

// How nginx escapes a capture copied into a rewrite's result when the request URI was
// escaped (measured on the reference): in a redirect's path, controls, space, # % " < > \\ ^
// ` { | } and bytes from 0x7f; in arguments also & + ; ?.
const IN_PATH = ' #%"<>\\^`{|}';
const IN_ARGS = IN_PATH + "&+;?";

function table(chars: string): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = c < 0x20 || c >= 0x7f || chars.includes(String.fromCharCode(c)) ? 1 : 0;
  return t;
}

const PATH_TABLE = table(IN_PATH);
const ARGS_TABLE = table(IN_ARGS);

function escapeWith(t: Uint8Array, s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 0xff;
    out += t[c] ? "%" + c.toString(16).toUpperCase().padStart(2, "0") : s[i];
  }
  return out;
}

export const escapeArgs = (s: string): string => escapeWith(ARGS_TABLE, s);
export const escapeRedirectPath = (s: string): string => escapeWith(PATH_TABLE, s);

/** $uri's extension as nginx's ngx_http_set_exten finds it: after the last dot of the last segment. */
export function extenOf(uri: string): string {
  for (let i = uri.length - 1; i > 0; i--) {
    const c = uri[i];
    if (c === "/") return "";
    if (c === ".") return uri.slice(i + 1);
  }
  return "";
}
