// nginx's slab allocator (the policy of ./slab.ts, which MemoryStore counts with) made real
// over a shared zone's pages, so that the shared store fills, evicts and runs out of memory
// at the same points as MemoryStore: requests up to half a page come from pages cut into
// power-of-two chunks (a class's pages with free chunks kept as a stack, the last one
// served first, a wholly free page returned at once); larger requests take whole pages.
// Whole pages need not be adjacent: they are chained through their descriptors, and bytes
// past the first page are read and written through the chain (readBytes/writeBytes).
//
// Every method assumes the zone's lock is held.
import {
  DESC_INTS, D, H, KIND_FREE, KIND_LARGE, MAX_SHIFT, MIN_SHIFT, PAGE, PAGE_SHIFT, type ZoneLayout,
} from "./shared-layout.js";

/** Chunks per page of size 2^shift; small chunks lose room to the page's own bitmap (as slab.ts). */
function chunksPerPage(shift: number): number {
  const size = 1 << shift;
  const n = PAGE / size;
  if (size >= 64) return n;
  return n - Math.ceil(n / 8 / size);
}

const PER_PAGE: number[] = [];
for (let s = 0; s <= MAX_SHIFT; s++) PER_PAGE.push(s >= MIN_SHIFT ? chunksPerPage(s) : 0);

export class SharedSlab {
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly stack: number;
  private readonly desc: number;
  private readonly partial: number;
  private readonly data: number;
  private readonly pages: number;

  constructor(sab: SharedArrayBuffer, readonly layout: ZoneLayout) {
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    this.stack = layout.freeStack >> 2;
    this.desc = layout.desc >> 2;
    this.partial = layout.partial >> 2;
    this.data = layout.data;
    this.pages = layout.pages;
  }

  /** Set up a fresh zone: every page free. */
  init(): void {
    const { i32, pages } = this;
    for (let p = 0; p < pages; p++) {
      i32[this.stack + p] = pages - 1 - p;
      const d = this.desc + p * DESC_INTS;
      i32[d + D.KIND] = KIND_FREE;
      i32[d + D.POS] = -1;
    }
    i32[H.FREE_PAGES] = pages;
  }

  freePages(): number {
    return this.i32[H.FREE_PAGES]!;
  }

  private takePage(): number {
    const n = --this.i32[H.FREE_PAGES]!;
    return this.i32[this.stack + n]!;
  }

  private givePage(p: number): void {
    const d = this.desc + p * DESC_INTS;
    this.i32[d + D.KIND] = KIND_FREE;
    this.i32[d + D.POS] = -1;
    const n = this.i32[H.FREE_PAGES]!++;
    this.i32[this.stack + n] = p;
  }

  private pageAddr(p: number): number {
    return this.data + (p << PAGE_SHIFT);
  }

  private listBase(shift: number): number {
    return this.partial + (shift - MIN_SHIFT) * this.pages;
  }

  /** Allocate `size` bytes; the address (8-byte aligned), or 0 when the zone is full. */
  alloc(size: number): number {
    const i32 = this.i32;
    if (size > PAGE / 2) {
      const n = Math.ceil(size / PAGE);
      if (i32[H.FREE_PAGES]! < n) return 0;
      let next = -1;
      let p = -1;
      for (let k = 0; k < n; k++) {
        p = this.takePage();
        const d = this.desc + p * DESC_INTS;
        i32[d + D.KIND] = KIND_LARGE;
        i32[d + D.NEXT] = next;
        next = p;
      }
      return this.pageAddr(p);
    }
    let shift = MIN_SHIFT;
    while (1 << shift < size) shift++;
    const base = this.listBase(shift);
    const lenSlot = H.PARTIAL_LEN + shift;
    let len = i32[lenSlot]!;
    let p: number;
    let d: number;
    if (len > 0) {
      p = i32[base + len - 1]!;
      d = this.desc + p * DESC_INTS;
    } else {
      if (i32[H.FREE_PAGES] === 0) return 0;
      p = this.takePage();
      d = this.desc + p * DESC_INTS;
      const total = PER_PAGE[shift]!;
      i32[d + D.KIND] = shift;
      i32[d + D.FREE] = total;
      i32[d + D.TOTAL] = total;
      i32[d + D.FREE_HEAD] = -1;
      // The first chunks of a small-chunk page are its bitmap in nginx: hand out the rest.
      i32[d + D.NEXT] = (PAGE >> shift) - total;
      i32[d + D.POS] = len;
      i32[base + len] = p;
      i32[lenSlot] = ++len;
    }
    let idx = i32[d + D.FREE_HEAD]!;
    const page = this.pageAddr(p);
    if (idx >= 0) {
      i32[d + D.FREE_HEAD] = i32[(page + (idx << shift)) >> 2]!;
    } else {
      idx = i32[d + D.NEXT]!++;
    }
    if (--i32[d + D.FREE]! === 0) {
      i32[lenSlot] = len - 1;
      i32[d + D.POS] = -1;
    }
    return page + (idx << shift);
  }

