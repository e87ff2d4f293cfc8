// The configuration front end's public API, for the server and the CLI.

export type { ConfFile, Diagnostic, Directive, LoadOptions, LoadResult, LuaBlock, Severity } from "./ast.js";
export { loadConfig, resolvePaths, DEFAULT_CONF, type LoadConfigOptions } from "./load.js";
export { formatDiagnostic, isError } from "./diagnostics.js";
export { decodeBytes, encodeBytes, bytesToBuffer } from "./bytes.js";
export { luaChunkName } from "./lua-chunk-name.js";
export { toCrossplane, type CrossplaneOutput } from "./crossplane.js";
export { printConfig } from "./print.js";
export {
  listRegistry,
  lookupDirective,
  resolveDirective,
  isLuaBlockDirective,
  MODULES,
  type RegistryEntry,
  type DirectiveSpec,
  type Context,
  type ArgRule,
  type BlockKind,
  type SupportStatus,
} from "./registry/index.js";
