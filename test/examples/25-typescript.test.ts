// examples/25-typescript: TypeScript handler modules end to end (shared dict, Redis, JSON, a
// Lua phase and TypeScript phases in one request), and the handlers type-check against the
// package's declarations. tsresty only: the reference nginx runs no TypeScript.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "../differential/harness.js";
import { EXAMPLES, exampleTest } from "./support.js";

describe("examples: TypeScript", () => {
  exampleTest("25-typescript", {}, async (ex) => {
    const hello = await ex.get("/hello?name=ann");
    assert.equal(hello.status, 200);
    assert.equal(hello.headers["content-type"], "text/plain");
    assert.equal(hello.body, "hello, ann (visit 1)\n");
    assert.equal((await ex.get("/hello?name=ann")).body, "hello, ann (visit 2)\n");
    assert.equal((await ex.get("/hello")).body, "hello, world (visit 1)\n");

    const welcome = await ex.get("/notes/welcome");
    assert.equal(welcome.status, 200);
    assert.equal(welcome.headers["content-type"], "application/json");
    assert.deepEqual(welcome.json(), { id: "welcome", text: "hello from redis", at: 1700000000 });
    const missing = await ex.get("/notes/draft");
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { error: "no such note" });
    const put = await ex.request("/notes/draft", { method: "PUT", body: '{"text":"later"}' });
    assert.equal(put.status, 201);
    const stored = put.json() as { id: string; text: string; at: number };
    assert.equal(stored.text, "later");
    assert.deepEqual((await ex.get("/notes/draft")).json(), stored);
    const bad = await ex.request("/notes/x", { method: "PUT", body: "nope" });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json(), { error: "Expected value but found invalid token at character 1" });

    const mixed = await ex.get("/mixed?who=bob");
    assert.equal(mixed.status, 200);
    assert.equal(mixed.body, "who: bob\nstarted in: lua, checked in: typescript\n");
    assert.equal((await ex.get("/mixed?who=mallory")).status, 403);
    // No handler failed (other lines may come from strangers: the port is a free one, shared with other suites' clients).
    assert.doesNotMatch(ex.errorLog(), /lua entry thread aborted|failed to (load|run)|\[lua\]/);
  });

  it("25-typescript: the handlers pass tsc --noEmit against tsresty's declarations", () => {
    // The example's tsconfig.json maps tsresty to ../../dist; a copy beside this build's dist
    // keeps the check on the declarations just built.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-example25-tsc-"));
    try {
      fs.cpSync(path.join(EXAMPLES, "25-typescript/handlers"), path.join(dir, "handlers"), { recursive: true });
      const conf = JSON.parse(fs.readFileSync(path.join(EXAMPLES, "25-typescript/tsconfig.json"), "utf8")) as {
        compilerOptions: { paths: Record<string, string[]>; typeRoots: string[] };
      };
      for (const [k, v] of Object.entries(conf.compilerOptions.paths)) conf.compilerOptions.paths[k] = v.map((p) => path.join(ROOT, p.replace(/^\.\.\/\.\.\//, "")));
      conf.compilerOptions.typeRoots = [path.join(ROOT, "node_modules/@types")];
      fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(conf));
      execFileSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], { stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
    } catch (e) {
      const err = e as { stdout?: Buffer };
      assert.fail(`tsc failed:\n${err.stdout?.toString() ?? String(e)}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
