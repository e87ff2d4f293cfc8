// The walk nginx makes over a configuration as it reads it: each directive is looked up
// in the registry for the context it stands in, checked (context, argument count, block
// or not, "is duplicate", its handler's own checks) and, for `include`, followed into the
// included files, in order. nginx stops at the first error, and so does this walk; the
// crossplane output asks it to keep going instead. Along the way it builds the tree with
// includes replaced by what they include.

import { realpathSync } from "node:fs";
import type { Diagnostic, Severity } from "./ast.js";
import { LINE_CHECKS, newLineState, type LineState } from "./block-line-checks.js";
import { bytesToBuffer } from "./bytes.js";
import { diagnostic, isError, type Where } from "./diagnostics.js";
import {
  DIRECTIVE_CHECKS,
  parseLocation,
  type BlockState,
  type HttpState,
  type LocationInfo,
  type MainState,
  type ServerInfo,
} from "./directive-checks.js";
import { readConfFile, type ReadFile } from "./file-source.js";
import { expandGlob, hasGlobMagic } from "./glob.js";
import { checkValue } from "./value-checks.js";
import type { DirectiveNode } from "./grammar-actions.js";
import { parseText, type ParsedText } from "./parse.js";
import {
  isLuaBlockDirective,
  resolveDirective,
  type ArgRule,
  type BlockKind,
  type Context,
  type RegistryEntry,
} from "./registry/index.js";

export interface CheckerOptions {
  /** Where relative includes resolve: the configuration file's directory, with a `/`. */
  readonly confPrefix: string;
  readonly readFile: ReadFile;
  /** Report every error instead of stopping at the first (for `tsresty parse`). */
  readonly keepGoing: boolean;
}

/** One file as read, for the per-file (crossplane) view. */
export interface FileRecord {
  readonly file: string;
  readonly directives: DirectiveNode[];
  readonly errors: Diagnostic[];
}

const TAKE: Readonly<Record<ArgRule, (n: number) => boolean>> = {
  NOARGS: (n) => n === 0,
  TAKE1: (n) => n === 1,
  TAKE2: (n) => n === 2,
  TAKE3: (n) => n === 3,
  TAKE12: (n) => n === 1 || n === 2,
  TAKE23: (n) => n === 2 || n === 3,
  TAKE123: (n) => n >= 1 && n <= 3,
  TAKE1234: (n) => n >= 1 && n <= 4,
  NOARGS_TAKE1: (n) => n <= 1,
  NOARGS_TAKE12: (n) => n <= 2,
  FLAG: (n) => n === 1,
  "1MORE": (n) => n >= 1,
  "2MORE": (n) => n >= 2,
  ANY: () => true,
};

/** Blocks whose contents nginx reads in a context of their own. */
const CONTEXT_BLOCKS: ReadonlySet<BlockKind> = new Set<BlockKind>([
  "events",
  "http",
  "server",
  "location",
  "limit_except",
  "upstream",
  "stream",
  "stream_server",
  "stream_upstream",
  "mail",
  "mail_server",
]);

/** An error nginx reports about a directive; `inHandler` once the directive's handler runs. */
class Complaint {
  constructor(
    readonly message: string,
    readonly inHandler = false,
    readonly level: Severity = "emerg",
    /** Said without FILE:LINE (a module that logs from its handler, as headers-more does). */
    readonly unplaced = false,
  ) {}
}

/** Like MAX_DEPTH for blocks: far beyond real configurations, well within the JS stack. */
const MAX_INCLUDE_DEPTH = 128;

function newBlock(location: LocationInfo | null, server: ServerInfo | null = null): BlockState {
  return { dups: new Map(), listens: new Set(), locations: null, location, server };
}

/** Where a server without `listen` listens: port 80 for root, 8000 otherwise. */
function defaultListen(): string {
  return process.getuid?.() === 0 ? "0.0.0.0:80" : "0.0.0.0:8000";
}

export class ConfigChecker {
  readonly diagnostics: Diagnostic[] = [];
  readonly files: FileRecord[] = [];
  /** Set once `events` has been seen at the top level. */
  sawEvents = false;

  private stopped = false;
  private readonly reported = new Set<string>();
  private readonly parsed = new Map<string, { index: number; result: ParsedText }>();
  private readonly including: string[] = [];
  private readonly main: MainState = { modulesUsed: false, sharedDicts: new Map() };
  private readonly mainBlock = newBlock(null);
  /** The file being walked, or null for the -g string. */
  private file: string | null = null;

  constructor(private readonly options: CheckerOptions) {}

  get failed(): boolean {
    return this.diagnostics.some(isError);
  }

