// resty.upload (lua-resty-upload 0.11): a streaming multipart/form-data reader. read()
// returns the tokens "header" ({name, value, line}, or the raw line when it has no colon),
// "body" (chunks of at most chunk_size bytes), "part_end" and "eof", or nil, nil, err.
//
// The original reads through ngx.req.socket(), which tsresty does not have yet. Here the
// request body is read whole first (ngx.req.read_body, from memory or its temp file) and a
// small reader over it stands in for the socket, with the cosocket's receive/receiveuntil
// results as the reference gives them: data before the pattern (an empty string for an
// empty line), nil once the pattern was consumed, exactly chunk_size bytes when that many
// come before the pattern, and nil, "closed", partial at the end of the body. The socket's
// errors are kept: "no body", "request body already exists" (the body was read before, or
// by a previous upload:new), "chunked request bodies not supported yet". Limits: the body
// is held in memory while it is parsed, and it stays readable afterwards (as with the
// original's preserve_body) whether or not preserve_body is set.
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

-- The request body as a byte stream with the cosocket's reading calls.
local Body = {}
Body.__index = Body

local function open_body()
    local headers = req.get_headers()
    local te = headers["transfer-encoding"]
    if type(te) == "table" then te = te[1] end
    if te and find(te:lower(), "chunked", 1, true) then
        return nil, "chunked request bodies not supported yet"
    end
    local len = headers["content-length"]
    if type(len) == "table" then len = len[1] end
    len = tonumber(len)
    if not len or len <= 0 then
        return nil, "no body"
    end
    if req.get_body_data() or req.get_body_file() then
        return nil, "request body already exists"
    end
    req.read_body()
    local data = req.get_body_data()
    if not data then
        local path = req.get_body_file()
        local f = path and io.open(path, "rb")
        if not f then
            return nil, "no body"
        end
        data = f:read("*a")
        f:close()
    end
    return setmetatable({ data = data, pos = 1, closed = false }, Body)
end

function Body:receive(size)
    if self.closed then
        return nil, "closed"
    end
    local data, pos = self.data, self.pos
    local last = pos + size - 1
    if last > #data then
        self.closed = true
        self.pos = #data + 1
        return nil, "closed", sub(data, pos)
    end
    self.pos = last + 1
    return sub(data, pos, last)
end

-- iterator(size): the data before pattern in pieces of at most size bytes; nil after the
-- piece that reached the pattern (the pattern is then consumed).
function Body:receiveuntil(pattern)
    local reached = false
    return function(size)
        if reached then
            reached = false
            return nil
        end
        if self.closed then
            return nil, "closed"
        end
        local data, pos = self.data, self.pos
        local at = find(data, pattern, pos, true)
        if at then
            if size and at - pos >= size then
                self.pos = pos + size
                return sub(data, pos, pos + size - 1)
            end
            self.pos = at + #pattern
            reached = true
            return sub(data, pos, at - 1)
        end
        if size and #data - pos + 1 > size then
            self.pos = pos + size
            return sub(data, pos, pos + size - 1)
        end
        self.closed = true
        self.pos = #data + 1
        return nil, "closed", sub(data, pos)
    end
end

function Body:settimeout()
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
    local sock, err = open_body()
    if not sock then
        return nil, err
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
