// ngx.re: match, find, gmatch, sub, gsub over byte strings, on PCRE patterns translated to
// JS RegExps (pcre.ts), compiled once per (pattern, flags) and cached up to
// lua_regex_cache_max_entries. Positions are 1-based byte offsets, as in Lua.
import { LuaTable } from "../lua/runtime/table.js";
import type { LuaFunction, LuaResult, LuaValue } from "../lua/runtime/value.js";
import { typeName } from "../lua/runtime/convert.js";
import { argError, luaError } from "../lua/runtime/error.js";
import { call } from "../lua/runtime/ops.js";
import { library } from "../lua/stdlib/args.js";
import { compilePcre, PcreError, type CompiledPcre } from "./pcre.js";
import { checkStr } from "./values.js";
import { currentHost } from "./host.js";
import type { LuaVm } from "./vm.js";

// Least recently used first (a Map keeps insertion order), as resty.core's lrucache of
// lua_regex_cache_max_entries compiled patterns (it logs nothing when full: checked on the reference).
const cache = new Map<string, CompiledPcre>();
let cacheMax = 1024;

/** lua_regex_cache_max_entries (0: nothing is kept). */
export function setRegexCacheMax(n: number): void {
  cacheMax = n;
  while (cache.size > cacheMax) cache.delete(cache.keys().next().value as string);
}

/** How many compiled patterns the cache holds (tests). */
export function regexCacheSize(): number {
  return cache.size;
}

/** The compiled pattern, or the error string ngx.re returns. Unknown flags raise. */
function compiled(pattern: string, flags: string): CompiledPcre | string {
  const key = flags + "\0" + pattern;
  let c = cache.get(key);
  if (c !== undefined) {
    cache.delete(key);
    cache.set(key, c);
    return c;
  }
  try {
    c = compilePcre(pattern, flags);
  } catch (e) {
    if (e instanceof PcreError) {
      const at = e.offset < pattern.length ? ` at "${pattern.slice(e.offset)}"` : "";
      return `pcre_compile() failed: ${e.message} in "${pattern}"${at}`;
    }
    return luaError((e as Error).message);
  }
  if (cacheMax === 0) return c;
  if (cache.size >= cacheMax) cache.delete(cache.keys().next().value as string);
  cache.set(key, c);
  return c;
}

/** A subject prepared for one pattern: in `u` mode decoded from UTF-8, with byte offsets. */
interface Subject {
  readonly text: string;
  /** Byte offset of a text index. */
  byteAt(i: number): number;
  /** Text index of a byte offset. */
  indexAt(b: number): number;
  /** A piece of the text back as bytes. */
  bytes(from: number, to: number): string;
}

function subjectOf(s: string, utf8: boolean): Subject {
  if (!utf8) return { text: s, byteAt: (i) => i, indexAt: (b) => b, bytes: (f, t) => s.slice(f, t) };
  const text = Buffer.from(s, "latin1").toString("utf8");
  const offs = new Int32Array(text.length + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    offs[i] = b;
    const c = text.charCodeAt(i);
    if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      b += 4;
      offs[++i] = b - 2;
    } else b += 3;
  }
  offs[text.length] = b;
  return {
    text,
    byteAt: (i) => offs[i]!,
    indexAt: (bb) => {
      let lo = 0;
      let hi = text.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (offs[mid]! < bb) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
    bytes: (f, t) => Buffer.from(text.slice(f, t), "utf8").toString("latin1"),
  };
}

/** Run the pattern at text index `from`; null when no match. */
function exec(c: CompiledPcre, subj: Subject, from: number): RegExpExecArray | null {
  const re = c.re;
  re.lastIndex = from;
  const m = re.exec(subj.text);
  if (m === null) return null;
  if (c.anchored && m.index !== from) return null;
  return m;
}

/** The captures table: [0] the match, [1..n] the groups (false when unset), names too. */
function captures(c: CompiledPcre, subj: Subject, m: RegExpExecArray, into?: LuaTable): LuaTable {
  const t = into ?? new LuaTable();
  t.set(0, subj.bytes(m.index, m.index + m[0].length));
  let k = 1;
  for (let g = 1; g < m.length; g++) {
    const name = c.names[g - 1];
    if (name === null) continue;
    const v = m[g];
    const val: LuaValue = v === undefined ? false : subj.bytes(m.indices![g]![0], m.indices![g]![1]);
    t.set(k++, val);
    if (name !== undefined) t.set(name, val);
  }
  return t;
}

function flagsArg(v: LuaValue, arg: number, fname: string): string {
  if (v === undefined) return "";
  return checkStr(v, arg, fname);
}

function ctxPos(ctx: LuaValue, subj: Subject): number {
  if (!(ctx instanceof LuaTable)) return 0;
  const pos = ctx.getStr("pos");
  if (typeof pos !== "number") return 0;
  return subj.indexAt(Math.max(0, pos - 1));
}

function matchFn(...a: LuaValue[]): LuaResult {
  const s = checkStr(a[0], 1, "match");
  const pat = checkStr(a[1], 2, "match");
  const c = compiled(pat, flagsArg(a[2], 3, "match"));
  if (typeof c === "string") return [undefined, c];
  const subj = subjectOf(s, c.utf8);
  const from = ctxPos(a[3], subj);
  if (from > subj.text.length) return undefined;
  const m = exec(c, subj, from);
  if (m === null) return undefined;
  if (a[3] instanceof LuaTable) a[3].setStr("pos", subj.byteAt(m.index + m[0].length) + 1);
  return captures(c, subj, m, a[4] instanceof LuaTable ? a[4] : undefined);
}

