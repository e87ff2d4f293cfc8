#!/bin/sh
# Seed data for 05-redis (idempotent): start from no user:1:name, so the first
# /redis/get answers 404 and /redis/handler creates the key.
set -e
redis-cli -h 127.0.0.1 -p 6379 DEL user:1:name >/dev/null
