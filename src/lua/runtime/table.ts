// LuaTable: an array part for keys 1..n, string keys in an object while they are few, and a
// Map for every other key.
// Records, classes and modules have few string keys, looked up by constant names: V8's
// objects serve those through hidden classes and per-site inline caches (the compiler
// emits `t.strs?.name` inline). A table used as a dictionary (many keys, made at run time,
// e.g. "key" .. i) is faster in a Map: an object would internalise every key string and
// fall into V8's slow dictionary mode. So past MAX_OBJECT_KEYS string keys a table moves
// them into the Map for good.
// The Map keys exactly as Lua does (SameValueZero: 1 and 1.0 are one key, 0 and -0 too;
// tables and functions by identity). nil and NaN keys are refused by the callers with
// Lua's messages before they reach the table.
// Code outside this file reads the parts through the methods below (getStr, next,
// forEachHash, hashEmpty), never the fields directly, so the layout can change.
import type { LuaValue } from "./value.js";
import { Hash } from "./hash.js";

export type StrPart = Record<string, LuaValue>;

const NO_KEYS: readonly string[] = [];

/** String keys an object holds before the table moves them to its Map. */
export const MAX_OBJECT_KEYS = 64;

// String parts are made by a constructor whose prototype is an empty null-prototype object:
// V8 keeps such objects in fast mode (hidden classes, inline caches), where
// Object.create(null) makes dictionary-mode ones; and no key of Object.prototype
// ("constructor", "toString", "__proto__") is ever seen through them.
const StrParts = function StrParts(this: StrPart): void {} as unknown as new () => StrPart;
StrParts.prototype = Object.create(null) as object;

/** Where a traversal of a table's hash stands: the string keys' snapshot and position, or a live Map iterator. */
class Cursor {
  key: LuaValue = undefined;
  keys: readonly string[] = NO_KEYS;
  pos = 0;
  iter: Iterator<[LuaValue, LuaValue]> | undefined = undefined;
}

export class LuaTable {
  /** arr[i] holds t[i + 1]; trailing nils are trimmed, so #t is arr.length when the hash has no arr.length+1. */
  arr: LuaValue[];
  /** String keys while they are few (a key set to nil is deleted); undefined once in the Map. */
  strs: StrPart | undefined;
  /** Keys added to strs (an upper bound of their number: deletes do not count down). */
  nstr: number;
  /** The string keys live in `other` (the table grew past MAX_OBJECT_KEYS). */
  bigStr: boolean;
  /** Keys outside the array part that are not in strs (a Map to its readers: see hash.ts). */
  other: Hash | undefined;
  mt: LuaTable | undefined;
  // next() continues a traversal when called with the key it returned last, which makes
  // pairs() O(1) per step. The cursor is made on the first traversal of the hash: most
  // tables are never traversed, and a smaller table is less for the GC (oop.lua makes one per
  // vector).
  private cur: Cursor | undefined;

  constructor(arr?: LuaValue[], strs?: StrPart, nstr?: number, other?: Hash | ReadonlyMap<LuaValue, LuaValue>) {
    this.arr = arr ?? [];
    this.strs = strs;
    this.nstr = nstr ?? 0;
    this.bigStr = false;
    this.other = other === undefined || other instanceof Hash ? other : Hash.from(other);
    this.mt = undefined;
    this.cur = undefined;
    if (arr !== undefined) {
      const len = arr.length;
      let n = len;
      while (n > 0 && arr[n - 1] === undefined) n--;
      // Writing length costs even when unchanged: only trim when there is something to trim.
      if (n !== len) arr.length = n;
    }
  }

  /** The constructor of string parts. */
  static readonly StrParts: new () => StrPart = StrParts;

  get(k: LuaValue): LuaValue {
    if (typeof k === "string") {
      const s = this.strs;
      if (s !== undefined) return s[k];
    }
    if (typeof k === "number") {
      const a = this.arr;
      if (k >= 1 && k <= a.length && (k | 0) === k) return a[k - 1];
    }
    return this.other === undefined ? undefined : this.other.get(k);
  }

  /** get() for a key known to be a string (field access `t.name`). */
  getStr(k: string): LuaValue {
    const s = this.strs;
    if (s !== undefined) return s[k];
    return this.other === undefined ? undefined : this.other.get(k);
  }

