// A 101 from the upstream to a client that asked for an Upgrade (WebSocket proxying), as
// nginx's ngx_http_upstream_upgrade does it: the header has gone through the header filters;
// a flush goes through the body filters (they see an empty buffer, and nothing of the tunnel);
// then the client connection and the upstream's are joined (upstream/tunnel.ts) until either
// side closes. The tunnel's bytes count in $body_bytes_sent; the status stays 101.
import type * as net from "node:net";
import type { Request } from "../request.js";
import { ERROR, OK, type PhaseResult } from "../phases.js";
import { tunnel, type TunnelCounts, type TunnelEnd } from "../upstream/tunnel.js";

/** nginx's log action while the tunnel runs, and once it is over. */
const TUNNEL_ACTION = "proxying upgraded connection";
const DONE_ACTION = "sending to client";

const TIMED_OUT: Record<"upstream" | "client", string> = {
  upstream: "upstream timed out (110: Connection timed out)",
  client: "client timed out (110: Connection timed out)",
};

export interface UpgradeLimits {
  readonly readTimeout: number;
  readonly sendTimeout: number;
}

/** Join the client and the upgraded upstream connection; resolves with the handler's result when it is over. */
export async function proxyUpgraded(r: Request, upstream: net.Socket, rest: Buffer, limits: UpgradeLimits): Promise<PhaseResult> {
  if (r !== r.main) {
    upstream.destroy();
    r.log("error", "connection upgrade in subrequest", "reading response header from upstream");
    return ERROR;
  }
  r.keepalive = false;
  r.action = TUNNEL_ACTION;
  // nginx's ngx_http_send_special(r, NGX_HTTP_FLUSH): the 101 head goes out before the tunnel's bytes.
  void r.flush();
  const taken = r.exchange?.takeSocket?.();
  if (taken === undefined) {
    upstream.destroy();
    return ERROR;
  }
  const counts: TunnelCounts = { toClient: 0, toUpstream: 0 };
  const end: TunnelEnd = await tunnel(
    { client: taken.socket, clientBuffered: taken.buffered, upstream, upstreamBuffered: rest },
    { readTimeout: limits.readTimeout, sendTimeout: limits.sendTimeout, clientSendTimeout: r.loc.core.send_timeout },
    counts,
  );
  r.bodyBytesSent += counts.toClient;
  if (end.kind === "timeout") {
    // Logged at info, as nginx's ngx_connection_error on the client's connection does.
    r.log("info", TIMED_OUT[end.side]);
    r.action = DONE_ACTION;
    // An upstream timeout finalizes with 504 after the header: a flush, then the close.
    if (end.side === "upstream") void r.flush();
    return ERROR;
  }
  if (end.kind === "reset") r.log(end.side === "upstream" ? "error" : "info", end.message);
  r.action = DONE_ACTION;
  return OK;
}
