// Open log files, shared by every error_log and access_log naming the same path, written
// in appends, and reopened together on SIGUSR1 (nginx's "reopen"). Lines are gathered and
// written once per event-loop turn: a burst of requests costs one write, not one each.
import * as fs from "node:fs";

export class LogFile {
  private fd = -1;
  private pending: string[] = [];
  private scheduled = false;
  /** stderr or a path. */
  constructor(readonly path: string) {
    this.open();
  }

  private open(): void {
    if (this.path === "stderr") {
      this.fd = 2;
      return;
    }
    try {
      this.fd = fs.openSync(this.path, "a", 0o644);
    } catch {
      this.fd = -1;
    }
  }

  /** Whether the file could be opened (nginx fails at start when it cannot). */
  get ok(): boolean {
    return this.fd >= 0;
  }

  write(line: string): void {
    this.pending.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Write now (used before exit and by tests). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.fd < 0) {
      this.pending.length = 0;
      return;
    }
    const data = Buffer.from(this.pending.join(""), "latin1");
    this.pending.length = 0;
    try {
      fs.writeSync(this.fd, data);
    } catch {
      // A full disk or a vanished file must not take the server down; nginx also goes on.
    }
  }

  reopen(): void {
    this.flush();
    if (this.path === "stderr") return;
    const old = this.fd;
    this.open();
    if (old >= 0 && old !== this.fd) fs.closeSync(old);
  }

  close(): void {
    this.flush();
    if (this.fd > 2) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

const files = new Map<string, LogFile>();

/** The one LogFile for `path` (absolute, or "stderr"). */
export function openLogFile(path: string): LogFile {
  let f = files.get(path);
  if (!f) {
    f = new LogFile(path);
    files.set(path, f);
  }
  return f;
}

/** SIGUSR1: reopen every log file. */
export function reopenLogFiles(): void {
  for (const f of files.values()) f.reopen();
}

export function flushLogFiles(): void {
  for (const f of files.values()) f.flush();
}

/** Close files no configuration uses any more (after a reload). */
export function closeUnusedLogFiles(used: ReadonlySet<string>): void {
  for (const [p, f] of files) {
    if (!used.has(p)) {
      f.close();
      files.delete(p);
    }
  }
}
