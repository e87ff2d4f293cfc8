// content phase: what the Lua rewrite block and the TypeScript access handler left in
// ngx.ctx and ngx.var (one request, the same objects).
import type { Ngx } from "tsresty";

export default function mixed(ngx: Ngx): void {
  ngx.header["Content-Type"] = "text/plain";
  ngx.say("who: ", ngx.var.who);
  ngx.say("started in: ", String(ngx.ctx.started_in), ", checked in: ", String(ngx.ctx.checked_in));
}
