// `import MySQL from "tsresty/resty/mysql"`: lua-resty-mysql's API (src/lib/resty/mysql.ts)
// for TypeScript: `const db = new MySQL(); await db.connect({...}); const [rows, err] =
// await db.query("select 1")`. Methods return Promises of lua-resty-mysql's results as tuples.
import { makeMysql } from "../../../lib/resty/mysql.js";
import { luaClass } from "../lua-object.js";
import type { Err } from "../types.js";

/** A row: column name -> value (numbers for numeric columns, null for SQL NULL). */
export type Row = Record<string, string | number | null>;

/** What query() gives: the rows of a SELECT, or the summary of other statements. */
export type QueryResult = Row[] | { affected_rows: number; insert_id: number; server_status: number; warning_count: number; message?: string };

export interface ConnectOptions {
  host?: string;
  port?: number;
  path?: string;
  database?: string;
  user?: string;
  password?: string;
  charset?: string;
  max_packet_size?: number;
  pool?: string;
  pool_size?: number;
  backlog?: number;
  compact_arrays?: boolean;
  ssl?: boolean;
  ssl_verify?: boolean;
}

/** [result, err, errcode, sqlstate], as lua-resty-mysql returns them. */
export type MysqlResult<T> = [result: T | null, err: Err, errcode?: number | null, sqlstate?: string | null];

export interface MySQL {
  set_timeout(ms: number): Promise<[ok: 1 | null, err: Err]>;
  connect(options: ConnectOptions): Promise<MysqlResult<1>>;
  set_keepalive(max_idle_timeout?: number, pool_size?: number): Promise<[ok: 1 | null, err: Err]>;
  get_reused_times(): Promise<[count: number | null, err: Err]>;
  close(): Promise<[ok: 1 | null, err: Err]>;
  /** `[result, err, errcode, sqlstate]`; err is "again" when more result sets follow (read_result). */
  query(sql: string, est_nrows?: number): Promise<MysqlResult<QueryResult>>;
  send_query(sql: string): Promise<[bytes: number | null, err: Err]>;
  read_result(est_nrows?: number): Promise<MysqlResult<QueryResult>>;
  server_ver(): Promise<[version: string | null, err: Err]>;
  set_compact_arrays(on: boolean): Promise<[ok: 1 | null, err: Err]>;
}

/** new MySQL(): mysql:new() (in a request or timer, or in a plain Node.js script). */
const MySQL = luaClass<MySQL>("mysql", makeMysql);

export { MySQL };
export default MySQL;
