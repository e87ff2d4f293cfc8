// How nginx words the socket errors of an upstream connection ("connect() failed (111:
// Connection refused)"): errno number and strerror text, by Node's error code.
export const ERRNO: Readonly<Record<string, string>> = {
  ECONNREFUSED: "111: Connection refused",
  ECONNRESET: "104: Connection reset by peer",
  EHOSTUNREACH: "113: No route to host",
  ENETUNREACH: "101: Network is unreachable",
  EPIPE: "32: Broken pipe",
  ETIMEDOUT: "110: Connection timed out",
  EADDRNOTAVAIL: "99: Cannot assign requested address",
};
