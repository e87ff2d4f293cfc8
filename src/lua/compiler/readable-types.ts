// The types `tsresty compile`'s modules import (as "tsresty/compiled-lua"; the tsconfig.json
// written beside them maps that name here). Lua is dynamically typed and the compiled code
// calls the runtime's helpers with whatever values the program holds, so the helpers are
// typed loosely: tsc checks the modules' structure and names, not Lua's value types.
/* eslint-disable @typescript-eslint/no-explicit-any */

/** The runtime helpers the compiled code destructures from `$rt` ($getS, $fn, $mkfn, ...). */
export interface CompiledLuaRuntime {
  readonly [helper: string]: any;
}

/** The globals table (`_G`) the chunk runs in. */
export type CompiledLuaEnv = object;

/** What the loader passes about the chunk: its names; the code stores its protos there. */
export interface CompiledLuaMeta {
  readonly source: string;
  readonly shortSrc: string;
  protos?: readonly unknown[];
}

/** The chunk's main function, a Lua function. */
export type CompiledLuaMain = (...args: any[]) => any;

declare global {
  // Compiled functions reach their closure's record (upvalues, environment) through `$f`,
  // which the runtime sets on each function object.
  interface Function {
    readonly $f: any;
    readonly $env: any;
    readonly $g: any;
  }
  // Indexing a local that TypeScript sees as a constant (`local n = 1; n.x`) goes through
  // the table fast path `?.strs` before the runtime raises Lua's error.
  interface Number {
    readonly strs: any;
  }
  interface String {
    readonly strs: any;
  }
  interface Boolean {
    readonly strs: any;
  }
}
