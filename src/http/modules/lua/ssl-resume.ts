// Whether a handshake will resume a session, known before it starts: OpenSSL runs no
// certificate callback for a resumed session, so nginx runs no ssl_certificate_by_lua* then.
// The Lua phases run before node's TLS server sees the ClientHello, so we tell it ourselves:
// a TLS 1.2 session ticket our server issued (its key name, a valid HMAC, and the session in it
// not expired), or a session the fetch phase gave that has not expired. A wrong guess in the
// other direction only runs the certificate phase once more; so anything unsure says no.
import * as crypto from "node:crypto";

/** A DER element at `i`: [tag, content start, content length], or undefined. */
function element(b: Buffer, i: number): [number, number, number] | undefined {
  if (i + 2 > b.length) return undefined;
  const tag = b[i]!;
  let len = b[i + 1]!;
  let start = i + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > b.length) return undefined;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + b[start + k]!;
    start += n;
  }
  return start + len > b.length ? undefined : [tag, start, len];
}

function integer(b: Buffer, start: number, len: number): number {
  let v = 0;
  for (let k = 0; k < len; k++) v = v * 256 + b[start + k]!;
  return v;
}

/**
 * Whether a serialized SSL_SESSION is still valid at `nowSec`: its time [1] plus its timeout
 * [2] (both EXPLICIT INTEGERs among the SEQUENCE's fields) lie ahead.
 */
export function sessionAlive(der: Buffer, nowSec: number): boolean {
  const outer = element(der, 0);
  if (outer === undefined || outer[0] !== 0x30) return false;
  let time: number | undefined;
  let timeout: number | undefined;
  for (let i = outer[1]; i < outer[1] + outer[2];) {
    const e = element(der, i);
    if (e === undefined) return false;
    if (e[0] === 0xa1 || e[0] === 0xa2) {
      const inner = element(der, e[1]);
      if (inner === undefined || inner[0] !== 0x02) return false;
      if (e[0] === 0xa1) time = integer(der, inner[1], inner[2]);
      else timeout = integer(der, inner[1], inner[2]);
    }
    i = e[1] + e[2];
  }
  return time !== undefined && timeout !== undefined && time + timeout > nowSec;
}

/**
 * Whether a session ticket (the ClientHello's extension data) is one node's server issued
 * with `keys` (getTicketKeys(): key name, HMAC key, AES key, 16 bytes each; tickets are
 * name | IV | AES-128-CBC data | HMAC-SHA256) and holds a session not yet expired.
 */
export function ticketResumes(ticket: Buffer, keys: Buffer, nowSec: number): boolean {
  if (keys.length < 48 || ticket.length < 16 + 16 + 16 + 32) return false;
  if (!ticket.subarray(0, 16).equals(keys.subarray(0, 16))) return false;
  const body = ticket.subarray(0, ticket.length - 32);
  const mac = crypto.createHmac("sha256", keys.subarray(16, 32)).update(body).digest();
  if (!crypto.timingSafeEqual(mac, ticket.subarray(ticket.length - 32))) return false;
  try {
    const d = crypto.createDecipheriv("aes-128-cbc", keys.subarray(32, 48), ticket.subarray(16, 32));
    const der = Buffer.concat([d.update(ticket.subarray(32, ticket.length - 32)), d.final()]);
    return sessionAlive(der, nowSec);
  } catch {
    return false;
  }
}