  /** Checks the -g directives, which nginx reads before the file. */
  checkGlobals(text: string): DirectiveNode[] {
    const parsed = parseText(text, { file: "", isFile: false, isLuaBlock: isLuaBlockDirective });
    const out: DirectiveNode[] = [];
    this.file = null;
    this.walkList(parsed.directives, "main", this.mainBlock, null, out, false);
    if (parsed.fault !== null && !this.stopped) this.report("emerg", parsed.fault.message, "command line");
    return out;
  }

  /** Checks the main file; `null` when it could not be read (the error is reported). */
  checkMainFile(path: string): DirectiveNode[] | null {
    const out: DirectiveNode[] = [];
    if (this.walkFile(path, "main", this.mainBlock, null, out, false, null) === null) return null;
    return out;
  }

  /** The checks nginx makes after "syntax is ok". */
  finish(): void {
    if (!this.stopped && !this.sawEvents) this.report("emerg", 'no "events" section in configuration', null);
    // nginx -t also creates the shared memory zones; a Lua dict zone under three pages
    // has no room for the dict's own header.
    for (const size of this.main.sharedDicts.values()) {
      if (this.stopped || size >= 12288n) continue;
      this.report("crit", "ngx_slab_alloc() failed: no memory", null);
    }
  }

  // --- reporting -------------------------------------------------------------------------

  private where(line: number): Where {
    return this.file === null ? "command line" : { file: this.file, line };
  }

  private report(level: Severity, message: string, where: Where): void {
    if (this.options.keepGoing) {
      // Going on past errors, a file included twice would say everything twice.
      const key = `${level} ${message} ${typeof where === "object" && where !== null ? `${where.file}:${where.line}` : String(where)}`;
      if (this.reported.has(key)) return;
      this.reported.add(key);
    }
    const d = diagnostic(level, message, where);
    this.diagnostics.push(d);
    if (typeof where === "object" && where !== null) {
      const rec = this.parsed.get(where.file);
      if (rec !== undefined && level !== "warn") this.files[rec.index]!.errors.push(d);
    }
    if (isError(d) && !this.options.keepGoing) this.stopped = true;
  }

  // --- files -----------------------------------------------------------------------------

  /** Reads and parses a file once; later includes of it reuse the parse. */
  private load(path: string, includedFrom: Where): { index: number; result: ParsedText } | null {
    const known = this.parsed.get(path);
    if (known !== undefined) return known;
    const read = readConfFile(path, this.options.readFile);
    if (!read.ok) {
      this.report(read.level, read.message, read.placed ? includedFrom : null);
      return null;
    }
    const result = parseText(read.text, { file: path, isFile: true, isLuaBlock: isLuaBlockDirective });
    const rec = { index: this.files.length, result };
    this.files.push({ file: path, directives: result.directives, errors: [] });
    this.parsed.set(path, rec);
    return rec;
  }

  /** Walks a whole file in a context; its index, or null when it could not be read. */
  private walkFile(
    path: string,
    ctx: Context,
    block: BlockState,
    http: HttpState | null,
    out: DirectiveNode[],
    silent: boolean,
    includedFrom: Where,
  ): number | null {
    const rec = this.load(path, includedFrom);
    if (rec === null) return null;
    this.inFile(path, () => this.walkList(rec.result.directives, ctx, block, http, out, silent));
    this.reportFault(path, rec.result);
    return rec.index;
  }

  /** Runs `walk` with `path` as the current file and on the include stack. */
  private inFile(path: string, walk: () => void): void {
    const saved = this.file;
    this.file = path;
    this.including.push(canonical(path));
    walk();
    this.including.pop();
    this.file = saved;
  }

  /** A file's syntax error comes after everything before it has been handled. */
  private reportFault(path: string, parsed: ParsedText): void {
    if (parsed.fault !== null && !this.stopped) this.report("emerg", parsed.fault.message, { file: path, line: parsed.fault.line });
  }

  /** The files an `include` names, or null after reporting why there are none. */
  private includeTargets(d: DirectiveNode, where: Where): string[] | null {
    const arg = d.args[0]!;
    const full = arg.startsWith("/") ? arg : this.options.confPrefix + arg;
    const files = hasGlobMagic(full) ? expandGlob(full) : [full];
    if (this.including.length >= MAX_INCLUDE_DEPTH) {
      this.report("emerg", `includes nested more than ${MAX_INCLUDE_DEPTH} deep`, where);
      return null;
    }
    for (const f of files) {
      if (this.including.includes(canonical(f))) {
        this.report("emerg", `"include" directive makes a cycle: "${f}" is being included already`, where);
        return null;
      }
    }
    return files;
  }

