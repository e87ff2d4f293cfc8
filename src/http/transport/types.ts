// The transport contract: how bytes on a connection become requests and responses go back.
// The HTTP core (src/http/server.ts) only sees these types, so another implementation (a
// native addon, HTTP/2) can replace src/http/transport/net-transport.ts.
//
// Every string here is a byte string (latin1, one char per byte), as the Lua runtime wants.
import type { Socket } from "node:net";
import type { SecureContext, SecureContextOptions } from "node:tls";

/** A parsed request head, with nginx's rules applied (see parser.ts). */
export interface RequestHead {
  /** The request line as received, without CRLF (nginx's $request). */
  readonly requestLine: string;
  readonly method: string;
  /** The request target as sent (nginx's $request_uri / unparsed_uri). */
  readonly target: string;
  /** "HTTP/1.1", "HTTP/1.0" or "" for HTTP/0.9 (nginx's $server_protocol). */
  readonly protocol: string;
  /** 9, 1000 or 1001 (nginx's http_version: major*1000 + minor). */
  readonly version: number;
  /** Header names and values in the order received, case kept, duplicates kept: [n0, v0, n1, v1...]. */
  readonly headers: string[];
  /** The Host header, validated and lowercased, without port ("" when absent). */
  readonly host: string;
  /** Content-Length, or -1 when absent. */
  readonly contentLength: number;
  readonly chunked: boolean;
  /** Whether the connection may stay open after this request (protocol and Connection header). */
  readonly keepAlive: boolean;
  readonly expectContinue: boolean;
  /** Bytes of the head, request line to the empty line (part of $request_length). */
  readonly headBytes: number;
  /** The head as received (ngx.req.raw_header), when the transport keeps it. */
  rawHead?: Buffer;
}

/** A malformed request: nginx's status, its log line and the context it logs it in. */
export interface HeadError {
  /** The status to answer, or 0 to close without an answer. */
  readonly status: number;
  /** Use the "Request Header Or Cookie Too Large" page (nginx's internal 494). */
  readonly headerTooLarge?: boolean;
  /** The info-level log text, e.g. `client sent invalid method`. */
  readonly message: string;
  /** nginx's log action: "reading client request line" or "reading client request headers". */
  readonly action: string;
  /** Log level of the message ("info" for most). */
  readonly level: "info" | "error";
  /** What was parsed before the error, for the log context and the access log. */
  readonly partial: Partial<RequestHead>;
}

/** Limits the transport applies while reading a head, from the default server's configuration. */
export interface HeadLimits {
  /** client_header_buffer_size (default 1k). */
  readonly headerBufferSize: number;
  /** large_client_header_buffers number and size (default 4 8k). */
  readonly largeBuffers: number;
  readonly largeBufferSize: number;
  /** underscores_in_headers (default off) */
  readonly underscoresInHeaders: boolean;
  /** ignore_invalid_headers (default on) */
  readonly ignoreInvalidHeaders: boolean;
  /** client_header_timeout in ms (default 60s). */
  readonly headerTimeout: number;
}

/** The peer and local addresses of a connection, and its counters. */
export interface ConnectionInfo {
  /** nginx's connection number (the `*N` in log lines). */
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** Requests served on this connection so far, this one included ($connection_requests). */
  readonly requests: number;
  /** Bytes written on the connection so far. */
  readonly bytesWritten: number;
  /** Set once the TLS handshake is done ($https, $ssl_protocol, ...); absent on plain connections. */
  readonly tls?: TlsInfo;
}

/** What a TLS connection negotiated. */
export interface TlsInfo {
  /** "TLSv1.3" ($ssl_protocol). */
  readonly protocol: string;
  /** OpenSSL's cipher name ($ssl_cipher). */
  readonly cipher: string;
  /** The SNI name the client sent, "" without one ($ssl_server_name). */
  readonly serverName: string;
  /** The handshake resumed a session ($ssl_session_reused). */
  readonly sessionReused: boolean;
}

/** How a listener speaks TLS, asked per connection (a reload may change certificates). */
export interface TlsListen {
  /** Offer h2 by ALPN (`listen ... ssl http2`). */
  readonly http2: boolean;
  /** The default server's context (no SNI, or no server for the name). */
  readonly defaultContext: SecureContext;
  /** The options of the default context (node's TLS server is made from options). */
  readonly defaultOptions: SecureContextOptions;
  /** The context of the server an SNI name selects. */
  contextFor(serverName: string): SecureContext;
}

/** Where a request body goes as it is read. */
export interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
  /** A framing error (400 "client sent invalid chunked body"), a limit (413), a timeout (408) or a closed peer (0). */
  error(status: number, message: string, level: "info" | "error"): void;
}

