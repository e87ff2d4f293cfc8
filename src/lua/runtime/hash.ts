// The hash part of a LuaTable: every key outside the array part and the string object.
// It has a Map's interface (get, set, delete, has, size, keys, entries, forEach), so that its
// users read it as one, and keeps positive integer keys that are dense enough in an array
// instead of the Map: a sieve (`sieve[k] = true` for k = 4, 6, 8...) or counts by small
// numbers fill the hash with integers, where a Map lookup hashes and probes (bench/lua/loops.lua
// spent 30% of its time in Map.set) and an array reads one slot. LuaJIT likewise moves such
// keys to its array part when it rehashes.
// Which keys the array holds is a matter of storage only: `#t`, next() and every lookup see
// the same keys and values either way. Traversal gives the array's keys in ascending order,
// then the Map's in insertion order (LuaJIT's hash order is neither, and Lua leaves it open).
import type { LuaValue } from "./value.js";

/** Integer keys are kept in the array while the key is at most 2 * (keys held + SLACK). */
const SLACK = 32;

export class Hash {
  /** ints[k - 1] is the value of integer key k (undefined: absent); keys past its length are in map. */
  private ints: LuaValue[] | undefined = undefined;
  /** Non-nil values in ints. */
  private nints = 0;
  private readonly map = new Map<LuaValue, LuaValue>();

  /** A hash holding a Map's entries (nil values skipped). */
  static from(m: ReadonlyMap<LuaValue, LuaValue>): Hash {
    const h = new Hash();
    m.forEach((v, k) => {
      if (v !== undefined) h.set(k, v);
    });
    return h;
  }

  get size(): number {
    return this.nints + this.map.size;
  }

  get(k: LuaValue): LuaValue {
    const a = this.ints;
    if (a !== undefined && typeof k === "number" && k >= 1 && k <= a.length && (k | 0) === k) return a[k - 1];
    return this.map.get(k);
  }

  has(k: LuaValue): boolean {
    return this.get(k) !== undefined;
  }

  /** Set k to v (v not undefined: delete() removes). */
  set(k: LuaValue, v: LuaValue): this {
    if (typeof k === "number" && k >= 1 && (k | 0) === k) {
      const a = this.ints;
      if (a !== undefined && k <= a.length) {
        if (a[k - 1] === undefined) this.nints++;
        a[k - 1] = v;
        return this;
      }
      if (k <= 2 * (this.nints + SLACK)) {
        this.grow(k);
        this.ints![k - 1] = v;
        this.nints++;
        return this;
      }
    }
    this.map.set(k, v);
    return this;
  }

  /** Extend the array to key k, taking the keys up to k that the Map holds. */
  private grow(k: number): void {
    const a = (this.ints ??= []);
    const m = this.map;
    // The array is filled with undefined rather than left with holes: V8 keeps it packed.
    for (let j = a.length + 1; j <= k; j++) {
      let v: LuaValue = undefined;
      if (m.size > 0) {
        v = m.get(j);
        if (v !== undefined) {
          m.delete(j);
          this.nints++;
        }
      }
      a.push(v);
    }
  }

  delete(k: LuaValue): boolean {
    const a = this.ints;
    if (a !== undefined && typeof k === "number" && k >= 1 && k <= a.length && (k | 0) === k) {
      if (a[k - 1] === undefined) return false;
      a[k - 1] = undefined;
      this.nints--;
      return true;
    }
    return this.map.delete(k);
  }

  clear(): void {
    if (this.ints !== undefined) this.ints.length = 0;
    this.nints = 0;
    this.map.clear();
  }

  clone(): Hash {
    const h = new Hash();
    if (this.ints !== undefined) h.ints = this.ints.slice();
    h.nints = this.nints;
    this.map.forEach((v, k) => h.map.set(k, v));
    return h;
  }

  forEach(f: (v: LuaValue, k: LuaValue) => void): void {
    const a = this.ints;
    if (a !== undefined) {
      for (let i = 0; i < a.length; i++) {
        const v = a[i];
        if (v !== undefined) f(v, i + 1);
      }
    }
    this.map.forEach(f);
  }

  /** The entries, live (as a Map's iterator: keys removed meanwhile are not given). */
  entries(): IterableIterator<[LuaValue, LuaValue]> {
    // Without integers in the array, the Map's own iterator (a generator costs more per step).
    return this.nints === 0 ? this.map.entries() : this.allEntries();
  }

  private *allEntries(): IterableIterator<[LuaValue, LuaValue]> {
    const a = this.ints;
    if (a !== undefined) {
      for (let i = 0; i < a.length; i++) {
        const v = a[i];
        if (v !== undefined) yield [i + 1, v];
      }
    }
    yield* this.map.entries();
  }

  *keys(): IterableIterator<LuaValue> {
    for (const e of this.entries()) yield e[0];
  }
}
