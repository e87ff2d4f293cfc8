// An upgraded connection (a 101 answer to a client that asked for an Upgrade): bytes flow both
// ways unchanged until either side closes, as nginx's ngx_http_upstream_process_upgraded moves
// them. Its timers: proxy_read_timeout while waiting to read from the upstream, re-armed by
// traffic in either direction (nginx re-arms it on every event of the tunnel); proxy_send_timeout
// while a write to the upstream waits; send_timeout while a write to the client waits.
// An end of input on either side ends the tunnel once what it sent was passed on.
import type * as net from "node:net";
import { ERRNO } from "./errno.js";

export interface TunnelSockets {
  readonly client: net.Socket;
  /** Bytes the client sent past its request head. */
  readonly clientBuffered: Buffer;
  readonly upstream: net.Socket;
  /** Bytes the upstream sent past its 101 head. */
  readonly upstreamBuffered: Buffer;
}

export interface TunnelLimits {
  /** proxy_read_timeout (ms, 0: none). */
  readonly readTimeout: number;
  /** proxy_send_timeout. */
  readonly sendTimeout: number;
  /** send_timeout, for writes to the client. */
  readonly clientSendTimeout: number;
}

/** Bytes passed each way ($body_bytes_sent counts what went to the client). */
export interface TunnelCounts {
  toClient: number;
  toUpstream: number;
}

export type TunnelEnd =
  | { readonly kind: "closed" }
  /** An end of input that was a failed recv(): nginx logs it (at error for the upstream, info for the client) and ends as for a close. */
  | { readonly kind: "reset"; readonly side: "upstream" | "client"; readonly message: string }
  | { readonly kind: "timeout"; readonly side: "upstream" | "client" };

type Side = "upstream" | "client";

/** Run the tunnel; resolves once it is over (the upstream socket closed, the client's left to its owner). */
export function tunnel(s: TunnelSockets, limits: TunnelLimits, counts: TunnelCounts): Promise<TunnelEnd> {
  return new Promise<TunnelEnd>((resolve) => {
    const { client, upstream } = s;
    let over = false;
    let idle: NodeJS.Timeout | undefined;
    /** A write waiting on each side's socket, with its timer. */
    const sending: Record<Side, NodeJS.Timeout | undefined> = { upstream: undefined, client: undefined };
    /** Reading from the upstream stops while the client's socket is full: no idle timer then (nginx's read event is ready). */
    let upstreamHeld = false;
    /** Reading from the client stops while the upstream's socket is full. */
    let clientHeld = false;

    const end = (e: TunnelEnd): void => {
      if (over) return;
      over = true;
      if (idle) clearTimeout(idle);
      for (const k of ["upstream", "client"] as const) if (sending[k]) clearTimeout(sending[k]);
      client.off("data", fromClient);
      client.off("end", clientEnded);
      client.off("close", clientEnded);
      client.off("error", clientError);
      upstream.removeAllListeners("data");
      upstream.removeAllListeners("end");
      upstream.removeAllListeners("close");
      upstream.removeAllListeners("error");
      upstream.on("error", () => {});
      resolve(e);
    };

    const armIdle = (): void => {
      if (over || limits.readTimeout <= 0) return;
      if (upstreamHeld) {
        if (idle) clearTimeout(idle);
        idle = undefined;
        return;
      }
      if (idle) idle.refresh();
      else idle = setTimeout(() => end({ kind: "timeout", side: "upstream" }), limits.readTimeout);
    };

    /** Write `d` to `to`; when its buffer is full, hold `from` until it drains, under `ms`. */
    const pass = (d: Buffer, to: net.Socket, toSide: Side, from: net.Socket, ms: number): void => {
      if (to.destroyed || to.write(d)) return;
      if (toSide === "client" ? upstreamHeld : clientHeld) return;
      from.pause();
      if (toSide === "client") upstreamHeld = true;
      else clientHeld = true;
      if (ms > 0 && !sending[toSide]) sending[toSide] = setTimeout(() => end({ kind: "timeout", side: toSide }), ms);
      to.once("drain", () => {
        if (sending[toSide]) clearTimeout(sending[toSide]);
        sending[toSide] = undefined;
        if (over) return;
        if (toSide === "client") upstreamHeld = false;
        else clientHeld = false;
        from.resume();
        armIdle();
      });
    };

    const fromClient = (d: Buffer): void => {
      counts.toUpstream += d.length;
      pass(d, upstream, "upstream", client, limits.sendTimeout);
      armIdle();
    };
    const fromUpstream = (d: Buffer): void => {
      counts.toClient += d.length;
      pass(d, client, "client", upstream, limits.clientSendTimeout);
      armIdle();
    };

    // The client's end: what it sent goes on to the upstream, which is then closed.
    const clientEnded = (): void => {
      if (over) return;
      end({ kind: "closed" });
      closeUpstreamAfterWrites();
    };
    const clientError = (e: NodeJS.ErrnoException): void => {
      if (over) return;
      const errno = ERRNO[e.code ?? ""];
      end(errno !== undefined && e.code === "ECONNRESET" ? { kind: "reset", side: "client", message: `recv() failed (${errno})` } : { kind: "closed" });
      upstream.destroy();
    };
    const closeUpstreamAfterWrites = (): void => {
      if (upstream.destroyed) return;
      if (upstream.writableLength === 0) {
        upstream.destroy();
        return;
      }
      const t = limits.sendTimeout > 0 ? setTimeout(() => upstream.destroy(), limits.sendTimeout) : undefined;
      upstream.end(() => {
        if (t) clearTimeout(t);
        upstream.destroy();
      });
    };

    // The upstream's end: its socket closes; the client's is ended by the request, after what was written to it.
    const upstreamEnded = (): void => {
      if (over) return;
      end({ kind: "closed" });
      upstream.destroy();
    };
    const upstreamError = (e: NodeJS.ErrnoException): void => {
      if (over) return;
      const errno = ERRNO[e.code ?? ""];
      end(errno !== undefined && e.code === "ECONNRESET" ? { kind: "reset", side: "upstream", message: `recv() failed (${errno})` } : { kind: "closed" });
      upstream.destroy();
    };

    upstream.on("data", fromUpstream);
    upstream.on("end", upstreamEnded);
    upstream.on("close", upstreamEnded);
    upstream.on("error", upstreamError);
    client.on("data", fromClient);
    client.on("end", clientEnded);
    client.on("close", clientEnded);
    client.on("error", clientError);

    if (s.upstreamBuffered.length > 0) fromUpstream(s.upstreamBuffered);
    if (s.clientBuffered.length > 0) fromClient(s.clientBuffered);
    armIdle();
    if (!over) {
      if (!upstreamHeld) upstream.resume();
      if (!clientHeld) client.resume();
    }
  });
}
