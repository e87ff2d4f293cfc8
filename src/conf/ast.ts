// The configuration tree that the rest of tsresty consumes.
//
// Every string here is a byte string: one JS char per byte of the file (latin1), as nginx
// sees it, and as the Lua runtime expects (see src/lua/syntax/ast.ts). For ASCII text this
// is the ordinary string; use `decodeBytes` (bytes.ts) where UTF-8 text is wanted.

/** One directive, `name args...;` or `name args... { block }`, after nginx's unquoting. */
export interface Directive {
  readonly name: string;
  /** Arguments with quotes removed and nginx's escapes applied (`\"`, `\\`, `\t`...). */
  readonly args: readonly string[];
  /** The file as nginx names it in messages: PREFIX + conf, or conf_prefix + include; "" for -g. */
  readonly file: string;
  /** Line of the directive's first token (crossplane's `line`). */
  readonly line: number;
  /** Line of the `;` or `{` that ends its head: the line nginx reports for it. */
  readonly endLine: number;
  /** Child directives of a block (`http {}`, `location / {}`); absent for `name ...;`. */
  readonly block?: readonly Directive[];
  /** The Lua body of a `*_by_lua_block` directive. */
  readonly lua?: LuaBlock;
  /** For `include` in the per-file view: indices into LoadResult.files (crossplane). */
  readonly includes?: readonly number[];
}

/** The verbatim body of `content_by_lua_block { ... }` (or `set_by_lua_block $v { ... }`). */
export interface LuaBlock {
  /** The text between `{` and its closing `}`, as bytes. Line 1 of it is the `{` line. */
  readonly code: string;
  /** The line of the opening `{`: chunk names use it (`content_by_lua(nginx.conf:LINE)`). */
  readonly line: number;
  /** The line of the closing `}`. */
  readonly endLine: number;
}

export type Severity = "emerg" | "alert" | "crit" | "error" | "warn" | "notice";

/** An error or a warning, worded as nginx words it. */
export interface Diagnostic {
  readonly level: Severity;
  /** nginx's text, without the location suffix. */
  readonly message: string;
  /** Where: a file and line, `"command line"` for -g, or nothing (whole-config checks). */
  readonly file?: string;
  readonly line?: number;
  readonly commandLine?: boolean;
}

/** One configuration file as parsed (crossplane's `config[]` entries). */
export interface ConfFile {
  readonly file: string;
  /** Its directives; `include` stays a directive here, with `includes` set. */
  readonly directives: readonly Directive[];
  readonly errors: readonly Diagnostic[];
}

export interface LoadOptions {
  /** nginx's -p. Default: the current directory. */
  readonly prefix?: string;
  /** nginx's -c, relative to the prefix. Default: conf/nginx.conf. */
  readonly conf?: string;
  /** nginx's -g: directives applied before the file. */
  readonly globals?: string;
  /** Read a file (default: fs). Tests and the benchmark inject files; globs still list directories through fs. */
  readonly readFile?: (path: string) => Buffer;
}

export interface LoadResult {
  /** True when nginx -t would succeed: no diagnostic of level error or above. */
  readonly ok: boolean;
  /** True when parsing got through (nginx's "syntax is ok"). */
  readonly syntaxOk: boolean;
  /** The prefix with a trailing slash, as nginx keeps it. */
  readonly prefix: string;
  /** The main configuration file's path (prefix + conf). */
  readonly confFile: string;
  /** The directory of the configuration file, with a trailing slash: includes resolve here. */
  readonly confPrefix: string;
  /** The -g directives, parsed. */
  readonly globals: readonly Directive[];
  /** The whole configuration with includes replaced by the included directives. */
  readonly tree: readonly Directive[];
  /** Each file once, the main file first, then includes in the order met. */
  readonly files: readonly ConfFile[];
  /** Errors and warnings in the order nginx would report them. */
  readonly diagnostics: readonly Diagnostic[];
  /** How many of `diagnostics` come before nginx's "syntax is ok" line. */
  readonly syntaxDiagnostics: number;
}
