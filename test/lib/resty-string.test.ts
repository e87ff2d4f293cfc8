// resty.string, the digest modules, resty.random and resty.aes. AES ciphertexts are the
// ones lua-resty-string's own test suite (t/aes.t) expects from OpenResty, plus ciphertexts
// and EVP_BytesToKey keys produced by the openssl command line (`openssl enc -md H -S SALT
// -pass pass:P -P`), which derives them with the same EVP_BytesToKey.
import { test } from "node:test";
import assert from "node:assert/strict";
import { evpBytesToKey, makeRestyAes } from "../../src/lib/resty/aes.js";
import { makeDigestModule, makeRestyRandom, makeRestyString } from "../../src/lib/resty/string.js";
import { LuaTable } from "../../src/lua/runtime/table.js";
import { LuaError } from "../../src/lua/runtime/error.js";
import type { LuaFunction, LuaValue } from "../../src/lua/runtime/value.js";

/** A module function; results typed as a Lua value (several results compare as arrays). */
type Fn = (...a: LuaValue[]) => LuaValue;
const fn = (t: LuaTable, name: string): Fn => t.getStr(name) as unknown as Fn;
/** obj:method(...) */
const m = (o: LuaValue, name: string, ...a: LuaValue[]): LuaValue => {
  const idx = (o as LuaTable).mt!.getStr("__index") as LuaTable;
  return (idx.getStr(name) as unknown as Fn)(o, ...a);
};
const str = makeRestyString();
const hex = (s: LuaValue): string => fn(str, "to_hex")(s) as string;
const unhex = (h: string): string => Buffer.from(h, "hex").toString("latin1");
const b64 = (s: string): string => Buffer.from(s, "base64").toString("latin1");

test("resty.string: to_hex and atoi", () => {
  assert.equal(hex("\x00\x01\xab\xff hi"), "0001abff206869");
  assert.equal(hex(""), "");
  const atoi = fn(str, "atoi");
  assert.equal(atoi("123"), 123);
  assert.equal(atoi("007"), 7);
  assert.equal(atoi(""), -1);
  assert.equal(atoi("12a"), -1);
  assert.equal(atoi("-5"), -1);
  assert.equal(atoi(" 5"), -1);
  assert.equal(atoi("9223372036854775807"), 9223372036854775807);
  assert.equal(atoi("9223372036854775808"), -1);
  assert.throws(() => atoi(undefined), (e: unknown) => e instanceof LuaError && /attempt to get length of local 's' \(a nil value\)/.test(String(e.value)));
});

