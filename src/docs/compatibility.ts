// docs/compatibility.md, generated from the directive registry so that it cannot drift:
// scripts/gen-compatibility.mjs writes it and test/docs/compatibility.test.ts checks it.
import { listRegistry, type RegistryEntry } from "../conf/registry/index.js";

const STATUS_TEXT: Record<RegistryEntry["status"], string> = {
  supported: "works",
  partial: "works in part",
  planned: "not yet (planned)",
  unsupported: "not supported",
};

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderCompatibility(): string {
  const byModule = new Map<string, RegistryEntry[]>();
  for (const e of listRegistry()) {
    const list = byModule.get(e.module) ?? [];
    list.push(e);
    byModule.set(e.module, list);
  }
  const counts = { supported: 0, partial: 0, planned: 0, unsupported: 0 };
  for (const e of listRegistry()) counts[e.status]++;
  let out =
    "# Compatibility\n\n" +
    "Generated from the directive registry (`src/conf/registry/`) by `node scripts/gen-compatibility.mjs`;\n" +
    "a test fails when this file and the registry disagree. The ngx Lua API's status is in\n" +
    "[ngx-api.md](ngx-api.md) and [ngx-async.md](ngx-async.md); the Lua language's known differences\n" +
    "from LuaJIT are in [lua-runtime.md](lua-runtime.md) and `test/lua/known-differences.json`; the\n" +
    "bundled libraries' in [libraries.md](libraries.md).\n\n" +
    `Directives: ${counts.supported} work, ${counts.partial} work in part, ${counts.planned} are planned, ` +
    `${counts.unsupported} are not supported (\`tsresty -t\` warns about those).\n`;
  for (const [module, list] of [...byModule].sort((a, b) => a[0].localeCompare(b[0]))) {
    out += `\n## ${module}\n\n| directive | contexts | status | note |\n|---|---|---|---|\n`;
    for (const e of [...list].sort((a, b) => a.name.localeCompare(b.name))) {
      out += `| \`${e.name}\` | ${e.contexts.join(", ")} | ${STATUS_TEXT[e.status]} | ${cell(e.note ?? "")} |\n`;
    }
  }
  return out;
}
