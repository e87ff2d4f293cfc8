#!/bin/sh
# Seed data for 14-dynamic-routing (idempotent): the tutorial's two routes, with the services
# on local ports: user-service on 127.0.0.1:8081, order-service on 127.0.0.1:8082 (both served
# by backend.mjs). The tutorial's values: http://user-service:8080, http://order-service:8080.
set -e
# 设置路由规则
# [local] the backends are local ports (the tutorial: http://user-service:8080 and
# http://order-service:8080), and redis-cli names the server (-h 127.0.0.1 -p 6379)
redis-cli -h 127.0.0.1 -p 6379 SET "route:user-service" '{"backend":"http://127.0.0.1:8081","timeout":5000}' >/dev/null
redis-cli -h 127.0.0.1 -p 6379 SET "route:order-service" '{"backend":"http://127.0.0.1:8082","timeout":3000}' >/dev/null
# [added] no route for the service the README's 404 example asks for
redis-cli -h 127.0.0.1 -p 6379 DEL "route:missing-service" >/dev/null
