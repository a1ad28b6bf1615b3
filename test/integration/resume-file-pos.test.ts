// A stored offset without `gtids` (a Debezium without GTIDs wrote it, or someone edited it): the
// connector resumes from its `file`/`pos` with the `event`/`row` skip, as Debezium's file/pos
// restart does, and the offsets it writes afterwards carry a GTID set again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';
import { createKafkaClient } from '../../src/sink/kafka-client.js';
import { createOffsetStore, type OffsetStore } from '../../src/offsets/offset-store.js';

const DB = 'binlogd_test';

async function writeOffset(store: OffsetStore, name: string, offset: Record<string, unknown>): Promise<void> {
  await store.ensureTopic();
  const producer = createKafkaClient({ brokers: loadStackEnv().kafkaBrokers, clientId: 'file-pos-test' }).createProducer();
  await producer.connect();
  try {
    const { topic, key, value, partition } = store.offsetRecord(name, name, offset);
    await producer.sendBatch([{ topic, messages: [{ key, value, partition }] }]);
  } finally {
    await producer.disconnect();
  }
}

/** Where the GTID event of transaction `gtid` starts (other tests write to the same server meanwhile). */
async function gtidEventPosition(db: mysql.Connection, from: { file: string; pos: number }, gtid: string): Promise<number> {
  const [events] = await db.query<mysql.RowDataPacket[]>(`SHOW BINLOG EVENTS IN '${from.file}' FROM ${from.pos}`);
  const event = events.find((e) => e['Event_type'] === 'Gtid' && String(e['Info']).endsWith(`GTID ${gtid}`));
  assert.ok(event, `the GTID event of ${gtid} in ${from.file}`);
  return Number(event['Pos']);
}

test('an offset without gtids resumes from its file/pos, skipping the events and rows it says were sent', { timeout: 180_000 }, async () => {
  const db = await connectAsRoot();
  const name = uniqueName('filepos');
  const table = `${DB}.${name}`;
  const topic = `${name}.${table}`;
  const config = { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data' };
  const store = createOffsetStore({ kafka: { brokers: loadStackEnv().kafkaBrokers, clientId: 'file-pos-test' }, topic: 'binlogd-offsets' });
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
  try {
    const [[status]] = await db.query<mysql.RowDataPacket[]>('SHOW MASTER STATUS');
    const from = { file: String(status!['File']), pos: Number(status!['Position']) };
    // One transaction of two rows events (each after its table map), then another transaction.
    await db.query(`BEGIN; INSERT INTO ${table} VALUES (1, 'a'), (2, 'b'), (3, 'c'); INSERT INTO ${table} VALUES (4, 'd'), (5, 'e'), (6, 'f'); COMMIT`);
    const [[last]] = await db.query<mysql.RowDataPacket[]>('SELECT @@last_gtid AS gtid');
    await db.query(`INSERT INTO ${table} VALUES (7, 'g'), (8, 'h')`);
    const pos = await gtidEventPosition(db, from, String(last!['gtid']));

    // As Debezium would have stored it after emitting rows 1 and 2 of the first rows event: the
    // transaction's start, 1 event (the table map) done, 2 rows of the next one done.
    await writeOffset(store, name, { ts_sec: Math.floor(Date.now() / 1000), file: from.file, pos, event: 1, row: 2, server_id: 1 });

    const binlogd = await startBinlogd({ name, config });
    try {
      assert.ok(binlogd.logs.some((l) => l['msg'] === 'the stored offset has no GTID set: resuming from its binlog file and position'), 'resumes from file/pos');
      const records = await readAvroTopic(topic, 6, 60_000);
      assert.deepEqual(records.map((r) => (asJsonPayload(r.key) as { id: number }).id), [3, 4, 5, 6, 7, 8]);
    } finally {
      assert.equal(await binlogd.stop(), 0);
    }
    const stored = await store.latest(name, name);
    assert.match(String(stored?.['gtids']), /^(\d+-\d+-\d+,?)+$/, `the new offset carries a GTID set: ${JSON.stringify(stored)}`);
  } finally {
    await store.close();
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});

test('an offset whose file is not on the server fails naming the file and the oldest position', { timeout: 120_000 }, async () => {
  const name = uniqueName('filegone');
  const store = createOffsetStore({ kafka: { brokers: loadStackEnv().kafkaBrokers, clientId: 'file-pos-test' }, topic: 'binlogd-offsets' });
  try {
    await writeOffset(store, name, { file: 'mysql-bin.000000', pos: 4 });
    const binlogd = await startBinlogd({ name, config: { 'topic.prefix': name, 'table.include.list': 'nothing\\.here', 'snapshot.mode': 'no_data' }, readyMessage: /^(connector failed|streaming)/ });
    try {
      const failure = binlogd.logs.find((l) => String(l['msg']).startsWith('connector failed'));
      assert.ok(failure, 'the connector failed');
      assert.equal(failure['code'], 'SOURCE_POSITION_LOST');
      for (const part of ['file mysql-bin.000000, pos 4', 'binlog file mysql-bin.000000 is not on the server any more', 'The oldest position left is the start of mysql-bin.']) {
        assert.ok(String(failure['msg']).includes(part), `names ${part}: ${String(failure['msg'])}`);
      }
    } finally {
      await binlogd.stop();
    }
  } finally {
    await store.close();
  }
});

test('a stored GTID position the server refuses (error 1236) fails with the position and the remedies', { timeout: 120_000 }, async () => {
  const name = uniqueName('refused');
  const db = await connectAsRoot();
  const store = createOffsetStore({ kafka: { brokers: loadStackEnv().kafkaBrokers, clientId: 'file-pos-test' }, topic: 'binlogd-offsets' });
  try {
    const [[row]] = await db.query<mysql.RowDataPacket[]>('SELECT @@gtid_binlog_pos AS pos');
    // A position ahead of the server (another server's history, or a restored backup): with
    // gtid_strict_mode the server refuses it.
    const [domain, server, sequence] = String(row!['pos']).split(',')[0]!.split('-');
    const gtids = `${domain}-${server}-${BigInt(sequence!) + 1_000_000n}`;
    await writeOffset(store, name, { file: 'mysql-bin.000001', pos: 4, gtids });
    const binlogd = await startBinlogd({ name, config: { 'topic.prefix': name, 'table.include.list': 'nothing\\.here', 'snapshot.mode': 'no_data' }, readyMessage: /^(connector failed|streaming)/ });
    try {
      // The server answers the dump request with the error, after the connector started streaming.
      const failed = () => binlogd.logs.find((l) => String(l['msg']).startsWith('connector failed'));
      for (let waited = 0; !failed() && waited < 30_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      const failure = failed();
      assert.ok(failure, `the connector failed: ${JSON.stringify(binlogd.logs.slice(-3))}`);
      assert.equal(failure['code'], 'SOURCE_POSITION_LOST');
      for (const part of [gtids, 'the server refused to send from it: "', 'gtid.source.excludes', 'snapshot.mode=when_needed', `DELETE /connectors/${name}/offsets`]) {
        assert.ok(String(failure['msg']).includes(part), `names ${part}: ${String(failure['msg'])}`);
      }
    } finally {
      await binlogd.stop();
    }
  } finally {
    await store.close();
    await db.end();
  }
});
