// resty.aes (lua-resty-string 0.16) on node:crypto.
// The key and IV come from OpenSSL's EVP_BytesToKey, computed here step by step as
// lua-resty-string calls it (salt, hash, rounds; the IV buffer sized to the key length,
// AEAD IVs of iv_len bytes), so that ciphertexts equal OpenResty's byte for byte.
import { createCipheriv, createDecipheriv, createHash, type CipherGCM, type DecipherGCM } from "node:crypto";
import { LuaTable } from "../../lua/runtime/table.js";
import { LuaError } from "../../lua/runtime/error.js";
import { where } from "../../lua/runtime/callstack.js";
import { typeName, bytesToLua, luaToBytes, numberToString } from "../../lua/runtime/convert.js";
import { call, first } from "../../lua/runtime/ops.js";
import type { LuaResult, LuaUserdata, LuaValue } from "../../lua/runtime/value.js";
import { indexMeta, moduleTable } from "../util.js";
import { needString } from "./string.js";

/** An FFI pointer (const EVP_MD *, const EVP_CIPHER *): type() says "cdata". */
interface CPointer extends LuaUserdata {
  readonly luaType: "cdata";
  readonly name: string;
}
function cpointer(name: string): CPointer {
  return Object.freeze({ mt: undefined, luaType: "cdata", luaTypeName: "cdata", name });
}

const DIGESTS = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"] as const;
const MD = new Map<string, CPointer>(DIGESTS.map((d) => [d, cpointer(d)]));

// The EVP_aes_* functions lua-resty-string declares (and 256-bit CTR, which it omits).
const MODES = ["ecb", "cbc", "cfb1", "cfb8", "cfb128", "ofb", "ctr", "gcm"] as const;
const CIPHERS = new Map<string, CPointer>();
for (const size of [128, 192, 256]) {
  for (const mode of MODES) CIPHERS.set(`${size}_${mode}`, cpointer(`aes-${size}-${mode === "cfb128" ? "cfb" : mode}`));
}

/** The IV length OpenSSL gives each cipher (EVP_CIPHER_iv_length). */
function cipherIvLength(name: string): number {
  if (name.endsWith("-ecb")) return 0;
  if (name.endsWith("-gcm")) return 12;
  return 16;
}

/**
 * EVP_BytesToKey: D_i = H^count(D_{i-1} || data || salt), concatenated until keyLen + ivLen
 * bytes are produced; the key is taken first, then the IV.
 */
export function evpBytesToKey(md: string, salt: Buffer | undefined, data: Buffer, count: number, keyLen: number, ivLen: number): { key: Buffer; iv: Buffer } {
  const out: Buffer[] = [];
  let have = 0;
  let prev = Buffer.alloc(0);
  while (have < keyLen + ivLen) {
    let h = createHash(md).update(prev).update(data);
    if (salt !== undefined) h = h.update(salt);
    let d = h.digest();
    for (let i = 1; i < count; i++) d = createHash(md).update(d).digest();
    out.push(d);
    have += d.length;
    prev = d;
  }
  const all = Buffer.concat(out);
  return { key: all.subarray(0, keyLen), iv: all.subarray(keyLen, keyLen + ivLen) };
}

/** An aes object: a Lua table, as in Lua, carrying the key material. */
class AesTable extends LuaTable {
  constructor(
    readonly cipherName: string,
    readonly mode: string,
    readonly key: Buffer,
    readonly iv: Buffer,
    readonly padding: boolean,
  ) {
    super();
  }
}

function lenError(name: string, v: LuaValue): never {
  throw new LuaError(where(1) + `attempt to get length of local '${name}' (a ${typeName(v)} value)`);
}

function selfCheck(self: LuaValue): AesTable {
  if (self instanceof AesTable) return self;
  // lua-resty-string raises this (at the caller's level) when called with '.' instead of ':'.
  throw new LuaError(where(1) + `bad argument #1 self: table expected, got ${typeName(self)}`);
}