  private include(d: DirectiveNode, ctx: Context, block: BlockState, http: HttpState | null, out: DirectiveNode[], silent: boolean): void {
    const where = this.where(d.endLine);
    const files = this.includeTargets(d, where);
    if (files === null) return;
    const indices: number[] = [];
    d.includes = indices;
    for (const f of files) {
      const index = this.walkFile(f, ctx, block, http, out, silent, where);
      if (index === null || this.stopped) return;
      indices.push(index);
    }
  }

  // --- directives ------------------------------------------------------------------------

  private walkList(
    nodes: readonly DirectiveNode[],
    ctx: Context,
    block: BlockState,
    http: HttpState | null,
    out: DirectiveNode[],
    silent: boolean,
  ): void {
    for (const d of nodes) {
      if (this.stopped) return;
      this.walkDirective(d, ctx, block, http, out, silent);
    }
  }

  private walkDirective(
    d: DirectiveNode,
    ctx: Context,
    block: BlockState,
    http: HttpState | null,
    out: DirectiveNode[],
    silent: boolean,
  ): void {
    if (ctx === "main" && d.name === "events" && d.block !== undefined) this.sawEvents = true;
    const verdict = this.judge(d, ctx, block, http);
    if (verdict instanceof Complaint) {
      // From the handler on, a Lua block's line is its closing brace's (nginx has read it).
      const line = verdict.inHandler && d.lua !== undefined ? d.lua.endLine : d.endLine;
      this.report(verdict.level, verdict.message, verdict.unplaced ? null : this.where(line));
      if (this.options.keepGoing) out.push(d);
      return;
    }
    // A Lua body that could not be read: the file's syntax error comes next.
    if (d.luaFailed === true) return void out.push(d);
    const e = verdict;
    if (e.nginxWarning !== undefined) this.report("warn", e.nginxWarning, this.where(d.endLine));
    if (e.status === "unsupported" && !silent) {
      this.report("warn", `"${d.name}" directive is not supported by tsresty, ignored`, this.where(d.endLine));
    }

    if (d.name === "include" && e.moduleType === "conf") return this.include(d, ctx, block, http, out, silent);
    if (d.block === undefined || e.block === undefined) return void out.push(d);

    const children: DirectiveNode[] = [];
    const copy: DirectiveNode = { ...d, block: children };
    out.push(copy);
    const kind = e.block;
    const lineCheck = LINE_CHECKS[kind];
    if (lineCheck !== undefined) return this.walkLines(kind, d.block, newLineState(), children);
    // Everything inside an unsupported block (stream, mail) is ignored as a whole.
    const quiet = silent || e.status === "unsupported";
    if (kind === "if") {
      return this.walkList(d.block, ctx === "server" ? "if_in_server" : "if_in_location", newBlock(null), http, children, quiet);
    }
    if (!CONTEXT_BLOCKS.has(kind)) return;
    if (kind === "location") {
      const info = parseLocation(d.args) as LocationInfo;
      if (block.locations === null) {
        block.locations = [];
        http?.locationSets.push(block.locations);
      }
      block.locations.push({ info, where: this.where(d.endLine) });
      return this.walkList(d.block, "location", newBlock(info), http, children, quiet);
    }
    if (kind === "http") {
      const state: HttpState = { defaultServers: new Set(), servers: [], locationSets: [] };
      this.walkList(d.block, "http", newBlock(null), state, children, quiet);
      // nginx looks the block over only when it has read it to its end.
      if (!this.stopped && d.truncated !== true) this.checkLocationSets(state);
      if (!this.stopped && d.truncated !== true) this.checkServerNames(state);
      return;
    }
    if (kind === "server" && http !== null) {
      const server: ServerInfo = { listens: [], names: [] };
      http.servers.push(server);
      return this.walkList(d.block, "server", newBlock(null, server), http, children, quiet);
    }
    this.walkList(d.block, kind as Context, newBlock(null), http, children, quiet);
  }

