// The incremental HTTP/1.x request-head parser, with nginx 1.22's rules and messages:
// which bytes it accepts in the request line and header names, which statuses and log
// lines it gives for malformed input, and how large_client_header_buffers limits lines.
//
// It is fed the connection's unread bytes (index 0 = the start of this request) and resumes
// where it stopped, so a head split over many packets is scanned once.
import type { HeadError, HeadLimits, RequestHead } from "./types.js";
import { parseTarget, splitAbsoluteTarget } from "../uri.js";

const LINE = "reading client request line";
const HEADERS = "reading client request headers";

const METHOD = /^[A-Z_-]+$/;
const FAST_LINE = /^([A-Z]+) (\/[^ \0\r]*) HTTP\/1\.([01])$/;
const PLAIN_NAME = /^[A-Za-z0-9-]+$/;
// Target, then one or more spaces, HTTP/major.minor with at most two digits each, spaces.
// Each number may take one more digit while it is at most 99 (nginx checks before adding one).
const VERSION = /^HTTP\/([1-9][0-9]{0,2})\.([0-9]{1,3}) *$/;

/** Headers nginx refuses to see twice ("client sent duplicate header line"). Host has its own message. */
const UNIQUE = new Set([
  "content-length", "content-range", "if-modified-since", "if-unmodified-since", "if-match",
  "if-none-match", "if-range", "transfer-encoding", "expect", "authorization",
]);

export type ParseOutcome =
  | { readonly kind: "more" }
  | { readonly kind: "head"; readonly head: ParsedHead; readonly consumed: number }
  | { readonly kind: "error"; readonly error: HeadError };

/** The head plus what the core needs beyond the transport contract. */
export interface ParsedHead extends RequestHead {
  readonly uri: string;
  readonly args: string;
  readonly hasQuery: boolean;
  readonly exten: string;
  /** $request_uri: the target without scheme and authority. */
  readonly unparsedUri: string;
  /** Info-level lines nginx logs for ignored invalid headers. */
  readonly warnings: readonly string[];
}

export interface ParserOptions extends HeadLimits {
  readonly mergeSlashes: boolean;
}

export class HeadParser {
  private pos = 0;
  private stage: 0 | 1 = 0; // 0 request line, 1 headers
  private bufEnd: number;
  private largeUsed = 0;
  private requestLine = "";
  private method = "";
  private target = "";
  private protocol = "";
  private version = 0;
  private headers: string[] = [];
  private warnings: string[] = [];
  private host = "";
  private hostHeader: string | undefined;
  private lineHost: string | undefined;
  private seenUnique: Map<string, string> | undefined;

  constructor(private readonly opts: ParserOptions) {
    this.bufEnd = opts.headerBufferSize;
  }

  /** Parse as far as `buf[0..len)` allows. */
  feed(buf: Buffer, len: number): ParseOutcome {
    // One latin1 string for everything from the current line on: cheaper than a string per line.
    const base = this.pos;
    const text = buf.toString("latin1", base, len);
    for (;;) {
      const lineStart = this.pos;
      let nl = text.indexOf("\n", lineStart - base);
      if (nl >= 0) nl += base;
      const lineEnd = nl < 0 ? len : nl + 1;
      // nginx reads into a client_header_buffer_size buffer, and moves a line that does not
      // fit into one of large_client_header_buffers; a line longer than one, or one more
      // buffer than allowed, is the error.
      if (lineEnd > this.bufEnd) {
        const size = this.opts.largeBufferSize;
        if (lineEnd - lineStart > size || this.largeUsed >= this.opts.largeBuffers) {
          return { kind: "error", error: this.tooLong(buf, lineStart, lineEnd) };
        }
        this.largeUsed++;
        this.bufEnd = lineStart + size;
      }
      if (nl < 0) return { kind: "more" };
      this.pos = nl + 1;
      const crlf = nl > lineStart && text.charCodeAt(nl - 1 - base) === 13;
      const line = text.slice(lineStart - base, (crlf ? nl - 1 : nl) - base);
      if (this.stage === 0) {
        if (line.length === 0) continue; // nginx skips empty lines before the request line
        const err = this.parseRequestLine(line);
        if (err) return { kind: "error", error: err };
        if (this.version === 9) return this.finish(this.pos);
        this.stage = 1;
        continue;
      }
      if (line.length === 0) return this.finish(this.pos);
      const err = this.parseHeaderLine(line);
      if (err) return { kind: "error", error: err };
    }
  }

