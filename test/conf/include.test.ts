// `include` on real files: globs in sorted order, paths relative to the configuration's
// directory, nginx's errors for missing files and directories, and cycles.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadConfig } from "../../src/conf/load.js";
import { formatDiagnostic } from "../../src/conf/diagnostics.js";
import { expandGlob } from "../../src/conf/glob.js";

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "tsresty-inc-")) + "/";
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(root + name), { recursive: true });
    writeFileSync(root + name, text);
  }
  return root;
}

function check(root: string, conf = "conf/nginx.conf"): string[] {
  return loadConfig({ prefix: root, conf }).diagnostics.map(formatDiagnostic);
}

test("globs expand in byte order and skip dot files", () => {
  const root = tree({ "d/b.conf": "", "d/a.conf": "", "d/B.conf": "", "d/.h.conf": "", "d/c.txt": "", "d/sub/x.conf": "" });
  try {
    assert.deepEqual(expandGlob(root + "d/*.conf"), ["B.conf", "a.conf", "b.conf"].map((n) => root + "d/" + n));
    assert.deepEqual(expandGlob(root + "d/[ab].conf"), [root + "d/a.conf", root + "d/b.conf"]);
    assert.deepEqual(expandGlob(root + "d/[!ab].*"), [root + "d/B.conf", root + "d/c.txt"]);
    assert.deepEqual(expandGlob(root + "d/?.txt"), [root + "d/c.txt"]);
    assert.deepEqual(expandGlob(root + "*/sub/*.conf"), [root + "d/sub/x.conf"]);
    assert.deepEqual(expandGlob(root + "d/.*.conf"), [root + "d/.h.conf"]);
    assert.deepEqual(expandGlob(root + "nowhere/*.conf"), []);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("included files resolve from the configuration's directory and are walked in place", () => {
  const root = tree({
    "conf/nginx.conf": "events {}\nhttp {\n    include sites/*.conf;\n}\n",
    "conf/sites/a.conf": "server {\n    listen 8081;\n    include sites/loc.inc;\n}\n",
    "conf/sites/b.conf": "server {\n    listen 8082;\n    include sites/loc.inc;\n}\n",
    "conf/sites/loc.inc": "location / {\n    return 204;\n}\n",
  });
  try {
    const r = loadConfig({ prefix: root });
    assert.deepEqual(r.diagnostics, []);
    const servers = r.tree[1]!.block!;
    assert.deepEqual(servers.map((s) => s.block![0]!.args[0]), ["8081", "8082"]);
    assert.equal(servers[1]!.block![1]!.file, root + "conf/sites/loc.inc");
    assert.deepEqual(r.files.map((f) => f.file.slice(root.length)), ["conf/nginx.conf", "conf/sites/a.conf", "conf/sites/loc.inc", "conf/sites/b.conf"]);
    assert.deepEqual(r.files[0]!.directives[1]!.block![0]!.includes, [1, 3]);
    assert.deepEqual(r.files[3]!.directives[0]!.block![1]!.includes, [2], "one file, one index, however often included");
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("missing files and directories: nginx's messages", () => {
  const root = tree({ "conf/nginx.conf": "events {}\nhttp {\n    include missing.conf;\n}\n", "conf/d/x.conf": "" });
  try {
    assert.deepEqual(check(root), [`[emerg] open() "${root}conf/missing.conf" failed (2: No such file or directory) in ${root}conf/nginx.conf:3`]);
    writeFileSync(root + "conf/nginx.conf", "events {}\ninclude d;\n");
    assert.deepEqual(check(root), [`[crit] pread() "${root}conf/d" failed (21: Is a directory)`]);
    writeFileSync(root + "conf/nginx.conf", "events {}\ninclude nothing/*.conf;\n");
    assert.deepEqual(check(root), [], "a glob that matches nothing is fine");
    assert.deepEqual(check(root, "conf/none.conf"), [`[emerg] open() "${root}conf/none.conf" failed (2: No such file or directory)`]);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("include cycles are errors, however the file is named", () => {
  const root = tree({
    "conf/nginx.conf": "events {}\nhttp {\n    include a.conf;\n}\n",
    "conf/a.conf": "# a\ninclude b.conf;\n",
    "conf/b.conf": "\n\ninclude ./a.conf;\n",
  });
  try {
    assert.deepEqual(check(root), [`[emerg] "include" directive makes a cycle: "${root}conf/./a.conf" is being included already in ${root}conf/b.conf:3`]);
    writeFileSync(root + "conf/b.conf", "include link.conf;\n");
    symlinkSync(root + "conf/a.conf", root + "conf/link.conf");
    assert.match(check(root)[0]!, /makes a cycle: ".*link\.conf" is being included already/);
    writeFileSync(root + "conf/nginx.conf", "events {}\ninclude nginx.conf;\n");
    assert.match(check(root)[0]!, /makes a cycle/);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("a chain of includes deeper than 128 is refused", () => {
  const files: Record<string, string> = { "conf/nginx.conf": "events {}\ninclude i0.conf;\n" };
  for (let i = 0; i < 140; i++) files[`conf/i${i}.conf`] = `include i${i + 1}.conf;\n`;
  files["conf/i140.conf"] = "";
  const root = tree(files);
  try {
    assert.match(check(root)[0]!, /includes nested more than 128 deep/);
  } finally {
    rmSync(root, { recursive: true });
  }
});
