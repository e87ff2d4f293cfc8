// lua-resty-string's modules on node:crypto: resty.string (to_hex, atoi), the digest
// objects resty.md5, resty.sha1, resty.sha224, resty.sha256, resty.sha384, resty.sha512
// (new, update, final, reset), and resty.random (bytes).
import { createHash, randomBytes, type Hash } from "node:crypto";
import { LuaTable } from "../../lua/runtime/table.js";
import { LuaError } from "../../lua/runtime/error.js";
import { where } from "../../lua/runtime/callstack.js";
import { typeName } from "../../lua/runtime/convert.js";
import { bytesToLua, luaToBytes } from "../../lua/runtime/convert.js";
import type { LuaResult, LuaValue } from "../../lua/runtime/value.js";
import { badSelf, indexMeta, moduleTable } from "../util.js";

const VERSION = "0.16";

/** `#s` on a value that must be a string, with Lua's error for the others. */
export function needString(v: LuaValue, name: string): string {
  if (typeof v === "string") return v;
  throw new LuaError(where(1) + `attempt to get length of local '${name}' (a ${typeName(v)} value)`);
}

const HEX = "0123456789abcdef";

/** require "resty.string" */
export function makeRestyString(): LuaTable {
  return moduleTable({
    // ngx_hex_dump: lower-case hex of every byte.
    to_hex: (s: LuaValue): LuaResult => {
      const str = needString(s, "s");
      let out = "";
      for (let i = 0; i < str.length; i++) {
        const c = str.charCodeAt(i);
        out += HEX[c >> 4]! + HEX[c & 15]!;
      }
      return out;
    },
    // ngx_atoi: decimal digits only; -1 (NGX_ERROR) for an empty string, any other byte, or overflow.
    atoi: (s: LuaValue): LuaResult => {
      const str = needString(s, "s");
      if (str.length === 0) return -1;
      let v = 0n;
      for (let i = 0; i < str.length; i++) {
        const c = str.charCodeAt(i);
        if (c < 48 || c > 57) return -1;
        v = v * 10n + BigInt(c - 48);
        if (v > 0x7fffffffffffffffn) return -1;
      }
      return Number(v);
    },
  }, { _VERSION: VERSION });
}

/** A digest object: a Lua table (type() "table", as the Lua objects are) carrying the hash state. */
class DigestTable extends LuaTable {
  constructor(private readonly algorithm: string, public state: Hash) {
    super();
  }
  fresh(): Hash {
    return createHash(this.algorithm);
  }
}

function digestOf(self: LuaValue): DigestTable {
  if (self instanceof DigestTable) return self;
  return badSelf(self);
}

/**
 * require "resty.md5" / "resty.sha1" / ...: new() (called as mod:new()), update(s),
 * final() -> binary digest, reset(). After final() the object starts over, where the
 * OpenSSL context would be left finalized (its further results are undefined).
 */
export function makeDigestModule(algorithm: string): LuaTable {
  const M: LuaTable = moduleTable({
    new: (): LuaResult => {
      const d = new DigestTable(algorithm, createHash(algorithm));
      d.mt = mt;
      return d;
    },
    update: (self: LuaValue, s: LuaValue): LuaResult => {
      const d = digestOf(self);
      d.state.update(luaToBytes(needString(s, "s")));
      return true;
    },
    final: (self: LuaValue): LuaResult => {
      const d = digestOf(self);
      const out = bytesToLua(d.state.digest());
      d.state = d.fresh();
      return out;
    },
    reset: (self: LuaValue): LuaResult => {
      const d = digestOf(self);
      d.state = d.fresh();
      return true;
    },
  }, { _VERSION: VERSION });
  const mt = indexMeta(M);
  return M;
}

/** require "resty.random": bytes(len, strong). */
export function makeRestyRandom(): LuaTable {
  return moduleTable({
    // RAND_bytes and RAND_pseudo_bytes are the same generator in OpenSSL 1.1+; so are these.
    bytes: (len: LuaValue, strong?: LuaValue): LuaResult => {
      if (typeof len !== "number") {
        throw new LuaError(where(1) + `bad argument #2 to 'new' (cannot convert '${typeName(len)}' to 'int')`);
      }
      const n = Math.trunc(len);
      if (n < 0) throw new LuaError(where(1) + "size of C type is unknown or too large");
      void strong;
      return bytesToLua(randomBytes(n));
    },
  }, { _VERSION: VERSION });
}
