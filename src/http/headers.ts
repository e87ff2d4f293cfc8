// A header list: names keep their case and order, duplicates are kept, lookup ignores case.
// Small on purpose: requests carry a handful of headers, so a linear scan beats hashing.

export class HeaderList {
  /** [name0, value0, name1, value1, ...] */
  readonly raw: string[];

  constructor(raw: string[] = []) {
    this.raw = raw;
  }

  get size(): number {
    return this.raw.length >> 1;
  }

  /** The first value for `name` (any case), or undefined. */
  get(name: string): string | undefined {
    const r = this.raw;
    const n = name.length;
    for (let i = 0; i < r.length; i += 2) {
      const k = r[i]!;
      if (k.length === n && (k === name || k.toLowerCase() === name.toLowerCase())) return r[i + 1];
    }
    return undefined;
  }

  getAll(name: string): string[] {
    const out: string[] = [];
    const l = name.toLowerCase();
    const r = this.raw;
    for (let i = 0; i < r.length; i += 2) if (r[i]!.length === l.length && r[i]!.toLowerCase() === l) out.push(r[i + 1]!);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  add(name: string, value: string): void {
    this.raw.push(name, value);
  }

  /** Remove every `name`; returns how many were removed. */
  remove(name: string): number {
    const l = name.toLowerCase();
    const r = this.raw;
    let w = 0;
    for (let i = 0; i < r.length; i += 2) {
      if (r[i]!.length === l.length && r[i]!.toLowerCase() === l) continue;
      r[w++] = r[i]!;
      r[w++] = r[i + 1]!;
    }
    const removed = (r.length - w) >> 1;
    r.length = w;
    return removed;
  }

  /** Replace every `name` by one (or several) values, in the place of the first one. */
  set(name: string, value: string | readonly string[]): void {
    const l = name.toLowerCase();
    const r = this.raw;
    let at = -1;
    for (let i = 0; i < r.length; i += 2) {
      if (r[i]!.length === l.length && r[i]!.toLowerCase() === l) {
        at = i;
        break;
      }
    }
    const values = typeof value === "string" ? [value] : value;
    if (at < 0) {
      for (const v of values) r.push(name, v);
      return;
    }
    const keepName = r[at]!;
    this.remove(name);
    const ins: string[] = [];
    for (const v of values) ins.push(keepName === l ? name : keepName, v);
    r.splice(at, 0, ...ins);
  }

  *entries(): IterableIterator<[string, string]> {
    const r = this.raw;
    for (let i = 0; i < r.length; i += 2) yield [r[i]!, r[i + 1]!];
  }

  clone(): HeaderList {
    return new HeaderList(this.raw.slice());
  }
}
