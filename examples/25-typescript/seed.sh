#!/bin/sh
# Seed data for 25-typescript (idempotent): note "welcome" exists, note "draft" does not.
set -e
redis-cli -h 127.0.0.1 -p 6379 SET example25:note:welcome '{"text":"hello from redis","at":1700000000}' >/dev/null
redis-cli -h 127.0.0.1 -p 6379 DEL example25:note:draft >/dev/null
