// stub_status (ngx_http_stub_status_module): the connection counters as nginx's plain
// text, and the $connections_* variables. GET and HEAD only (else 405); the body of the
// request is discarded.
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import { DONE, type PhaseHandler, type PhaseResult } from "../phases.js";
import { registerVariable } from "../variables.js";
import { connStats } from "../transport/stats.js";

const waiting = (): number => Math.max(0, connStats.active - connStats.reading - connStats.writing);

registerVariable("connections_active", { get: () => String(connStats.active) });
registerVariable("connections_reading", { get: () => String(connStats.reading) });
registerVariable("connections_writing", { get: () => String(connStats.writing) });
registerVariable("connections_waiting", { get: () => String(waiting()) });

function statusText(): string {
  const s = connStats;
  // nginx's exact layout, trailing spaces included; every connection is handled.
  return `Active connections: ${s.active} \nserver accepts handled requests\n ${s.accepted} ${s.accepted} ${s.requests} \n` +
    `Reading: ${s.reading} Writing: ${s.writing} Waiting: ${waiting()} \n`;
}

const handler: PhaseHandler = (r: Request): PhaseResult => {
  if (r.method !== "GET" && r.method !== "HEAD") return 405;
  const rc = r.discardBody();
  if (rc !== 0) return rc;
  r.status = 200;
  r.contentType = "text/plain";
  const text = statusText();
  r.contentLength = text.length;
  r.sendHeader();
  if (r.method !== "HEAD") r.write(text);
  r.eof();
  r.finalize(0);
  return DONE;
};

export const stubStatusModule: HttpModule = {
  name: "stub_status",
  directives: ["stub_status"],
  contentHandler(loc) {
    return loc.directives.some((d) => d.name === "stub_status") ? handler : undefined;
  },
};
