// Password hashes of htpasswd files, as nginx's ngx_crypt checks them: its own {PLAIN},
// {SHA}, {SSHA} and $apr1$, then what glibc's crypt(3) knows ($1$ MD5-crypt, $5$/$6$
// SHA-crypt). Written from the schemes' published descriptions; the digests come from
// node:crypto. Keys and hashes are latin1 byte strings.
import { createHash } from "node:crypto";

const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const bytes = (s: string): Buffer => Buffer.from(s, "latin1");

/** `n` characters of the crypt alphabet from the 24-bit value b2:b1:b0, low bits first. */
function to64(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = "";
  for (let i = 0; i < n; i++) {
    out += ITOA64[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

/** MD5-crypt ($1$) and Apache's variant ($apr1$): 1000 rounds over key, salt and digest. */
function md5Crypt(key: string, setting: string, magic: string): string {
  const rest = setting.slice(magic.length);
  const end = rest.indexOf("$");
  const salt = (end < 0 ? rest : rest.slice(0, end)).slice(0, 8);
  const pw = bytes(key);
  const s = bytes(salt);
  const alt = createHash("md5").update(pw).update(s).update(pw).digest();
  const ctx = createHash("md5").update(pw).update(magic).update(s);
  for (let i = pw.length; i > 0; i -= 16) ctx.update(alt.subarray(0, Math.min(16, i)));
  for (let i = pw.length; i > 0; i >>= 1) ctx.update(i & 1 ? Buffer.of(0) : pw.subarray(0, 1));
  let f = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const c = createHash("md5");
    c.update(i & 1 ? pw : f);
    if (i % 3) c.update(s);
    if (i % 7) c.update(pw);
    c.update(i & 1 ? f : pw);
    f = c.digest();
  }
  const groups: [number, number, number][] = [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]];
  let out = magic + salt + "$";
  for (const [a, b, c] of groups) out += to64(f[a]!, f[b]!, f[c]!, 4);
  return out + to64(0, 0, f[11]!, 2);
}

// The byte order of SHA-crypt's output, as triples (the last one is shorter).
const SHA256_ORDER: readonly (readonly number[])[] = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
];
const SHA512_ORDER: readonly (readonly number[])[] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51],
  [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60],
  [40, 61, 19], [62, 20, 41],
];

/** Repeat `digest` to fill `len` bytes. */
function fill(digest: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i += digest.length) digest.copy(out, i, 0, Math.min(digest.length, len - i));
  return out;
}

/** SHA-crypt ($5$ with SHA-256, $6$ with SHA-512), with an optional rounds=N. */
function shaCrypt(key: string, setting: string, magic: "$5$" | "$6$"): string | undefined {
  const alg = magic === "$5$" ? "sha256" : "sha512";
  let rest = setting.slice(3);
  let rounds = 5000;
  let custom = false;
  const m = /^rounds=([0-9]+)\$/.exec(rest);
  if (m) {
    rounds = Math.min(999_999_999, Math.max(1000, Number(m[1])));
    custom = true;
    rest = rest.slice(m[0].length);
  }
  const end = rest.indexOf("$");
  const salt = (end < 0 ? rest : rest.slice(0, end)).slice(0, 16);
  const P = bytes(key);
  const S = bytes(salt);
  const H = (): ReturnType<typeof createHash> => createHash(alg);
  const B = H().update(P).update(S).update(P).digest();
  const a = H().update(P).update(S);
  a.update(fill(B, P.length));
  for (let i = P.length; i > 0; i >>= 1) a.update(i & 1 ? B : P);
  const A = a.digest();
  const dp = H();
  for (let i = 0; i < P.length; i++) dp.update(P);
  const Pp = fill(dp.digest(), P.length);
  const ds = H();
  for (let i = 0; i < 16 + A[0]!; i++) ds.update(S);
  const Sp = fill(ds.digest(), S.length);
  let C = A;
  for (let i = 0; i < rounds; i++) {
    const c = H();
    c.update(i & 1 ? Pp : C);
    if (i % 3) c.update(Sp);
    if (i % 7) c.update(Pp);
    c.update(i & 1 ? C : Pp);
    C = c.digest();
  }
  let out = magic + (custom ? `rounds=${rounds}$` : "") + salt + "$";
  for (const [x, y, z] of magic === "$5$" ? SHA256_ORDER : SHA512_ORDER) out += to64(C[x!]!, C[y!]!, C[z!]!, 4);
  out += magic === "$5$" ? to64(0, C[31]!, C[30]!, 3) : to64(0, 0, C[63]!, 2);
  return out;
}

function ssha(key: string, setting: string): string {
  const decoded = Buffer.from(setting.slice(6), "base64");
  const salt = decoded.subarray(20);
  const d = createHash("sha1").update(bytes(key)).update(salt).digest();
  return "{SSHA}" + Buffer.concat([d, salt]).toString("base64");
}

/** The schemes by prefix, nginx's own first. */
const SCHEMES: readonly [string, (key: string, setting: string) => string | undefined][] = [
  ["$apr1$", (k, s) => md5Crypt(k, s, "$apr1$")],
  ["{PLAIN}", (k) => "{PLAIN}" + k],
  ["{SSHA}", ssha],
  ["{SHA}", (k) => "{SHA}" + createHash("sha1").update(bytes(k)).digest("base64")],
  ["$1$", (k, s) => md5Crypt(k, s, "$1$")],
  ["$5$", (k, s) => shaCrypt(k, s, "$5$")],
  ["$6$", (k, s) => shaCrypt(k, s, "$6$")],
];

/** A value no stored hash equals: for what crypt(3) would hash but tsresty cannot (DES, yescrypt). */
const UNCHECKED = "\0";

/**
 * The hash of `key` in the scheme and salt of `setting`; undefined where crypt(3) fails
 * (an invalid salt: nginx answers 500), UNCHECKED for schemes not implemented here.
 */
export function cryptPassword(key: string, setting: string): string | undefined {
  for (const [prefix, f] of SCHEMES) if (setting.startsWith(prefix)) return f(key, setting);
  if (setting.startsWith("$") || /^[./0-9A-Za-z]{2}/.test(setting)) return UNCHECKED;
  return undefined;
}
