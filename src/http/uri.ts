// The request URI as nginx sees it: the request target split into path and arguments, the
// path percent-decoded, `.` and `..` resolved, slashes merged (merge_slashes), and the
// argument accessors behind $args, $is_args and $arg_*.
//
// Strings are byte strings (latin1): a decoded `%C3%A9` is two chars, as in nginx.

export interface ParsedTarget {
  /** The normalised, decoded path ($uri). */
  readonly uri: string;
  /** The raw text after the first `?` ($args), "" when none. */
  readonly args: string;
  /** Whether the target had a `?` at all. */
  readonly hasQuery: boolean;
  /** The extension of the last path segment, without the dot ($uri's exten in nginx). */
  readonly exten: string;
}

// Anything that needs the slow path: an escape, a dot segment, or a doubled slash.
const COMPLEX = /%|\/\.|\/\/|#/;

/**
 * Parse a request target ("/a/b?x=1", origin form). Returns undefined where nginx answers
 * `client sent invalid request` (a bad escape, a decoded NUL, `..` above the root).
 */
export function parseTarget(target: string, mergeSlashes: boolean): ParsedTarget | undefined {
  // A fragment ends both the path and the arguments ($request_uri keeps it).
  const hash = target.indexOf("#");
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf("?");
  let path = q < 0 ? target : target.slice(0, q);
  const args = q < 0 ? "" : target.slice(q + 1);
  if (path === "") path = "/";
  if (COMPLEX.test(path)) {
    const decoded = percentDecode(path);
    if (decoded === undefined) return undefined;
    const norm = normalizePath(decoded, mergeSlashes);
    if (norm === undefined) return undefined;
    path = norm;
  }
  return { uri: path, args, hasQuery: q >= 0, exten: extensionOf(path) };
}

/** Decode %XX escapes; undefined on a malformed escape or a decoded NUL (nginx's 400). */
export function percentDecode(s: string): string | undefined {
  if (s.indexOf("%") < 0) return s.indexOf("\0") < 0 ? s : undefined;
  let out = "";
  let last = 0;
  for (let i = s.indexOf("%"); i >= 0; i = s.indexOf("%", last)) {
    const h = hexVal(s.charCodeAt(i + 1));
    const l = hexVal(s.charCodeAt(i + 2));
    if (h < 0 || l < 0) return undefined;
    const c = (h << 4) | l;
    if (c === 0) return undefined;
    out += s.slice(last, i) + String.fromCharCode(c);
    last = i + 3;
  }
  out += s.slice(last);
  return out.indexOf("\0") < 0 ? out : undefined;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * Resolve `.` and `..` segments and merge slashes. undefined when `..` climbs above the root,
 * which nginx refuses as an invalid request.
 */
export function normalizePath(path: string, mergeSlashes: boolean): string | undefined {
  const parts = path.split("/");
  // parts[0] is "" for an absolute path; keep it as the root.
  const out: string[] = [];
  const n = parts.length;
  for (let i = 1; i < n; i++) {
    const seg = parts[i]!;
    const isLast = i === n - 1;
    if (seg === ".") {
      if (isLast) out.push("");
      continue;
    }
    if (seg === "..") {
      // Drop the previous real segment; slashes merged away don't count as segments.
      while (out.length > 0 && out[out.length - 1] === "" && mergeSlashes) out.pop();
      if (out.length === 0) return undefined;
      out.pop();
      if (isLast) out.push("");
      continue;
    }
    if (seg === "" && mergeSlashes && !isLast) continue;
    if (seg === "" && mergeSlashes && isLast) {
      out.push("");
      continue;
    }
    out.push(seg);
  }
  return "/" + out.join("/");
}

function extensionOf(path: string): string {
  const dot = path.lastIndexOf(".");
  if (dot < 0) return "";
  return path.lastIndexOf("/") > dot ? "" : path.slice(dot + 1);
}

/**
 * nginx's ngx_http_arg: the raw value of the first argument called `name` (compared without
 * case), or undefined. `a=1&b` gives "" for b.
 */
export function findArg(args: string, name: string): string | undefined {
  if (args.length === 0) return undefined;
  const lname = name.toLowerCase();
  const len = lname.length;
  let start = 0;
  while (start <= args.length) {
    let end = args.indexOf("&", start);
    if (end < 0) end = args.length;
    if (end - start >= len && args.slice(start, start + len).toLowerCase() === lname) {
      const c = args.charCodeAt(start + len);
      if (start + len === end) return "";
      if (c === 61 /* = */) return args.slice(start + len + 1, end);
    }
    start = end + 1;
  }
  return undefined;
}

/** Split "host:port" or "[v6]:port" from an absolute-form request target's authority. */
export function splitAbsoluteTarget(target: string): { host: string; rest: string } | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)(.*)$/s.exec(target);
  if (!m) return undefined;
  const rest = m[2]!;
  return { host: m[1]!, rest: rest.length === 0 ? "/" : rest };
}
