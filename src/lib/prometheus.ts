// prometheus (knyar/nginx-lua-prometheus, 0.20240525's API), also required as
// prometheus (nginx-lua-prometheus): counters, gauges and histograms kept in one lua_shared_dict, one entry
// per series, and exposed in Prometheus's text format. Written in Lua (see lua-module.ts):
// del/reset sleep, and everything goes through ngx.shared as the original does.
//
// Series keys are built so that a plain byte sort groups each metric and orders histogram
// buckets: labels in declaration order, `le` last, bucket bounds zero-padded to one width
// ("%06.3f" for the default buckets) and the +Inf bucket stored as "Inf"; the padding and
// "Inf" are undone on output. The original buffers counter increments per worker and syncs
// them every sync_interval; with one worker they go to the dict at once (the output of
// metric_data, which syncs first, is the same).
import { luaModule } from "./lua-module.js";

const SOURCE = String.raw`
local ngx = ngx
local ngx_log, ngx_sleep = ngx.log, ngx.sleep
local ERR, WARN, INFO = ngx.ERR, ngx.WARN, ngx.INFO
local format, sub, find, byte, match, gsub = string.format, string.sub, string.find, string.byte, string.match, string.gsub
local concat, sort = table.concat, table.sort
local type, tostring, tonumber, pairs, setmetatable, error, assert = type, tostring, tonumber, pairs, setmetatable, error, assert
local math_max = math.max

local Prometheus = {}
local mt = { __index = Prometheus }

local TYPE_COUNTER, TYPE_GAUGE, TYPE_HISTOGRAM = 1, 2, 4
local TYPE_NAMES = { [1] = "counter", [2] = "gauge", [4] = "histogram" }

local DEFAULT_ERROR_METRIC_NAME = "nginx_metric_errors_total"
local DEFAULT_SYNC_INTERVAL = 1
-- 5 ms to 10 s, for request latencies
local DEFAULT_BUCKETS = { 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.3,
                          0.4, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10 }

local ERR_COUNTER_NOT_INITIALIZED = "counter not initialized! " ..
  "Have you called Prometheus:init() from the init_worker_by_lua_block nginx phase?"

-- where a lookup leaf keeps the series name(s) of one label combination
local LEAF = {}

-- The longest prefix of s that is valid UTF-8 (label values are cut at the first bad byte).
local function valid_utf8_prefix(s)
  local i, n = 1, #s
  while i <= n do
    local c = byte(s, i)
    if c >= 0x80 then
      local extra, lo, hi
      if c >= 0xC2 and c <= 0xDF then extra, lo, hi = 1, 0x80, 0xBF
      elseif c == 0xE0 then extra, lo, hi = 2, 0xA0, 0xBF
      elseif c == 0xED then extra, lo, hi = 2, 0x80, 0x9F
      elseif c >= 0xE1 and c <= 0xEF then extra, lo, hi = 2, 0x80, 0xBF
      elseif c == 0xF0 then extra, lo, hi = 3, 0x90, 0xBF
      elseif c == 0xF4 then extra, lo, hi = 3, 0x80, 0x8F
      elseif c >= 0xF1 and c <= 0xF3 then extra, lo, hi = 3, 0x80, 0xBF
      else return sub(s, 1, i - 1) end
      if i + extra > n then return sub(s, 1, i - 1) end
      for j = 1, extra do
        local b = byte(s, i + j)
        if b < lo or b > hi then return sub(s, 1, i - 1) end
        lo, hi = 0x80, 0xBF
      end
      i = i + extra
    end
    i = i + 1
  end
  return s
end

local ESCAPES = { ["\\"] = "\\\\", ['"'] = '\\"', ["\n"] = "\\n" }

-- name{k1="v1",k2="v2"}, values escaped for the text format.
local function series_name(name, label_names, label_values)
  if not label_names then
    return name
  end
  local parts = {}
  for i = 1, #label_names do
    local v = label_values[i]
    if type(v) == "string" then
      v = gsub(valid_utf8_prefix(v), '[\\"\n]', ESCAPES)
    else
      v = tostring(v)
    end
    parts[i] = label_names[i] .. '="' .. v .. '"'
  end
  return name .. "{" .. concat(parts, ",") .. "}"
end

-- The metric a series belongs to: its name without labels, and for histogram buckets
-- without the _bucket suffix.
local function metric_of(key)
  local brace = find(key, "{", 1, true)
  if not brace then
    return key
  end
  local bucket = find(key, "_bucket{", 1, true)
  if bucket and find(key, "le=", brace + 1, true) then
    return sub(key, 1, bucket - 1)
  end
  return sub(key, 1, brace - 1)
end

local function check_names(name, label_names)
  if not match(name, "^[a-zA-Z_:][a-zA-Z0-9_:]*$") then
    return "Metric name '" .. name .. "' is invalid"
  end
  if label_names then
    for i = 1, #label_names do
      local l = label_names[i]
      if l == "le" then
        return "Invalid label name 'le' in " .. name
      end
      if not match(l, "^[a-zA-Z_][a-zA-Z0-9_]*$") then
        return "Metric '" .. name .. "' label name '" .. l .. "' is invalid"
      end
    end
  end
end

-- A printf format giving every bound the same number of digits before and after the point,
-- so that bounds sort as strings in numeric order.
local function bucket_format(buckets)
  local int_digits, frac_digits = 1, 1
  for i = 1, #buckets do
    local b = buckets[i]
    assert(type(b) == "number", "bucket boundaries should be numeric")
    local s = gsub(format("%f", b), "0*$", "")
    local dot = find(s, ".", 1, true)
    int_digits = math_max(int_digits, dot - 1)
    frac_digits = math_max(frac_digits, #s - dot)
  end
  return "%0" .. (int_digits + frac_digits + 1) .. "." .. frac_digits .. "f"
end

-- The exposed form of a stored key: le="0010.000" -> le="10", le="Inf" -> le="+Inf".
local function exposed_key(key)
  local head, le, tail = match(key, '^(.*[,{]le=")(.-)(".*)$')
  if not head then
    return key
  end
  if le == "Inf" then
    return head .. "+Inf" .. tail
  end
  return head .. tostring(tonumber(le)) .. tail
end

-- The series name (histograms: the list count, sum, buckets..., Inf) for label values,
-- cached in a tree of label values.
local function lookup(self, label_values)
  local n = label_values and #label_values or 0
  if n ~= self.label_count or (self.label_count > 0 and label_values[1] == nil) then
    return nil, format("inconsistent labels count, expected %d, got %d", self.label_count, n)
  end
  local t = self.lookup
  for i = 1, n do
    local v = label_values[i]
    local next_t = t[v]
    if not next_t then
      next_t = {}
      t[v] = next_t
    end
    t = next_t
  end
  local names = t[LEAF]
  if names then
    return names
  end
  if self.typ == TYPE_HISTOGRAM then
    local labels = series_name("", self.label_names, label_values)
    names = { self.name .. "_count" .. labels, self.name .. "_sum" .. labels }
    local prefix
    if self.label_count > 0 then
      prefix = self.name .. "_bucket" .. sub(labels, 1, -2) .. ","
    else
      prefix = self.name .. "_bucket{"
    end
    local fmt = self.bucket_format
    for i = 1, self.bucket_count do
      names[i + 2] = prefix .. 'le="' .. format(fmt, self.buckets[i]) .. '"}'
    end
    names[self.bucket_count + 3] = prefix .. 'le="Inf"}'
  else
    names = series_name(self.name, self.label_names, label_values)
  end
  t[LEAF] = names
  return names
end

local function counter_ready(self)
  if not self.parent._counter then
    self.parent:log_error(ERR_COUNTER_NOT_INITIALIZED)
    return false
  end
  return true
end

local function inc_counter(self, value, label_values)
  if value and value < 0 then
    self.parent:log_error_kv(self.name, value, "Value should not be negative")
    return
  end
  local k, err = lookup(self, label_values)
  if not k then
    self.parent:log_error(err)
    return
  end
  if not counter_ready(self) then
    return
  end
  local _, e = self.parent.dict:incr(k, value or 1, 0)
  if e then
    self.parent:log_error_kv(k, value or 1, e)
  end
end

local function inc_gauge(self, value, label_values)
  local k, err = lookup(self, label_values)
  if not k then
    self.parent:log_error(err)
    return
  end
  local _, e = self.parent.dict:incr(k, value or 1, 0)
  if e then
    self.parent:log_error_kv(k, value or 1, e)
  end
end

local function set(self, value, label_values)
  if not value then
    self.parent:log_error("No value passed for " .. self.name)
    return
  end
  local k, err = lookup(self, label_values)
  if not k then
    self.parent:log_error(err)
    return
  end
  local _, e = self.parent.dict:safe_set(k, value)
  if e then
    self.parent:log_error_kv(k, value, e)
  end
end

local function observe(self, value, label_values)
  if not value then
    self.parent:log_error("No value passed for " .. self.name)
    return
  end
  local keys, err = lookup(self, label_values)
  if not keys then
    self.parent:log_error(err)
    return
  end
  if not counter_ready(self) then
    return
  end
  local dict = self.parent.dict
  dict:incr(keys[1], 1, 0)
  dict:incr(keys[2], value, 0)
  -- every bucket whose bound is at least the value counts it; from the top, stopping at
  -- the first bound below the value once one counted
  local buckets, counted = self.buckets, false
  for i = self.bucket_count, 1, -1 do
    if value <= buckets[i] then
      dict:incr(keys[i + 2], 1, 0)
      counted = true
    elseif counted then
      break
    end
  end
  dict:incr(keys[self.bucket_count + 3], 1, 0)
end

-- Other workers' unsynced increments are waited for before a series goes (not for gauges,
-- which are never buffered).
local function wait_for_sync(self)
  if self.typ ~= TYPE_GAUGE then
    ngx_log(INFO, "waiting ", self.parent.sync_interval, "s for counter to sync")
    ngx_sleep(self.parent.sync_interval)
  end
end

local function del(self, label_values)
  local k, err = lookup(self, label_values)
  if not k then
    self.parent:log_error(err)
    return
  end
  wait_for_sync(self)
  local _, e = self.parent.dict:delete(k)
  if e then
    self.parent:log_error("Error deleting key: " .. k .. ": " .. e)
  end
end

local function reset(self)
  wait_for_sync(self)
  local dict = self.parent.dict
  local name = self.name
  local prefixes
  if self.typ == TYPE_HISTOGRAM then
    if self.label_count == 0 then
      prefixes = { name .. "_count", name .. "_sum", name .. "_bucket{" }
    else
      prefixes = { name .. "_count{", name .. "_sum{", name .. "_bucket{" }
    end
  else
    prefixes = { name .. "{" }
  end
  local keys = dict:get_keys(0)
  for i = 1, #keys do
    local key = keys[i]
    local value, err = dict:get(key)
    if value then
      local hit = key == name
      for j = 1, #prefixes do
        local p = prefixes[j]
        if hit or sub(key, 1, #p) == p then
          hit = true
          break
        end
      end
      if hit then
        local _, e = dict:safe_set(key, nil)
        if e then
          self.parent:log_error("Error resetting '", key, "': ", e)
        end
      end
    elseif err then
      self.parent:log_error("Error getting '", key, "': ", err)
    end
  end
  self.lookup = {}
end

function Prometheus.init(dict_name, options_or_prefix)
  local phase = ngx.get_phase()
  if phase ~= "init" and phase ~= "init_worker" and phase ~= "timer" then
    error("Prometheus.init can only be called from " ..
      "init_by_lua_block, init_worker_by_lua_block or timer", 2)
  end
  dict_name = dict_name or "prometheus_metrics"
  local self = setmetatable({ dict_name = dict_name }, mt)
  self.dict = ngx.shared[dict_name]
  if self.dict == nil then
    error("Dictionary '" .. dict_name .. "' does not seem to exist. " ..
      "Please define the dictionary using ` + "`lua_shared_dict`" + String.raw`.", 2)
  end
  if type(options_or_prefix) == "table" then
    self.prefix = options_or_prefix.prefix or ""
    self.error_metric_name = options_or_prefix.error_metric_name or DEFAULT_ERROR_METRIC_NAME
    self.sync_interval = options_or_prefix.sync_interval or DEFAULT_SYNC_INTERVAL
  else
    self.prefix = options_or_prefix or ""
    self.error_metric_name = DEFAULT_ERROR_METRIC_NAME
    self.sync_interval = DEFAULT_SYNC_INTERVAL
  end
  self.registry = {}
  self.initialized = true
  self:counter(self.error_metric_name, "Number of nginx-lua-prometheus errors")
  self.dict:set(self.error_metric_name, 0)
  if phase == "init_worker" then
    self:init_worker(self.sync_interval)
  end
  return self
end

function Prometheus:init_worker(sync_interval)
  if ngx.get_phase() ~= "init_worker" then
    error("Prometheus:init_worker can only be called in init_worker_by_lua_block", 2)
  end
  if self._counter then
    ngx_log(WARN, "init_worker() has been called twice. " ..
      "Please do not explicitly call init_worker. " ..
      "Instead, call Prometheus:init() in the init_worker_by_lua_block")
    return
  end
  self.sync_interval = sync_interval or DEFAULT_SYNC_INTERVAL
  -- the worker's counter: increments go straight to the dict here
  self._counter = true
end

local function register(self, name, help, label_names, buckets, typ)
  if not self.initialized then
    ngx_log(ERR, "Prometheus module has not been initialized")
    return
  end
  local err = check_names(name, label_names)
  if err then
    self:log_error(err)
    return
  end
  local reg = self.registry
  local taken
  if typ == TYPE_HISTOGRAM then
    taken = reg[name] or reg[name .. "_count"] or reg[name .. "_sum"] or reg[name .. "_bucket"]
  else
    local base = gsub(gsub(gsub(name, "_bucket$", ""), "_count$", ""), "_sum$", "")
    taken = reg[name] or reg[base]
  end
  if taken then
    self:log_error("Duplicate metric " .. name)
    return
  end
  local metric = {
    name = name,
    help = help,
    typ = typ,
    label_names = label_names,
    label_count = label_names and #label_names or 0,
    lookup = {},
    parent = self,
    reset = reset,
  }
  if typ == TYPE_HISTOGRAM then
    metric.observe = observe
    metric.buckets = buckets or DEFAULT_BUCKETS
    metric.bucket_count = #metric.buckets
    metric.bucket_format = bucket_format(metric.buckets)
  else
    if typ == TYPE_GAUGE then
      metric.set = set
      metric.inc = inc_gauge
    else
      metric.inc = inc_counter
    end
    metric.del = del
  end
  reg[name] = metric
  return metric
end

function Prometheus:counter(name, help, label_names)
  return register(self, name, help, label_names, nil, TYPE_COUNTER)
end

function Prometheus:gauge(name, help, label_names)
  return register(self, name, help, label_names, nil, TYPE_GAUGE)
end

function Prometheus:histogram(name, help, label_names, buckets)
  return register(self, name, help, label_names, buckets, TYPE_HISTOGRAM)
end

-- The exposition as an array of lines: series sorted by key, each metric's first series
-- preceded by its HELP and TYPE lines.
function Prometheus:metric_data()
  if not self.initialized then
    ngx_log(ERR, "Prometheus module has not been initialized")
    return
  end
  local dict, prefix, registry = self.dict, self.prefix, self.registry
  local keys = dict:get_keys(0)
  sort(keys)
  local seen = {}
  local out = {}
  for i = 1, #keys do
    local key = keys[i]
    local value, err = dict:get(key)
    if value then
      local short = metric_of(key)
      if not seen[short] then
        seen[short] = true
        local m = registry[short]
        if m then
          if m.help then
            out[#out + 1] = format("# HELP %s%s %s\n", prefix, short, m.help)
          end
          out[#out + 1] = format("# TYPE %s%s %s\n", prefix, short, TYPE_NAMES[m.typ])
        end
      end
      out[#out + 1] = format("%s%s %s\n", prefix, exposed_key(key), value)
    elseif type(err) == "string" then
      self:log_error("Error getting '", key, "': ", err)
    end
  end
  return out
end

function Prometheus:collect()
  ngx.header["Content-Type"] = "text/plain"
  ngx.print(self:metric_data())
end

function Prometheus:log_error(...)
  ngx_log(ERR, ...)
  self.dict:incr(self.error_metric_name, 1, 0)
end

function Prometheus:log_error_kv(key, value, err)
  self:log_error("Error while setting '", key, "' to '", value, "': '", err, "'")
end

return Prometheus
`;

/** require "prometheus" */
export const makePrometheus = luaModule("prometheus", SOURCE);
