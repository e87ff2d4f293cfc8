// stub_status: nginx's text and counters, compared with the reference nginx. Each request
// of a case is a new connection, closed before the next, so the counters are the same on
// both sides.
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";

const get = (p: string): DiffRequest => ({ path: p });

const CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location = /status { stub_status; }
    location = /legacy { stub_status on; }
    location = /vars { return 200 "a=$connections_active r=$connections_reading w=$connections_writing i=$connections_waiting\\n"; }
  }
}
`;

test("stub_status: text, counters, methods, variables", async (t) => {
  await diffCase(t, {
    name: "stub-status", conf: CONF, requests: [
      get("/status"), get("/status"), get("/legacy"), { method: "HEAD", path: "/status" },
      { method: "POST", path: "/status", body: "abc" }, get("/vars"),
      { raw: "GET /status HTTP/1.1\r\nHost: a\r\n\r\nGET /status HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", responses: 2 },
      get("/status"),
    ],
  });
});
