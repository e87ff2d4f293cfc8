// The `jit` table of LuaJIT 2.1 (OpenResty's branch). tsresty has no trace compiler: the
// switches (jit.on/off/flush, jit.opt.start) are accepted and only change what
// jit.status() reports, as scripts that tune LuaJIT expect them to work. jit.util and
// jit.profile load, with functions that report nothing. The FFI is not emulated:
// require "ffi" fails with a message that says so.
import { LuaTable } from "../runtime/table.js";
import { argError, argTypeError, luaError } from "../runtime/error.js";
import { typeName } from "../runtime/convert.js";
import { NONE, type LuaFunction, type LuaValue, type LuaResult } from "../runtime/value.js";
import { checkString, library } from "./args.js";

const CPU_FLAGS = ["SSE3", "SSE4.1", "BMI2"];
const OPT_FLAGS = ["fold", "cse", "dce", "fwd", "dse", "narrow", "loop", "abc", "sink", "fuse"];
const LEVELS: readonly (readonly string[])[] = [
  [],
  ["fold", "cse", "dce"],
  ["fold", "cse", "dce", "fwd", "dse", "narrow", "loop"],
  OPT_FLAGS,
];
const PARAMS = [
  "maxtrace", "maxrecord", "maxirconst", "maxside", "maxsnap", "minstitch", "hotloop", "hotexit",
  "tryside", "instunroll", "loopunroll", "callunroll", "recunroll", "sizemcode", "maxmcode",
];

let jitOn = true;
let optFlags = new Set<string>(OPT_FLAGS);
let prngState: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
for (let i = 0; i < 8; i++) prngState[i] = (Math.random() * 2 ** 32) | 0;

function osName(): string {
  switch (process.platform) {
    case "linux": return "Linux";
    case "darwin": return "OSX";
    case "win32": return "Windows";
    case "freebsd": case "openbsd": case "netbsd": return "BSD";
    default: return "Other";
  }
}

function archName(): string {
  switch (process.arch) {
    case "x64": return "x64";
    case "ia32": return "x86";
    case "arm64": return "arm64";
    case "arm": return "arm";
    case "ppc64": case "ppc": return "ppc";
    case "mips": case "mipsel": return "mips";
    case "s390x": return "s390x";
    default: return process.arch;
  }
}

/** jit.on/off/flush take a function, true, or nothing (jit.flush also a trace number). */
function checkTarget(a: readonly LuaValue[], fname: string, numberOk: boolean): void {
  const v = a[0];
  if (v === undefined || v === true || typeof v === "function") return;
  if (numberOk && typeof v === "number") return;
  argTypeError(1, fname, "function", typeName(v));
}

function status(): LuaResult {
  const out: LuaValue[] = [jitOn, ...CPU_FLAGS];
  for (const f of OPT_FLAGS) if (optFlags.has(f)) out.push(f);
  return out;
}

function optStart(...a: LuaValue[]): LuaResult {
  if (a.length === 0) {
    optFlags = new Set(OPT_FLAGS);
    return NONE;
  }
  for (let i = 0; i < a.length; i++) {
    const s = checkString(a, i, "start");
    const bad = (): never => luaError(`unknown or malformed optimization flag '${s}'`);
    if (/^[0-9]$/.test(s)) {
      optFlags = new Set(LEVELS[Math.min(3, Number(s))]);
      continue;
    }
    const eq = s.indexOf("=");
    if (eq >= 0) {
      if (!PARAMS.includes(s.slice(0, eq)) || !/^[0-9]+$/.test(s.slice(eq + 1))) bad();
      continue;
    }
    let name = s, on = true;
    if (s[0] === "+" || s[0] === "-") {
      on = s[0] === "+";
      name = s.slice(1);
    } else if (s.startsWith("no")) {
      on = false;
      name = s.slice(2);
    }
    if (!OPT_FLAGS.includes(name)) bad();
    if (on) optFlags.add(name);
    else optFlags.delete(name);
  }
  return NONE;
}

const PRNG_MSG = "PRNG state must be an array with up to 8 integers or an integer";

