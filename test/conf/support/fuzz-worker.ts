// The fuzz test's worker: loads each configuration it is sent and reports what happened,
// so that the main thread can stop it if a parse ever hangs.

import { parentPort } from "node:worker_threads";
import { loadConfig } from "../../../src/conf/load.js";
import { toCrossplane } from "../../../src/conf/crossplane.js";
import { printDirectives } from "../../../src/conf/print.js";
import { parse } from "./memory.js";
import type { Directive } from "../../../src/conf/ast.js";

export interface FuzzReply {
  /** A thrown exception's stack, if any. */
  readonly thrown?: string;
  /** Errors without a place (other than the ones nginx gives none). */
  readonly unplaced: string[];
  readonly failed: boolean;
  /** When the text parsed, whether printing it and parsing again gave the same tree. */
  readonly roundTrip: boolean;
}

function shape(ds: readonly Directive[]): unknown {
  return ds.map((d) => [d.name, d.args, d.lua?.code ?? null, d.block === undefined ? null : shape(d.block)]);
}

parentPort!.on("message", (text: string) => {
  let reply: FuzzReply;
  try {
    const r = loadConfig({
      prefix: "/fuzz/",
      readFile: (path) => {
        if (path === "/fuzz/conf/nginx.conf") return Buffer.from(text, "latin1");
        throw Object.assign(new Error("ENOENT"), { code: "ENOENT", errno: -2 });
      },
    });
    toCrossplane(r);
    const unplaced = r.diagnostics
      .filter((d) => d.level !== "warn" && d.file === undefined && d.commandLine !== true)
      .map((d) => d.message)
      // nginx gives these no place either: they come from looking at the whole configuration.
      .filter((m) => m !== 'no "events" section in configuration' && m !== "ngx_slab_alloc() failed: no memory");
    let roundTrip = true;
    const parsed = parse(text);
    if (parsed.fault === null) roundTrip = JSON.stringify(shape(parse(printDirectives(parsed.directives)).directives)) === JSON.stringify(shape(parsed.directives));
    reply = { unplaced, failed: !r.ok, roundTrip };
  } catch (err) {
    reply = { thrown: err instanceof Error ? (err.stack ?? err.message) : String(err), unplaced: [], failed: true, roundTrip: false };
  }
  parentPort!.postMessage(reply);
});
