// A thread's cache of string values it has copied out of a shared zone, so that a value
// read again and again (a cached page, a JSON document) is not copied from the buffer on
// every get. Each string value written to a zone is stamped with the zone's write count (a
// 64-bit number, unique per write, see H.SEQ_* and N.SEQ_*); a cached copy is used only
// while the node at its address still carries the stamp it was copied under, so a value
// rewritten in place, or a node freed and reused, is never answered from here.
//
// Direct-mapped by node address, no allocation per lookup; the sizes bound what a thread
// keeps (SLOTS strings of at most MAX_LEN bytes).

/** Values shorter than this are copied each time: the copy costs about what a lookup does. */
export const CACHE_MIN_LEN = 16;
export const CACHE_MAX_LEN = 16384;
const SLOT_BITS = 10;
const SLOTS = 1 << SLOT_BITS;

/** A node address's slot: multiplicative hashing, as page-aligned nodes share their low bits. */
function slot(a: number): number {
  return Math.imul(a, 0x9e3779b1) >>> (32 - SLOT_BITS);
}

export class DecodedStrings {
  private readonly addr = new Int32Array(SLOTS);
  private readonly lo = new Int32Array(SLOTS);
  private readonly hi = new Int32Array(SLOTS);
  private readonly str: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

  /** The copy of the value at node `a` stamped (lo, hi), if this thread has it. */
  get(a: number, lo: number, hi: number): string | undefined {
    const i = slot(a);
    return this.addr[i] === a && this.lo[i] === lo && this.hi[i] === hi ? this.str[i] : undefined;
  }

  put(a: number, lo: number, hi: number, s: string): void {
    const i = slot(a);
    this.addr[i] = a;
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.str[i] = s;
  }
}
