// The HTTP modules, registered in nginx's order: within a phase, handlers run in this order.
// Issue 6's core modules and the Lua module (modules/lua.ts) add themselves here.
import { registerModule } from "../module.js";
import { rewriteModule } from "./rewrite.js";
import { luaModule } from "./lua.js";
import { proxyModule } from "./proxy.js";
import { notModifiedModule } from "./not-modified.js";
import { tryFilesModule } from "./try-files.js";
import { indexModule } from "./index-files.js";
import { staticModule } from "./static.js";
import { autoindexModule } from "./autoindex.js";
import { gzipStaticModule } from "./gzip-static.js";
import { charsetModule } from "./charset.js";
import { rangeModule } from "./range.js";
import { gzipModule } from "./gzip.js";
import { gunzipModule } from "./gunzip.js";
import { accessModule } from "./access.js";
import { limitReqModule } from "./limit-req.js";
import { limitConnModule } from "./limit-conn.js";
import { stubStatusModule } from "./stub-status.js";
import "../config/core-settings.js";
import "../content-type.js";

registerModule(rewriteModule);
// allow/deny, auth_basic, satisfy, limit_except: before Lua, whose access handler nginx runs last.
registerModule(accessModule);
// preaccess: limit_req before limit_conn, as nginx runs them.
registerModule(limitReqModule);
registerModule(limitConnModule);
registerModule(stubStatusModule);
// headers-more: its input headers after the rewrite module's script, before rewrite_by_lua;
// its header filter before Lua's and add_header's, as on nginx.
registerModule(headersMoreModule);
// After rewrite: rewrite_by_lua runs at the end of the rewrite phase, as nginx postpones it.
registerModule(luaModule);
// Static files: try_files, then the content phase's index and static handlers (the default
// content handler). Header filters in nginx's order: not_modified, headers (add_header),
// charset, range.
registerModule(notModifiedModule);
registerModule(tryFilesModule);
registerModule(indexModule);
registerModule(autoindexModule);
registerModule(gzipStaticModule);
registerModule(staticModule);
// map (variables), error_page (a special-response hook) and the headers filter (add_header,
// expires), which runs after the Lua header filter, as nginx's chain does.
import { mapModule } from "./map.js";
import { errorPageModule } from "./error-page.js";
import { headersModule } from "./headers.js";
registerModule(mapModule);
registerModule(errorPageModule);
registerModule(headersModule);
// gunzip before charset and gzip, as in nginx's filter chain.
registerModule(gunzipModule);
registerModule(charsetModule);
// gzip after charset (it compresses the recoded body), before range (a gzipped body has no length).
registerModule(gzipModule);
registerModule(rangeModule);
// proxy_pass: a content handler, like content_by_lua.
registerModule(proxyModule);
// OpenResty's bundled C modules: set_misc (rewrite-phase operations), echo, headers-more.
import { setMiscModule } from "./set-misc.js";
import { headersMoreModule } from "./headers-more.js";
import { echoModule } from "./echo.js";
registerModule(setMiscModule);
registerModule(echoModule);
