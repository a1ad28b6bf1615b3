// Incremental snapshots on request (signal.data.collection): the table is read in chunks between
// watermark rows while writers keep changing it, and streaming goes on. Afterwards every row's last
// record is its final state and no deleted row comes back; stop-snapshot ends it; a restart in the
// middle continues after the last emitted chunk (each row read once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';
import { assertFinalState, endMarker, replay, startWriter, waitForLog, type BackgroundWriter } from '../support/incremental-replay.js';
import { withKafkaAdmin } from '../support/kafka-admin.js';
import { createKafkaClient } from '../../src/sink/kafka-client.js';

const DB = 'binlogd_test';

interface Fixture {
  db: mysql.Connection;
  table: string;
  signals: string;
  prefix: string;
}

async function setUp(name: string, rows: number): Promise<Fixture> {
  const db = await connectAsRoot();
  const table = `${DB}.${uniqueName(name)}`;
  const signals = `${DB}.${uniqueName('sig')}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, val INT NOT NULL, note VARCHAR(40))`);
  await db.query(`INSERT INTO ${table} SELECT seq, 0, CONCAT('row ', seq) FROM ${DB}.seq_1_to_${rows}`);
  await db.query(`CREATE TABLE ${signals} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)`);
  await db.query(`GRANT INSERT ON ${signals} TO '${loadStackEnv().mariadb.user}'@'127.0.0.1'`);
  return { db, table, signals, prefix: uniqueName('incr') };
}

async function tearDown(f: Fixture): Promise<void> {
  await f.db.query(`REVOKE INSERT ON ${f.signals} FROM '${loadStackEnv().mariadb.user}'@'127.0.0.1'`).catch(() => undefined);
  await f.db.query(`DROP TABLE IF EXISTS ${f.table}, ${f.signals}`);
  await f.db.end();
}

function start(f: Fixture, chunk: number, extra: Record<string, string> = {}): Promise<BinlogdProcess> {
  return startBinlogd({
    name: f.prefix,
    config: {
      'topic.prefix': f.prefix, 'snapshot.mode': 'no_data', 'table.include.list': f.table.replace('.', '\\.'),
      'signal.data.collection': f.signals, 'incremental.snapshot.chunk.size': String(chunk), ...extra,
    },
    timeoutMs: 120_000,
  });
}

async function signal(f: Fixture, id: string, type: string, data: unknown): Promise<void> {
  await f.db.query(`INSERT INTO ${f.signals} (id, type, data) VALUES (?, ?, ?)`, [id, type, JSON.stringify(data)]);
}

test('execute-snapshot while a writer updates and deletes: each row read once, its last record its final state', { timeout: 600_000 }, async () => {
  const ROWS = 5000;
  const f = await setUp('incr_writes', ROWS);
  const writer = await connectAsRoot();
  let binlogd: BinlogdProcess | undefined;
  let writes: BackgroundWriter | undefined;
  try {
    binlogd = await start(f, 100);
    writes = startWriter(writer, [f.table], ROWS);
    await signal(f, 'ad-hoc-1', 'execute-snapshot', { 'data-collections': [f.table], type: 'incremental' });
    await waitForLog(binlogd, (msg) => msg === `incremental snapshot: ${f.table} done`, 300_000);
    const rounds = await writes.stop();
    const replayed = replay(await endMarker(f, ROWS));
    await assertFinalState(f, replayed);
    assert.ok([...replayed.reads.values()].every((n) => n === 1), 'no row read twice');
    assert.ok(rounds > 0, 'the writer ran during the snapshot');
    console.log(`rows read by the incremental snapshot ${replayed.reads.size} of ${ROWS}, write transactions ${rounds}`);
  } finally {
    await writes?.stop().catch(() => undefined);
    await binlogd?.stop();
    await writer.end();
    await tearDown(f);
  }
});

test('stop-snapshot ends a running incremental snapshot', { timeout: 600_000 }, async () => {
  const ROWS = 20_000;
  const f = await setUp('incr_stop', ROWS);
  let binlogd: BinlogdProcess | undefined;
  try {
    binlogd = await start(f, 50);
    await signal(f, 'ad-hoc-2', 'execute-snapshot', { 'data-collections': [f.table], type: 'incremental' });
    // Paused at once (the chunk under way still comes out), so the stop surely lands part way.
    await signal(f, 'ad-hoc-2p', 'pause-snapshot', {});
    await readAvroTopic(`${f.prefix}.${f.table}`, 1, 120_000);
    await signal(f, 'ad-hoc-3', 'stop-snapshot', { 'data-collections': [f.table], type: 'incremental' });
    await waitForLog(binlogd, (msg) => msg === 'incremental snapshot stopped', 60_000);
    await signal(f, 'ad-hoc-3r', 'resume-snapshot', {});
    const records = await endMarker(f, 100);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // a snapshot still running would go on
    const after = await readAvroTopic(`${f.prefix}.${f.table}`, records.length + 1, 5_000).catch(() => records);
    const reads = after.filter((r) => (asJsonPayload(r.value) as { op?: string } | null)?.op === 'r').length;
    assert.equal(after.length, records.length, 'nothing emitted after the stop was handled and the end marker written');
    assert.ok(reads > 0 && reads < ROWS, `the snapshot stopped part way (${reads} rows read)`);
    assert.ok(!binlogd.logs.some((l) => l['msg'] === `incremental snapshot: ${f.table} done`), 'the table was not finished');
  } finally {
    await binlogd?.stop();
    await tearDown(f);
  }
});