function prngstate(...a: LuaValue[]): LuaResult {
  const old = LuaTable.from(prngState.slice());
  if (a.length > 0) {
    const v = a[0];
    const okInt = (x: LuaValue): x is number =>
      typeof x === "number" && Number.isInteger(x) && x >= -2147483648 && x <= 4294967295;
    const next = [0, 0, 0, 0, 0, 0, 0, 0];
    if (typeof v === "number") {
      if (!okInt(v) || v < 0) argError(1, "prngstate", PRNG_MSG);
      next[0] = v | 0;
    } else if (v instanceof LuaTable) {
      const n = v.length();
      if (n > 8) argError(1, "prngstate", PRNG_MSG);
      for (let i = 1; i <= n; i++) {
        const x = v.get(i);
        if (!okInt(x) || x < 0) argError(1, "prngstate", PRNG_MSG);
        next[i - 1] = x | 0;
      }
    } else {
      argTypeError(1, "prngstate", "table", typeName(v));
    }
    prngState = next;
  }
  return old;
}

function security(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "security");
  if (s === "prng" || s === "strhash" || s === "strid" || s === "mcode") return 1;
  return argError(1, "security", `invalid option '${s}'`);
}

const nothing: LuaFunction = () => undefined;

function makeUtil(): LuaTable {
  return library({
    funcinfo: (...a: LuaValue[]) => {
      const f = a[0];
      const t = new LuaTable();
      if (typeof f === "function" && (f as LuaFunction).$name !== undefined) {
        t.setStr("ffid", 0);
        t.setStr("addr", 0);
      } else if (typeof f === "function") {
        for (const k of ["linedefined", "lastlinedefined", "stackslots", "params", "bytecodes", "gcconsts", "nconsts", "upvalues", "currentline"]) t.setStr(k, 0);
        t.setStr("isvararg", false);
        t.setStr("children", false);
        t.setStr("source", "?");
        t.setStr("loc", "?:0");
      }
      return t;
    },
    funcbc: nothing, funck: nothing, funcuvname: nothing, traceinfo: nothing, traceir: nothing,
    tracek: nothing, tracesnap: nothing, tracemc: nothing, traceexitstub: nothing, ircalladdr: nothing,
  });
}

function makeProfile(): LuaTable {
  return library({
    start: (...a: LuaValue[]) => {
      checkString(a, 0, "start");
      if (typeof a[1] !== "function") argTypeError(2, "start", "function", a.length < 2 ? "no value" : typeName(a[1]));
      return NONE;
    },
    stop: () => NONE,
    dumpstack: () => "",
  });
}

function makeVerbose(): LuaTable {
  return library({ on: () => NONE, off: () => NONE, start: () => NONE });
}

let jitLib: LuaTable | undefined;

function makeJit(): LuaTable {
  const opt = library({ start: optStart });
  const j = library({
    on: (...a: LuaValue[]) => { checkTarget(a, "on", false); if (a[0] === undefined) jitOn = true; return NONE; },
    off: (...a: LuaValue[]) => { checkTarget(a, "off", false); if (a[0] === undefined) jitOn = false; return NONE; },
    flush: (...a: LuaValue[]) => { checkTarget(a, "flush", true); return NONE; },
    status,
    attach: (...a: LuaValue[]) => {
      if (typeof a[0] !== "function") argTypeError(1, "attach", "function", a.length === 0 ? "no value" : typeName(a[0]));
      return NONE;
    },
    security,
    prngstate,
  });
  j.setStr("version", "LuaJIT 2.1.0-beta3");
  j.setStr("version_num", 20100);
  j.setStr("os", osName());
  j.setStr("arch", archName());
  j.setStr("opt", opt);
  return j;
}

function jit(): LuaTable {
  return (jitLib ??= makeJit());
}

export function openJit(G: LuaTable): void {
  jitLib = makeJit();
  G.setStr("jit", jitLib);
}

export const FFI_MESSAGE = "module 'ffi' is not available: tsresty does not emulate the LuaJIT FFI";

let util: LuaTable | undefined, profile: LuaTable | undefined, verbose: LuaTable | undefined, dump: LuaTable | undefined;

export const preloads: Record<string, () => LuaValue> = {
  jit: () => jit(),
  "jit.opt": () => jit().getStr("opt"),
  "jit.util": () => (util ??= makeUtil()),
  "jit.profile": () => (profile ??= makeProfile()),
  "jit.v": () => (verbose ??= makeVerbose()),
  "jit.dump": () => (dump ??= makeVerbose()),
  ffi: () => luaError(FFI_MESSAGE),
};
