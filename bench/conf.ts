// The configuration front end's speed: a generated 20,000-line nginx.conf with many Lua
// blocks, parsed (lexer and grammar) and loaded (parse plus the nginx -t checks) several
// times; prints MB/s for each. Target: at least 5 MB/s.

import { parseText } from "../src/conf/parse.js";
import { loadConfig } from "../src/conf/load.js";
import { isLuaBlockDirective } from "../src/conf/registry/index.js";

const LINES = 20_000;
const WARMUP = 3;
const RUNS = 10;

/** A configuration like real OpenResty ones: servers with proxy, static and Lua locations. */
export function generateConfig(lines: number): string {
  const out = ["events {", "    worker_connections 1024;", "}", "", "http {", "    default_type application/octet-stream;", "    lua_shared_dict cache 10m;", "    lua_package_path \"$prefix/lua/?.lua;;\";", ""];
  for (let i = 0; ; i++) {
    const server = [
      "    server {",
      `        listen ${8000 + (i % 1000)};`,
      `        server_name s${i}.example.com www.s${i}.example.com;`,
      `        root /var/www/site${i};`,
      "        # static files first, then the application",
      "        location / {",
      "            try_files $uri $uri/ /index.html;",
      "        }",
      "        location /api/ {",
      "            proxy_set_header Host $host;",
      "            proxy_set_header X-Real-IP $remote_addr;",
      "            proxy_pass http://127.0.0.1:9000;",
      "        }",
      `        location = /hello${i} {`,
      "            content_by_lua_block {",
      '                local cache = ngx.shared.cache',
      '                local hits = cache:incr("hits", 1, 0)  -- { not a brace',
      '                local t = { name = "}", [[ { ]], n = hits }',
      "                if ngx.var.arg_debug then",
      '                    ngx.say(require("cjson").encode(t))',
      "                end",
      '                ngx.say("hello ", t.name, " ", hits)',
      "            }",
      "        }",
      "        location /auth {",
      "            access_by_lua_block {",
      '                if not ngx.var.http_authorization then return ngx.exit(401) end',
      "            }",
      "            set_by_lua_block $upstream_name { return \"backend\" }",
      '            if ($request_method = "POST") { return 405; }',
      "            echo \"ok ${uri}\";",
      "        }",
      "    }",
    ];
    if (out.length + server.length > lines - 1) break;
    out.push(...server);
  }
  while (out.length < lines - 1) out.push(`    # line ${out.length + 1}`);
  out.push("}");
  return out.join("\n") + "\n";
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Wall-clock MB/s, and MB/s of this process's CPU time (user + system, GC threads included),
 * which a busy machine disturbs less.
 */
function measure(label: string, mb: number, work: () => void): void {
  const t = performance.now();
  work();
  const cold = mb / ((performance.now() - t) / 1000);
  for (let i = 1; i < WARMUP; i++) work();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    work();
    const c = process.cpuUsage(c0);
    wall.push(mb / ((performance.now() - t0) / 1000));
    cpu.push(mb / ((c.user + c.system) / 1e6));
  }
  const f = (x: number): string => x.toFixed(1).padStart(6);
  console.log(`${label.padEnd(26)} cold ${f(cold)}   warm: median ${f(median(wall))}  best ${f(Math.max(...wall))}   cpu-time median ${f(median(cpu))}  (MB/s)`);
}

export async function main(): Promise<void> {
  const text = generateConfig(LINES);
  const mb = text.length / 1e6;
  const luaBlocks = (text.match(/_by_lua_block/g) ?? []).length;
  console.log(`nginx.conf: ${LINES} lines, ${mb.toFixed(2)} MB, ${luaBlocks} Lua blocks; ${WARMUP} warm-up + ${RUNS} timed runs each (target: 5 MB/s)`);
  const parsed = parseText(text, { file: "/bench/conf/nginx.conf", isFile: true, isLuaBlock: isLuaBlockDirective });
  if (parsed.fault !== null) throw new Error(`benchmark configuration does not parse: ${parsed.fault.message}`);
  measure("parse (lexer + grammar)", mb, () => {
    parseText(text, { file: "/bench/conf/nginx.conf", isFile: true, isLuaBlock: isLuaBlockDirective });
  });
  const bytes = Buffer.from(text, "latin1");
  measure("load (parse + nginx -t)", mb, () => {
    const r = loadConfig({ prefix: "/bench/", readFile: () => bytes });
    if (!r.ok) throw new Error(`benchmark configuration does not pass -t: ${r.diagnostics[0]?.message}`);
  });
}
