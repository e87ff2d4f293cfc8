// The chunk name lua-nginx-module gives inline Lua (ngx_http_lua_gen_chunk_name), which
// appears in every Lua error: `content_by_lua(nginx.conf:12):3: attempt to ...`. The file
// part is "nginx.conf" for any file of that name, else the path relative to the conf
// directory, else the full path, cut from the left to fit LuaJIT's 56-byte chunk names.

const LJ_CHUNKNAME_MAX_LEN = 56;

/**
 * @param tag the directive without `_block`: "content_by_lua", "set_by_lua", ...
 * @param file the configuration file the code is in
 * @param line the line of the `{` (block form) or of the `;` (string form)
 * @param confPrefix the configuration directory, with its trailing `/`
 * @returns the name without Lua's leading `=`
 */
export function luaChunkName(tag: string, file: string, line: number, confPrefix: string): string {
  const reserve = tag.length + String(line).length;
  let shown: string;
  let pre = "";
  if (file.length >= 11 && file.endsWith("/nginx.conf")) {
    shown = "nginx.conf";
  } else if (confPrefix.length < file.length && file.startsWith(confPrefix)) {
    shown = file.slice(confPrefix.length);
    if (shown.length + reserve > LJ_CHUNKNAME_MAX_LEN) {
      shown = file.slice(file.length - LJ_CHUNKNAME_MAX_LEN + reserve + 3);
      pre = "...";
    }
  } else if (file.length + reserve <= LJ_CHUNKNAME_MAX_LEN) {
    shown = file;
  } else {
    shown = file.slice(file.length - LJ_CHUNKNAME_MAX_LEN + reserve + 3);
    pre = "...";
  }
  return `${tag}(${pre}${shown}:${line})`;
}
