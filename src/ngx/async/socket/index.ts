// ngx.socket: tcp, udp and connect.
import { LuaTable } from "../../../lua/runtime/table.js";
import { luaError } from "../../../lua/runtime/error.js";
import type { LuaFunction, LuaResult, LuaValue, Suspension } from "../../../lua/runtime/value.js";
import type { AsyncHost } from "../host.js";
import { YIELDABLE, checkPhase, yieldAcrossC } from "../phase.js";
import { TcpSocket, tcpMethods } from "./tcp.js";
import { UdpSocket, udpMethods } from "./udp.js";

export function socketTable(host: AsyncHost): LuaTable {
  const tcpMt = new LuaTable();
  const methods = tcpMethods(host);
  tcpMt.setStr("__index", methods);
  const udpMt = new LuaTable();
  udpMt.setStr("__index", udpMethods(host));

  const newTcp = (): TcpSocket => {
    checkPhase(host, YIELDABLE);
    const s = new TcpSocket(host, host.request());
    s.mt = tcpMt;
    return s;
  };
  const tcp = ((...a: LuaValue[]): LuaResult => {
    if (a.length > 0) luaError(`expecting zero arguments, but got ${a.length}`);
    return newTcp();
  }) as LuaFunction;
  tcp.$name = "tcp";
  const udp = ((...a: LuaValue[]): LuaResult => {
    if (a.length > 0) luaError(`expecting zero arguments, but got ${a.length}`);
    checkPhase(host, YIELDABLE);
    const s = new UdpSocket(host, host.request());
    s.mt = udpMt;
    return s;
  }) as LuaFunction;
  udp.$name = "udp";
  // ngx.socket.connect(host, port) = tcp() then connect.
  const connectFn = methods.getStr("connect") as LuaFunction;
  const connect = ((...a: LuaValue[]): LuaResult => {
    const s = newTcp();
    const r = connectFn(s, ...a);
    return Array.isArray(r) ? r : r === 1 ? s : yieldAcrossC();
  }) as LuaFunction;
  connect.$g = function* (...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
    const s = newTcp();
    const r = yield* connectFn.$g!(s, ...a);
    return r === 1 ? s : r;
  };
  connect.$name = "connect";
  const t = new LuaTable();
  t.setStr("tcp", tcp);
  t.setStr("udp", udp);
  t.setStr("stream", tcp);
  t.setStr("connect", connect);
  return t;
}
