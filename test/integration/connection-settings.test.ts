// The connection properties that map onto the MariaDB client, against the real server:
// database.initial.statements on every new connection (plain and snapshot), and
// database.query.timeout.ms bounding a query's wait with an error that names the property.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinlogdError } from '../../src/errors.js';
import { openSnapshotSqlClient, openSqlClient, type SqlEndpoint } from '../../src/source/sql-client.js';
import { loadStackEnv } from '../support/stack-env.js';

const env = loadStackEnv();
const endpoint: SqlEndpoint = { host: env.mariadb.host, port: env.mariadb.port, user: env.mariadb.user, password: env.mariadb.password };

test('database.initial.statements run on each new connection, before the snapshot reads in UTC', async () => {
  const initialStatements = ['SET @binlogd_probe = 42', "SET SESSION time_zone = '+05:00'"];
  const plain = await openSqlClient({ ...endpoint, initialStatements });
  try {
    assert.deepEqual(await plain.query('SELECT CAST(@binlogd_probe AS CHAR) AS probe, @@session.time_zone AS tz'), [{ probe: '42', tz: '+05:00' }]);
  } finally {
    await plain.close();
  }
  const snapshot = await openSnapshotSqlClient({ ...endpoint, initialStatements });
  try {
    assert.deepEqual(await snapshot.query('SELECT CAST(@binlogd_probe AS CHAR) AS probe, @@session.time_zone AS tz'), [{ probe: '42', tz: '+00:00' }]);
  } finally {
    await snapshot.close();
  }
});

test('a failing initial statement is a config error naming the property and the statement by number, not its text', async () => {
  const secretish = "SET @token = 'do-not-log-me'";
  for (const open of [openSqlClient, openSnapshotSqlClient]) {
    await assert.rejects(open({ ...endpoint, initialStatements: [secretish, 'SELEC nonsense'] }), (error: BinlogdError) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /^database\.initial\.statements: statement 2 of 2 failed on MariaDB .*You have an error in your SQL syntax/);
      assert.doesNotMatch(error.message, /do-not-log-me/);
      return true;
    });
  }
});

test('database.query.timeout.ms ends a query that waits longer, with a retriable error naming the property', async () => {
  const client = await openSqlClient({ ...endpoint, queryTimeoutMs: 300 });
  try {
    const started = Date.now();
    await assert.rejects(client.query('SELECT SLEEP(3)'), (error: BinlogdError) => {
      assert.equal(error.code, 'SOURCE_CONNECTION_LOST');
      assert.equal(error.retriable, true);
      assert.match(error.message, /did not answer a query within database\.query\.timeout\.ms \(300 ms\)/);
      return true;
    });
    assert.ok(Date.now() - started < 2500, 'the timeout, not the query, ended the wait');
    assert.deepEqual(await client.query('SELECT 1 AS one'), [{ one: 1 }], 'the client opens a new connection afterwards');
  } finally {
    await client.close();
  }
  const unbounded = await openSqlClient({ ...endpoint, queryTimeoutMs: 0 });
  try {
    assert.deepEqual(await unbounded.query('SELECT SLEEP(0.5) AS slept'), [{ slept: 0 }]);
  } finally {
    await unbounded.close();
  }
});
