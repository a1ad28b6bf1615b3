-- The CDC account binlogd connects with (the same name and password as the local test stack's).
-- Run once by the mariadb image on an empty data directory. Change the password outside demos.
-- REPLICATION SLAVE reads the binlog, REPLICATION CLIENT runs SHOW MASTER STATUS / BINARY LOGS,
-- SELECT and SHOW DATABASES serve the snapshot, RELOAD its FLUSH TABLES (snapshot.locking.mode).
CREATE USER IF NOT EXISTS 'binlogd'@'%' IDENTIFIED BY 'binlogd';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'binlogd'@'%';