  /** get() for a key known to be a number. */
  getNum(k: number): LuaValue {
    const a = this.arr;
    if (k >= 1 && k <= a.length && (k | 0) === k) return a[k - 1];
    return this.other === undefined ? undefined : this.other.get(k);
  }

  /** Raw set. The caller has checked that k is neither nil nor NaN. */
  set(k: LuaValue, v: LuaValue): void {
    if (typeof k === "string") {
      this.setStr(k, v);
      return;
    }
    if (typeof k === "number" && (k | 0) === k && k >= 1) {
      const a = this.arr;
      const n = a.length;
      if (k <= n) {
        if (v === undefined && k === n) {
          // Removing the last item (a stack pop): pop() is cheaper than writing length.
          a.pop();
          if (n > 1 && a[n - 2] === undefined) this.trim();
        } else {
          a[k - 1] = v;
        }
        return;
      }
      if (k === n + 1) {
        if (v === undefined) {
          if (this.other !== undefined) this.other.delete(k);
          return;
        }
        a.push(v);
        if (this.other !== undefined && this.other.size > 0) this.migrate();
        return;
      }
    }
    this.setOther(k, v);
  }

  setStr(k: string, v: LuaValue): void {
    let s = this.strs;
    if (s === undefined) {
      if (this.bigStr) {
        this.setOther(k, v);
        return;
      }
      if (v === undefined) return;
      this.strs = s = new StrParts();
    }
    if (v === undefined) {
      if (s[k] !== undefined) delete s[k];
      return;
    }
    if (s[k] === undefined && ++this.nstr > MAX_OBJECT_KEYS) {
      s[k] = v;
      this.toMap(s);
      return;
    }
    s[k] = v;
  }

  private setOther(k: LuaValue, v: LuaValue): void {
    if (v === undefined) {
      if (this.other !== undefined) this.other.delete(k);
      return;
    }
    if (this.other === undefined) this.other = new Hash();
    this.other.set(k, v);
  }

  /** A constructor made more string keys than an object should hold: move them. */
  rebalance(): void {
    const s = this.strs;
    if (s !== undefined) {
      let n = 0;
      for (const _ in s) n++;
      this.nstr = n;
      if (n > MAX_OBJECT_KEYS) this.toMap(s);
    }
  }

  /** Move the string keys into the Map, for good. */
  private toMap(s: StrPart): void {
    const m = (this.other ??= new Hash());
    for (const k in s) m.set(k, s[k]);
    this.strs = undefined;
    this.nstr = 0;
    this.bigStr = true;
    if (this.cur !== undefined) this.cur.keys = NO_KEYS;
  }

  /** After a push, pull n+1, n+2, ... out of the Map into the array part. */
  private migrate(): void {
    const h = this.other!;
    const a = this.arr;
    for (;;) {
      const k = a.length + 1;
      const v = h.get(k);
      if (v === undefined) return;
      h.delete(k);
      a.push(v);
    }
  }

  private trim(): void {
    const a = this.arr;
    let n = a.length;
    while (n > 0 && a[n - 1] === undefined) n--;
    a.length = n;
  }

  /** The border #t (raw, no __len: LuaJIT 2.1 ignores __len on tables). */
  length(): number {
    const n = this.arr.length;
    const h = this.other;
    if (h === undefined || h.size === 0) return n;
    // Keys set beyond the array part while it had a hole: continue counting in the Map.
    let j = n;
    while (h.get(j + 1) !== undefined) j++;
    return j;
  }

  /** True when the table has no key outside the array part. */
  hashEmpty(): boolean {
    if (this.other !== undefined && this.other.size > 0) return false;
    const s = this.strs;
    if (s !== undefined) for (const _ in s) return false;
    return true;
  }

  /** Calls f for every key outside the array part (strings first), in next()'s order. */
  forEachHash(f: (v: LuaValue, k: LuaValue) => void): void {
    const s = this.strs;
    if (s !== undefined) for (const k in s) f(s[k], k);
    if (this.other !== undefined) this.other.forEach(f);
  }