test("resty.md5/sha*: new, update, final, reset give the known digests", () => {
  const vectors: [string, string][] = [
    ["md5", "5d41402abc4b2a76b9719d911017c592"],
    ["sha1", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"],
    ["sha224", "ea09ae9cc6768c50fcee903ed054556e5bfc8347907f12598aa24193"],
    ["sha256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"],
    ["sha384", "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f"],
    ["sha512", "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"],
  ];
  for (const [alg, want] of vectors) {
    const mod = makeDigestModule(alg);
    const d = fn(mod, "new")(mod);
    assert.equal(typeof d === "object" && d instanceof LuaTable, true);
    assert.equal(m(d, "update", "hel"), true);
    assert.equal(m(d, "update", "lo"), true);
    assert.equal(hex(m(d, "final") as string), want, alg);
    // reset() discards what was added
    m(d, "update", "garbage");
    assert.equal(m(d, "reset"), true);
    m(d, "update", "hello");
    assert.equal(hex(m(d, "final") as string), want, alg + " after reset");
  }
  const sha1 = makeDigestModule("sha1");
  const d = fn(sha1, "new")(sha1);
  m(d, "update", "hello, ");
  m(d, "update", "world");
  assert.equal(hex(m(d, "final") as string), "b7e23ec29af22b0b4e41da31e868d57226121c84");
  const sha256 = makeDigestModule("sha256");
  assert.equal(hex(m(fn(sha256, "new")(sha256), "final") as string), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // binary input, byte for byte
  const md5 = makeDigestModule("md5");
  const b = fn(md5, "new")(md5);
  m(b, "update", "\xff\x00\x80");
  assert.equal(hex(m(b, "final") as string), "60cdccd4000580a3c394b8ad6ea9b899");
});

test("resty.random: bytes", () => {
  const r = makeRestyRandom();
  const a = fn(r, "bytes")(16) as string, b = fn(r, "bytes")(16, true) as string;
  assert.equal(a.length, 16);
  assert.equal(b.length, 16);
  assert.notEqual(a, b);
  assert.equal(fn(r, "bytes")(0), "");
  for (const c of a + b) assert.ok(c.charCodeAt(0) < 256);
});

test("resty.aes: EVP_BytesToKey as openssl derives it", () => {
  const salt = Buffer.from("0102030405060708", "hex");
  const cases: [string, string, string][] = [
    ["md5", "5BEF597C2127CE9B0FFF4A4C29A88802E7F28CEA66F3944B43A6B07255DA9210", "ACDE7CE5578B2097FA6522F80C90E501"],
    ["sha1", "7451616ECEB91853D8B100B6B703E9AE51A0FB89A811E6849DD745FA2CD8AFFD", "F73D34AFC633524A7A875B201064698C"],
    ["sha256", "4488875A8D7ECDA6E06A50A2082A7E246590EF501B87E0B3814E4F3D5B50952B", "6ED33C1C9DB477C094AC9D5EE10249A0"],
    ["sha512", "CE3FD8CA51DFF677EDEB26C7C39DB4ED6E70EA45427A84F215E580B05B075B8A", "E5DF26737B02B680CE77647AF4562E3F"],
  ];
  for (const [md, key, iv] of cases) {
    const d = evpBytesToKey(md, salt, Buffer.from("p4ssw0rd"), 1, 32, 16);
    assert.equal(d.key.toString("hex").toUpperCase(), key, md);
    assert.equal(d.iv.toString("hex").toUpperCase(), iv, md);
  }
  const d = evpBytesToKey("sha256", undefined, Buffer.from("secret"), 1, 24, 16);
  assert.equal(d.key.toString("hex").toUpperCase(), "2BB80D537B1DA3E38BD30361AA855686BDE0EACD7162FEF6");
  assert.equal(d.iv.toString("hex").toUpperCase(), "A25FE97BF527A25B015E42FF678B2B90");
});

test("resty.aes: ciphertexts of lua-resty-string and openssl", () => {
  const aes = makeRestyAes();
  const cipher = fn(aes, "cipher");
  const hash = aes.getStr("hash") as LuaTable;
  const nw = (...a: LuaValue[]): LuaValue => fn(aes, "new")(aes, ...a) as LuaValue;
  const roundTrip = (o: LuaValue, plain: string, want: string): void => {
    const enc = m(o, "encrypt", plain) as string;
    assert.equal(hex(enc), want);
    assert.equal(m(o, "decrypt", enc), plain);
  };
  // t/aes.t
  roundTrip(nw("secret"), "hello", "7b47a4dbb11e2cddb2f3740c9e3a552b");
  roundTrip(nw(""), "hello", "6cb1a35bf9d66e92c9dec684fc329746");
  roundTrip(nw("secret", "WhatSalt"), "hello", "f72db89f8e19326d8da4928be106705c");
  roundTrip(nw("secret", undefined, cipher(256, "ecb"), hash.getStr("sha1")), "hello", "927148b31f0e89696a222489403f540d");
  roundTrip(nw("secret", undefined, cipher(256, "ecb"), hash.getStr("sha1"), 5), "hello", "d1a9b6e59b8980e783df223889563bee");
  const kdf: LuaFunction = (s: LuaValue) => b64(s as string);
  const keyed = new LuaTable();
  keyed.setStr("iv", b64("Jq5cyFTja2vfyjZoSN6muw=="));
  keyed.setStr("method", kdf);
  roundTrip(nw("Xr4ilOzQ4PCOq3aQ0qbuaQ==", undefined, cipher(128, "cbc"), keyed), "hello", "7b47a4dbb11e2cddb2f3740c9e3a552b");
  const ivOnly = new LuaTable();
  ivOnly.setStr("iv", b64("Jq5cyFTja2vfyjZoSN6muw=="));
  roundTrip(nw(b64("Xr4ilOzQ4PCOq3aQ0qbuaQ=="), undefined, cipher(128, "cbc"), ivOnly), "hello", "7b47a4dbb11e2cddb2f3740c9e3a552b");
  assert.deepEqual(nw("hel", undefined, cipher(128, "cbc"), ivOnly), [undefined, "bad key length"]);
  assert.deepEqual(nw("secret", "Oversized!"), [undefined, "salt must be 8 characters or nil"]);
  assert.deepEqual(nw("k", undefined, cipher(128, "cbc"), new LuaTable()), [undefined, "iv is needed"]);

  // GCM: derived key with a 12-byte IV, and an explicit key and IV
  const g = nw("secret", undefined, cipher(256, "gcm"), hash.getStr("sha256"), 1, 12);
  const out = m(g, "encrypt", "hello") as LuaTable;
  assert.equal(hex(out.get(1)), "4acef84443");
  assert.equal(hex(out.get(2)), "bcecc29fb0d8b5c895e21f6ea89681a2");
  assert.equal(m(g, "decrypt", out.get(1), out.get(2)), "hello");
  assert.deepEqual(m(g, "decrypt", out.get(1), unhex("00".repeat(16))), [undefined, "EVP_DecryptFinal_ex failed"]);
  assert.deepEqual(m(g, "decrypt", out.get(1)), [undefined, "EVP_DecryptFinal_ex failed"]);
  const giv = new LuaTable();
  giv.setStr("iv", unhex("f31a8c01e125e4720481be05"));
  const g2 = nw(unhex("40A4510F290AD8182AF4B0260C655F8511E5B46BCA20EA191D8BC7B4D99CE95F"), undefined, cipher(256, "gcm"), giv);
  const out2 = m(g2, "encrypt", "13770713710") as LuaTable;
  assert.equal(hex(out2.get(1)), "755eccf6aa0cd51d55ad0c");
  assert.equal(hex(out2.get(2)), "9a61f5a3cc3089bbe7de00a3dd484a1d");
  assert.throws(() => fn(aes, "encrypt")("hello"), (e: unknown) => e instanceof LuaError && /bad argument #1 self: table expected, got string/.test(String(e.value)));

  // padding on and off
  const key = b64("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=");
  const kiv = new LuaTable();
  kiv.setStr("iv", key.slice(0, 16));
  const padded = "hello" + String.fromCharCode(27).repeat(27);
  const noPad = nw(key, undefined, cipher(256, "cbc"), kiv, undefined, undefined, false);
  assert.equal(hex(m(noPad, "encrypt", padded) as string), "eebf8ca13072beede75c595a11b7fb0beffb7ccfb03f72d08456b555610172d1");
  assert.deepEqual(m(noPad, "encrypt", "hello"), [undefined, "EVP_EncryptFinal_ex failed"]);
  const withPad = nw(key, undefined, cipher(256, "cbc"), kiv, undefined, undefined, true);
  assert.equal(hex(m(withPad, "encrypt", padded) as string), "eebf8ca13072beede75c595a11b7fb0beffb7ccfb03f72d08456b555610172d15c54a6a02e960ce527a28c8551adfdff");
  roundTrip(withPad, "hello", "794617717c15d28cc729b983cb9d2257");
  assert.deepEqual(m(withPad, "decrypt", unhex("00".repeat(16))), [undefined, "EVP_DecryptFinal_ex failed"]);

  // openssl enc
  const fox = "The quick brown fox";
  roundTrip(nw("p4ssw0rd", "\x01\x02\x03\x04\x05\x06\x07\x08", cipher(256, "cbc"), hash.getStr("sha512")), fox,
    "242341832648b9dd6ad9dc716ac17600195e4d99e49f35220b2921564e3d29a4");
  roundTrip(nw("secret", undefined, cipher(192, "cfb8"), hash.getStr("sha256")), fox, "317b663b55ac4494997b73f462d749af8c88f9");
  roundTrip(nw("k", undefined, cipher(128, "ofb"), hash.getStr("sha1")), fox, "4f8b8c053cd0ea000e2881c56758f951a06016");
  roundTrip(nw("k", undefined, cipher(128, "ctr"), hash.getStr("md5")), fox, "4f419933a4c64bb186846840a00321951a3d82");

  // cipher(): a table with size, cipher, method; undeclared ciphers raise as ffi.C does
  const c = cipher() as LuaTable;
  assert.equal(c.getStr("size"), 128);
  assert.equal(c.getStr("cipher"), "cbc");
  assert.throws(() => cipher(64, "cbc"), /missing declaration for symbol 'EVP_aes_64_cbc'/);
});