/** One request on a connection, as handed to the HTTP core. */
export interface Exchange {
  readonly conn: ConnectionInfo;
  /** The head, or undefined when `error` is set. */
  readonly head: RequestHead | undefined;
  readonly error: HeadError | undefined;
  /**
   * Read the body into `sink`. `maxSize` (client_max_body_size, 0 = no limit) is checked against
   * the chunked total as it grows; a Content-Length over it is the caller's check, as in nginx.
   */
  readBody(sink: BodySink, maxSize: number, timeoutMs?: number): void;
  /**
   * send_timeout: when the client takes nothing for `ms` while output is pending,
   * `owner.sendTimedOut()` runs (the core logs it) and the connection is closed.
   */
  setSendTimeout(ms: number, owner: { sendTimedOut(): void }): void;
  /**
   * Start throwing the body away now (nginx's ngx_http_discard_request_body): what is already
   * buffered is decoded at once, so a malformed chunked body gives its error here.
   */
  discardBody(): { status: number; message: string } | undefined;
  /** Send `HTTP/1.1 100 Continue` once, if the client asked for it and nothing was sent. */
  sendContinue(): void;
  /** Write response bytes (a latin1 string or a Buffer). Returns false when the socket buffer is full. */
  write(data: string | Buffer): boolean;
  /** Write several pieces at once (one writev where the socket allows). */
  writev(parts: readonly (string | Buffer)[]): boolean;
  /** Whether the socket's buffer is full (a writer should wait for drained()). */
  readonly congested: boolean;
  /** Resolves when the socket buffer has drained (for flush(true)). */
  drained(): Promise<void>;
  /** Once a write to the client failed: nginx's log text, "writev() failed (32: Broken pipe)". */
  readonly writeError?: string;
  /**
   * Bytes written but not yet taken by the kernel (the socket still holds the written Buffers);
   * undefined where that is not known. 0 right after a write: the caller may reuse its Buffer.
   */
  readonly unsentBytes?: number;
  /**
   * The response is complete. With a keep-alive timeout (ms, > 0) the connection reads the next
   * request once the unread body is discarded; with 0 it is closed after the output is flushed.
   */
  finish(keepAliveMs: number): void;
  /** Close the connection now, without a response (nginx's 444, or an error after the header). */
  abort(): void;
  /** Called once if the peer goes away before finish(). */
  onAbort(cb: () => void): void;
  /** Whether the peer has closed (for ngx.on_abort and lingering decisions). */
  readonly closed: boolean;
  /**
   * ngx.req.socket: hold (true) or resume (false) reading from the client while Lua reads the
   * body through a socket, so that a slow reader does not make the server buffer the upload.
   */
  pauseReading?(paused: boolean): void;
  /**
   * ngx.req.socket(true): the client connection as a plain socket for the rest of the request,
   * with the bytes read past the head. HTTP stops reading there; the connection closes after
   * the request. Absent (or undefined) where the transport cannot give one (HTTP/2).
   */
  takeSocket?(): { socket: Socket; buffered: Buffer } | undefined;
  /**
   * ngx.req.socket's request ends: the body was Lua's to read, and what it left unread is not
   * discarded (nginx reads on from there, as the next request on a kept-alive connection).
   */
  endBody?(): void;
}

/** What a listener reports to the HTTP core. */
export interface ListenHandler {
  /** Limits for heads read on this listener (asked once per connection). */
  limits(): HeadLimits;
  /** A request head was read (or failed to parse): the core answers it through the exchange. */
  onRequest(ex: Exchange): void;
  /** A connection idle in keep-alive (keepalive true) or before its first request (false) was closed by the client. */
  onIdleClose?(conn: ConnectionInfo, keepalive: boolean): void;
  /** The connection timed out while reading a head (nginx logs "client timed out" at info). */
  onHeadTimeout?(conn: ConnectionInfo, partial: Partial<RequestHead>): void;
  /** TLS for connections to this local address, or undefined for plain HTTP. */
  tls?(localAddress: string): TlsListen | undefined;
}

export interface ListenAddress {
  /** An IPv4 or IPv6 address, "*" or "0.0.0.0" for every address, or a unix: path. */
  readonly host: string;
  readonly port: number;
  readonly unixPath?: string;
  /** An already listening socket to serve instead (a worker thread's, src/http/workers). */
  readonly fd?: number;
}

/** A listening socket. */
export interface Listener {
  readonly address: ListenAddress;
  /** Replace the handler (configuration reload keeps the socket). */
  setHandler(h: ListenHandler): void;
  /** Stop accepting; open connections stay. */
  close(): Promise<void>;
  /** Connections currently open on this listener. */
  readonly connections: number;
  /** Close idle keep-alive connections now (graceful quit), and any that become idle later. */
  closeIdle(): void;
  /** Destroy every connection (fast stop). */
  destroyAll(): void;
}

/** The one interface a transport implements. */
export interface Transport {
  listen(addr: ListenAddress, handler: ListenHandler): Promise<Listener>;
}
