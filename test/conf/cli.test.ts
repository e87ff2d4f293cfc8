// `tsresty -t` and `tsresty parse` as commands: nginx's lines on stderr, exit statuses,
// -p/-c/-g, and crossplane's JSON.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "./support/reference.js";

const ENTRY = join(REPO, "dist/test/conf/support/cli-entry.js");

function run(args: string[], cwd?: string, bin = ENTRY): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd, encoding: "latin1" }, (err, stdout, stderr) => {
      done({ status: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stdout, stderr });
    });
  });
}

function site(conf: string): string {
  const root = mkdtempSync(join(tmpdir(), "tsresty-cli-")) + "/";
  mkdirSync(root + "conf");
  writeFileSync(root + "conf/nginx.conf", conf);
  return root;
}

test("-t on a good configuration: nginx's two lines, exit 0", async () => {
  const root = site("events {}\nhttp {\n    server {\n        listen 8080;\n    }\n}\n");
  try {
    const r = await run(["-t", "-p", root]);
    assert.equal(r.status, 0);
    assert.equal(
      r.stderr,
      `tsresty: the configuration file ${root}conf/nginx.conf syntax is ok\n` +
        `tsresty: configuration file ${root}conf/nginx.conf test is successful\n`,
    );
    const here = await run(["-t"], root);
    assert.equal(here.status, 0, "the prefix defaults to the current directory");
    assert.match(here.stderr, new RegExp(`configuration file ${root.replace(/\/$/, "")}/conf/nginx.conf test is successful`));
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("-t on a broken configuration: the error and test failed, exit 1", async () => {
  const root = site("events {}\nhttp {\n    bogus on;\n}\n");
  try {
    const r = await run(["-t", "-p", root]);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      `tsresty: [emerg] unknown directive "bogus" in ${root}conf/nginx.conf:3\n` +
        `tsresty: configuration file ${root}conf/nginx.conf test failed\n`,
    );
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("-t: no events comes after syntax is ok; a warning before it", async () => {
  const root = site("http {\n    server {\n        location / { fastcgi_pass 127.0.0.1:9000; }\n    }\n}\n");
  try {
    const r = await run(["-t", "-p", root]);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      `tsresty: [warn] "fastcgi_pass" directive is not supported by tsresty, ignored in ${root}conf/nginx.conf:3\n` +
        `tsresty: the configuration file ${root}conf/nginx.conf syntax is ok\n` +
        `tsresty: [emerg] no "events" section in configuration\n` +
        `tsresty: configuration file ${root}conf/nginx.conf test failed\n`,
    );
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("-c is relative to the prefix, -g is read first", async () => {
  const root = site("events {}\n");
  writeFileSync(root + "conf/other.conf", "events {}\ndaemon on;\n");
  try {
    const r = await run(["-t", "-p", root, "-c", "conf/other.conf", "-g", "daemon off;"]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.split("\n")[0], `tsresty: [emerg] "daemon" directive is duplicate in ${root}conf/other.conf:2`);
    const g = await run(["-t", "-p", root, "-g", "bogus;"]);
    assert.equal(g.stderr.split("\n")[0], 'tsresty: [emerg] unknown directive "bogus" in command line');
    const missing = await run(["-t", "-p", root, "-c", "conf/none.conf"]);
    assert.equal(
      missing.stderr,
      `tsresty: [emerg] open() "${root}conf/none.conf" failed (2: No such file or directory)\n` +
        `tsresty: configuration file ${root}conf/none.conf test failed\n`,
    );
    const name = root.split("/").slice(-2)[0]!;
    const relative = await run(["-t", "-p", `./${name}`, "-c", "conf/nginx.conf"], tmpdir());
    assert.match(relative.stderr, new RegExp(`the configuration file \\./${name}/conf/nginx\\.conf syntax is ok`), "paths as given, like nginx");
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("parse --json prints crossplane's schema", async () => {
  const root = site(
    'events {}\nhttp {\n    include x.conf;\n    server {\n        if ($a = "b") { return 204; }\n' +
      "        location / {\n            set_by_lua_block $v { return 1 }\n            content_by_lua_block {\n                ngx.say(1)\n            }\n        }\n    }\n}\n",
  );
  writeFileSync(root + "conf/x.conf", "default_type text/plain;\n");
  try {
    const r = await run(["parse", "-p", root, "--json"]);
    assert.equal(r.status, 0);
    const json = JSON.parse(r.stdout);
    assert.equal(json.status, "ok");
    assert.deepEqual(json.errors, []);
    assert.deepEqual(json.config.map((c: { file: string }) => c.file), [`${root}conf/nginx.conf`, `${root}conf/x.conf`]);
    const http = json.config[0].parsed[1];
    assert.deepEqual(http.block[0], { directive: "include", line: 3, args: ["x.conf"], includes: [1] });
    const server = http.block[1];
    assert.deepEqual(server.block[0].args, ["$a", "=", "b"]);
    const location = server.block[1];
    assert.deepEqual(location.block[0], { directive: "set_by_lua_block", line: 7, args: ["$v", " return 1 "] });
    assert.deepEqual(location.block[1], {
      directive: "content_by_lua_block",
      line: 8,
      args: ["\n                ngx.say(1)\n            "],
    });
    assert.deepEqual(json.config[1].parsed, [{ directive: "default_type", line: 1, args: ["text/plain"] }]);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("parse reports errors in crossplane's form and re-prints without --json", async () => {
  const root = site("events {}\nhttp {\n    bogus;\n    include none.conf;\n}\n");
  try {
    const r = await run(["parse", "-p", root, "--json"]);
    assert.equal(r.status, 1);
    const json = JSON.parse(r.stdout);
    assert.equal(json.status, "failed");
    assert.deepEqual(json.errors[0], { file: `${root}conf/nginx.conf`, error: `unknown directive "bogus" in ${root}conf/nginx.conf:3`, line: 3 });
    assert.equal(json.config[0].status, "failed");
    assert.equal(json.config[0].errors.length, 2);
    const text = await run(["parse", "-p", root]);
    assert.equal(text.stdout, `# ${root}conf/nginx.conf\nevents {\n}\nhttp {\n    bogus;\n    include none.conf;\n}\n`);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("bin/tsresty -t runs the same command", async (t) => {
  const bin = join(REPO, "bin/tsresty");
  const root = site("events {}\n");
  try {
    const r = await run(["-t", "-p", root], undefined, bin);
    if (/ERR_MODULE_NOT_FOUND|SyntaxError: The requested module/.test(r.stderr)) {
      t.skip("the full CLI does not load yet: another subsystem is missing a module");
      return;
    }
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^tsresty: the configuration file .* syntax is ok\n/);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("the reference fixtures' folder exists", () => {
  assert.ok(existsSync(join(REPO, "test/conf/fixtures/broken")));
});