/** Field access on a Lua value as `t.k` would do it (the cipher and hash arguments are Lua tables). */
function field(t: LuaValue, k: string, local: string): LuaValue {
  if (t instanceof LuaTable) return t.get(k);
  throw new LuaError(where(1) + `attempt to index local '${local}' (a ${typeName(t)} value)`);
}

/** require "resty.aes" */
export function makeRestyAes(): LuaTable {
  const hash = new LuaTable();
  for (const [k, v] of MD) hash.setStr(k, v);

  const cipher = (size?: LuaValue, mode?: LuaValue): LuaResult => {
    const sz = size === undefined || size === false ? 128 : size;
    const md = mode === undefined || mode === false ? "cbc" : mode;
    const szText = typeof sz === "number" ? numberToString(sz) : String(sz);
    const method = CIPHERS.get(`${szText}_${String(md)}`);
    // ffi.C["EVP_aes_..."] of a function that is not declared raises rather than returning nil.
    if (method === undefined) throw new LuaError(where(1) + `missing declaration for symbol 'EVP_aes_${szText}_${String(md)}'`);
    const t = new LuaTable();
    t.setStr("size", sz);
    t.setStr("cipher", md);
    t.setStr("method", method);
    return t;
  };

  const M: LuaTable = moduleTable({
    cipher,
    new: (_self: LuaValue, key?: LuaValue, salt?: LuaValue, cipherArg?: LuaValue, hashArg?: LuaValue,
      hashRounds?: LuaValue, ivLen?: LuaValue, enablePadding?: LuaValue): LuaResult => {
      const c = cipherArg === undefined || cipherArg === false ? (cipher() as LuaTable) : cipherArg;
      const h = hashArg === undefined || hashArg === false ? MD.get("md5")! : hashArg;
      const rounds = hashRounds === undefined || hashRounds === false ? 1 : hashRounds;
      const size = field(c, "size", "_cipher");
      if (typeof size !== "number") throw new LuaError(where(1) + `attempt to perform arithmetic on field 'size' (a ${typeName(size)} value)`);
      const keyLen = size / 8;
      const method = field(c, "method", "_cipher");
      const cipherName = (method as CPointer | undefined)?.luaType === "cdata" ? (method as CPointer).name : undefined;
      if (cipherName === undefined || !Number.isInteger(keyLen)) return [undefined, "failed to init ctx"];
      const mode = String(field(c, "cipher", "_cipher"));
      const padding = enablePadding !== false;
      let ivLength = typeof ivLen === "number" ? ivLen : keyLen;
      let genKey: Buffer;
      // gen_iv is a buffer of key-length bytes, zero-filled past what is copied into it.
      const genIv = Buffer.alloc(Math.max(keyLen, 16));

      if (h instanceof LuaTable) {
        const iv = h.getStr("iv");
        if (iv === undefined || iv === false) return [undefined, "iv is needed"];
        if (typeof iv !== "string") lenError("iv", iv);
        ivLength = iv.length;
        if (ivLength > keyLen) return [undefined, "bad iv length"];
        const kdf = h.getStr("method");
        let k: string;
        if (kdf !== undefined && kdf !== false) {
          const tmp = first(call(kdf, key));
          if (typeof tmp !== "string") lenError("tmp_key", tmp);
          if (tmp.length !== keyLen) return [undefined, "bad key length"];
          k = tmp;
        } else {
          if (typeof key !== "string") lenError("key", key);
          if (key.length !== keyLen) return [undefined, "bad key length"];
          k = key;
        }
        genKey = luaToBytes(k);
        luaToBytes(iv).copy(genIv);
      } else {
        if (salt !== undefined && salt !== false) {
          if (typeof salt !== "string") lenError("salt", salt);
          if (salt.length !== 8) return [undefined, "salt must be 8 characters or nil"];
        }
        const md = (h as CPointer | undefined)?.luaType === "cdata" && DIGESTS.includes((h as CPointer).name as (typeof DIGESTS)[number])
          ? (h as CPointer).name : undefined;
        if (md === undefined) {
          throw new LuaError(where(1) + `bad argument #2 to 'EVP_BytesToKey' (cannot convert '${typeName(h)}' to 'const EVP_MD *')`);
        }
        if (typeof key !== "string") lenError("key", key);
        const count = typeof rounds === "number" ? Math.trunc(rounds) : 1;
        const d = evpBytesToKey(md, typeof salt === "string" ? luaToBytes(salt) : undefined, luaToBytes(key), count, keyLen, cipherIvLength(cipherName));
        genKey = d.key;
        d.iv.copy(genIv);
      }
      // Block and stream modes read the cipher's IV length from gen_iv; AEAD modes iv_len bytes.
      const iv = mode === "gcm" ? genIv.subarray(0, ivLength) : genIv.subarray(0, cipherIvLength(cipherName));
      if (mode === "gcm" && ivLength < 1) return [undefined, "failed to set IV length"];
      const obj = new AesTable(cipherName, mode, Buffer.from(genKey), Buffer.from(iv), padding);
      obj.mt = mt;
      return obj;
    },
    encrypt: (self: LuaValue, s?: LuaValue, aad?: LuaValue): LuaResult => {
      const a = selfCheck(self);
      const input = needString(s, "s");
      try {
        if (a.mode === "gcm") {
          const c = createCipheriv(a.cipherName, a.key, a.iv) as CipherGCM;
          if (aad !== undefined && aad !== null) c.setAAD(luaToBytes(needString(aad, "aad")));
          const body = Buffer.concat([c.update(luaToBytes(input)), c.final()]);
          return LuaTable.from([bytesToLua(body), bytesToLua(c.getAuthTag())]);
        }
        const c = createCipheriv(a.cipherName, a.key, a.cipherName.endsWith("-ecb") ? null : a.iv);
        c.setAutoPadding(a.padding);
        const body = c.update(luaToBytes(input));
        let tail: Buffer;
        try {
          tail = c.final();
        } catch {
          return [undefined, "EVP_EncryptFinal_ex failed"];
        }
        return bytesToLua(Buffer.concat([body, tail]));
      } catch {
        return [undefined, "EVP_EncryptUpdate failed"];
      }
    },
    decrypt: (self: LuaValue, s?: LuaValue, tag?: LuaValue, aad?: LuaValue): LuaResult => {
      const a = selfCheck(self);
      const input = needString(s, "s");
      if (a.mode === "gcm") {
        const d = createDecipheriv(a.cipherName, a.key, a.iv) as DecipherGCM;
        if (aad !== undefined && aad !== null) d.setAAD(luaToBytes(needString(aad, "aad")));
        const body = d.update(luaToBytes(input));
        if (typeof tag === "string") {
          // ffi.copy(tag_buf, tag, 16): always 16 bytes (zeros here past a shorter tag).
          const t = Buffer.alloc(16);
          luaToBytes(tag).copy(t, 0, 0, 16);
          d.setAuthTag(t);
        }
        try {
          d.final();
        } catch {
          return [undefined, "EVP_DecryptFinal_ex failed"];
        }
        return bytesToLua(body);
      }
      try {
        const d = createDecipheriv(a.cipherName, a.key, a.cipherName.endsWith("-ecb") ? null : a.iv);
        d.setAutoPadding(a.padding);
        const body = d.update(luaToBytes(input));
        let tail: Buffer;
        try {
          tail = d.final();
        } catch {
          return [undefined, "EVP_DecryptFinal_ex failed"];
        }
        return bytesToLua(Buffer.concat([body, tail]));
      } catch {
        return [undefined, "EVP_DecryptUpdate failed"];
      }
    },
  }, { _VERSION: "0.16", hash });
  const mt = indexMeta(M);
  return M;
}
