// allow and deny (ngx_http_access_module): rules are parsed once into byte masks per
// family; a client is checked against the rules of its own family (an IPv4-mapped IPv6
// client counts as IPv4, as nginx reads it) and `all` is in every family's list.
import * as net from "node:net";
import type { Directive } from "../../conf/ast.js";
import { ConfigError } from "../config/settings.js";

export type Family = "v4" | "v6" | "unix";

export interface AccessRule {
  readonly deny: boolean;
  /** undefined: every family (`all`). */
  readonly family: Family | undefined;
  readonly addr: Uint8Array;
  readonly mask: Uint8Array;
}

function v4Bytes(s: string): Uint8Array {
  return Uint8Array.from(s.split(".").map(Number));
}

function v6Bytes(s: string): Uint8Array {
  let text = s;
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const b = v4Bytes(text.slice(lastColon + 1));
    text = text.slice(0, lastColon + 1) + ((b[0]! << 8) | b[1]!).toString(16) + ":" + ((b[2]! << 8) | b[3]!).toString(16);
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const hs = head === "" ? [] : head.split(":");
  const rs = rest === undefined || rest === "" ? [] : rest.split(":");
  const groups = rest === undefined ? hs : [...hs, ...Array<string>(8 - hs.length - rs.length).fill("0"), ...rs];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

function maskBytes(len: number, bits: number): Uint8Array {
  const m = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    const b = Math.max(0, Math.min(8, bits - i * 8));
    m[i] = b === 0 ? 0 : (0xff << (8 - b)) & 0xff;
  }
  return m;
}

/** One allow/deny directive; `warn` receives nginx's "low address bits" warning. */
export function parseRule(d: Directive, warn?: (msg: string) => void): AccessRule {
  const deny = d.name === "deny";
  const a = d.args[0] ?? "";
  if (a === "all") return { deny, family: undefined, addr: new Uint8Array(0), mask: new Uint8Array(0) };
  if (a === "unix:") return { deny, family: "unix", addr: new Uint8Array(0), mask: new Uint8Array(0) };
  const slash = a.indexOf("/");
  const host = slash < 0 ? a : a.slice(0, slash);
  const kind = net.isIP(host);
  const bad = (): ConfigError => new ConfigError(`invalid parameter "${a}"`, d.file, d.line);
  if (kind === 0) throw bad();
  const width = kind === 4 ? 32 : 128;
  let bits = width;
  if (slash >= 0) {
    const b = a.slice(slash + 1);
    if (!/^[0-9]+$/.test(b) || Number(b) > width) throw bad();
    bits = Number(b);
  }
  const addr = kind === 4 ? v4Bytes(host) : v6Bytes(host);
  const mask = maskBytes(addr.length, bits);
  let low = false;
  for (let i = 0; i < addr.length; i++) {
    if ((addr[i]! & ~mask[i]!) !== 0) low = true;
    addr[i] = addr[i]! & mask[i]!;
  }
  if (low) warn?.(`low address bits of ${a} are meaningless`);
  return { deny, family: kind === 4 ? "v4" : "v6", addr, mask };
}

/** The client's family and bytes, once per check. */
export function clientAddress(remote: string): { family: Family; bytes: Uint8Array } {
  const kind = net.isIP(remote);
  if (kind === 4) return { family: "v4", bytes: v4Bytes(remote) };
  if (kind === 6) {
    const b = v6Bytes(remote);
    // IPv4-mapped: nginx checks it against the IPv4 rules.
    if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return { family: "v4", bytes: b.slice(12) };
    return { family: "v6", bytes: b };
  }
  return { family: "unix", bytes: new Uint8Array(0) };
}

/** The first rule that matches: true denies, false allows, undefined when none matches. */
export function matchRules(rules: readonly AccessRule[], remote: string): boolean | undefined {
  const c = clientAddress(remote);
  for (const rule of rules) {
    if (rule.family !== undefined && rule.family !== c.family) continue;
    let hit = true;
    for (let i = 0; i < rule.mask.length; i++) {
      if ((c.bytes[i]! & rule.mask[i]!) !== rule.addr[i]) {
        hit = false;
        break;
      }
    }
    if (hit) return rule.deny;
  }
  return undefined;
}