  private fail(status: number, message: string, action: string, extra?: Partial<HeadError>): HeadError {
    return {
      status, message, action, level: "info",
      partial: {
        requestLine: this.requestLine || undefined,
        method: this.method || undefined,
        protocol: this.protocol,
        version: this.version || 1000,
        headers: this.headers,
        host: this.host || undefined,
        target: this.target || undefined,
      },
      ...extra,
    };
  }

  private tooLong(buf: Buffer, lineStart: number, lineEnd: number): HeadError {
    if (this.stage === 0) {
      this.requestLine = buf.toString("latin1", lineStart, lineEnd).replace(/[\r\n]+$/, "");
      return this.fail(414, "client sent too long URI", LINE);
    }
    const shown = buf.toString("latin1", lineStart, Math.min(lineEnd, lineStart + 1748));
    return this.fail(400, `client sent too long header line: "${shown}..."`, HEADERS, { headerTooLarge: true });
  }

  private parseRequestLine(line: string): HeadError | undefined {
    const cr = line.indexOf("\r");
    if (cr >= 0) {
      // nginx ends the line at a CR and then wants the LF: anything else is invalid.
      this.requestLine = line.slice(0, cr);
      return this.fail(400, "client sent invalid request", LINE);
    }
    this.requestLine = line;
    const fast = FAST_LINE.exec(line);
    if (fast) {
      // The common shape: "GET /path HTTP/1.1", nothing unusual to check.
      this.method = fast[1]!;
      this.target = fast[2]!;
      this.protocol = fast[3] === "1" ? "HTTP/1.1" : "HTTP/1.0";
      this.version = fast[3] === "1" ? 1001 : 1000;
      this.parsedTarget = parseTarget(this.target, this.opts.mergeSlashes);
      if (!this.parsedTarget) return this.fail(400, "client sent invalid request", LINE);
      return undefined;
    }
    const sp = line.indexOf(" ");
    const method = sp < 0 ? line : line.slice(0, sp);
    if (sp < 0 || !METHOD.test(method)) {
      this.requestLine = line;
      return this.fail(400, "client sent invalid method", LINE);
    }
    this.method = method;
    let i = sp;
    while (line.charCodeAt(i) === 32) i++;
    const tEnd = line.indexOf(" ", i);
    const target = tEnd < 0 ? line.slice(i) : line.slice(i, tEnd);
    const first = target.charCodeAt(0);
    const isLetter = (first | 0x20) >= 97 && (first | 0x20) <= 122;
    if (target.length === 0 || (first !== 47 /* / */ && !isLetter) || /[\0\r]/.test(target)) {
      return this.fail(400, "client sent invalid request", LINE);
    }
    this.target = target;
    let rest = tEnd < 0 ? "" : line.slice(tEnd);
    rest = rest.replace(/^ +/, "");
    if (rest.length === 0) {
      this.protocol = "";
      this.version = 9;
      if (method !== "GET") return this.fail(400, "client sent invalid method in HTTP/0.9 request", LINE);
    } else {
      const m = VERSION.exec(rest);
      if (!m) return this.fail(400, "client sent invalid request", LINE);
      const major = Number(m[1]);
      const minor = Number(m[2]);
      this.protocol = rest.replace(/ +$/, "");
      this.version = major * 1000 + minor;
      if (major > 1) return this.fail(505, "client sent invalid version", LINE);
    }
    let path = target;
    if (first !== 47) {
      const abs = splitAbsoluteTarget(target);
      if (!abs) return this.fail(400, "client sent invalid request", LINE);
      const h = validateHost(abs.host);
      if (h === undefined) return this.fail(400, "client sent invalid host in request line", LINE);
      this.lineHost = h;
      this.host = h;
      path = abs.rest;
    }
    this.target = path;
    // nginx checks the URI (escapes, `..` above the root) with the request line, before headers.
    this.parsedTarget = parseTarget(path, this.opts.mergeSlashes);
    if (!this.parsedTarget) return this.fail(400, "client sent invalid request", LINE);
    return undefined;
  }

