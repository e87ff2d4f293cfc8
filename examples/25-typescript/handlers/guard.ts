// access phase: refuse ?who=mallory (ngx.var.who was set by the Lua rewrite block).
import type { Ngx } from "tsresty";

export default function guard(ngx: Ngx): void {
  if (ngx.var.who === "mallory") return ngx.exit(ngx.HTTP_FORBIDDEN);
  ngx.ctx.checked_in = "typescript";
}