test('a restart in the middle of an incremental snapshot continues after the last emitted chunk', { timeout: 600_000 }, async () => {
  const ROWS = 20_000;
  const f = await setUp('incr_restart', ROWS);
  let binlogd: BinlogdProcess | undefined;
  try {
    binlogd = await start(f, 200);
    await signal(f, 'ad-hoc-4', 'execute-snapshot', { 'data-collections': [f.table], type: 'incremental' });
    // Paused at once, so the kill surely lands part way (after the chunk or two already under way).
    await signal(f, 'ad-hoc-5', 'pause-snapshot', {});
    await waitForLog(binlogd, (msg) => msg === 'incremental snapshot paused', 60_000);
    await readAvroTopic(`${f.prefix}.${f.table}`, 200, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    binlogd.child.kill('SIGKILL');
    await binlogd.exited;
    await f.db.query(`UPDATE ${f.table} SET val = 7 WHERE id IN (1, ${ROWS})`);
    await f.db.query(`DELETE FROM ${f.table} WHERE id IN (2, ${ROWS - 1})`);
    binlogd = await start(f, 200);
    // The pause row comes back from the binlog if the stored offset is before it: resume either way.
    await signal(f, 'ad-hoc-6', 'resume-snapshot', {});
    await waitForLog(binlogd, (msg) => msg === `incremental snapshot: ${f.table} done`, 300_000);
    assert.ok(binlogd.logs.some((l) => l['msg'] === 'incremental snapshot: resuming after the last emitted chunk'), 'resumed from the stored progress');
    const replayed = replay(await endMarker(f, ROWS));
    await assertFinalState(f, replayed);
    const twice = [...replayed.reads].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], 'no row read twice (the restart continued after the stored chunk)');
    // Rows 2 and ROWS - 1 were deleted between the runs: read before (then deleted), or never.
    const missing = Array.from({ length: ROWS }, (_, i) => i + 1).filter((id) => !replayed.reads.has(id) && id !== 2 && id !== ROWS - 1);
    assert.deepEqual(missing, [], 'every other row read');
    assert.ok(replayed.reads.size < ROWS || replayed.reads.has(ROWS - 1), 'row counts add up');
    assert.ok(binlogd.logs.filter((l) => l['msg'] === 'incremental snapshot: resuming after the last emitted chunk').length === 1);
  } finally {
    await binlogd?.stop();
    await tearDown(f);
  }
});

test('signals from the Kafka channel (signal.kafka.topic): key = topic.prefix, value = the signal', { timeout: 600_000 }, async () => {
  const ROWS = 3000;
  const f = await setUp('incr_kafka', ROWS);
  const connection = { brokers: loadStackEnv().kafkaBrokers, clientId: 'incr-test' };
  const topic = uniqueName('signals');
  let binlogd: BinlogdProcess | undefined;
  await withKafkaAdmin(connection, async (admin, created) => {
    await admin.createTopics([{ topic, partitions: 1, replicationFactor: -1 }]);
    created.push(topic);
    const producer = createKafkaClient(connection).createProducer();
    await producer.connect();
    try {
      binlogd = await start(f, 500, { 'signal.enabled.channels': 'source,kafka', 'signal.kafka.topic': topic, 'signal.poll.interval.ms': '500' });
      const send = (key: string, value: unknown) => producer.sendBatch([{ topic, messages: [{ key: Buffer.from(key), value: Buffer.from(JSON.stringify(value)), partition: 0 }] }]);
      // Another connector's signal (another key) is not for this one.
      await send('someone-else', { type: 'execute-snapshot', data: { 'data-collections': [f.table], type: 'incremental' } });
      await send(f.prefix, { type: 'execute-snapshot', data: { 'data-collections': [f.table], type: 'incremental' } });
      await waitForLog(binlogd, (msg) => msg === `incremental snapshot: ${f.table} done`, 300_000);
      const replayed = replay(await endMarker(f, ROWS));
      await assertFinalState(f, replayed);
      assert.equal(replayed.reads.size, ROWS, 'every row read');
      assert.ok([...replayed.reads.values()].every((n) => n === 1), 'once each (the other key\'s signal was not acted on)');
    } finally {
      await binlogd?.stop();
      await producer.disconnect();
      await tearDown(f);
    }
  });
});
