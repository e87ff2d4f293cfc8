// resty.jwt as Lua code uses it. Known vectors come from lua-resty-jwt's test suite; other
// tokens are made by jose (asynchronously, in the test) and verified by resty.jwt, and
// tokens signed by resty.jwt are verified by jose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, createSecretKey } from "node:crypto";
import { SignJWT, jwtVerify, importPKCS8, importSPKI } from "jose";
import { runLua } from "./lua.js";
import { setJwtClock, resetJwtValidators } from "../../src/lib/resty/jwt-validators.js";
import type { LuaValue } from "../../src/lua/runtime/value.js";

const HS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJmb28iOiJiYXIifQ.VAoRL1IU0nOguxURF2ZcKR0SGKE1gCbqwyh8u2MLAyY";
const RS_PUBLIC = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtM/RXjMp7AvPrnb1/i3I
mcZ4ebkY+AvUurTXngJSBgn0GJNM1HDRQqApE5JzUHf2BImsAyzW8QarrWzA2dWm
q8rNWtJWJlHlSwiKr8wZDyU0kLAqKUEPVfFrk9uds8zc7OvHVRjXQiXeSTUUMpKc
HsZp4zz79Jr4+4vF4Bt+/U8luj/llleaJHlJFyfXiUtqLg2HUdkjPQaFVvhYMQ7u
gZl4aM1uRH7J2oxaexy/JEApSNEDnO/cripd+Pdqx+m8xbBZ9pX8FsvYnO3D/BKQ
k3hadbRWg/r8QYT2ZHk0NRyseoUOc3hyAeckiSWe2n9lvK+HkxmM23UVtuAwxwj4
WQIDAQAB
-----END PUBLIC KEY-----
`;
const RS_TOKEN = "eyJ0eXAiOiAiSldUIiwgImFsZyI6ICJSUzI1NiJ9." +
  "eyJpc3MiOiAidGVzdCIsICJpYXQiOiAxNDYxOTE0MDE3fQ." +
  "dng6Vc-p_ISwiWc61ifWahbFYKBNWfaIr-W3bTPpgL-awG8UlaCONkQk2PHJw_xndbpenQYl_-hipCKynokeFBTXVcSL6H" +
  "7XL4D9laQVDVFnI63hcXOMQxgICsQPVdcfVSBl2jHyV8kuwXpUHbXQTxMawlE9SkI1-7UukxL9OyFIkT1D1uW7P96irVDs" +
  "GkEdTLVUPJerH-jlW4rRbW9twSHsgzHgkaqnQ41giW_e2Zzr0U2euFH-AxlyvWBJd8Y7rQ_aD40USKsJilZ5qSykGZ7KHd" +
  "PzuwTXioCwB8bGVE2YoL-DKYj7-tOwoNsMK7UJzyjqzHqwuqvZWtbhmeRlww";

/** verified, reason of jwt:verify(key, token [, spec]) run in Lua. */
function verify(key: LuaValue, token: string, extra = ""): [LuaValue, LuaValue, LuaValue] {
  const r = runLua(`
    local jwt = require "resty.jwt"
    local validators = require "resty.jwt-validators"
    ${extra}
    local obj = jwt:verify(KEY, TOKEN, SPEC)
    return obj.verified, obj.reason, obj.valid
  `, { KEY: key, TOKEN: token });
  return [r[0], r[1], r[2]];
}

test("jwt: lua-resty-jwt's own vectors", () => {
  resetJwtValidators();
  assert.deepEqual(verify("lua-resty-jwt", HS_TOKEN), [true, "everything is awesome~ :p", true]);
  assert.deepEqual(verify("lua-resty-jwt", HS_TOKEN.replace(/\.[^.]+$/, ".signature")), [false, "signature mismatch: signature", true]);
  assert.deepEqual(verify("other-secret", HS_TOKEN).slice(0, 2), [false, "signature mismatch: VAoRL1IU0nOguxURF2ZcKR0SGKE1gCbqwyh8u2MLAyY"]);
  assert.deepEqual(verify("lua-resty-jwt", "invalid-random-str"), [false, "invalid jwt string", undefined]);
  assert.deepEqual(verify("lua-resty-jwt", "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJmb28iOiJiYXIifQbad-format.signature").slice(0, 2),
    [false, "invalid payload: eyJmb28iOiJiYXIifQbad-format"]);
  assert.deepEqual(verify("lua-resty-jwt", "e30.eyJmb28iOiJiYXIifQ").slice(0, 2), [false, "invalid jwt string"]);
  assert.deepEqual(verify(RS_PUBLIC, RS_TOKEN), [true, "everything is awesome~ :p", true]);
  assert.deepEqual(verify(RS_PUBLIC, RS_TOKEN + "123").slice(0, 2), [false, "Wrongly encoded signature"]);
  assert.deepEqual(verify("not a key", RS_TOKEN).slice(0, 2), [false, "Decode secret is not a valid cert/public key"]);
  // exp = 0 and nbf = 9999999999, with the legacy grace period option
  const expired = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmb28iOiJiYXIiLCJleHAiOjB9.btivkb1guN1sQBYYVcrigEuNVvDOp1PDrbgaNSD3Whg";
  const future = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmb28iOiJiYXIiLCJuYmYiOjk5OTk5OTk5OTl9.Wfu3owxbzlrb0GXvV0D22Si8WEDP0WeRGwZNPAoYHMI";
  assert.deepEqual(verify("lua-resty-jwt", expired, "SPEC = { lifetime_grace_period = 0 }").slice(0, 2),
    [false, "'exp' claim expired at Thu, 01 Jan 1970 00:00:00 GMT"]);
  assert.deepEqual(verify("lua-resty-jwt", future, "SPEC = { lifetime_grace_period = 0 }").slice(0, 2),
    [false, "'nbf' claim not valid until Sat, 20 Nov 2286 17:46:39 GMT"]);
  assert.deepEqual(verify("lua-resty-jwt", future, "SPEC = { lifetime_grace_period = 9999999999 }").slice(0, 2),
    [true, "everything is awesome~ :p"]);
  resetJwtValidators();
  // without options, exp and nbf are still checked when present
  assert.deepEqual(verify("lua-resty-jwt", expired).slice(0, 2), [false, "'exp' claim expired at Thu, 01 Jan 1970 00:00:00 GMT"]);
});

test("jwt: load_jwt and verify_jwt_obj", () => {
  const r = runLua(`
    local jwt = require "resty.jwt"
    local obj = jwt:load_jwt(TOKEN)
    local before = obj.verified
    local alg, foo, raw = obj.header.alg, obj.payload.foo, obj.raw_payload
    local v = jwt:verify_jwt_obj("lua-resty-jwt", obj, {})
    return before, alg, foo, raw, v == obj, obj.verified, obj.reason, obj.signature
  `, { TOKEN: HS_TOKEN });
  assert.deepEqual(r, [false, "HS256", "bar", "eyJmb28iOiJiYXIifQ", true, true, "everything is awesome~ :p", "VAoRL1IU0nOguxURF2ZcKR0SGKE1gCbqwyh8u2MLAyY"]);
});

test("jwt: sign then verify for HS256/HS384/HS512/RS256/ES256, and jose agrees", async () => {
  resetJwtValidators();
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pem = (k: { export: (o: { type: "pkcs8" | "spki"; format: "pem" }) => string | Buffer }, type: "pkcs8" | "spki"): string =>
    k.export({ type, format: "pem" }).toString();
  const keys: Record<string, { signKey: string; verifyKey: string }> = {
    HS256: { signKey: "s3cr3t", verifyKey: "s3cr3t" },
    HS384: { signKey: "s3cr3t-384", verifyKey: "s3cr3t-384" },
    HS512: { signKey: "s3cr3t-512", verifyKey: "s3cr3t-512" },
    RS256: { signKey: pem(rsa.privateKey, "pkcs8"), verifyKey: pem(rsa.publicKey, "spki") },
    ES256: { signKey: pem(ec.privateKey, "pkcs8"), verifyKey: pem(ec.publicKey, "spki") },
  };
  for (const [alg, k] of Object.entries(keys)) {
    // resty.jwt signs, resty.jwt and jose verify
    const [token, verified, reason, sub] = runLua(`
      local jwt = require "resty.jwt"
      local token = jwt:sign(SIGN_KEY, { header = { typ = "JWT", alg = ALG }, payload = { sub = "alice", n = 42, url = "a/b" } })
      local obj = jwt:verify(VERIFY_KEY, token)
      return token, obj.verified, obj.reason, obj.payload.sub
    `, { SIGN_KEY: k.signKey, VERIFY_KEY: k.verifyKey, ALG: alg });
    assert.equal(verified, true, `${alg}: ${String(reason)}`);
    assert.equal(sub, "alice");
    const joseKey = alg.startsWith("HS") ? createSecretKey(Buffer.from(k.verifyKey)) : await importSPKI(k.verifyKey, alg);
    const { payload, protectedHeader } = await jwtVerify(token as string, joseKey);
    assert.equal(protectedHeader.alg, alg);
    assert.deepEqual(payload, { sub: "alice", n: 42, url: "a/b" });

    // jose signs, resty.jwt verifies
    const joseSign = alg.startsWith("HS") ? createSecretKey(Buffer.from(k.signKey)) : await importPKCS8(k.signKey, alg);
    const fromJose = await new SignJWT({ sub: "bob", admin: true }).setProtectedHeader({ alg, typ: "JWT" }).setIssuedAt().setExpirationTime("1h").sign(joseSign);
    assert.deepEqual(verify(k.verifyKey, fromJose).slice(0, 2), [true, "everything is awesome~ :p"], alg);

    // tampering with the payload breaks the signature
    const [h, , s] = fromJose.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: "mallory", admin: true })).toString("base64url")}.${s}`;
    const [ok, why] = verify(k.verifyKey, forged);
    assert.equal(ok, false, alg);
    assert.equal(why, alg.startsWith("HS") ? `signature mismatch: ${s}` : "Verification failed", alg);
  }
  // an RSA token checked with the EC key, and an HMAC secret used as a public key
  const rsToken = runLua(`return (require "resty.jwt"):sign(K, { header = { alg = "RS256" }, payload = { a = 1 } })`, { K: keys.RS256!.signKey })[0] as string;
  assert.deepEqual(verify(keys.ES256!.verifyKey, rsToken).slice(0, 2), [false, "Verification failed"]);
  assert.deepEqual(verify("s3cr3t", rsToken).slice(0, 2), [false, "Decode secret is not a valid cert/public key"]);
});

