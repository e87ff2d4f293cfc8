// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP_SRV } from "./contexts.js";

export const httpSsl: ModuleTable = {
  module: "ngx_http_ssl_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "ssl", contexts: HTTP_SRV, args: "FLAG", status: "supported", nginxWarning: "the \"ssl\" directive is deprecated, use the \"listen ... ssl\" directive instead" },
    { name: "ssl_certificate", contexts: HTTP_SRV, args: "TAKE1", status: "partial", note: "PEM files, several (RSA and ECDSA); no variables in the path, no data: certificates" },
    { name: "ssl_certificate_key", contexts: HTTP_SRV, args: "TAKE1", status: "partial", note: "PEM files; no engine: keys" },
    { name: "ssl_password_file", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "supported" },
    { name: "ssl_dhparam", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "supported" },
    { name: "ssl_ecdh_curve", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "supported" },
    { name: "ssl_protocols", contexts: HTTP_SRV, args: "1MORE", value: { anyOf: ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] }, status: "partial", note: "Node takes a range: the lowest to the highest protocol listed" },
    { name: "ssl_ciphers", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "supported" },
    { name: "ssl_buffer_size", contexts: HTTP_SRV, args: "TAKE1", dup: true, value: "size", status: "unsupported" },
    { name: "ssl_verify_client", contexts: HTTP_SRV, args: "TAKE1", dup: true, value: { oneOf: ["off", "on", "optional", "optional_no_ca"] }, status: "unsupported" },
    { name: "ssl_verify_depth", contexts: HTTP_SRV, args: "TAKE1", dup: true, value: "number", status: "unsupported" },
    { name: "ssl_client_certificate", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "ssl_trusted_certificate", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "ssl_prefer_server_ciphers", contexts: HTTP_SRV, args: "FLAG", dup: true, status: "supported" },
    { name: "ssl_session_cache", contexts: HTTP_SRV, args: "TAKE12", status: "partial", note: "accepted; Node.js's TLS session handling applies" },
    { name: "ssl_session_tickets", contexts: HTTP_SRV, args: "FLAG", dup: true, status: "partial", note: "off: no tickets are issued (clients resume by session ID); on: tickets with Node.js's own keys, not ssl_session_ticket_key's" },
    { name: "ssl_session_ticket_key", contexts: HTTP_SRV, args: "TAKE1", status: "unsupported" },
    { name: "ssl_session_timeout", contexts: HTTP_SRV, args: "TAKE1", dup: true, value: "sec", status: "supported" },
    { name: "ssl_crl", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "ssl_ocsp", contexts: HTTP_SRV, args: "FLAG", dup: true, value: { oneOf: ["off", "on", "leaf"] }, status: "unsupported" },
    { name: "ssl_ocsp_responder", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "ssl_ocsp_cache", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "ssl_stapling", contexts: HTTP_SRV, args: "FLAG", dup: true, status: "unsupported" },
    { name: "ssl_stapling_file", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "ssl_stapling_responder", contexts: HTTP_SRV, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "ssl_stapling_verify", contexts: HTTP_SRV, args: "FLAG", dup: true, status: "unsupported" },
    { name: "ssl_early_data", contexts: HTTP_SRV, args: "FLAG", dup: true, status: "unsupported" },
    { name: "ssl_conf_command", contexts: HTTP_SRV, args: "TAKE2", status: "unsupported" },
    { name: "ssl_reject_handshake", contexts: HTTP_SRV, args: "FLAG", dup: true, status: "unsupported" },
  ],
};
