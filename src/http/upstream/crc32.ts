// nginx's ngx_crc32 (the IEEE polynomial, as zlib's): the hash and consistent-hash balancers
// depend on its exact values, so that keys land on the same servers as under nginx.
const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

/** The running state before ngx_crc32_final (start with crc32Init()). */
export function crc32Init(): number {
  return 0xffffffff;
}

/** Feed latin1 bytes (a byte string) or a Buffer. */
export function crc32Update(crc: number, data: string | Uint8Array): number {
  if (typeof data === "string") {
    for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  } else {
    for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return crc >>> 0;
}

export function crc32Final(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

/** ngx_crc32_long / ngx_crc32_short of a byte string. */
export function crc32(data: string | Uint8Array): number {
  return crc32Final(crc32Update(crc32Init(), data));
}
