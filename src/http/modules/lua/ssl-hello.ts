// The ClientHello as the handshake's Lua phases read it (the first record the client sent,
// kept by the transport): its legacy version and its extensions by type. Read once per
// handshake that runs Lua, never for others.

export interface ClientHello {
  /** client_version (0x0303 for TLS 1.2 and 1.3 hellos). */
  readonly legacyVersion: number;
  /** legacy_session_id: the session a TLS 1.2 client offers to resume (empty: none). */
  readonly sessionId: Buffer;
  /** extension type -> its data (without the type and length). */
  readonly extensions: ReadonlyMap<number, Buffer>;
}

export const EXT_SERVER_NAME = 0;
export const EXT_SUPPORTED_VERSIONS = 43;
export const EXT_SESSION_TICKET = 35;
export const EXT_PRE_SHARED_KEY = 41;

/** The first PSK identity a TLS 1.3 ClientHello offers (a ticket), or undefined. */
export function firstPskIdentity(h: ClientHello | undefined): Buffer | undefined {
  // identities: length(2), then identity: length(2), bytes, obfuscated_ticket_age(4)
  const e = h?.extensions.get(EXT_PRE_SHARED_KEY);
  if (e === undefined || e.length < 4) return undefined;
  const len = e.readUInt16BE(2);
  return 4 + len <= e.length ? e.subarray(4, 4 + len) : undefined;
}

/** The host_name of the server_name extension, or "" without one. */
export function serverNameOf(h: ClientHello | undefined): string {
  // server_name_list: length(2), then name_type(1) = 0 (host_name), length(2), name
  const e = h?.extensions.get(EXT_SERVER_NAME);
  if (e === undefined || e.length < 5 || e[2] !== 0) return "";
  return e.subarray(5, 5 + e.readUInt16BE(3)).toString("latin1");
}

/** Parse a ClientHello record, or undefined when the bytes are not one (or not whole). */
export function parseClientHello(b: Buffer): ClientHello | undefined {
  if (b.length < 9 || b[0] !== 0x16 || b[5] !== 0x01) return undefined;
  let i = 9;
  const need = (n: number): boolean => i + n <= b.length;
  if (!need(2 + 32 + 1)) return undefined;
  const legacyVersion = b.readUInt16BE(i);
  i += 2 + 32;
  const idLen = b[i]!;
  if (!need(1 + idLen)) return undefined;
  const sessionId = b.subarray(i + 1, i + 1 + idLen);
  i += 1 + idLen;
  if (!need(2)) return undefined;
  i += 2 + b.readUInt16BE(i);
  if (!need(1)) return undefined;
  i += 1 + b[i]!;
  const extensions = new Map<number, Buffer>();
  if (!need(2)) return { legacyVersion, sessionId, extensions };
  const end = Math.min(b.length, i + 2 + b.readUInt16BE(i));
  i += 2;
  while (i + 4 <= end) {
    const type = b.readUInt16BE(i);
    const len = b.readUInt16BE(i + 2);
    i += 4;
    if (i + len > end) break;
    extensions.set(type, b.subarray(i, i + len));
    i += len;
  }
  return { legacyVersion, sessionId, extensions };
}

/** The versions the client offers (supported_versions, else its legacy version). */
export function clientVersions(h: ClientHello): number[] {
  const sv = h.extensions.get(EXT_SUPPORTED_VERSIONS);
  if (sv === undefined || sv.length < 1) return [h.legacyVersion];
  const out: number[] = [];
  for (let k = 1; k + 1 < sv.length && k + 1 <= sv[0]!; k += 2) {
    const v = sv.readUInt16BE(k);
    // GREASE values (0x?a?a) are not versions
    if ((v & 0x0f0f) !== 0x0a0a) out.push(v);
  }
  return out;
}

/** The version the handshake will settle on: the highest the client offers within [min, max]. */
export function negotiatedVersion(h: ClientHello | undefined, min: number, max: number): number {
  if (h === undefined) return max;
  let best = 0;
  for (const v of clientVersions(h)) if (v >= min && v <= max && v > best) best = v;
  return best === 0 ? max : best;
}