  free(addr: number): void {
    const i32 = this.i32;
    let p = (addr - this.data) >> PAGE_SHIFT;
    let d = this.desc + p * DESC_INTS;
    const kind = i32[d + D.KIND]!;
    if (kind === KIND_LARGE) {
      while (p >= 0) {
        d = this.desc + p * DESC_INTS;
        const next = i32[d + D.NEXT]!;
        this.givePage(p);
        p = next;
      }
      return;
    }
    const shift = kind;
    const page = this.pageAddr(p);
    const idx = (addr - page) >> shift;
    i32[addr >> 2] = i32[d + D.FREE_HEAD]!;
    i32[d + D.FREE_HEAD] = idx;
    const free = ++i32[d + D.FREE]!;
    const total = i32[d + D.TOTAL]!;
    const base = this.listBase(shift);
    const lenSlot = H.PARTIAL_LEN + shift;
    if (free === 1 && total > 1) {
      const len = i32[lenSlot]!;
      i32[d + D.POS] = len;
      i32[base + len] = p;
      i32[lenSlot] = len + 1;
    } else if (free === total) {
      // A wholly free page goes back to the pool, as ngx_slab_free_pages does.
      const pos = i32[d + D.POS]!;
      if (pos >= 0) {
        const len = i32[lenSlot]! - 1;
        i32[lenSlot] = len;
        const last = i32[base + len]!;
        if (last !== p) {
          i32[base + pos] = last;
          i32[this.desc + last * DESC_INTS + D.POS] = pos;
        }
      }
      this.givePage(p);
    }
  }

  /** The address of byte `off` of the allocation at `addr` (whole-page allocations continue in their chain). */
  private at(addr: number, off: number): number {
    if (off < PAGE) return addr + off;
    let p = (addr - this.data) >> PAGE_SHIFT;
    if (this.i32[this.desc + p * DESC_INTS + D.KIND] !== KIND_LARGE) return addr + off;
    while (off >= PAGE) {
      p = this.i32[this.desc + p * DESC_INTS + D.NEXT]!;
      off -= PAGE;
    }
    return this.pageAddr(p) + off;
  }

  /** How many bytes from byte `off` of the allocation are contiguous (to the page's end for whole pages). */
  private run(addr: number, off: number, len: number): number {
    const a = this.at(addr, off);
    const p = (a - this.data) >> PAGE_SHIFT;
    if (this.i32[this.desc + p * DESC_INTS + D.KIND] !== KIND_LARGE) return len;
    return Math.min(len, this.pageAddr(p) + PAGE - a);
  }

  /** `len` bytes from byte `off` of the allocation at `addr`, as a latin1 string. */
  readString(buf: Buffer, addr: number, off: number, len: number): string {
    if (off + len <= PAGE) return latin1(buf, this.u8, addr + off, len);
    let s = "";
    while (len > 0) {
      const n = this.run(addr, off, len);
      s += latin1(buf, this.u8, this.at(addr, off), n);
      off += n;
      len -= n;
    }
    return s;
  }

  /** Write the latin1 string `s` at byte `off` of the allocation at `addr`. */
  writeString(buf: Buffer, addr: number, off: number, s: string): void {
    let len = s.length;
    if (off + len <= PAGE) {
      writeLatin1(buf, this.u8, addr + off, s, 0, len);
      return;
    }
    let from = 0;
    while (len > 0) {
      const n = this.run(addr, off, len);
      writeLatin1(buf, this.u8, this.at(addr, off), s, from, n);
      off += n;
      from += n;
      len -= n;
    }
  }

  /** Do `len` bytes at byte `off` of the allocation equal `s`? */
  equals(addr: number, off: number, s: string): boolean {
    const u8 = this.u8;
    let len = s.length;
    if (off + len <= PAGE) {
      const a = addr + off;
      for (let i = 0; i < len; i++) if (u8[a + i] !== s.charCodeAt(i)) return false;
      return true;
    }
    let from = 0;
    while (len > 0) {
      const n = this.run(addr, off, len);
      const a = this.at(addr, off);
      for (let i = 0; i < n; i++) if (u8[a + i] !== s.charCodeAt(from + i)) return false;
      off += n;
      from += n;
      len -= n;
    }
    return true;
  }
}

// Short strings are faster byte by byte than through Buffer's native latin1 codec.
const SHORT = 24;

// Buffer's latin1 codec without toString/write's argument dispatch (which costs as much as
// the copy for short values). Node has had these methods on every Buffer for many versions;
// its typings do not list them.
interface Latin1Codec {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length: number): number;
}

function latin1(buf: Buffer, u8: Uint8Array, a: number, n: number): string {
  if (n > SHORT) return (buf as Buffer & Latin1Codec).latin1Slice(a, a + n);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(u8[a + i]!);
  return s;
}

function writeLatin1(buf: Buffer, u8: Uint8Array, a: number, s: string, from: number, n: number): void {
  if (n > SHORT) {
    (buf as Buffer & Latin1Codec).latin1Write(from === 0 && n === s.length ? s : s.substring(from, from + n), a, n);
    return;
  }
  for (let i = 0; i < n; i++) u8[a + i] = s.charCodeAt(from + i);
}
