// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { MAIL, MAIL_MSRV, MAIN, MSRV } from "./contexts.js";

export const mail: ModuleTable = {
  module: "ngx_mail_module",
  type: "core",
  inReference: false,
  directives: [
    { name: "mail", contexts: MAIN, args: "NOARGS", block: "mail", dup: true, status: "unsupported", note: "the whole block is ignored" },
  ],
};

export const mailCore: ModuleTable = {
  module: "ngx_mail_core_module",
  type: "mail",
  inReference: false,
  directives: [
    { name: "server", contexts: MAIL, args: "NOARGS", block: "mail_server", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "listen", contexts: MSRV, args: "1MORE", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "protocol", contexts: MSRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "timeout", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "server_name", contexts: MAIL_MSRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "error_log", contexts: MAIL_MSRV, args: "1MORE", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "resolver", contexts: MAIL_MSRV, args: "1MORE", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "resolver_timeout", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "max_errors", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const mailSsl: ModuleTable = {
  module: "ngx_mail_ssl_module",
  type: "mail",
  inReference: false,
  directives: [
    { name: "ssl", contexts: MAIL_MSRV, args: "FLAG", status: "unsupported", note: "inside an ignored stream/mail block", nginxWarning: "the \"ssl\" directive is deprecated, use the \"listen ... ssl\" directive instead" },
    { name: "starttls", contexts: MAIL_MSRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_certificate", contexts: MAIL_MSRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_certificate_key", contexts: MAIL_MSRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_password_file", contexts: MAIL_MSRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_dhparam", contexts: MAIL_MSRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_ecdh_curve", contexts: MAIL_MSRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_protocols", contexts: MAIL_MSRV, args: "1MORE", value: { anyOf: ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] }, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_ciphers", contexts: MAIL_MSRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_prefer_server_ciphers", contexts: MAIL_MSRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_session_cache", contexts: MAIL_MSRV, args: "TAKE12", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_session_tickets", contexts: MAIL_MSRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_session_ticket_key", contexts: MAIL_MSRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_session_timeout", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "sec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_verify_client", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: { oneOf: ["off", "on", "optional", "optional_no_ca"] }, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_verify_depth", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_client_certificate", contexts: MAIL_MSRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_trusted_certificate", contexts: MAIL_MSRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_crl", contexts: MAIL_MSRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_conf_command", contexts: MAIL_MSRV, args: "TAKE2", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const mailPop3: ModuleTable = {
  module: "ngx_mail_pop3_module",
  type: "mail",
  inReference: false,
  directives: [
    { name: "pop3_capabilities", contexts: MAIL_MSRV, args: "1MORE", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "pop3_auth", contexts: MAIL_MSRV, args: "1MORE", value: { anyOf: ["plain", "apop", "cram-md5", "external"] }, status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const mailImap: ModuleTable = {
  module: "ngx_mail_imap_module",
  type: "mail",
  inReference: false,
  directives: [
    { name: "imap_client_buffer", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "imap_capabilities", contexts: MAIL_MSRV, args: "1MORE", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "imap_auth", contexts: MAIL_MSRV, args: "1MORE", value: { anyOf: ["plain", "login", "cram-md5", "external"] }, status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const mailSmtp: ModuleTable = {
  module: "ngx_mail_smtp_module",
  type: "mail",
  inReference: false,
  directives: [
    { name: "smtp_client_buffer", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "smtp_greeting_delay", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "smtp_capabilities", contexts: MAIL_MSRV, args: "1MORE", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "smtp_auth", contexts: MAIL_MSRV, args: "1MORE", value: { anyOf: ["plain", "login", "cram-md5", "external", "none"] }, status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const mailAuthHttp: ModuleTable = {
  module: "ngx_mail_auth_http_module",
  type: "mail",
  inReference: false,
  directives: [
    { name: "auth_http", contexts: MAIL_MSRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "auth_http_timeout", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "auth_http_header", contexts: MAIL_MSRV, args: "TAKE2", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "auth_http_pass_client_cert", contexts: MAIL_MSRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const mailProxy: ModuleTable = {
  module: "ngx_mail_proxy_module",
  type: "mail",
  inReference: false,
  directives: [
    { name: "proxy", contexts: MAIL_MSRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_buffer", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_timeout", contexts: MAIL_MSRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_pass_error_message", contexts: MAIL_MSRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "xclient", contexts: MAIL_MSRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_smtp_auth", contexts: MAIL_MSRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_protocol", contexts: MAIL_MSRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const mailRealip: ModuleTable = {
  module: "ngx_mail_realip_module",
  type: "mail",
  inReference: false,
  directives: [
    { name: "set_real_ip_from", contexts: MAIL_MSRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};
