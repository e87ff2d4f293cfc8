// Versions tsresty reports: its own, and the nginx / ngx_lua versions it emulates
// (ngx.config.nginx_version, ngx.config.ngx_lua_version, `Server:` header).
export const VERSION = "0.1.0";
export const NGINX_VERSION = "1.22.1";
export const NGINX_VERSION_NUMBER = 1022001;
export const NGX_LUA_VERSION_NUMBER = 10023;