function findFn(...a: LuaValue[]): LuaResult {
  const s = checkStr(a[0], 1, "find");
  const pat = checkStr(a[1], 2, "find");
  const c = compiled(pat, flagsArg(a[2], 3, "find"));
  if (typeof c === "string") return [undefined, undefined, c];
  const subj = subjectOf(s, c.utf8);
  const from = ctxPos(a[3], subj);
  if (from > subj.text.length) return undefined;
  const m = exec(c, subj, from);
  if (m === null) return undefined;
  if (a[3] instanceof LuaTable) a[3].setStr("pos", subj.byteAt(m.index + m[0].length) + 1);
  const nth = typeof a[4] === "number" ? a[4] : 0;
  let g = 0;
  if (nth > 0) {
    let k = 0;
    for (g = 1; g < m.length; g++) if (c.names[g - 1] !== null && ++k === nth) break;
    if (g >= m.length) return [undefined, undefined, "nth out of bound"];
  }
  const ix = m.indices![g];
  if (ix === undefined) return undefined;
  return [subj.byteAt(ix[0]) + 1, subj.byteAt(ix[1])];
}

function gmatchFn(...a: LuaValue[]): LuaResult {
  const s = checkStr(a[0], 1, "gmatch");
  const pat = checkStr(a[1], 2, "gmatch");
  const c = compiled(pat, flagsArg(a[2], 3, "gmatch"));
  if (typeof c === "string") return [undefined, c];
  const subj = subjectOf(s, c.utf8);
  let pos = 0;
  let done = false;
  const it: LuaFunction = () => {
    if (done || pos > subj.text.length) {
      done = true;
      return undefined;
    }
    const m = exec(c, subj, pos);
    if (m === null) {
      done = true;
      return undefined;
    }
    const end = m.index + m[0].length;
    pos = end === m.index ? end + 1 : end;
    return captures(c, subj, m);
  };
  return it;
}

/** A replacement template: literal pieces and capture numbers ($0, $1, ${1}, $name). */
type Template = (string | number)[];

function compileTemplate(t: string, c: CompiledPcre, log: (msg: string) => void): Template | undefined {
  const out: Template = [];
  let lit = "";
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (ch !== "$") {
      lit += ch;
      continue;
    }
    const nx = t[i + 1];
    if (nx === "$") {
      lit += "$";
      i++;
      continue;
    }
    let name: string;
    if (nx === "{") {
      const end = t.indexOf("}", i + 2);
      if (end < 0) {
        log(`the closing bracket in "${t.slice(i + 2)}" variable is missing`);
        return undefined;
      }
      name = t.slice(i + 2, end);
      i = end;
    } else {
      const mm = /^[0-9]+|^[A-Za-z_]\w*/.exec(t.slice(i + 1));
      if (!mm) {
        log(`lua script: invalid capturing variable name found in "${t.slice(i)}"`);
        return undefined;
      }
      name = mm[0];
      i += name.length;
    }
    if (lit) out.push(lit);
    lit = "";
    if (/^[0-9]+$/.test(name)) out.push(Number(name));
    else {
      let k = 0;
      let idx = -1;
      for (let g = 0; g < c.names.length; g++) {
        if (c.names[g] === null) continue;
        k++;
        if (c.names[g] === name) idx = k;
      }
      out.push(idx < 0 ? "" : idx);
    }
  }
  if (lit) out.push(lit);
  return out;
}

function substitute(fname: string, global: boolean, vm: LuaVm, a: LuaValue[]): LuaResult {
  const s = checkStr(a[0], 1, fname);
  const pat = checkStr(a[1], 2, fname);
  const repl = a[2];
  if (typeof repl !== "string" && typeof repl !== "number" && typeof repl !== "function") {
    return argError(3, fname, `string, number, or function expected, got ${typeName(repl)}`);
  }
  const c = compiled(pat, flagsArg(a[3], 4, fname));
  if (typeof c === "string") return [undefined, undefined, c];
  let tpl: Template | undefined;
  if (typeof repl !== "function") {
    tpl = compileTemplate(typeof repl === "number" ? String(repl) : repl, c, (msg) => vm.log(4, msg, undefined));
    if (tpl === undefined) return [undefined, undefined, "failed to compile the replacement template"];
  }
  const subj = subjectOf(s, c.utf8);
  let out = "";
  let last = 0;
  let n = 0;
  let pos = 0;
  const text = subj.text;
  while (pos <= text.length) {
    const m = exec(c, subj, pos);
    if (m === null) break;
    const start = m.index;
    const end = start + m[0].length;
    out += subj.bytes(last, start);
    const caps = captures(c, subj, m);
    if (tpl !== undefined) {
      for (const piece of tpl) {
        if (typeof piece === "string") out += piece;
        else {
          const v = caps.get(piece);
          if (typeof v === "string") out += v;
        }
      }
    } else {
      const r = call(repl, caps);
      const v = Array.isArray(r) ? r[0] : r;
      if (typeof v === "string") out += v;
      else if (typeof v === "number") out += String(v);
      else if (v !== undefined) return argError(3, fname, `attempt to use ${typeName(v)} as replacement`);
    }
    n++;
    last = end;
    if (!global) break;
    if (end === start) {
      if (end < text.length) out += subj.bytes(end, end + 1);
      last = end + 1;
      pos = end + 1;
    } else pos = end;
  }
  if (last < text.length) out += subj.bytes(last, text.length);
  return [out, n];
}

export function makeRe(vm: LuaVm): LuaTable {
  void currentHost;
  return library({
    match: matchFn,
    find: findFn,
    gmatch: gmatchFn,
    sub: (...a) => substitute("sub", false, vm, a),
    gsub: (...a) => substitute("gsub", true, vm, a),
    opt: (): LuaResult => [],
  });
}
