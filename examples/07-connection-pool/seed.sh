#!/bin/sh
# Seed data (idempotent): the users table of the tutorial's MySQL cases, in the database
# `test` of the local MariaDB (root, empty password).
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