test("jwt: exp and nbf with leeway, on an injected clock", () => {
  resetJwtValidators();
  setJwtClock(() => 1_000_000);
  try {
    const token = (claims: string): string =>
      runLua(`return (require "resty.jwt"):sign("k", { header = { alg = "HS256", typ = "JWT" }, payload = ${claims} })`)[0] as string;
    const exp = token("{ exp = 999990 }");
    assert.deepEqual(verify("k", exp).slice(0, 2), [false, "'exp' claim expired at Mon, 12 Jan 1970 13:46:30 GMT"]);
    assert.deepEqual(verify("k", exp, "SPEC = { exp = validators.is_not_expired({ leeway = 30 }) }").slice(0, 2), [true, "everything is awesome~ :p"]);
    assert.deepEqual(verify("k", exp, "SPEC = { exp = validators.is_not_expired({ leeway = 5 }) }").slice(0, 2), [false, "'exp' claim expired at Mon, 12 Jan 1970 13:46:30 GMT"]);
    assert.deepEqual(verify("k", exp, "validators.set_system_leeway(11)").slice(0, 2), [true, "everything is awesome~ :p"]);
    resetJwtValidators();
    setJwtClock(() => 1_000_000);
    const nbf = token("{ nbf = 1000010 }");
    assert.deepEqual(verify("k", nbf).slice(0, 2), [false, "'nbf' claim not valid until Mon, 12 Jan 1970 13:46:50 GMT"]);
    assert.deepEqual(verify("k", nbf, "SPEC = { nbf = validators.is_not_before({ leeway = 10 }) }").slice(0, 2), [true, "everything is awesome~ :p"]);
    // a required claim that is missing, and a malformed one
    assert.deepEqual(verify("k", token("{ a = 1 }"), "SPEC = { exp = validators.is_not_expired() }").slice(0, 2), [false, "'exp' claim is required."]);
    assert.deepEqual(verify("k", token("{ exp = 'soon' }")).slice(0, 2), [false, "'exp' is malformed.  Expected to be a positive numeric value."]);
    assert.deepEqual(verify("k", token("{ a = 1 }"), "SPEC = { lifetime_grace_period = 5 }").slice(0, 2), [false, "Missing one of claims - [ nbf, exp ]."]);
    assert.deepEqual(verify("k", token("{ iss = 'x' }"), "SPEC = { iss = validators.equals('y') }").slice(0, 2), [false, "Claim 'iss' ('x') returned failure"]);
    assert.deepEqual(verify("k", token("{ iss = 'x' }"), "SPEC = { valid_issuers = { 'x', 'z' } }").slice(0, 2), [true, "everything is awesome~ :p"]);
    // set_system_clock from Lua
    assert.deepEqual(verify("k", exp, "validators.set_system_clock(function() return 999980 end)").slice(0, 2), [true, "everything is awesome~ :p"]);
  } finally {
    resetJwtValidators();
  }
});

