// Virtual server selection by name, as nginx orders it: the exact name, then the longest
// leading wildcard (`*.example.com`, `.example.com`), then the longest trailing wildcard
// (`www.example.*`), then the regexes in order of appearance, then the default server.
import type { AddressConf, ServerConf } from "./model.js";
import type { Request } from "../request.js";
import { setCaptures } from "./locations.js";

export function selectServer(addr: AddressConf, host: string, r?: Request): ServerConf {
  if (host === "") return addr.exact.get("") ?? addr.defaultServer;
  const exact = addr.exact.get(host);
  if (exact) return exact;
  for (const w of addr.leading) {
    if (host.endsWith(w.suffix) && host.length > w.suffix.length) return w.server;
    if (w.dotForm && host === w.suffix.slice(1)) return w.server;
  }
  for (const w of addr.trailing) {
    if (host.startsWith(w.prefix) && host.length > w.prefix.length) return w.server;
  }
  for (const x of addr.regexes) {
    const m = x.regex.exec(host);
    if (m) {
      if (r) setCaptures(r, m);
      return x.server;
    }
  }
  return addr.defaultServer;
}

/** The address configuration of a socket for the connection's local address. */
export function addressFor(addrs: readonly AddressConf[], localAddress: string): AddressConf {
  if (addrs.length === 1) return addrs[0]!;
  for (const a of addrs) if (a.host === localAddress || a.host === `[${localAddress}]`) return a;
  for (const a of addrs) if (a.host === "*" || a.host === "[::]") return a;
  return addrs[0]!;
}
