// nginx refuses a configuration that references a variable nothing defines (`unknown "x"
// variable`, checked once the whole configuration is read); built-ins, the prefix families,
// `set`/map/set_by_lua declarations and named regex captures all count as defined.
import { test } from "node:test";
import { compareLoadErrors } from "./load-check.js";

test("unknown variables are refused at load as nginx refuses them", async (t) => {
  await compareLoadErrors(t, [
    `return 200 "x $foo_bar";`,
    `return 200 "$arg_x $http_host $cookie_a $sent_http_x $1 \${host}y";`,
    `set $a 1; return 200 $a;`,
    `return 200 $declared_later; set $declared_later 2;`,
    `if ($uri ~ "^/(?<cap>.+)$") { return 200 $cap; }`,
    `rewrite "^/(?P<named>.*)$" /x$named;`,
    `set_by_lua_block $v { return 1 } return 200 $v;`,
    `proxy_set_header X-A $nope; proxy_pass http://127.0.0.1:9;`,
    `echo $echo_request_uri;`,
    `access_log logs/a.log combined if=$nope2;`,
    `return 200 $upstream_addr$request_time$msec;`,
    `set $x $undefined_src;`,
    `return 200 $NOPE_UPPER;`,
  ]);
});
