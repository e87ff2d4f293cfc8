// LuaTable: an array part for keys 1..n and a Map for everything else.
// JS Map already keys exactly as Lua does (SameValueZero: 1 and 1.0 are one key, 0 and -0
// too; tables and functions by identity; strings by content). nil and NaN keys are refused
// by the callers with Lua's messages before they reach the table.
import type { LuaValue } from "./value.js";

export class LuaTable {
  /** arr[i] holds t[i + 1]; trailing nils are trimmed, so #t is arr.length when the hash has no arr.length+1. */
  arr: LuaValue[];
  hash: Map<LuaValue, LuaValue> | undefined;
  mt: LuaTable | undefined;
  // next() continues a live Map iterator when called with the key it returned last,
  // which makes pairs() traversal O(1) per step.
  private iterKey: LuaValue;
  private iter: Iterator<[LuaValue, LuaValue]> | undefined;

  constructor(arr?: LuaValue[], hash?: Map<LuaValue, LuaValue>) {
    this.arr = arr ?? [];
    this.hash = hash;
    this.mt = undefined;
    this.iterKey = undefined;
    this.iter = undefined;
    if (arr !== undefined) {
      const len = arr.length;
      let n = len;
      while (n > 0 && arr[n - 1] === undefined) n--;
      // Writing length costs even when unchanged: only trim when there is something to trim.
      if (n !== len) arr.length = n;
    }
  }

  get(k: LuaValue): LuaValue {
    if (typeof k === "number") {
      const a = this.arr;
      if (k >= 1 && k <= a.length && (k | 0) === k) return a[k - 1];
    } else if (typeof k === "string") {
      return this.hash === undefined ? undefined : this.hash.get(k);
    }
    return this.hash === undefined ? undefined : this.hash.get(k);
  }

  /** get() for a key known to be a string (field access `t.name`). */
  getStr(k: string): LuaValue {
    return this.hash === undefined ? undefined : this.hash.get(k);
  }

  /** get() for a key known to be a number. */
  getNum(k: number): LuaValue {
    const a = this.arr;
    if (k >= 1 && k <= a.length && (k | 0) === k) return a[k - 1];
    return this.hash === undefined ? undefined : this.hash.get(k);
  }

  /** Raw set. The caller has checked that k is neither nil nor NaN. */
  set(k: LuaValue, v: LuaValue): void {
    if (typeof k === "number" && (k | 0) === k && k >= 1) {
      const a = this.arr;
      const n = a.length;
      if (k <= n) {
        a[k - 1] = v;
        if (v === undefined && k === n) this.trim();
        return;
      }
      if (k === n + 1) {
        if (v === undefined) {
          if (this.hash !== undefined) this.hash.delete(k);
          return;
        }
        a.push(v);
        if (this.hash !== undefined && this.hash.size > 0) this.migrate();
        return;
      }
    }
    this.setHash(k, v);
  }

  setStr(k: string, v: LuaValue): void {
    this.setHash(k, v);
  }

  private setHash(k: LuaValue, v: LuaValue): void {
    if (v === undefined) {
      if (this.hash !== undefined) this.hash.delete(k);
      return;
    }
    if (this.hash === undefined) this.hash = new Map();
    this.hash.set(k, v);
  }

  /** After a push, pull n+1, n+2, ... out of the hash into the array part. */
  private migrate(): void {
    const h = this.hash!;
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
    if (this.hash === undefined || this.hash.size === 0) return n;
    // Keys set beyond the array part while it had a hole: continue counting in the hash.
    let j = n;
    while (this.hash.get(j + 1) !== undefined) j++;
    return j;
  }

  /**
   * Lua's next(): the entry after key k, or undefined at the end. Array part first, then
   * the hash in insertion order. Returns false when k is not a key of the table.
   */
  next(k: LuaValue): [LuaValue, LuaValue] | undefined | false {
    const a = this.arr;
    let i = 0;
    if (k !== undefined) {
      if (typeof k === "number" && (k | 0) === k && k >= 1 && k <= a.length) {
        i = k;
      } else {
        return this.nextHash(k);
      }
    }
    for (; i < a.length; i++) {
      if (a[i] !== undefined) return [i + 1, a[i]];
    }
    return this.nextHash(undefined);
  }

  private nextHash(k: LuaValue): [LuaValue, LuaValue] | undefined | false {
    const h = this.hash;
    if (h === undefined) return k === undefined ? undefined : false;
    let it: Iterator<[LuaValue, LuaValue]>;
    if (k === undefined) {
      it = h.entries();
    } else if (this.iter !== undefined && this.iterKey === k) {
      it = this.iter;
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
        this.iter = undefined;
        this.iterKey = undefined;
        return undefined;
      }
      if (r.value[1] !== undefined) {
        this.iter = it;
        this.iterKey = r.value[0];
        return r.value;
      }
    }
  }

  /** Number of non-nil entries (for table.nkeys-style helpers and tests). */
  count(): number {
    let n = 0;
    for (const v of this.arr) if (v !== undefined) n++;
    return n + (this.hash === undefined ? 0 : this.hash.size);
  }

  /** A table from JS values: an array becomes 1..n, an object becomes string keys. */
  static from(arr: LuaValue[], fields?: Record<string, LuaValue>): LuaTable {
    const t = new LuaTable(arr.slice());
    if (fields !== undefined) for (const k of Object.keys(fields)) t.setStr(k, fields[k]);
    return t;
  }
}