test("jwt: the none algorithm never verifies; the whitelist; secret functions; payload codecs", () => {
  resetJwtValidators();
  const none = Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url") + "." + Buffer.from('{"a":1}').toString("base64url");
  assert.deepEqual(verify("k", none + ".").slice(0, 2), [false, "invalid jwt string"]);
  assert.deepEqual(verify("k", none + ".c2ln").slice(0, 2), [false, "Unsupported algorithm none"]);
  assert.deepEqual(verify("k", none + ".c2ln", 'jwt:set_alg_whitelist({ none = 1 })').slice(0, 2), [false, "Unsupported algorithm none"]);
  assert.deepEqual(verify("lua-resty-jwt", HS_TOKEN, 'jwt:set_alg_whitelist({ RS256 = 1 })').slice(0, 2), [false, "whitelist unsupported alg: HS256"]);
  const r = runLua(`
    local jwt = require "resty.jwt"
    local keys = { k1 = "one", k2 = "two" }
    local token = jwt:sign(function(kid) return keys[kid] end, { header = { alg = "HS512", kid = "k2" }, payload = { x = 1 } })
    local ok = jwt:verify("two", token).verified
    local obj = jwt:verify(function(kid) return keys[kid] end, token)
    local ok2, err = pcall(jwt.sign, jwt, function() end, { header = { alg = "HS256" }, payload = {} })
    local ok3, err3 = pcall(jwt.sign, jwt, "k", { header = { alg = "none" }, payload = {} })
    local fresh = jwt.new().payload_encoder == nil
    -- parsing decodes payloads with the module's decoder (as lua-resty-jwt's parse does)
    jwt:set_payload_encoder(function(t) return "custom:" .. t.x end)
    jwt:set_payload_decoder(function(s) return { decoded = s } end)
    local custom = jwt:sign("k", { header = { alg = "HS256" }, payload = { x = "y" } })
    local cobj = jwt:verify("k", custom)
    return ok, obj.verified, err.reason, err3.reason, cobj.verified, cobj.payload.decoded, fresh
  `);
  assert.deepEqual(r, [true, true, "secret function specified without kid in header", "unsupported alg: none", true, "custom:y", true]);
});
