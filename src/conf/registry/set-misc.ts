// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP_SRV, HTTP_SRV_LOC_SIF_LIF } from "./contexts.js";

export const ndkHttp: ModuleTable = {
  module: "ndk_http_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "upstream_list", contexts: HTTP_SRV, args: "2MORE", status: "unsupported" },
  ],
};

export const httpSetMisc: ModuleTable = {
  module: "ngx_http_set_misc_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "set_encode_base64", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_decode_base64", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_encode_base64url", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "unsupported" },
    { name: "set_decode_base64url", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "unsupported" },
    { name: "set_decode_hex", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_encode_hex", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_hmac_sha1", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE3", status: "unsupported" },
    { name: "set_hmac_sha256", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE3", status: "unsupported" },
    { name: "set_md5", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_sha1", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_unescape_uri", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_escape_uri", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_quote_sql_str", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_quote_pgsql_str", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_quote_json_str", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_if_empty", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE2", status: "supported" },
    { name: "set_hashed_upstream", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE3", status: "unsupported" },
    { name: "set_misc_base32_padding", contexts: HTTP_SRV_LOC_SIF_LIF, args: "FLAG", dup: true, status: "unsupported", nginxWarning: "the \"set_misc_base32_padding\" directive is deprecated, use the \"set_base32_padding\" directive instead" },
    { name: "set_base32_padding", contexts: HTTP_SRV_LOC_SIF_LIF, args: "FLAG", dup: true, status: "unsupported" },
    { name: "set_base32_alphabet", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE1", status: "unsupported" },
    { name: "set_encode_base32", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "partial", note: "default alphabet and padding only (set_base32_alphabet, set_base32_padding not read)" },
    { name: "set_decode_base32", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "partial", note: "default alphabet only" },
    { name: "set_local_today", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE1", status: "unsupported" },
    { name: "set_formatted_gmt_time", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE2", status: "unsupported" },
    { name: "set_formatted_local_time", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE2", status: "unsupported" },
    { name: "set_random", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE3", status: "supported" },
    { name: "set_secure_random_alphanum", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_secure_random_lcalpha", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "set_rotate", contexts: HTTP_SRV_LOC_SIF_LIF, args: "TAKE3", status: "unsupported" },
  ],
};
