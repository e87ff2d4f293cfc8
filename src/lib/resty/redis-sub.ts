// Subscribed mode of a resty.redis connection. ioredis takes the subscription replies itself
// (a subscribe resolves once every channel is confirmed, with the last count) and hands
// messages over as events, so the replies lua-resty-redis returns are rebuilt here:
// {"subscribe", channel, count} per channel, counted as Redis counts (channels plus
// patterns of this connection), and {"message", channel, payload} /
// {"pmessage", pattern, channel, payload} queued for read_reply.
import { LuaTable } from "../../lua/runtime/table.js";
import { LUA_NULL, type LuaValue } from "../../lua/runtime/value.js";
import type { RedisLink } from "./redis-link.js";

export class SubState {
  private readonly channels = new Set<string>();
  private readonly patterns = new Set<string>();
  /** Replies not read yet, oldest first. */
  private readonly queue: LuaValue[] = [];
  private wake: ((got: boolean) => void) | undefined = undefined;

  private readonly onMessage = (channel: Buffer, message: Buffer): void => {
    this.push(new LuaTable(["message", channel.toString("latin1"), message.toString("latin1")]));
  };
  private readonly onPmessage = (pattern: string, channel: Buffer, message: Buffer): void => {
    // ioredis gives the pattern decoded as UTF-8; back to bytes.
    const p = Buffer.from(pattern, "utf8").toString("latin1");
    this.push(new LuaTable(["pmessage", p, channel.toString("latin1"), message.toString("latin1")]));
  };
  private readonly onClose = (): void => this.notify(true);

  constructor(private readonly link: RedisLink) {
    const c = link.client;
    c.on("messageBuffer", this.onMessage);
    c.on("pmessageBuffer", this.onPmessage);
    c.on("close", this.onClose);
  }

  detach(): void {
    const c = this.link.client;
    c.off("messageBuffer", this.onMessage);
    c.off("pmessageBuffer", this.onPmessage);
    c.off("close", this.onClose);
    this.notify(true);
  }

  private push(v: LuaValue): void {
    this.queue.push(v);
    this.notify(true);
  }

  private notify(got: boolean): void {
    const w = this.wake;
    this.wake = undefined;
    if (w !== undefined) w(got);
  }

  private get count(): number {
    return this.channels.size + this.patterns.size;
  }

  /** The channels (unsubscribe) or patterns (punsubscribe) subscribed to. */
  names(kind: "unsubscribe" | "punsubscribe"): string[] {
    return [...(kind === "unsubscribe" ? this.channels : this.patterns)];
  }

  /** The replies to a (p)subscribe that ioredis confirmed: the first is returned, the rest queued first. */
  subscribed(kind: "subscribe" | "psubscribe", names: string[]): LuaValue {
    const set = kind === "subscribe" ? this.channels : this.patterns;
    const replies = names.map((n) => {
      set.add(n);
      return new LuaTable([kind, n, this.count]);
    });
    return this.answer(replies);
  }

  /** The replies to an (p)unsubscribe (no names: every channel or pattern). */
  unsubscribed(kind: "unsubscribe" | "punsubscribe", names: string[]): LuaValue {
    const set = kind === "unsubscribe" ? this.channels : this.patterns;
    const list = names.length > 0 ? names : [...set];
    if (list.length === 0) return new LuaTable([kind, LUA_NULL, this.count]);
    const replies = list.map((n) => {
      set.delete(n);
      return new LuaTable([kind, n, this.count]);
    });
    return this.answer(replies);
  }

  private answer(replies: LuaTable[]): LuaValue {
    if (replies.length === 0) return LUA_NULL;
    if (replies.length > 1) this.queue.unshift(...replies.slice(1));
    return replies[0];
  }

  /** The next queued reply, if any. */
  next(): LuaValue {
    return this.queue.shift();
  }

  /** Wait for a reply or the connection's end (true), or `ms` (0: forever) without one (false). */
  wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = ms > 0 ? setTimeout(() => { this.wake = undefined; resolve(false); }, ms) : undefined;
      this.wake = (got) => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(got);
      };
    });
  }
}
