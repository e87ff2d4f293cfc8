// resty.upload (lua-resty-upload 0.11): a streaming multipart/form-data reader. read()
// returns the tokens "header" ({name, value, line}, or the raw line when it has no colon),
// "body" (chunks of at most chunk_size bytes), "part_end" and "eof", or nil, nil, err.
//
// As the original, it reads the body through ngx.req.socket() as the form is parsed, so a
// large upload is never whole in memory, and the socket's errors are its errors ("no body",
// "request body already exists", "chunked request bodies not supported yet"). With
// preserve_body, what was read is put back as the request body when the form ends.
import { luaModule } from "../lua-module.js";

const SOURCE = String.raw`
local ngx = ngx
local req = ngx.req
local sub, find, match = string.sub, string.find, string.match
local type, tonumber, setmetatable = type, tonumber, setmetatable

local _M = { _VERSION = "0.11" }
local mt = { __index = _M }

local CHUNK_SIZE = 4096
local MAX_LINE_SIZE = 512

local STATE_BEGIN = 1
local STATE_READING_HEADER = 2
local STATE_READING_BODY = 3
local STATE_EOF = 4

-- preserve_body: what is read goes back into the request body (ngx.req.init_body and
-- friends), pattern bytes that receiveuntil consumed included, so that later readers see it.
local function preserving(sock)
    req.init_body()
    local append = req.append_body
    local p = {}
    function p.receive(_, size)
        local data, err, partial = sock:receive(size)
        if data then
            append(data)
        elseif partial and partial ~= "" then
            append(partial)
        end
        return data, err, partial
    end
    function p.receiveuntil(_, pattern)
        local it = sock:receiveuntil(pattern)
        return function(size)
            local data, err, partial = it(size)
            if data then
                append(data)
            elseif not err then
                append(pattern)
            elseif partial and partial ~= "" then
                append(partial)
            end
            return data, err, partial
        end
    end
    function p.settimeout(_, t)
        return sock:settimeout(t)
    end
    return p
end

local function get_boundary()
    local header = ngx.var.content_type
    if not header then
        return nil
    end
    if type(header) == "table" then
        header = header[1]
    end
    local quoted = match(header, ";%s*boundary=\"([^\"]+)\"")
    if quoted then
        return quoted
    end
    return match(header, ";%s*boundary=([^\",;]+)")
end

function _M.new(self, chunk_size, max_line_size, preserve_body)
    local boundary = get_boundary()
    if not boundary then
        return nil, "no boundary defined in Content-Type"
    end
    local sock, err = req.socket()
    if not sock then
        return nil, err
    end
    if preserve_body then
        sock = preserving(sock)
    end
    return setmetatable({
        sock = sock,
        size = chunk_size or CHUNK_SIZE,
        line_size = max_line_size or MAX_LINE_SIZE,
        read2boundary = sock:receiveuntil("--" .. boundary),
        read_line = sock:receiveuntil("\r\n"),
        boundary = boundary,
        state = STATE_BEGIN,
        preserve_body = preserve_body,
    }, mt)
end

function _M.set_timeout(self, timeout)
    local sock = self.sock
    if not sock then
        return nil, "not initialized"
    end
    return sock:settimeout(timeout)
end

-- reads one line that must fit in line_size bytes
local function discard_line(self)
    local read_line = self.read_line
    local line, err = read_line(self.line_size)
    if not line then
        return nil, err
    end
    local more
    more, err = read_line(1)
    if more then
        return nil, "line too long: " .. line .. more .. "..."
    end
    if err then
        return nil, err
    end
    return 1
end

local function discard_rest(self)
    local sock, size = self.sock, self.size
    while true do
        local data, err = sock:receive(size)
        if err and err ~= "closed" then
            return nil, err
        end
        if not data then
            return 1
        end
    end
end

local read_header

local function read_body_part(self)
    local chunk, err = self.read2boundary(self.size)
    if err then
        return nil, nil, err
    end
    if chunk then
        return "body", chunk
    end
    -- at a boundary: "--" ends the form, anything else is the rest of the boundary line
    local sock = self.sock
    local after = sock:receive(2)
    if after == "--" then
        local ok, e = discard_rest(self)
        if not ok then
            return nil, nil, e
        end
        if self.preserve_body then
            req.finish_body()
        end
        self.state = STATE_EOF
        return "part_end"
    end
    if after ~= "\r\n" then
        local ok, e = discard_line(self)
        if not ok then
            return nil, nil, e
        end
    end
    self.state = STATE_READING_HEADER
    return "part_end"
end

read_header = function(self)
    local read_line = self.read_line
    local line, err = read_line(self.line_size)
    if err then
        return nil, nil, err
    end
    local more
    more, err = read_line(1)
    if more then
        return nil, nil, "line too long: " .. line .. more .. "..."
    end
    if err then
        return nil, nil, err
    end
    if line == "" then
        -- the empty line after a part's headers
        self.state = STATE_READING_BODY
        return read_body_part(self)
    end
    local name, value = match(line, "([^: \t]+)%s*:%s*(.+)")
    if not name then
        return "header", line
    end
    return "header", { name, value, line }
end

local function read_preamble(self)
    local sock = self.sock
    if not sock then
        return nil, nil, "not initialized"
    end
    local size, read2boundary = self.size, self.read2boundary
    -- whatever comes before the first boundary is dropped
    while read2boundary(size) do
    end
    local ok, err = discard_line(self)
    if not ok then
        return nil, nil, err
    end
    -- from now on a boundary starts a line
    self.read2boundary = sock:receiveuntil("\r\n--" .. self.boundary)
    self.state = STATE_READING_HEADER
    return read_header(self)
end

local function eof()
    return "eof", nil
end

local state_handlers = { read_preamble, read_header, read_body_part, eof }

function _M.read(self)
    local handler = state_handlers[self.state]
    if handler then
        return handler(self)
    end
    return nil, nil, "bad state: " .. self.state
end

return _M
`;

/** require "resty.upload" */
export const makeUpload = luaModule("resty.upload", SOURCE);
