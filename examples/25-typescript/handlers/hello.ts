// GET /hello?name=ann -> "hello, ann (visit 3)". The count lives in lua_shared_dict hits.
import type { Ngx } from "tsresty";

export default function hello(ngx: Ngx): void {
  const args = ngx.req.get_uri_args();
  // A query argument is a string, several values an array, a bare `?name` true.
  const name = typeof args.name === "string" && args.name !== "" ? args.name : "world";
  // local n, err = ngx.shared.hits:incr(name, 1, 0)
  const [n, err] = ngx.shared.hits.incr(name, 1, 0);
  if (n === null) {
    ngx.log(ngx.ERR, "failed to count: ", err);
    return ngx.exit(500);
  }
  ngx.header["Content-Type"] = "text/plain";
  ngx.say(`hello, ${name} (visit ${n})`);
}
