#!/bin/sh
# Seed data for 14-dynamic-routing (idempotent): the tutorial's two routes, with the services
# on local ports: user-service on 127.0.0.1:8081, order-service on 127.0.0.1:8082 (both served
# by backend.mjs). The tutorial's values: http://user-service:8080, http://order-service:8080.
set -e
# 设置路由规则
redis-cli -h 127.0.0.1 -p 6379 SET "route:user-service" '{"backend":"http://127.0.0.1:8081","timeout":5000}' >/dev/null
redis-cli -h 127.0.0.1 -p 6379 SET "route:order-service" '{"backend":"http://127.0.0.1:8082","timeout":3000}' >/dev/null
redis-cli -h 127.0.0.1 -p 6379 DEL "route:missing-service" >/dev/null
