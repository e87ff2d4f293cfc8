// A model of nginx's slab allocator (ngx_slab.c) for one zone, so that a zone holds as many
// entries as the same zone does in nginx and runs out of memory at the same point: 4 KiB
// pages; requests up to half a page rounded up to a power of two (at least 8) and served
// from pages cut into chunks of that size; larger ones take whole pages. Only counts are
// kept: no bytes are stored here.

const PAGE = 4096;
const MAX_CHUNK = PAGE / 2;

/** A page cut into chunks of one size. */
export class SlabPage {
  constructor(
    readonly cls: number,
    public free: number,
    readonly total: number,
  ) {}
  /** Index in its class's list of pages with free chunks, -1 when full. */
  pos = -1;
}

/** Chunks per page of size 2^shift; small chunks lose room to the page's own bitmap. */
function chunksPerPage(shift: number): number {
  const size = 1 << shift;
  const n = PAGE / size;
  if (size >= 64) return n;
  // The bitmap (one bit per chunk) sits in the page's first chunks.
  const bitmapBytes = n / 8;
  return n - Math.ceil(bitmapBytes / size);
}

/** The pages nginx carves from a zone of `size` bytes (ngx_slab_init on 64-bit). */
export function zonePages(size: number): number {
  const header = 200 + 9 * (24 + 32); // ngx_slab_pool_t, then one slot and one stat per chunk class
  let pages = Math.floor((size - header) / (PAGE + 24));
  const start = Math.ceil((header + pages * 24) / PAGE) * PAGE;
  const fit = Math.floor((size - start) / PAGE);
  if (fit < pages) pages = fit;
  return Math.max(pages, 0);
}

export type Allocation = SlabPage | number;

export class SlabPool {
  freePages: number;
  private readonly partial: SlabPage[][] = [];
  private readonly perPage: number[] = [];

  constructor(readonly pages: number) {
    this.freePages = pages;
    for (let s = 0; s <= 11; s++) {
      this.partial.push([]);
      this.perPage.push(s >= 3 ? chunksPerPage(s) : 0);
    }
  }

  /** Allocate `size` bytes: the page of the chunk, or a page count; undefined when full. */
  alloc(size: number): Allocation | undefined {
    if (size > MAX_CHUNK) {
      const n = Math.ceil(size / PAGE);
      if (this.freePages < n) return undefined;
      this.freePages -= n;
      return n;
    }
    let shift = 3;
    while (1 << shift < size) shift++;
    const list = this.partial[shift]!;
    let page = list.length > 0 ? list[list.length - 1]! : undefined;
    if (page === undefined) {
      if (this.freePages === 0) return undefined;
      this.freePages--;
      const total = this.perPage[shift]!;
      page = new SlabPage(shift, total, total);
      page.pos = list.length;
      list.push(page);
    }
    page.free--;
    if (page.free === 0) {
      list.pop();
      page.pos = -1;
    }
    return page;
  }

  free(a: Allocation): void {
    if (typeof a === "number") {
      this.freePages += a;
      return;
    }
    const list = this.partial[a.cls]!;
    a.free++;
    if (a.free === 1 && a.total > 1) {
      a.pos = list.length;
      list.push(a);
    } else if (a.free === a.total) {
      // A wholly free page goes back to the pool, as ngx_slab_free_pages does.
      if (a.pos >= 0) {
        const last = list.pop()!;
        if (last !== a) {
          list[a.pos] = last;
          last.pos = a.pos;
        }
      }
      a.pos = -1;
      this.freePages++;
    }
  }
}
