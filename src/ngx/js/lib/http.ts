// `import Http from "tsresty/resty/http"`: lua-resty-http's API (src/lib/resty/http.ts) for
// TypeScript: `const [res, err] = await new Http().request_uri("http://...", { method: "POST" })`.
// Every method returns a Promise of its results as a tuple; the response of request_uri is
// a plain object (status, headers, body).
import { makeRestyHttp } from "../../../lib/resty/http.js";
import { luaClass } from "../lua-object.js";
import type { Err, LuaLike } from "../types.js";

export interface RequestParams {
  method?: string;
  path?: string;
  query?: string | Record<string, LuaLike>;
  headers?: Record<string, string | string[]>;
  body?: string | Uint8Array;
  version?: number;
  ssl_verify?: boolean;
  keepalive?: boolean;
  keepalive_timeout?: number;
  keepalive_pool?: number;
}

export interface HttpResponse {
  status: number;
  reason: string;
  headers: Record<string, string | string[]>;
  /** Read with request_uri; request() leaves the body to read_body(). */
  body: string | null;
  has_body?: boolean;
  read_body?: () => Promise<[body: string | null, err: Err]>;
  read_trailers?: () => Promise<unknown[]>;
}

export interface Http {
  set_timeout(ms: number): Promise<unknown[]>;
  set_timeouts(connect: number, send: number, read: number): Promise<unknown[]>;
  connect(host: string | Record<string, LuaLike>, port?: number, options?: Record<string, LuaLike>): Promise<[ok: true | 1 | null, err: Err]>;
  set_keepalive(max_idle_timeout?: number, pool_size?: number): Promise<[ok: 1 | null, err: Err]>;
  get_reused_times(): Promise<[count: number | null, err: Err]>;
  close(): Promise<[ok: 1 | null, err: Err]>;
  request_uri(uri: string, params?: RequestParams): Promise<[res: HttpResponse | null, err: Err]>;
  request(params: RequestParams): Promise<[res: HttpResponse | null, err: Err]>;
}

/** new Http(): http.new() (in a request or timer, or in a plain Node.js script). */
const Http = luaClass<Http>("http", makeRestyHttp);

export { Http };
export default Http;