  /** ngx_conf_handler and the directive's handler: its registry entry, or what nginx says. */
  private judge(d: DirectiveNode, ctx: Context, block: BlockState, http: HttpState | null): RegistryEntry | Complaint {
    const found = resolveDirective(d.name, ctx);
    if (found.kind === "unknown") return new Complaint(`unknown directive "${d.name}"`);
    if (found.kind === "not allowed here") return new Complaint(`"${d.name}" directive is not allowed here`);
    const e = found.entry;
    const opensBlock = d.block !== undefined || d.lua !== undefined || d.luaFailed === true;
    if (e.block === undefined && opensBlock) return new Complaint(`directive "${d.name}" is not terminated by ";"`);
    if (e.block !== undefined && !opensBlock) return new Complaint(`directive "${d.name}" has no opening "{"`);
    if (!TAKE[e.args](d.args.length)) return new Complaint(`invalid number of arguments in "${d.name}" directive`);
    if (d.luaFailed === true) return e;

    if (e.dup === true) {
      const key = e.dupGroup ?? e.name;
      const earlier = block.dups.get(key);
      if (earlier !== undefined) {
        if (e.block === "lua") return new Complaint("is duplicate", true);
        if (e.dupGroup === "root" && earlier !== d.name) {
          return new Complaint(`"${d.name}" directive is duplicate, "${earlier}" directive was specified earlier`, true);
        }
        return new Complaint(`"${d.name}" directive is duplicate`, true);
      }
      block.dups.set(key, d.name);
    }
    if (e.args === "FLAG") {
      const v = d.args[0]!.toLowerCase();
      if (v !== "on" && v !== "off") {
        return new Complaint(`invalid value "${d.args[0]}" in "${d.name}" directive, it must be "on" or "off"`, true);
      }
    }
    if (e.value !== undefined) {
      const v = checkValue(e.value, d.name, d.args);
      for (const w of v.warnings) this.report("warn", w, this.where(d.lua?.endLine ?? d.endLine));
      if (v.error !== null) return new Complaint(v.error, true);
    }
    const check = DIRECTIVE_CHECKS.get(d.name);
    if (check !== undefined) {
      const said = check(d, { block, http, main: this.main }, e);
      if (typeof said === "string") return new Complaint(said, true);
      if (said !== null && said.level === "warn") this.report("warn", said.message, this.where(d.endLine));
      else if (said !== null) return new Complaint(said.message, true, said.level, said.unplaced === true);
    }
    return e;
  }

  /** Lines of `map`, `types`, `geo`... : data for their module, checked by its rules. */
  private walkLines(kind: BlockKind, nodes: readonly DirectiveNode[], state: LineState, out: DirectiveNode[]): void {
    const check = LINE_CHECKS[kind]!;
    for (const d of nodes) {
      if (this.stopped) return;
      const where = this.where(d.endLine);
      if (d.block !== undefined || d.lua !== undefined || d.luaFailed === true) {
        out.push(d);
        this.report("emerg", 'unexpected "{"', where);
        continue;
      }
      const verdict = check([d.name, ...d.args], state);
      if (verdict !== "include") {
        out.push(d);
        if (verdict !== null) this.report("emerg", verdict, where);
        continue;
      }
      const files = this.includeTargets(d, where);
      if (files === null) continue;
      const indices: number[] = [];
      d.includes = indices;
      for (const f of files) {
        const rec = this.load(f, where);
        if (rec === null) break;
        indices.push(rec.index);
        this.inFile(f, () => this.walkLines(kind, rec.result.directives, state, out));
        this.reportFault(f, rec.result);
      }
    }
  }

  /**
   * Two servers on one address with one name: nginx warns once the http block is read
   * (ngx_http_server_names), for addresses that more than one server shares.
   */
  private checkServerNames(http: HttpState): void {
    const byAddress = new Map<string, ServerInfo[]>();
    for (const server of http.servers) {
      const listens = server.listens.length > 0 ? server.listens : [defaultListen()];
      for (const addr of new Set(listens)) {
        const list = byAddress.get(addr);
        if (list === undefined) byAddress.set(addr, [server]);
        else list.push(server);
      }
    }
    for (const [addr, servers] of byAddress) {
      if (servers.length < 2) continue;
      const seen = new Set<string>();
      for (const server of servers) {
        for (const name of server.names.length > 0 ? server.names : [""]) {
          if (name.startsWith("~")) continue;
          if (seen.has(name)) this.report("warn", `conflicting server name "${name}" on ${addr}, ignored`, null);
          seen.add(name);
        }
      }
    }
  }

  /** Duplicate exact or prefix locations, which nginx finds once the http block is read. */
  private checkLocationSets(http: HttpState): void {
    for (const set of http.locationSets) {
      let worst: { name: string; where: Where } | null = null;
      for (let i = 0; i < set.length; i++) {
        const a = set[i]!.info;
        if (a.kind !== "exact" && a.kind !== "prefix") continue;
        for (let j = i + 1; j < set.length; j++) {
          const b = set[j]!;
          if (b.info.kind === a.kind && b.info.name === a.name && (worst === null || a.name < worst.name)) {
            worst = { name: a.name, where: b.where };
          }
        }
      }
      if (worst !== null) return this.report("emerg", `duplicate location "${worst.name}"`, worst.where);
    }
  }
}

/** The real path, so that one file named two ways is one file for the cycle check. */
function canonical(path: string): string {
  try {
    return realpathSync(bytesToBuffer(path), { encoding: "buffer" }).toString("latin1");
  } catch {
    return path;
  }
}
