// `require "ngx.ssl.clienthello"` (lua-resty-core's API for ssl_client_hello_by_lua*): the
// ClientHello's server name, supported versions and raw extensions, and set_protocols. The
// functions act on the ClientHelloState bound to the running thread's host.
import type { LuaFunction, LuaResult, LuaValue } from "../lua/runtime/value.js";
import { LuaTable } from "../lua/runtime/table.js";
import { luaError } from "../lua/runtime/error.js";
import { toNumber } from "../lua/runtime/convert.js";
import { moduleTable } from "../lib/util.js";
import { currentHost, type NgxHost } from "./host.js";

/** One ClientHello as the phase reads it. */
export interface ClientHelloState {
  /** extension type -> its data; undefined when the hello could not be read. */
  readonly extensions: ReadonlyMap<number, Buffer> | undefined;
  /** set_protocols' choice (names as nginx's ssl_protocols), undefined: the server's. */
  protocols: string[] | undefined;
}

const states = new WeakMap<NgxHost, ClientHelloState>();

export function bindClientHello(h: NgxHost, s: ClientHelloState): void {
  states.set(h, s);
}

function current(): ClientHelloState | string {
  const h = currentHost();
  if (h === undefined) return luaError("no request found");
  return states.get(h) ?? "API disabled in the current context";
}

/** OpenSSL's version numbers to nginx's protocol names. */
const NAMES: Readonly<Record<number, string>> = {
  0x0300: "SSLv3", 0x0301: "TLSv1", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2", 0x0304: "TLSv1.3",
};
const PROTOCOLS = new Set(["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);

const FUNCTIONS: Record<string, LuaFunction> = {
  get_client_hello_server_name(): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    const e = s.extensions?.get(0);
    // server_name_list: length(2), then name_type(1) = 0 (host_name), length(2), name
    if (e === undefined || e.length < 5 || e[2] !== 0) return [undefined];
    const len = e.readUInt16BE(3);
    return [e.subarray(5, 5 + len).toString("latin1")];
  },
  get_supported_versions(): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    const e = s.extensions?.get(43);
    if (e === undefined || e.length < 1) return [undefined];
    const names: string[] = [];
    for (let k = 1; k + 1 < e.length && k + 1 <= e[0]!; k += 2) {
      const name = NAMES[e.readUInt16BE(k)];
      if (name !== undefined) names.push(name);
    }
    // the reference lists them from the last the client sent (checked: "TLSv1.2,TLSv1.3")
    const t = new LuaTable();
    names.reverse().forEach((v, i) => t.set(i + 1, v));
    return [t];
  },
  get_client_hello_ext(type: LuaValue): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    const n = typeof type === "number" ? type : toNumber(type);
    if (typeof n !== "number") return luaError("bad argument #2 to 'ngx_ssl_get_client_hello_ext' (cannot convert 'nil' to 'unsigned int')");
    const e = s.extensions?.get(n);
    return e === undefined ? [undefined] : [e.toString("latin1")];
  },
  set_protocols(protocols: LuaValue): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    if (!(protocols instanceof LuaTable)) return luaError("bad argument #1 to 'set_protocols' (table expected)");
    const list: string[] = [];
    for (let i = 1; ; i++) {
      const v = protocols.get(i);
      if (v === undefined) break;
      if (typeof v !== "string" || !PROTOCOLS.has(v)) return [undefined, "invalid protocols failed"];
      list.push(v);
    }
    s.protocols = list;
    return [true];
  },
};

/** The package.preload loader of "ngx.ssl.clienthello". */
export function makeClientHelloModule(): LuaValue {
  return moduleTable(FUNCTIONS, { version: "0.1.28" });
}