  private parsedTarget: ReturnType<typeof parseTarget>;

  private parseHeaderLine(line: string): HeadError | undefined {
    const colon = line.indexOf(":");
    const nameEnd = colon < 0 ? line.length : colon;
    if (colon === 0) return this.badHeader(line, 0);
    const name = line.slice(0, nameEnd);
    let invalid = false;
    if (!PLAIN_NAME.test(name)) {
      for (let k = 0; k < nameEnd; k++) {
        const c = line.charCodeAt(k);
        if (c <= 0x20 || c === 0x7f) return this.badHeader(line, k);
        if (!invalid && !isNameChar(c, this.opts.underscoresInHeaders)) invalid = true;
      }
    }
    let value = colon < 0 ? "" : line.slice(colon + 1);
    const nul = value.indexOf("\0");
    const cr = value.indexOf("\r");
    if (nul >= 0 || cr >= 0) {
      const k = nul < 0 ? cr : cr < 0 ? nul : Math.min(nul, cr);
      return this.badHeader(line, colon + 1 + k);
    }
    value = trimSpaces(value);
    if (invalid && this.opts.ignoreInvalidHeaders) {
      this.warnings.push(`client sent invalid header line: "${line.replace(/ +$/, "")}"`);
      return undefined;
    }
    const lname = name.toLowerCase();
    if (lname === "host") {
      if (this.hostHeader !== undefined) {
        return this.fail(400, `client sent duplicate host header: "${name}: ${value}", previous value: "${this.hostHeaderLine}"`, HEADERS);
      }
      this.hostHeader = value;
      this.hostHeaderLine = `${name}: ${value}`;
      if (this.lineHost === undefined) {
        const h = validateHost(value);
        this.headers.push(name, value);
        if (h === undefined) {
          this.host = value;
          return this.fail(400, "client sent invalid host header", HEADERS);
        }
        this.host = h;
        return undefined;
      }
    } else if (UNIQUE.has(lname)) {
      this.seenUnique ??= new Map();
      const prev = this.seenUnique.get(lname);
      if (prev !== undefined) {
        return this.fail(400, `client sent duplicate header line: "${name}: ${value}", previous value: "${prev}"`, HEADERS);
      }
      this.seenUnique.set(lname, `${name}: ${value}`);
    }
    this.headers.push(name, value);
    return undefined;
  }

  private hostHeaderLine = "";

  private badHeader(line: string, at: number): HeadError {
    const hex = line.charCodeAt(at).toString(16).padStart(2, "0");
    return this.fail(400, `client sent invalid header line: "${line.slice(0, at)}\\x${hex}..."`, HEADERS);
  }

