// Small helpers of the rewrite module: nginx's argument escaping and the URI's extension.

// ngx_escape_uri's NGX_ESCAPE_ARGS set: " ", "#", "%", "&", "+", ";", "?", controls, 0x7f-0xff.
const ESCAPE = new Uint8Array(256);
for (let c = 0; c < 256; c++) ESCAPE[c] = c <= 0x20 || c >= 0x7f || " #%&+;?".includes(String.fromCharCode(c)) ? 1 : 0;

export function escapeArgs(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 0xff;
    out += ESCAPE[c] ? "%" + c.toString(16).toUpperCase().padStart(2, "0") : s[i];
  }
  return out;
}

/** $uri's extension as nginx's ngx_http_set_exten finds it: after the last dot of the last segment. */
export function extenOf(uri: string): string {
  for (let i = uri.length - 1; i > 0; i--) {
    const c = uri[i];
    if (c === "/") return "";
    if (c === ".") return uri.slice(i + 1);
  }
  return "";
}
