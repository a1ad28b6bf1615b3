// binlogd's source side against real servers: our users' server settings (compressed binlog, GTID
// domain 1), a lost binlog connection, and the clear errors for servers it cannot capture from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';

const DB = 'binlogd_test';
const env = loadStackEnv();

async function withTable<T>(port: number, body: (table: string, db: Awaited<ReturnType<typeof connectAsRoot>>) => Promise<T>): Promise<T> {
  const db = await connectAsRoot(port);
  const table = uniqueName('src');
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${DB}.${table} (id INT PRIMARY KEY, payload TEXT)`);
  try {
    return await body(table, db);
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${DB}.${table}`);
    await db.end();
  }
}

async function stopped(binlogd: BinlogdProcess): Promise<void> {
  assert.equal(await binlogd.stop(), 0, 'binlogd exits 0 on SIGTERM');
}

function failure(binlogd: BinlogdProcess): string {
  const entry = binlogd.logs.find((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('connector failed'));
  return String(entry?.['msg'] ?? '');
}

test("streams from our users' server settings: compressed binlog events, GTID domain 1", { timeout: 120_000 }, async () => {
  await withTable(env.mariadbUserExamplePort, async (table, db) => {
    const prefix = uniqueName('users');
    const binlogd = await startBinlogd({
      name: prefix,
      config: { 'database.port': String(env.mariadbUserExamplePort), 'topic.prefix': prefix, 'table.include.list': `${DB}\\.${table}` },
    });
    try {
      const big = 'compressible '.repeat(100); // over log_bin_compress_min_len=256
      await db.query(`INSERT INTO ${DB}.${table} VALUES (1, ?), (2, 'short')`, [big]);
      await db.query(`UPDATE ${DB}.${table} SET payload = CONCAT(payload, '!') WHERE id = 1`);
      const records = await readAvroTopic(`${prefix}.${DB}.${table}`, 3);
      assert.deepEqual(records.map((r) => [asJsonPayload(r.key), (r.value as any).op]), [[{ id: 1 }, 'c'], [{ id: 2 }, 'c'], [{ id: 1 }, 'u']]);
      assert.equal((records[0]!.value as any).after.payload, big);
      assert.equal((records[2]!.value as any).after.payload, big + '!');
      assert.match((records[0]!.value as any).source.gtid, /^1-1-\d+$/, 'the GTID carries domain 1');
    } finally {
      await stopped(binlogd);
    }
  });
});

test('reconnects by itself when the server drops the binlog connection, losing nothing', { timeout: 120_000 }, async () => {
  await withTable(env.mariadb.port, async (table, db) => {
    const prefix = uniqueName('reconnect');
    const binlogd = await startBinlogd({ name: prefix, config: { 'topic.prefix': prefix, 'table.include.list': `${DB}\\.${table}` } });
    try {
      await db.query(`INSERT INTO ${DB}.${table} VALUES (1, 'before')`);
      await readAvroTopic(`${prefix}.${DB}.${table}`, 1);
      const [dumps] = await db.query(`SELECT ID FROM INFORMATION_SCHEMA.PROCESSLIST WHERE COMMAND = 'Binlog Dump' AND USER = ?`, [env.mariadb.user]) as any;
      for (const { ID } of dumps) await db.query(`KILL ${ID}`);
      await db.query(`INSERT INTO ${DB}.${table} VALUES (2, 'while reconnecting'), (3, 'x')`);
      const records = await readAvroTopic(`${prefix}.${DB}.${table}`, 3, 60_000);
      assert.deepEqual(records.map((r) => asJsonPayload(r.key)), [{ id: 1 }, { id: 2 }, { id: 3 }]);
      assert.ok(binlogd.logs.some((l) => l['msg'] === 'reconnected to the binlog'), 'logs the reconnect');
    } finally {
      await stopped(binlogd);
    }
  });
});

test('a server that is not writing ROW binlogs is refused with the setting to change', { timeout: 60_000 }, async () => {
  const db = await connectAsRoot(env.mariadbUserExamplePort);
  await db.query("SET GLOBAL binlog_format = 'MIXED'");
  try {
    const prefix = uniqueName('mixed');
    const binlogd = await startBinlogd({
      name: prefix, readyMessage: /^connector failed/,
      config: { 'database.port': String(env.mariadbUserExamplePort), 'topic.prefix': prefix },
    });
    assert.match(failure(binlogd), /binlog_format is MIXED but must be ROW .* set binlog_format=ROW/);
    await stopped(binlogd);
  } finally {
    await db.query("SET GLOBAL binlog_format = 'ROW'");
    await db.end();
  }
});

test('an account without replication grants is refused with the GRANT to run', { timeout: 60_000 }, async () => {
  const db = await connectAsRoot();
  const user = uniqueName('nogrants').slice(0, 30);
  await db.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'pw'; GRANT SELECT ON *.* TO '${user}'@'127.0.0.1'`);
  try {
    const prefix = uniqueName('grants');
    const binlogd = await startBinlogd({
      name: prefix, readyMessage: /^connector failed/,
      config: { 'database.user': user, 'database.password': 'pw', 'topic.prefix': prefix },
    });
    const message = failure(binlogd);
    assert.match(message, /lacks REPLICATION SLAVE .*GRANT REPLICATION SLAVE ON \*\.\* TO/);
    assert.match(message, /lacks BINLOG MONITOR/);
    assert.doesNotMatch(JSON.stringify(binlogd.logs), /"pw"/, 'the password never reaches the log');
    await stopped(binlogd);
  } finally {
    await db.query(`DROP USER '${user}'@'127.0.0.1'`);
    await db.end();
  }
});

test('an unreachable server names the address to fix', { timeout: 60_000 }, async () => {
  const prefix = uniqueName('unreachable');
  const binlogd = await startBinlogd({
    name: prefix, readyMessage: /^connector failed/,
    config: { 'database.port': '1', 'topic.prefix': prefix },
  });
  assert.match(failure(binlogd), /cannot reach MariaDB at 127\.0\.0\.1:1 .*database\.hostname and database\.port/);
  await stopped(binlogd);
});
