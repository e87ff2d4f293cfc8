// Mutated configurations never make the front end throw or hang: each either passes or
// fails with errors that say where (file:line). A fixed seed keeps the cases the same
// from run to run; each parse runs in a worker that is stopped if it takes too long.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { FIXTURES } from "./support/reference.js";
import type { FuzzReply } from "./support/fuzz-worker.js";

const ITERATIONS = 1500;
const DEADLINE_MS = 5000;
const INSERTS = [";", "{", "}", '"', "'", "\\", "#", "$", "${", "(", ")", " ", "\n", "\r\n", "\t", "é", "\xff", "[[", "]]", "--", "--[[", "[==[", "\x00"];

/** A small deterministic generator (a linear congruential one), so failures can be replayed. */
function generator(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
}

function bases(): string[] {
  const out: string[] = [];
  for (const dir of ["seeds", "broken"]) {
    for (const name of readdirSync(join(FIXTURES, dir))) {
      const path = join(FIXTURES, dir, name);
      if (statSync(path).isFile()) out.push(readFileSync(path).toString("latin1"));
    }
  }
  return out;
}

function mutate(text: string, rand: (n: number) => number): string {
  let t = text;
  const edits = 1 + rand(5);
  for (let i = 0; i < edits; i++) {
    const at = rand(t.length + 1);
    switch (rand(4)) {
      case 0:
        t = t.slice(0, at) + t.slice(at + 1 + rand(4));
        break;
      case 1: {
        const from = rand(t.length + 1);
        t = t.slice(0, at) + t.slice(from, from + 1 + rand(12)) + t.slice(at);
        break;
      }
      default:
        t = t.slice(0, at) + INSERTS[rand(INSERTS.length)] + t.slice(at);
    }
  }
  return t;
}

function ask(worker: Worker, text: string): Promise<FuzzReply | "timeout"> {
  return new Promise((done) => {
    const timer = setTimeout(() => done("timeout"), DEADLINE_MS);
    worker.once("message", (reply: FuzzReply) => {
      clearTimeout(timer);
      done(reply);
    });
    worker.postMessage(text);
  });
}

test("mutated configurations: an answer with file:line, never an exception or a hang", { timeout: 600_000 }, async () => {
  const rand = generator(20240611);
  const sources = bases();
  const workerFile = fileURLToPath(new URL("./support/fuzz-worker.js", import.meta.url));
  let worker = new Worker(workerFile);
  let failed = 0;
  try {
    for (let i = 0; i < ITERATIONS; i++) {
      const text = mutate(sources[rand(sources.length)]!, rand);
      const reply = await ask(worker, text);
      if (reply === "timeout") {
        await worker.terminate();
        worker = new Worker(workerFile);
        assert.fail(`case ${i} did not finish in ${DEADLINE_MS} ms:\n${JSON.stringify(text)}`);
      }
      assert.equal(reply.thrown, undefined, `case ${i} threw:\n${reply.thrown}\n${JSON.stringify(text)}`);
      assert.deepEqual(reply.unplaced, [], `case ${i}: errors without a place\n${JSON.stringify(text)}`);
      assert.ok(reply.roundTrip, `case ${i}: printing and parsing again changed the tree\n${JSON.stringify(text)}`);
      if (reply.failed) failed++;
    }
  } finally {
    await worker.terminate();
  }
  // The mutations should break most configurations, but not all.
  assert.ok(failed > ITERATIONS / 4 && failed < ITERATIONS, `failed ${failed} of ${ITERATIONS}`);
});
