-- /usr/local/openresty/nginx/lua/metrics.lua
-- (case 18; in this example lua/metrics.lua, found through lua_package_path)
local _M = {}

-- [fix] the library (nginx-lua-prometheus) is the module "prometheus"; there is no
-- "resty.prometheus", and OpenResty fails with "module 'resty.prometheus' not found"
local prometheus = require "prometheus"

-- 初始化Prometheus
function _M.init()
    _M.metrics = prometheus.init("prometheus_metrics")

    -- 定义指标
    _M.http_requests = _M.metrics:counter(
        "http_requests_total",
        "Total HTTP requests",
        {"method", "endpoint", "status"}
    )

    _M.http_latency = _M.metrics:histogram(
        "http_request_duration_seconds",
        "HTTP request latency",
        {"method", "endpoint"}
    )
end

-- 记录请求
function _M.log_request()
    local method = ngx.req.get_method()
    local uri = ngx.var.uri
    local status = ngx.status
    local latency = tonumber(ngx.var.request_time)

    _M.http_requests:inc(1, {method, uri, status})
    _M.http_latency:observe(latency, {method, uri})
end

return _M
