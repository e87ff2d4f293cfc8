// Where everything of a shared zone lives in its SharedArrayBuffer. The layout is a pure
// function of the zone's size, so each worker recomputes it from (size, buffer) and never
// needs to read it back from the buffer.
//
//   header (HEADER_INTS int32s) | free page stack | page descriptors | partial page lists
//   | hash buckets | pages (zonePages(size) x 4 KiB, the slab allocator's memory)
//
// Nodes and list items are real allocations in the pages, of the sizes nginx allocates for
// them (./memory.ts's NODE + key + value, LIST_ITEM + value), so the zone fills exactly
// where the slab model says it does. Addresses are byte offsets into the buffer; 0 is null
// (the header sits at 0, so no node is ever there).
import { zonePages } from "./slab.js";

export const PAGE = 4096;
export const PAGE_SHIFT = 12;

/** Header slots (int32 indexes). */
export const H = {
  LOCK: 0,
  /** The thread id + 1 of the lock's holder, 0 when free (for forceUnlock). */
  OWNER: 1,
  /** Most recently used node. */
  LRU_HEAD: 2,
  /** Least recently used node. */
  LRU_TAIL: 3,
  FREE_PAGES: 4,
  MAGIC: 5,
  /** A 64-bit count of string values written (low, high int32), for readers' decoded-string caches. */
  SEQ_LO: 6,
  SEQ_HI: 7,
  /** Lengths of the partial page lists, one per chunk class (shift 0..11). */
  PARTIAL_LEN: 8,
} as const;
export const HEADER_INTS = 32;
export const MAGIC = 0x5348_4431;

/** Page descriptor fields (int32s, DESC_INTS per page). */
export const D = {
  /** KIND_FREE, KIND_LARGE, or the chunk class's shift (3..11). */
  KIND: 0,
  /** Free chunks (chunk pages). */
  FREE: 1,
  /** Chunks in the page (chunk pages). */
  TOTAL: 2,
  /** Index in its class's partial list, -1 when not there. */
  POS: 3,
  /** First free chunk's index, -1 for none (chunk pages). */
  FREE_HEAD: 4,
  /** Chunk pages: chunks never handed out start here. Large allocations: the next page, -1 at the end. */
  NEXT: 5,
} as const;
export const DESC_INTS = 6;
export const KIND_FREE = 0;
export const KIND_LARGE = 1;

/** Chunk classes are shifts 3..11 (8 bytes to half a page). */
export const MIN_SHIFT = 3;
export const MAX_SHIFT = 11;

// A node (an entry): its fields sit in the first 68 bytes nginx's node takes, key bytes follow.
export const N = {
  /** int32 indexes (address / 4 + field). */
  HASH_NEXT: 0,
  LRU_PREV: 1,
  LRU_NEXT: 2,
  HASH: 3,
  KEY_LEN: 4,
  /** String value's byte length. */
  VALUE_LEN: 5,
  TYPE: 6,
  FLAGS: 7,
  /** List head/tail item addresses and item count. */
  LIST_HEAD: 10,
  LIST_TAIL: 11,
  LIST_LEN: 12,
  /** The zone's write count when this node's string value was written (H.SEQ_*). */
  SEQ_LO: 13,
  SEQ_HI: 16,
  /** float64 indexes (address / 8 + field). */
  EXPIRES_F64: 4,
  NUMBER_F64: 7,
  /** Byte offset of the key; a string value follows the key. */
  KEY: 68,
} as const;
export const NODE_BYTES = 68;
export const LIST_HEAD_BYTES = 16;

/** Value types. */
export const T_STRING = 1;
export const T_NUMBER = 2;
export const T_FALSE = 3;
export const T_TRUE = 4;
export const T_LIST = 5;

// A list item: 21 bytes in nginx, plus its value.
export const I = {
  PREV: 0,
  NEXT: 1,
  TYPE: 2,
  LEN: 3,
  /** float64 index (address / 8 + field). */
  NUMBER_F64: 2,
  /** Byte offset of a string value. */
  BYTES: 16,
} as const;
export const LIST_ITEM_BYTES = 21;

export interface ZoneLayout {
  readonly size: number;
  readonly pages: number;
  /** Byte offsets of the regions. */
  readonly freeStack: number;
  readonly desc: number;
  /** The partial list of class `shift` starts at partial + (shift - MIN_SHIFT) * pages * 4. */
  readonly partial: number;
  readonly buckets: number;
  readonly bucketMask: number;
  readonly data: number;
  readonly bytes: number;
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

export function zoneLayout(size: number): ZoneLayout {
  const pages = zonePages(size);
  // About one bucket per two smallest nodes (128-byte chunks): short chains at any fill.
  let nb = 16;
  while (nb < (pages * PAGE) / 256) nb *= 2;
  const freeStack = HEADER_INTS * 4;
  const desc = freeStack + pages * 4;
  const partial = desc + pages * DESC_INTS * 4;
  const buckets = partial + (MAX_SHIFT - MIN_SHIFT + 1) * pages * 4;
  const data = align(buckets + nb * 4, 64);
  return { size, pages, freeStack, desc, partial, buckets, bucketMask: nb - 1, data, bytes: data + pages * PAGE };
}
