// A small AsyncHost for the async API's tests: requests are plain objects with cleanup
// lists, timers run through the same driver, logs are collected.
import { newGlobals } from "../../../src/lua/state.js";
import { loadLua } from "../../../src/lua/compile.js";
import { Coroutine, running, runThread } from "../../../src/lua/runtime/coroutine.js";
import { LuaTable } from "../../../src/lua/runtime/table.js";
import type { LuaFunction, LuaValue } from "../../../src/lua/runtime/value.js";
import { timeApi } from "../../../src/ngx/time.js";
import { installAsyncApi, waitUserThreads, DEFAULT_ASYNC_SETTINGS, type AsyncHost, type AsyncRequest, type AsyncSettings, type SharedDictZone } from "../../../src/ngx/async/index.js";

export class TestRequest implements AsyncRequest {
  private cleanups: (() => void)[] = [];
  constructor(readonly phase: string) {}
  onCleanup(cb: () => void): void {
    this.cleanups.push(cb);
  }
  end(): void {
    const c = this.cleanups;
    this.cleanups = [];
    for (const f of c) f();
  }
}

interface HostData {
  req: TestRequest;
}

export class TestHost implements AsyncHost {
  logs: string[] = [];
  settingsValue: AsyncSettings = { ...DEFAULT_ASYNC_SETTINGS };
  exitCbs = new Set<() => void>();
  isExiting = false;
  G: LuaTable;
  ngx: LuaTable;
  errors: unknown[] = [];
  constructor(readonly sharedDicts: readonly SharedDictZone[] = [], settings: Partial<AsyncSettings> = {}) {
    Object.assign(this.settingsValue, settings);
    this.G = newGlobals();
    this.ngx = new LuaTable();
    this.G.setStr("ngx", this.ngx);
    installAsyncApi(this.ngx, this, { globals: this.G });
    // ngx.sleep belongs to the synchronous API's side; the tests need one.
    const sleep = Object.assign((): never => { throw new Error("attempt to yield across C-call boundary"); }, {
      $g: function* (s: LuaValue): Generator<Promise<unknown>, LuaValue[], unknown> {
        yield new Promise((r) => setTimeout(r, (s as number) * 1000));
        return [];
      },
    });
    this.ngx.setStr("sleep", sleep as unknown as LuaFunction);
    this.ngx.setStr("now", timeApi.now!);
    this.ngx.setStr("update_time", timeApi.update_time!);
  }
  private data(): HostData | undefined {
    // The request is what the running coroutine carries in `host`.
    return running()?.host as HostData | undefined;
  }
  phase(): string | undefined {
    return this.data()?.req.phase;
  }
  request(): AsyncRequest | undefined {
    return this.data()?.req;
  }
  settings(): AsyncSettings {
    return this.settingsValue;
  }
  log(level: number, msg: string): void {
    this.logs.push(`[${level}] ${msg}`);
  }
  async spawnThread(fn: LuaFunction, args: LuaValue[]): Promise<void> {
    const req = new TestRequest("timer");
    const co = new Coroutine(fn, { req } satisfies HostData);
    try {
      await runThread(co, args);
      await waitUserThreads(req);
    } catch (e) {
      this.errors.push(e);
      this.logs.push(`lua entry thread aborted: ${String((e as { value?: unknown }).value ?? e)}`);
    } finally {
      req.end();
    }
  }
  workerId(): number | undefined {
    return 0;
  }
  exiting(): boolean {
    return this.isExiting;
  }
  onExit(cb: () => void): () => void {
    this.exitCbs.add(cb);
    return () => this.exitCbs.delete(cb);
  }
  exit(): void {
    this.isExiting = true;
    for (const cb of [...this.exitCbs]) cb();
  }

  /** Run `src` as a request's entry thread in `phase`; returns its results, the request ended. */
  async run(src: string, phase = "content"): Promise<LuaValue[]> {
    const f = loadLua(src, "=test", this.G, { main: "suspendable" });
    const req = new TestRequest(phase);
    const co = new Coroutine(f, { req } satisfies HostData);
    try {
      const r = await runThread(co, []);
      await waitUserThreads(req);
      return Array.isArray(r) ? r : [r];
    } finally {
      req.end();
    }
  }
}

