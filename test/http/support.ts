// Helpers for the HTTP tests: a prefix with a configuration, an in-process server on it,
// and raw requests.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../src/conf/load.js";
import { buildConfig } from "../../src/http/config/build.js";
import type { HttpConfig } from "../../src/http/config/model.js";
import { HttpServer } from "../../src/http/server.js";
import { exchange, freePort, type ParsedResponse } from "../differential/harness.js";
import "../../src/http/modules/index.js";

export function makePrefix(conf: string, port: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-http-"));
  fs.mkdirSync(path.join(dir, "conf"));
  fs.mkdirSync(path.join(dir, "logs"));
  fs.writeFileSync(path.join(dir, "conf/nginx.conf"), conf.replace(/__PORT__/g, String(port)));
  return dir;
}

export function buildFrom(prefix: string): HttpConfig {
  const load = loadConfig({ prefix });
  if (!load.ok) throw new Error(load.diagnostics.map((d) => d.message).join("\n"));
  return buildConfig(load).config;
}

export interface InProcess {
  readonly server: HttpServer;
  readonly port: number;
  readonly prefix: string;
  get(pathOrRaw: string, responses?: number): Promise<ParsedResponse[]>;
  close(): Promise<void>;
}

export async function startInProcess(conf: string): Promise<InProcess> {
  // A free port is only free until someone binds it: another test's server may take it
  // first, and then the start is made again on another port.
  let port: number, prefix: string, server: HttpServer;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    prefix = makePrefix(conf, port);
    server = new HttpServer();
    try {
      await server.start(buildFrom(prefix));
      break;
    } catch (e) {
      fs.rmSync(prefix, { recursive: true, force: true });
      if (attempt === 3 || !/EADDRINUSE|Address already in use/.test(String((e as { code?: string }).code ?? e))) throw e;
    }
  }
  return {
    server, port, prefix,
    async get(p, responses = 1) {
      const raw = p.startsWith("/") ? `GET ${p} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n` : p;
      return (await exchange(port, { raw, responses })).responses;
    },
    async close() {
      await server.stop();
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/**
 * A server whose `location /` serves root html/ (access_log off; `httpExtra` goes into the
 * http block), with `files` (name under html/ -> content) written there.
 */
export async function startStatic(files: Readonly<Record<string, string | Buffer>> = {}, httpExtra = ""): Promise<InProcess> {
  const srv = await startInProcess(`
events {}
http {
  access_log off;
${httpExtra}  server { listen 127.0.0.1:__PORT__; location / { root html; } }
}
`);
  fs.mkdirSync(path.join(srv.prefix, "html"), { recursive: true });
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(srv.prefix, "html", name), body);
  return srv;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