  private finish(consumed: number): ParseOutcome {
    const version = this.version;
    const hs = this.headers;
    let contentLength = -1;
    let te: string | undefined;
    let connection: string | undefined;
    let expect = false;
    for (let k = 0; k < hs.length; k += 2) {
      const n = hs[k]!;
      if (n.length < 6 || n.length > 17) continue;
      const ln = n.toLowerCase();
      if (ln === "content-length") {
        const v = hs[k + 1]!;
        if (!/^[0-9]{1,18}$/.test(v)) return { kind: "error", error: this.fail(400, 'client sent invalid "Content-Length" header', HEADERS) };
        contentLength = Number(v);
      } else if (ln === "transfer-encoding") te = hs[k + 1]!;
      else if (ln === "connection") connection = hs[k + 1]!.toLowerCase();
      else if (ln === "expect") expect = hs[k + 1]!.toLowerCase() === "100-continue";
    }
    if (version >= 1001 && this.hostHeader === undefined && this.lineHost === undefined) {
      return { kind: "error", error: this.fail(400, 'client sent HTTP/1.1 request without "Host" header', HEADERS) };
    }
    let chunked = false;
    if (te !== undefined) {
      if (version < 1001) {
        return { kind: "error", error: this.fail(400, 'client sent HTTP/1.0 request with "Transfer-Encoding" header', HEADERS) };
      }
      if (te.toLowerCase() === "chunked") {
        if (contentLength >= 0) {
          return { kind: "error", error: this.fail(400, 'client sent "Content-Length" and "Transfer-Encoding" headers at the same time', HEADERS) };
        }
        chunked = true;
      } else {
        return { kind: "error", error: this.fail(501, `client sent unknown "Transfer-Encoding": "${te}"`, HEADERS) };
      }
    }
    if (this.method === "CONNECT") return { kind: "error", error: this.fail(405, "client sent CONNECT method", HEADERS) };
    if (this.method === "TRACE") return { kind: "error", error: this.fail(405, "client sent TRACE method", HEADERS) };
    const parsed = this.parsedTarget!;
    // nginx looks for "close" first, then "keep-alive", anywhere in the value.
    let keepAlive = version >= 1001;
    if (connection !== undefined) {
      if (connection.includes("close")) keepAlive = false;
      else if (connection.includes("keep-alive")) keepAlive = version >= 1000;
    }
    const head: ParsedHead = {
      requestLine: this.requestLine,
      method: this.method,
      target: this.target,
      unparsedUri: this.target,
      protocol: this.protocol,
      version,
      headers: hs,
      host: this.host,
      contentLength: chunked ? -1 : contentLength,
      chunked,
      keepAlive: version === 9 ? false : keepAlive,
      expectContinue: expect && version >= 1001,
      headBytes: consumed,
      uri: parsed.uri,
      args: parsed.args,
      hasQuery: parsed.hasQuery,
      exten: parsed.exten,
      warnings: this.warnings,
    };
    return { kind: "head", head, consumed };
  }
}

/** Drop leading and trailing spaces (nginx keeps tabs). */
function trimSpaces(v: string): string {
  let a = 0;
  let b = v.length;
  while (a < b && v.charCodeAt(a) === 32) a++;
  while (b > a && v.charCodeAt(b - 1) === 32) b--;
  return a === 0 && b === v.length ? v : v.slice(a, b);
}

function isNameChar(c: number, underscores: boolean): boolean {
  // nginx's lowcase_index table: letters, digits and '-'; '_' only with underscores_in_headers.
  if (c >= 97 && c <= 122) return true;
  if (c >= 65 && c <= 90) return true;
  if (c >= 48 && c <= 57) return true;
  if (c === 45) return true;
  return c === 95 && underscores;
}

/**
 * nginx's ngx_http_validate_host: lowercase, drop the port and a trailing dot; refuse `/`,
 * `\`, NUL, `..` and a leading dot. Returns undefined when invalid.
 */
export function validateHost(h: string): string | undefined {
  let dotPos = h.length;
  let hostLen = h.length;
  let inBracket = false;
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    switch (c) {
      case 46: // .
        if (dotPos === i - 1) return undefined;
        dotPos = i;
        break;
      case 58: // :
        if (!inBracket) {
          hostLen = i;
          i = h.length;
        }
        break;
      case 91: // [
        if (i === 0) inBracket = true;
        break;
      case 93: // ]
        inBracket = false;
        break;
      case 0: case 47:
        return undefined;
    }
  }
  if (dotPos === hostLen - 1) hostLen--;
  if (hostLen <= 0) return undefined;
  return h.slice(0, hostLen).toLowerCase();
}
