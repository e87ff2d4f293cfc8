// ngx.socket.udp: setpeername, send, receive, settimeout, close on node:dgram.
import * as dgram from "node:dgram";
import * as net from "node:net";
import { lookup } from "node:dns/promises";
import { LuaTable } from "../../../lua/runtime/table.js";
import { luaError } from "../../../lua/runtime/error.js";
import { numberToString, toNumber, typeName } from "../../../lua/runtime/convert.js";
import type { LuaFunction, LuaResult, LuaValue, Suspension } from "../../../lua/runtime/value.js";
import type { AsyncHost, AsyncRequest } from "../host.js";
import { yieldAcrossC } from "../phase.js";
import { sendBytes } from "./buffer.js";
import { errText, errnoText } from "./tcp.js";
import { Waiter, logAs, ownSocket } from "./waiter.js";
import { running } from "../../../lua/runtime/coroutine.js";

type Res = LuaResult | Promise<LuaResult>;

export class UdpSocket extends LuaTable {
  sock: dgram.Socket | undefined = undefined;
  readonly queue: Buffer[] = [];
  readTimeout: number;
  private readonly waiter = new Waiter();
  /** An error the socket reported (an ICMP "port unreachable"), answered by the next receive. */
  error: Error | undefined;
  constructor(readonly host: AsyncHost, readonly req: AsyncRequest | undefined) {
    super();
    this.readTimeout = host.settings().socketReadTimeout;
    req?.onCleanup(() => this.closeSock());
  }
  closeSock(): void {
    const s = this.sock;
    this.sock = undefined;
    if (s !== undefined) s.close();
    this.queue.length = 0;
    this.notify();
  }
  notify(): void {
    this.waiter.wake();
  }
  waitData(ms: number): Promise<boolean> {
    return this.waiter.wait(ms);
  }
}

function sockOf(self: LuaValue, host: AsyncHost): UdpSocket {
  return ownSocket(UdpSocket, self, host);
}


async function setpeername(s: UdpSocket, a: LuaValue[]): Promise<LuaResult> {
  const target = a[0];
  if (typeof target !== "string") return luaError(`bad argument #1 to 'setpeername' (string expected, got ${typeName(target)})`);
  s.closeSock();
  let sock: dgram.Socket;
  let connectArgs: [number, string];
  if (target.startsWith("unix:")) {
    return [undefined, "unix domain datagram sockets are not supported"];
  } else {
    const p = toNumber(a[1]);
    if (p === undefined || p < 0 || p > 65535) return [undefined, `bad port number: ${String(a[1])}`];
    let addr = target;
    if (net.isIP(target) === 0) {
      try {
        addr = (await lookup(target)).address;
      } catch {
        return [undefined, `${target} could not be resolved (3: Host not found)`];
      }
    }
    sock = dgram.createSocket(net.isIPv6(addr) ? "udp6" : "udp4");
    connectArgs = [p, addr];
  }
  return new Promise<LuaResult>((resolve) => {
    sock.once("error", (e) => resolve([undefined, errText(e)]));
    sock.connect(connectArgs[0], connectArgs[1], () => {
      sock.removeAllListeners("error");
      sock.on("error", (e) => {
        s.error = e;
        s.notify();
      });
      sock.on("message", (m) => {
        s.queue.push(m);
        s.notify();
      });
      s.sock = sock;
      resolve(1);
    });
  });
}

async function receive(s: UdpSocket, size: number): Promise<LuaResult> {
  // The reading thread: the log lines are written as from it (its request's context).
  const thread = running();
  for (;;) {
    const m = s.queue.shift();
    if (m !== undefined) return m.toString("latin1", 0, Math.min(size, m.length));
    if (s.error !== undefined) {
      const e = s.error;
      s.error = undefined;
      logAs(s.host, thread, `recv() failed (${errnoText(e)})`, true);
      return [undefined, errText(e)];
    }
    if (s.sock === undefined) return [undefined, "closed"];
    if (!(await s.waitData(s.readTimeout))) {
      logAs(s.host, thread, "lua udp socket read timed out");
      return [undefined, "timeout"];
    }
  }
}

const impls: Record<string, (s: UdpSocket, ...a: LuaValue[]) => Res> = {
  setpeername: (s, ...a) => setpeername(s, a),
  send(s, data) {
    if (s.sock === undefined) return [undefined, "closed"];
    const parts: Buffer[] = [];
    const bad = sendBytes(parts, data, numberToString, (v): v is LuaTable => v instanceof LuaTable);
    if (bad !== undefined) return luaError(`bad argument #1 to 'send' (bad data type ${bad} found)`);
    const sock = s.sock;
    const thread = running();
    return new Promise<LuaResult>((resolve) => {
      sock.send(Buffer.concat(parts), (err) => {
        if (err) logAs(s.host, thread, `send() failed (${errnoText(err)})`, true);
        resolve(err ? [undefined, errText(err)] : 1);
      });
    });
  },
  receive(s, size) {
    let n = 65536;
    if (size !== undefined) {
      const k = toNumber(size);
      if (k === undefined || k <= 0) return luaError("bad argument #2 to 'receive' (bad size)");
      n = Math.min(Math.floor(k), 65536);
    }
    if (s.sock === undefined && s.queue.length === 0) return [undefined, "closed"];
    const m = s.queue.shift();
    if (m !== undefined) return m.toString("latin1", 0, Math.min(n, m.length));
    return receive(s, n);
  },
  settimeout(s, t) {
    const n = t === undefined ? 0 : toNumber(t);
    if (n === undefined) return luaError(`bad argument #2 to 'settimeout' (number expected, got ${typeName(t)})`);
    s.readTimeout = n < 0 ? 0 : n;
    return [];
  },
  close(s) {
    if (s.sock === undefined) return [undefined, "closed"];
    s.closeSock();
    return 1;
  },
};

export function udpMethods(host: AsyncHost): LuaTable {
  const t = new LuaTable();
  for (const [name, impl] of Object.entries(impls)) {
    const plain = ((self: LuaValue, ...a: LuaValue[]): LuaResult => {
      const r = impl(sockOf(self, host), ...a);
      return r instanceof Promise ? yieldAcrossC() : r;
    }) as LuaFunction;
    plain.$name = name;
    plain.$g = function* (self: LuaValue, ...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
      const r = impl(sockOf(self, host), ...a);
      return r instanceof Promise ? ((yield r) as LuaResult) : r;
    };
    t.setStr(name, plain);
  }
  return t;
}
