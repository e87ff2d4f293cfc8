// ngx.location.capture and capture_multi, on the server's subrequest primitive
// (Request.subrequest): the subrequest runs through the same phases and its response is
// captured into { status, header, body, truncated }.
import { LuaTable } from "../lua/runtime/table.js";
import type { LuaResult, LuaValue, Suspension } from "../lua/runtime/value.js";
import { numberToString, typeName } from "../lua/runtime/convert.js";
import { argError, luaError } from "../lua/runtime/error.js";
import { library } from "../lua/stdlib/args.js";
import type { Request, SubrequestOptions, SubrequestResult } from "../http/request.js";
import { requestFor } from "./host.js";
import { METHOD_NAMES } from "./constants.js";
import { encodeArgs } from "./encoding.js";
import { checkStr } from "./values.js";
import type { LuaVm } from "./vm.js";

interface Spec {
  readonly uri: string;
  readonly opts: SubrequestOptions;
}

function specOf(r: Request, uriV: LuaValue, o: LuaValue, fname: string): Spec {
  const uri = checkStr(uriV, 1, fname);
  if (uri === "") return luaError("uri is empty");
  const opts: { -readonly [K in keyof SubrequestOptions]: SubrequestOptions[K] } = {};
  let method = "GET";
  let always = false;
  if (o !== undefined) {
    if (!(o instanceof LuaTable)) return argError(2, fname, `table expected, got ${typeName(o)}`);
    const m = o.getStr("method");
    if (m !== undefined) {
      const name = typeof m === "number" ? METHOD_NAMES.get(m) : undefined;
      if (name === undefined) return luaError("Bad http request method");
      method = name;
    }
    const args = o.getStr("args");
    if (args instanceof LuaTable) opts.args = encodeArgs(args, fname);
    else if (typeof args === "string") opts.args = args;
    else if (typeof args === "number") opts.args = numberToString(args);
    else if (args !== undefined) return luaError(`Bad args option value`);
    const body = o.getStr("body");
    if (body !== undefined) opts.body = Buffer.from(checkStr(body, 2, fname), "latin1");
    const ctx = o.getStr("ctx");
    if (ctx !== undefined) {
      if (!(ctx instanceof LuaTable)) return luaError("Bad ctx option value type " + typeName(ctx) + ", expected a Lua table");
      opts.ctx = new Map<string, unknown>([["lua.ctx", ctx]]);
    }
    const vars = o.getStr("vars");
    if (vars !== undefined) {
      if (!(vars instanceof LuaTable)) return luaError("Bad vars option value");
      const m2 = new Map<string, string>();
      let k: LuaValue = undefined;
      for (;;) {
        const e = vars.next(k);
        if (!e) break;
        k = e[0];
        if (typeof k === "string") m2.set(k, typeof e[1] === "number" ? numberToString(e[1]) : String(e[1]));
      }
      opts.vars = m2;
    }
    opts.copyAllVars = o.getStr("copy_all_vars") === true;
    opts.shareAllVars = o.getStr("share_all_vars") === true;
    always = o.getStr("always_forward_body") === true;
  }
  opts.method = method;
  // The parent's body goes along only for POST and PUT unless always_forward_body.
  if (opts.body === undefined && !always && method !== "POST" && method !== "PUT") opts.body = Buffer.alloc(0);
  void r;
  return { uri, opts };
}

function resultTable(res: SubrequestResult): LuaTable {
  const t = new LuaTable();
  t.setStr("status", res.status);
  const h = new LuaTable();
  if (res.contentType !== undefined) h.setStr("Content-Type", res.contentType);
  for (const [k, v] of res.headers.entries()) {
    const prev = h.getStr(k);
    if (prev === undefined) h.setStr(k, v);
    else if (prev instanceof LuaTable) prev.set(prev.length() + 1, v);
    else h.setStr(k, new LuaTable([prev, v]));
  }
  t.setStr("header", h);
  t.setStr("body", res.body.toString("latin1"));
  t.setStr("truncated", res.truncated);
  return t;
}

function run(r: Request, specs: readonly Spec[]): Promise<SubrequestResult[]> {
  return Promise.all(specs.map((s) => r.subrequest(s.uri, s.opts))).catch(() => []);
}

export function makeLocation(vm: LuaVm): LuaTable {
  void vm;
  function capture(): LuaResult {
    requestFor("ngx.location.capture");
    return luaError("attempt to yield across C-call boundary");
  }
  capture.$g = function* capture(...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
    const { r } = requestFor("ngx.location.capture");
    const spec = specOf(r, a[0], a[1], "capture");
    const res = (yield run(r, [spec])) as SubrequestResult[];
    const one = res[0];
    return one === undefined ? undefined : resultTable(one);
  };
  function capture_multi(): LuaResult {
    requestFor("ngx.location.capture_multi");
    return luaError("attempt to yield across C-call boundary");
  }
  capture_multi.$g = function* capture_multi(...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
    const { r } = requestFor("ngx.location.capture_multi");
    const list = a[0];
    if (!(list instanceof LuaTable)) return argError(1, "capture_multi", `table expected, got ${typeName(list)}`);
    const specs: Spec[] = [];
    for (let i = 1; i <= list.length(); i++) {
      const e = list.get(i);
      if (!(e instanceof LuaTable)) return luaError("only array-like tables are allowed");
      specs.push(specOf(r, e.get(1), e.get(2), "capture_multi"));
    }
    if (specs.length === 0) return luaError("at least one subrequest should be specified");
    const res = (yield run(r, specs)) as SubrequestResult[];
    return res.map(resultTable);
  };
  return library({ capture, capture_multi });
}