  /** Removes every key, in place (a traversal under way then ends). */
  clear(): void {
    this.arr.length = 0;
    this.strs = undefined;
    this.nstr = 0;
    if (this.other !== undefined) this.other.clear();
    if (this.cur !== undefined) this.cur.keys = NO_KEYS;
  }

  /** A shallow copy, without the metatable. */
  clone(): LuaTable {
    const s = this.strs;
    let copy: StrPart | undefined;
    if (s !== undefined) {
      copy = new StrParts();
      for (const k in s) copy[k] = s[k];
    }
    const t = new LuaTable(this.arr.slice(), copy, this.nstr, this.other === undefined ? undefined : this.other.clone());
    t.bigStr = this.bigStr;
    return t;
  }

  /**
   * Lua's next(): the entry after key k, or undefined at the end. Array part first, then
   * the string keys, then the Map in insertion order. Returns false when k is not a key of
   * the table.
   */
  next(k: LuaValue): [LuaValue, LuaValue] | undefined | false {
    const a = this.arr;
    let i = 0;
    if (k !== undefined) {
      if (typeof k === "string" && !this.bigStr) return this.nextStr(k);
      if (typeof k === "number" && (k | 0) === k && k >= 1 && k <= a.length) {
        i = k;
      } else {
        return this.nextOther(k);
      }
    }
    for (; i < a.length; i++) {
      if (a[i] !== undefined) return [i + 1, a[i]];
    }
    return this.nextStr(undefined);
  }

  private nextStr(k: string | undefined): [LuaValue, LuaValue] | undefined | false {
    const s = this.strs;
    let keys: readonly string[];
    let pos: number;
    if (k === undefined) {
      if (s === undefined) return this.nextOther(undefined);
      keys = Object.keys(s);
      pos = 0;
    } else if (this.cur !== undefined && this.cur.key === k && this.cur.keys !== NO_KEYS) {
      keys = this.cur.keys;
      pos = this.cur.pos + 1;
    } else {
      // Resume from an arbitrary key (rare: a next() out of sequence).
      if (s === undefined || s[k] === undefined) return false;
      keys = Object.keys(s);
      pos = keys.indexOf(k) + 1;
    }
    if (s !== undefined) {
      for (; pos < keys.length; pos++) {
        const key = keys[pos]!;
        const v = s[key];
        if (v !== undefined) {
          const c = (this.cur ??= new Cursor());
          c.keys = keys;
          c.pos = pos;
          c.key = key;
          return [key, v];
        }
      }
    }
    if (this.cur !== undefined) this.cur.keys = NO_KEYS;
    return this.nextOther(undefined);
  }

  private nextOther(k: LuaValue): [LuaValue, LuaValue] | undefined | false {
    const h = this.other;
    if (h === undefined) return k === undefined ? undefined : false;
    let it: Iterator<[LuaValue, LuaValue]>;
    if (k === undefined) {
      it = h.entries();
    } else if (this.cur !== undefined && this.cur.iter !== undefined && this.cur.key === k) {
      it = this.cur.iter;
    } else {
      // Resume from an arbitrary key: walk to it (rare: only for a next() out of sequence).
      if (!h.has(k)) return false;
      it = h.entries();
      for (;;) {
        const r = it.next();
        if (r.done) return undefined;
        if (r.value[0] === k) break;
      }
    }
    for (;;) {
      const r = it.next();
      if (r.done) {
        if (this.cur !== undefined) {
          this.cur.iter = undefined;
          this.cur.key = undefined;
        }
        return undefined;
      }
      if (r.value[1] !== undefined) {
        const c = (this.cur ??= new Cursor());
        c.iter = it;
        c.key = r.value[0];
        return r.value;
      }
    }
  }

  /** Number of non-nil entries (for table.nkeys-style helpers and tests). */
  count(): number {
    let n = 0;
    for (const v of this.arr) if (v !== undefined) n++;
    const s = this.strs;
    if (s !== undefined) for (const _ in s) n++;
    return n + (this.other === undefined ? 0 : this.other.size);
  }

  /** A table from JS values: an array becomes 1..n, an object becomes string keys. */
  static from(arr: LuaValue[], fields?: Record<string, LuaValue>): LuaTable {
    const t = new LuaTable(arr.slice());
    if (fields !== undefined) for (const k of Object.keys(fields)) t.setStr(k, fields[k]);
    return t;
  }
}
