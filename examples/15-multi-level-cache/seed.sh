#!/bin/sh
# Seed data for 15-multi-level-cache (idempotent): the users table (rows 1-3) in MariaDB's
# database `test`; in Redis, user:2 cached (level 2) and user:1, user:3 not.
set -e
# Runs as root over the unix socket. Debian's MariaDB lets root in over that socket only; the
# tutorial connects over TCP (127.0.0.1:3306) as root with an empty password, so allow that too
# (a development machine's setting: socket logins keep working).
mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket"
mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS test"
mariadb -uroot test <<'SQL'
CREATE TABLE IF NOT EXISTS users (
    id INT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    email VARCHAR(128) NOT NULL
);
DELETE FROM users WHERE id IN (1, 2, 3);
INSERT INTO users (id, name, email) VALUES
    (1, 'John', 'john@example.com'),
    (2, 'Jane', 'jane@example.com'),
    (3, 'Bob', 'bob@example.com');
SQL
redis-cli -h 127.0.0.1 -p 6379 DEL user:1 user:3 >/dev/null
redis-cli -h 127.0.0.1 -p 6379 SET user:2 '{"id":2,"name":"Jane","email":"jane@example.com"}' >/dev/null
