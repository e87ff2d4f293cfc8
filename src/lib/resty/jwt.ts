// resty.jwt: lua-resty-jwt 0.2.x's API (sign, verify, load_jwt, verify_jwt_obj and the
// jwt_obj fields verified / valid / reason with its texts).
// Every call is synchronous, as it is in OpenResty (these run in phases where Lua cannot
// yield): signatures use node:crypto's synchronous HMAC, sign and verify. jose's signing
// and key import are Promise-based, so only its synchronous base64url encoder is used here;
// the tests check interoperability with jose's asynchronous SignJWT and jwtVerify.
import { createHmac, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, constants, type KeyObject } from "node:crypto";
import { lazyRequire } from "../../lazy-require.js";
import { LuaTable } from "../../lua/runtime/table.js";
import { LuaError } from "../../lua/runtime/error.js";
import { typeName, bytesToLua, luaToBytes } from "../../lua/runtime/convert.js";
import { call, errorValue, first, index, setIndex, tostring, truthy } from "../../lua/runtime/ops.js";
import type { LuaFunction, LuaResult, LuaValue } from "../../lua/runtime/value.js";
import { safeDecode, safeEncode } from "../cjson.js";
import { moduleTable, rawError } from "../util.js";
import { makeJwtValidators } from "./jwt-validators.js";

// jose takes 0.1-0.3 s to load: required on the first token encoded (an ES module; Node 20.19+
// requires those synchronously).
const jose = lazyRequire<typeof import("jose")>("jose");

const EVERYTHING_AWESOME = "everything is awesome~ :p";
const INVALID_JWT = "invalid jwt string";

/** error({reason = msg}): how lua-resty-jwt reports failures internally. */
function reasonError(msg: string): never {
  const t = new LuaTable();
  t.setStr("reason", msg);
  return rawError(t);
}

/** The reason of a caught error value: its .reason, else a fallback. */
function reasonOf(e: unknown, fallback: string): LuaValue {
  const v = errorValue(e);
  if (v instanceof LuaTable) {
    const r = v.getStr("reason");
    return r ?? fallback;
  }
  return fallback;
}

/** ngx.decode_base64: undefined for a character outside the alphabet or a length of 4n+1 before any '='. */
export function ngxDecodeBase64(s: string): string | undefined {
  let len = 0;
  for (; len < s.length; len++) {
    const c = s.charCodeAt(len);
    if (c === 61) break;
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok) return undefined;
  }
  if (len % 4 === 1) return undefined;
  return Buffer.from(s.slice(0, len), "base64").toString("latin1");
}

/** ngx.encode_base64 made URL-safe without padding, as jwt_encode does. */
function b64urlEncode(s: string): string {
  return jose().base64url.encode(luaToBytes(s));
}

/** jwt_decode: URL-safe alphabet back to the standard one, padding added, then ngx.decode_base64. */
function b64urlDecode(s: string): string | undefined {
  let t = s.replace(/-/g, "+").replace(/_/g, "/");
  const rem = t.length % 4;
  if (rem > 0) t += "=".repeat(4 - rem);
  return ngxDecodeBase64(t);
}

interface AlgSpec {
  readonly kind: "hmac" | "rsa" | "pss" | "ec";
  readonly hash: string;
}
const ALGS: Record<string, AlgSpec> = {
  HS256: { kind: "hmac", hash: "sha256" },
  HS384: { kind: "hmac", hash: "sha384" },
  HS512: { kind: "hmac", hash: "sha512" },
  RS256: { kind: "rsa", hash: "sha256" },
  RS384: { kind: "rsa", hash: "sha384" },
  RS512: { kind: "rsa", hash: "sha512" },
  PS256: { kind: "pss", hash: "sha256" },
  PS384: { kind: "pss", hash: "sha384" },
  PS512: { kind: "pss", hash: "sha512" },
  ES256: { kind: "ec", hash: "sha256" },
  ES384: { kind: "ec", hash: "sha384" },
  ES512: { kind: "ec", hash: "sha512" },
};

