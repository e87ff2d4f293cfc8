// The examples on Redis and MySQL: 05-redis, 06-mysql, 07-connection-pool, 15-multi-level-cache,
// against the real Redis (127.0.0.1:6379) and MariaDB (127.0.0.1:3306, database test), seeded
// by each example's seed.sh. 05 runs on the reference nginx too (it has resty.redis).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe } from "node:test";
import { exampleTest } from "./support.js";

const redisGet = (key: string): string =>
  execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", "6379", "--raw", "GET", key], { encoding: "utf8", timeout: 10_000 }).replace(/\n$/, "");

const seedUsers = [
  { id: 1, name: "John", email: "john@example.com" },
  { id: 2, name: "Jane", email: "jane@example.com" },
  { id: 3, name: "Bob", email: "bob@example.com" },
];

describe("examples: Redis and MySQL", { concurrency: false }, () => {
  exampleTest("05-redis", { reference: true }, async (ex) => {
    const before = await ex.get("/redis/get?key=user:1:name");
    assert.equal(before.status, 404);
    assert.deepEqual(before.json(), { error: "Key not found" });
    const handler = await ex.get("/redis/handler");
    assert.equal(handler.status, 200);
    assert.equal(handler.body, "");
    assert.equal(redisGet("user:1:name"), "John");
    const after = await ex.get("/redis/get?key=user:1:name");
    assert.equal(after.status, 200);
    assert.deepEqual(after.json(), { key: "user:1:name", value: "John" });
    // A second round uses the pooled connection.
    assert.deepEqual((await ex.get("/redis/get?key=user:1:name")).json(), { key: "user:1:name", value: "John" });
  });

  exampleTest("06-mysql", {}, async (ex) => {
    const r = await ex.get("/mysql");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [{ id: 1, name: "John" }]);
    assert.deepEqual((await ex.get("/mysql")).json(), [{ id: 1, name: "John" }]);
  });

  exampleTest("07-connection-pool", {}, async (ex) => {
    for (let i = 0; i < 3; i++) {
      const r = await ex.get("/users");
      assert.equal(r.status, 200);
      assert.equal(r.headers["content-type"], "application/json");
      const rows = r.json() as { id: number }[];
      assert.ok(Array.isArray(rows) && rows.length <= 10);
      for (const u of seedUsers) assert.deepEqual(rows.find((x) => x.id === u.id), u);
    }
    // The three requests above used one pooled connection: /pool gets it again (reused 3
    // times), then once more, with the same MySQL connection id.
    const p1 = (await ex.get("/pool")).json() as { reused_times: number; connection_id: number };
    assert.equal(p1.reused_times, 3);
    assert.ok(Number.isInteger(p1.connection_id));
    assert.deepEqual((await ex.get("/pool")).json(), { reused_times: 4, connection_id: p1.connection_id });
  });

  exampleTest("15-multi-level-cache", {}, async (ex) => {
    const miss = await ex.get("/api/user?id=1");
    assert.equal(miss.status, 200);
    assert.equal(miss.headers["x-cache"], "MISS");
    assert.deepEqual(miss.json(), seedUsers[0]);
    assert.deepEqual(JSON.parse(redisGet("user:1")), seedUsers[0]);
    // Written to Redis with setex for 300 seconds.
    const ttl = Number(execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", "6379", "TTL", "user:1"], { encoding: "utf8", timeout: 10_000 }));
    assert.ok(ttl > 0 && ttl <= 300, String(ttl));
    const l1 = await ex.get("/api/user?id=1");
    assert.equal(l1.headers["x-cache"], "HIT-L1");
    assert.deepEqual(l1.json(), seedUsers[0]);
    const l2 = await ex.get("/api/user?id=2");
    assert.equal(l2.headers["x-cache"], "HIT-L2");
    assert.deepEqual(l2.json(), seedUsers[1]);
    assert.equal((await ex.get("/api/user?id=2")).headers["x-cache"], "HIT-L1");
    const none = await ex.get("/api/user?id=99");
    assert.equal(none.status, 404);
    assert.deepEqual(none.json(), { error: "User not found" });
  });
});
