// A binlog connection lost inside a large transaction: the reconnect continues that transaction
// after its events already sent (PositionTracker.reconnectPoint), so a read_committed consumer
// sees every row exactly once. The connection is cut the way a DBA or a proxy would: KILL of the
// server's binlog dump thread, found in PROCESSLIST by the connector's own (unique) account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { Kafka, logLevel } from 'kafkajs';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';

const DB = 'binlogd_test';
const ROWS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records in the topic so far, committed or not (the high watermark): progress of the transaction. */
async function written(admin: ReturnType<Kafka['admin']>, topic: string): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) return 0;
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

async function killDumpThreads(db: mysql.Connection, user: string): Promise<number> {
  const [rows] = await db.query<mysql.RowDataPacket[]>(
    "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ? AND COMMAND = 'Binlog Dump'", [user]);
  for (const row of rows) await db.query(`KILL CONNECTION ${Number(row['ID'])}`).catch(() => undefined);
  return rows.length;
}

test('a binlog connection killed inside a 30,000-row transaction: every row exactly once', { timeout: 600_000 }, async () => {
  const db = await connectAsRoot();
  const name = uniqueName('reconnect');
  const table = `${DB}.${name}`;
  const topic = `${name}.${table}`;
  // Our own CDC account: its dump thread is the only one PROCESSLIST shows under this user.
  const user = `rc_${Date.now().toString(36)}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, tx INT, v VARCHAR(500))`);
  await db.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'pw'`);
  await db.query(`GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, CREATE TEMPORARY TABLES ON *.* TO '${user}'@'127.0.0.1'`);
  const kafka = new Kafka({ brokers: loadStackEnv().kafkaBrokers, clientId: 'reconnect-test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const binlogd = await startBinlogd({
    name,
    config: {
      'database.user': user, 'database.password': 'pw',
      'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data',
      // A short queue: binlogd reads the transaction only as fast as Kafka takes it, so the kill
      // lands while the server is still sending it.
      'max.batch.size': '100', 'max.queue.size': '200',
    },
  });
  try {
    let total = 0;
    let brokenInside = 0;
    // The kill may land after the server sent the whole transaction: then try another one.
    for (let tx = 1; tx <= 3 && brokenInside === 0; tx++) {
      const before = await written(admin, topic);
      // One statement, one transaction, hundreds of rows events (8 KB each).
      await db.query(`INSERT INTO ${table} SELECT seq + ?, ?, REPEAT('x', 400) FROM binlogd_test.seq_1_to_${ROWS}`, [total, tx]);
      total += ROWS;
      const deadline = Date.now() + 120_000;
      while (await written(admin, topic) - before < 2000 && Date.now() < deadline) await sleep(20);
      const killed = await killDumpThreads(db, user);
      assert.ok(killed >= 1, 'found the dump thread of the connector');
      const seen = await readAvroTopic(topic, total, 300_000);
      assert.equal(seen.length >= total, true);
      brokenInside = binlogd.logs.filter((l) => String(l['msg']).startsWith('the connection broke inside a transaction')).length;
    }
    assert.ok(binlogd.logs.some((l) => l['msg'] === 'reconnected to the binlog'), 'reconnected');
    assert.ok(brokenInside >= 1, 'the connection broke inside a transaction at least once');

    // One more row after the big transactions: when it is there, every record before it is too.
    await db.query(`INSERT INTO ${table} VALUES (?, 0, 'last')`, [total + 1]);
    const records = await readAvroTopic(topic, total + 1, 300_000);
    const ids = records.map((r) => (asJsonPayload(r.key) as { id: number }).id);
    assert.equal(new Set(ids).size, total + 1, 'every row arrived');
    assert.equal(records.length, total + 1, `no row twice (${records.length - (total + 1)} repeated)`);
    for (let i = 0; i < ids.length; i++) assert.equal(ids[i], i + 1, 'in commit order');
  } finally {
    assert.equal(await binlogd.stop(), 0);
    await admin.disconnect();
    await db.query(`DROP TABLE IF EXISTS ${table}; DROP USER IF EXISTS '${user}'@'127.0.0.1'`);
    await db.end();
  }
});