function asymmetricOptions(spec: AlgSpec, key: KeyObject): Parameters<typeof cryptoSign>[2] {
  if (spec.kind === "pss") return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  if (spec.kind === "ec") return { key, dsaEncoding: "ieee-p1363" };
  return key;
}

/** A field read as Lua code reads it (t.k, with __index). */
function get(t: LuaValue, k: string): LuaValue {
  return index(t, k);
}

/** require "resty.jwt" */
export function makeJwt(): LuaTable {
  const validators = makeJwtValidators();
  const M: LuaTable = new LuaTable();
  const mt = new LuaTable();
  mt.setStr("__index", M);

  const payloadEncoder = (self: LuaValue): LuaValue => get(self, "payload_encoder");
  const payloadDecoder = (self: LuaValue): LuaValue => get(self, "payload_decoder");

  const jsonEncode = (v: LuaValue): LuaValue => {
    const r = safeEncode(v);
    return r.ok ? r.value : undefined;
  };
  const jsonDecode = (s: string): LuaValue => {
    const r = safeDecode(s);
    return r.ok ? r.value : undefined;
  };

  const jwtEncode = (self: LuaValue, ori: LuaValue, isPayload?: LuaValue): string => {
    let s = ori;
    if (s instanceof LuaTable) {
      const enc = truthy(isPayload) ? payloadEncoder(self) : undefined;
      s = enc !== undefined ? first(call(enc, s)) : jsonEncode(s);
    }
    if (typeof s !== "string") {
      throw new LuaError(`bad argument #1 to 'encode_base64' (string expected, got ${typeName(s)})`);
    }
    return b64urlEncode(s);
  };

  const jwtDecode = (self: LuaValue, b64: LuaValue, json?: LuaValue, isPayload?: LuaValue): LuaValue => {
    if (typeof b64 !== "string") throw new LuaError(`attempt to index local 'b64_str' (a ${typeName(b64)} value)`);
    const data = b64urlDecode(b64);
    if (data === undefined) return undefined;
    if (!truthy(json)) return data;
    // `is_payload and decoder(data) or cjson_decode(data)`: a falsy decoder result falls back to cjson.
    const dec = truthy(isPayload) ? payloadDecoder(self) : undefined;
    if (dec !== undefined) {
      const v = first(call(dec, data));
      if (truthy(v)) return v;
    }
    return jsonDecode(data);
  };

  /** raw_<part>, or the part encoded. */
  const rawPart = (name: "header" | "payload", obj: LuaValue): string => {
    const raw = get(obj, "raw_" + name);
    if (raw !== undefined) return tostring(raw);
    const part = get(obj, name);
    if (part === undefined) reasonError("missing part " + name);
    return jwtEncode(M, part, name === "payload");
  };

  const secretString = (secret: LuaValue, obj: LuaValue, alg: string): string => {
    const header = get(obj, "header");
    if (typeof secret === "function") {
      if (alg !== "HS256" && alg !== "HS384" && alg !== "HS512") reasonError("secret function can only be used with hmac alg: " + alg);
      const kid = get(header, "kid");
      if (kid === undefined) reasonError("secret function specified without kid in header");
      const s = first(call(secret, kid));
      if (!truthy(s)) reasonError("function returned nil for kid: " + tostring(kid));
      return tostring(s);
    }
    if (typeof secret === "string") return secret;
    return reasonError("invalid secret type (must be string or function)");
  };

  const sign = (self: LuaValue, secret: LuaValue, obj: LuaValue): string => {
    const header = get(obj, "header");
    const typ = get(header, "typ");
    if (typ !== undefined && typ !== "JWT" && typ !== "JWE") reasonError("invalid typ: " + tostring(typ));
    if (typ === "JWE" || get(header, "enc") !== undefined) reasonError("JWE is not supported");
    const rawHeader = rawPart("header", obj);
    const rawPayload = rawPart("payload", obj);
    const message = `${rawHeader}.${rawPayload}`;
    const alg = get(header, "alg");
    const spec = typeof alg === "string" ? ALGS[alg] : undefined;
    if (spec === undefined) return reasonError("unsupported alg: " + tostring(alg));
    let signature: string;
    if (spec.kind === "hmac") {
      const key = secretString(secret, obj, alg as string);
      signature = bytesToLua(createHmac(spec.hash, luaToBytes(key)).update(luaToBytes(message)).digest());
    } else {
      let key: KeyObject;
      try {
        key = createPrivateKey({ key: luaToBytes(tostring(secret)), format: "pem" });
      } catch (e) {
        return reasonError("signer error: " + (e instanceof Error ? e.message : String(e)));
      }
      try {
        signature = bytesToLua(cryptoSign(spec.hash, luaToBytes(message), asymmetricOptions(spec, key)));
      } catch (e) {
        return reasonError("signature error: " + (e instanceof Error ? e.message : String(e)));
      }
    }
    void self;
    return `${message}.${b64urlEncode(signature)}`;
  };

  /** parse(): a table with raw_header, raw_payload, header, payload, signature; raises {reason}. */
  const parse = (token: LuaValue): LuaTable => {
    if (typeof token !== "string") throw new LuaError(`attempt to index local 'str' (a ${typeName(token)} value)`);
    // split_string: gmatch("[^.]+"), so empty parts vanish.
    const parts = token.split(".").filter((p) => p.length > 0);
    if (parts.length === 3) {
      const [eh, ep, sig] = parts as [string, string, string];
      const header = jwtDecode(M, eh, true);
      if (!truthy(header)) reasonError("invalid header: " + eh);
      const payload = jwtDecode(M, ep, true, true);
      if (!truthy(payload)) reasonError("invalid payload: " + ep);
      const t = new LuaTable();
      t.setStr("raw_header", eh);
      t.setStr("raw_payload", ep);
      t.setStr("header", header);
      t.setStr("payload", payload);
      t.setStr("signature", sig);
      return t;
    }
    if (parts.length === 4 || parts.length === 5) {
      const header = jwtDecode(M, parts[0]!, true);
      if (!truthy(header)) reasonError("invalid header: " + parts[0]);
      const alg = get(header, "alg");
      if (alg !== "dir" && alg !== "RSA-OAEP-256") reasonError("invalid algorithm: " + tostring(alg));
      reasonError("JWE is not supported");
    }
    return reasonError(INVALID_JWT);
  };

  const loadJwt = (self: LuaValue, token: LuaValue): LuaTable => {
    void self;
    try {
      const obj = parse(token);
      obj.setStr("verified", false);
      obj.setStr("valid", true);
      return obj;
    } catch (e) {
      const t = new LuaTable();
      t.setStr("valid", false);
      t.setStr("verified", false);
      t.setStr("reason", reasonOf(e, INVALID_JWT));
      return t;
    }
  };

  const LEGACY = new Set(["valid_issuers", "lifetime_grace_period", "require_nbf_claim", "require_exp_claim"]);
  const isLegacy = (options: LuaValue): boolean => {
    if (!(options instanceof LuaTable)) return false;
    let legacy = false;
    for (let k = options.next(undefined); k !== undefined && k !== false; k = options.next(k[0])) {
      if (typeof k[0] === "string" && LEGACY.has(k[0])) legacy = true;
      else return false;
    }
    return legacy;
  };
  const vfn = (name: string): LuaFunction => validators.getStr(name) as LuaFunction;
  const legacySpec = (options: LuaTable): LuaTable => {
    const spec = new LuaTable();
    const issuers = options.getStr("valid_issuers");
    const grace = options.getStr("lifetime_grace_period");
    const reqNbf = options.getStr("require_nbf_claim");
    const reqExp = options.getStr("require_exp_claim");
    if (issuers !== undefined) spec.setStr("iss", first(vfn("equals_any_of")(issuers)));
    if (grace !== undefined) {
      vfn("set_system_leeway")(grace);
      if (reqNbf !== true && reqExp !== true) spec.setStr("__jwt", first(vfn("require_one_of")(LuaTable.from(["nbf", "exp"]))));
    }
    if (reqNbf !== undefined && typeof reqNbf !== "boolean") throw new LuaError("'require_nbf_claim' validation option is expected to be a boolean.");
    if (reqExp !== undefined && typeof reqExp !== "boolean") throw new LuaError("'require_exp_claim' validation option is expected to be a boolean.");
    if (grace !== undefined || reqNbf !== undefined || reqExp !== undefined) {
      spec.setStr("nbf", first(vfn(reqNbf === true ? "is_not_before" : "opt_is_not_before")()));
      spec.setStr("exp", first(vfn(reqExp === true ? "is_not_expired" : "opt_is_not_expired")()));
    }
    return spec;
  };

  const defaultOptions = (obj: LuaValue): LuaTable => {
    const t = new LuaTable();
    t.setStr("require_exp_claim", get(obj, "exp") !== undefined);
    t.setStr("require_nbf_claim", get(obj, "nbf") !== undefined);
    return t;
  };

  /** validate_claims: false (with jwt_obj.reason set) when a claim spec fails. */
  const validateClaims = (obj: LuaTable, specs: LuaValue[]): boolean => {
    // {...} then #: the specs up to the first nil
    const list: LuaValue[] = [];
    for (const s of specs) {
      if (s === undefined) break;
      list.push(s);
    }
    if (list.length === 0) list.push(defaultOptions(obj));
    if (obj.getStr("reason") !== undefined) return false;
    const jwtJson = jsonEncode(obj);
    for (let spec of list) {
      if (isLegacy(spec)) spec = legacySpec(spec as LuaTable);
      if (!(spec instanceof LuaTable)) throw new LuaError(`bad argument #1 to 'pairs' (table expected, got ${typeName(spec)})`);
      for (let e = spec.next(undefined); e !== undefined && e !== false; e = spec.next(e[0])) {
        const [claim, fx] = e;
        if (typeof fx !== "function") throw new LuaError("Claim spec value must be a function - see jwt-validators.lua for helper functions");
        const val = claim === "__jwt" ? (typeof jwtJson === "string" ? jsonDecode(jwtJson) : undefined) : index(get(obj, "payload"), claim);
        let ret: LuaValue;
        try {
          ret = first(call(fx, val, claim, jwtJson));
        } catch (err) {
          const v = errorValue(err);
          let reason: LuaValue;
          if (v instanceof LuaTable && v.getStr("reason") !== undefined) reason = v.getStr("reason");
          else reason = tostring(v).replace(/^[\s\S]*?:\d*?: /, "");
          obj.setStr("reason", reason);
          return false;
        }
        if (ret === false) {
          obj.setStr("reason", `Claim '${tostring(claim)}' ('${tostring(val)}') returned failure`);
          return false;
        }
      }
    }
    return true;
  };

  const verifyJwtObj = (self: LuaValue, secret: LuaValue, obj: LuaValue, specs: LuaValue[]): LuaValue => {
    if (!(obj instanceof LuaTable)) throw new LuaError(`attempt to index local 'jwt_obj' (a ${typeName(obj)} value)`);
    if (!truthy(obj.getStr("valid"))) return obj;
    if (!validateClaims(obj, specs)) return obj;
    const header = get(obj, "header");
    const alg = get(header, "alg");
    const whitelist = get(self, "alg_whitelist");
    if (whitelist !== undefined && get(whitelist, tostring(alg)) === undefined) {
      const r = new LuaTable();
      r.setStr("verified", false);
      r.setStr("reason", "whitelist unsupported alg: " + tostring(alg));
      return r;
    }
    const spec = typeof alg === "string" ? ALGS[alg] : undefined;
    const signatureText = tostring(get(obj, "signature"));
    if (spec === undefined) {
      // "none" and anything unknown never verify.
      obj.setStr("reason", "Unsupported algorithm " + tostring(alg));
    } else if (spec.kind === "hmac") {
      try {
        const again = sign(self, secret, obj);
        const token = `${tostring(get(obj, "raw_header"))}.${tostring(get(obj, "raw_payload"))}.${signatureText}`;
        if (again !== token) obj.setStr("reason", "signature mismatch: " + signatureText);
      } catch (e) {
        obj.setStr("reason", reasonOf(e, "internal error"));
      }
    } else {
      // Certificates from the token's x5c/x5u checked against a trusted CA file are not
      // supported: fail closed with lua-resty-jwt's text for an unusable key model.
      if (get(self, "trusted_certs_file") !== undefined) {
        obj.setStr("reason", "Unsupported RS256 key model");
        return obj;
      }
      let key: KeyObject | undefined;
      if (typeof secret === "string" && (secret.includes("CERTIFICATE") || secret.includes("PUBLIC KEY"))) {
        try {
          key = createPublicKey({ key: luaToBytes(secret), format: "pem" });
        } catch {
          key = undefined;
        }
      }
      if (secret === undefined) {
        obj.setStr("reason", "No trusted certs loaded");
        return obj;
      }
      if (key === undefined) {
        obj.setStr("reason", "Decode secret is not a valid cert/public key");
        return obj;
      }
      const message = `${rawPart("header", obj)}.${rawPart("payload", obj)}`;
      const sig = b64urlDecode(signatureText);
      if (sig === undefined) {
        obj.setStr("reason", "Wrongly encoded signature");
        return obj;
      }
      let ok = false;
      try {
        ok = cryptoVerify(spec.hash, luaToBytes(message), asymmetricOptions(spec, key) as Parameters<typeof cryptoVerify>[2], luaToBytes(sig));
      } catch {
        ok = false;
      }
      if (!ok) obj.setStr("reason", "Verification failed");
    }
    if (obj.getStr("reason") === undefined) {
      obj.setStr("verified", true);
      obj.setStr("reason", EVERYTHING_AWESOME);
    }
    return obj;
  };

  const fns = moduleTable({
    jwt_encode: (self: LuaValue, ori: LuaValue, isPayload?: LuaValue): LuaResult => jwtEncode(self, ori, isPayload),
    jwt_decode: (self: LuaValue, s: LuaValue, json?: LuaValue, isPayload?: LuaValue): LuaResult => jwtDecode(self, s, json, isPayload),
    set_trusted_certs_file: (self: LuaValue, filename: LuaValue): LuaResult => {
      setIndex(self, "trusted_certs_file", filename);
      return [];
    },
    set_alg_whitelist: (self: LuaValue, algorithms: LuaValue): LuaResult => {
      setIndex(self, "alg_whitelist", algorithms);
      return [];
    },
    get_default_validation_options: (_self: LuaValue, obj: LuaValue): LuaResult => defaultOptions(obj),
    set_x5u_content_retriever: (self: LuaValue, f: LuaValue): LuaResult => {
      if (typeof f !== "function") throw new LuaError("'retriever_function' is expected to be a function");
      setIndex(self, "x5u_content_retriever", f);
      return [];
    },
    sign: (self: LuaValue, secret: LuaValue, obj: LuaValue): LuaResult => sign(self, secret, obj),
    load_jwt: (self: LuaValue, token: LuaValue): LuaResult => loadJwt(self, token),
    verify_jwt_obj: (self: LuaValue, secret: LuaValue, obj: LuaValue, ...specs: LuaValue[]): LuaResult => verifyJwtObj(self, secret, obj, specs),
    verify: (self: LuaValue, secret: LuaValue, token: LuaValue, ...specs: LuaValue[]): LuaResult => {
      const obj = loadJwt(self, token);
      if (!truthy(obj.getStr("valid"))) {
        const r = new LuaTable();
        r.setStr("verified", false);
        r.setStr("reason", obj.getStr("reason"));
        return r;
      }
      return verifyJwtObj(self, secret, obj, specs);
    },
    set_payload_encoder: (self: LuaValue, f: LuaValue): LuaResult => {
      if (typeof f !== "function") reasonError("payload encoder must be function");
      setIndex(self, "payload_encoder", f);
      return [];
    },
    set_payload_decoder: (self: LuaValue, f: LuaValue): LuaResult => {
      if (typeof f !== "function") reasonError("payload decoder must be function");
      setIndex(self, "payload_decoder", f);
      return [];
    },
    new: (): LuaResult => {
      const t = new LuaTable();
      t.mt = mt;
      return t;
    },
  });
  for (let e = fns.next(undefined); e !== undefined && e !== false; e = fns.next(e[0])) M.set(e[0], e[1]);
  M.setStr("_VERSION", "0.2.3");
  return M;
}
