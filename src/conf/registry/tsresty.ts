// tsresty's own directives: extensions that no nginx module defines (the reference nginx
// rejects them as unknown directives). Each one is documented in docs/.

import type { ModuleTable } from "./types.js";
import { HTTP } from "./contexts.js";

export const tsrestyHttp: ModuleTable = {
  module: "tsresty",
  type: "http",
  inReference: false,
  directives: [
    {
      name: "tsresty_shared_dict_redis", contexts: HTTP, args: "2MORE", status: "supported",
      note: "tsresty's own (not nginx syntax): a lua_shared_dict zone kept in Redis, docs/redis-zone.md",
    },
  ],
};
