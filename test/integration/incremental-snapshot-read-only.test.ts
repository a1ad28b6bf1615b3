// Read-only incremental snapshots (read.only=true): signals come through the Kafka channel and
// binlogd writes nothing to the database, so the connector's account may lack every write
// privilege. Each chunk is read at a consistent snapshot's binlog point; while a writer changes the
// table, every row's last record is its final state, no deleted row comes back, no row is read
// twice; an idle server does not hold the window open; a restart resumes after the last chunk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { connectAsRoot, currentGtidPosition } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';
import { assertFinalState, endMarker, replay, startWriter, waitForLog, type BackgroundWriter } from '../support/incremental-replay.js';
import { withKafkaAdmin } from '../support/kafka-admin.js';
import { startPrivateStack } from '../support/private-stack.js';
import { createKafkaClient } from '../../src/sink/kafka-client.js';
import { createOffsetStore } from '../../src/offsets/offset-store.js';

const DB = 'binlogd_test';
const connection = { brokers: loadStackEnv().kafkaBrokers, clientId: 'incr-ro-test' };

interface Fixture {
  db: mysql.Connection;
  /** The MariaDB's port when not the shared server's. */
  port?: number;
  table: string;
  prefix: string;
  signalTopic: string;
  /** An account with the CDC grants only: no INSERT, UPDATE, DELETE or CREATE anywhere. */
  user: { name: string; password: string };
  /** Sends signals in one batch: the channel applies them in order in one poll. */
  signal(...signals: Array<{ type: string; data: unknown }>): Promise<void>;
}

async function withFixture(name: string, rows: number, run: (f: Fixture) => Promise<void>, port?: number): Promise<void> {
  const db = await connectAsRoot(port);
  const table = `${DB}.${uniqueName(name)}`;
  const user = { name: uniqueName('ro'), password: 'ro-secret' };
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, val INT NOT NULL, note VARCHAR(40))`);
  await db.query(`INSERT INTO ${table} SELECT seq, 0, CONCAT('row ', seq) FROM ${DB}.seq_1_to_${rows}`);
  await db.query(`CREATE USER '${user.name}'@'127.0.0.1' IDENTIFIED BY '${user.password}'`);
  await db.query(`GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, CREATE TEMPORARY TABLES ON *.* TO '${user.name}'@'127.0.0.1'`);
  const signalTopic = uniqueName('ro_signals');
  const prefix = uniqueName('incr_ro');
  await withKafkaAdmin(connection, async (admin, created) => {
    await admin.createTopics([{ topic: signalTopic, partitions: 1, replicationFactor: -1 }]);
    created.push(signalTopic);
    const producer = createKafkaClient(connection).createProducer();
    await producer.connect();
    const signal = async (...signals: Array<{ type: string; data: unknown }>): Promise<void> => {
      await producer.sendBatch([{ topic: signalTopic, messages: signals.map((s) => ({ key: Buffer.from(prefix), value: Buffer.from(JSON.stringify(s)), partition: 0 })) }]);
    };
    try {
      await run({ db, ...(port === undefined ? {} : { port }), table, prefix, signalTopic, user, signal });
    } finally {
      await producer.disconnect();
      await db.query(`DROP USER IF EXISTS '${user.name}'@'127.0.0.1'`);
      await db.query(`DROP TABLE IF EXISTS ${table}`);
      await db.end();
    }
  });
}

function start(f: Fixture, chunk: number, extra: Record<string, string> = {}): Promise<BinlogdProcess> {
  return startBinlogd({
    name: f.prefix,
    config: {
      'topic.prefix': f.prefix, 'snapshot.mode': 'no_data', 'table.include.list': f.table.replace('.', '\\.'),
      'database.user': f.user.name, 'database.password': f.user.password,
      ...(f.port === undefined ? {} : { 'database.port': String(f.port) }),
      'read.only': 'true', 'signal.enabled.channels': 'kafka', 'signal.kafka.topic': f.signalTopic, 'signal.poll.interval.ms': '300',
      'incremental.snapshot.chunk.size': String(chunk), ...extra,
    },
    timeoutMs: 120_000,
  });
}

const executeSnapshot = (f: Fixture) => ({ type: 'execute-snapshot', data: { 'data-collections': [f.table], type: 'incremental' } });

test('read.only=true, an account without any write privilege, a Kafka signal and a writer: each row read once, its last record its final state', { timeout: 600_000 }, async () => {
  const ROWS = 5000;
  await withFixture('incr_ro_writes', ROWS, async (f) => {
    const writer = await connectAsRoot();
    let binlogd: BinlogdProcess | undefined;
    let writes: BackgroundWriter | undefined;
    try {
      binlogd = await start(f, 100);
      writes = startWriter(writer, [f.table], ROWS);
      await f.signal(executeSnapshot(f));
      await waitForLog(binlogd, (msg) => msg === `incremental snapshot: ${f.table} done`, 300_000);
      const rounds = await writes.stop();
      const replayed = replay(await endMarker(f, ROWS));
      await assertFinalState(f, replayed);
      assert.ok([...replayed.reads.values()].every((n) => n === 1), 'no row read twice');
      assert.ok(rounds > 0, 'the writer ran during the snapshot');
      // (kafkajs logs its own retried broker errors; those are not the connector's.)
      const errors = binlogd.logs.filter((l) => Number(l['level']) >= 50 && l['component'] !== 'kafka');
      assert.deepEqual(errors, [], 'the connector logged no error (no write was attempted)');
      console.log(`rows read by the read-only incremental snapshot ${replayed.reads.size} of ${ROWS}, write transactions ${rounds}`);
    } finally {
      await writes?.stop().catch(() => undefined);
      await binlogd?.stop();
      await writer.end();
    }
  });
});

test('read.only=true over two tables, the second keyless and read by surrogate-key: the second starts in the window that finds the first read, each row read once, final states', { timeout: 600_000 }, async () => {
  const ROWS = 1500;
  await withFixture('incr_ro_two', ROWS, async (f) => {
    const keyless = { ...f, table: `${DB}.${uniqueName('incr_ro_keyless')}` };
    await f.db.query(`CREATE TABLE ${keyless.table} (id INT NOT NULL, val INT NOT NULL, note VARCHAR(40))`);
    await f.db.query(`INSERT INTO ${keyless.table} SELECT seq, 0, CONCAT('row ', seq) FROM ${DB}.seq_1_to_${ROWS}`);
    const writer = await connectAsRoot();
    let binlogd: BinlogdProcess | undefined;
    let writes: BackgroundWriter | undefined;
    try {
      binlogd = await start(f, 100, { 'table.include.list': [f.table, keyless.table].map((t) => t.replace('.', '\\.')).join(',') });
      writes = startWriter(writer, [f.table, keyless.table], ROWS);
      // One surrogate-key for every table of the signal, as Debezium: `id` is the first table's key too.
      await f.signal({ type: 'execute-snapshot', data: { 'data-collections': [f.table, keyless.table], type: 'incremental', 'surrogate-key': 'id' } });
      await waitForLog(binlogd, (msg) => msg === `incremental snapshot: ${keyless.table} done`, 300_000);
      const rounds = await writes.stop();
      for (const table of [f, keyless]) {
        const replayed = replay(await endMarker(table, ROWS));
        await assertFinalState(table, replayed);
        assert.deepEqual([...replayed.reads].filter(([, n]) => n > 1), [], `${table.table}: no row read twice`);
      }
      assert.ok(rounds > 0, 'the writer ran during the snapshot');
      const errors = binlogd.logs.filter((l) => Number(l['level']) >= 50 && l['component'] !== 'kafka');
      assert.deepEqual(errors, [], 'the connector logged no error');
    } finally {
      await writes?.stop().catch(() => undefined);
      await binlogd?.stop();
      await writer.end();
      await f.db.query(`DROP TABLE IF EXISTS ${keyless.table}`);
    }
  });
});

test('read.only=true with nothing written after the signal: the windows close without binlog events; pause, restart and resume continue after the last chunk', { timeout: 600_000 }, async () => {
  const ROWS = 6000;
  await withFixture('incr_ro_idle', ROWS, async (f) => {
    let binlogd: BinlogdProcess | undefined;
    try {
      binlogd = await start(f, 500);
      // Paused at once (the chunk under way still comes out), so the kill surely lands part way.
      // Nothing of this test is written meanwhile: the window closes on the stream's position
      // alone (the shared server may see other tests' writes, which this does not need).
      await f.signal(executeSnapshot(f), { type: 'pause-snapshot', data: {} });
      await waitForLog(binlogd, (msg) => msg === 'incremental snapshot paused', 60_000);
      await readAvroTopic(`${f.prefix}.${f.table}`, 500, 120_000);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      binlogd.child.kill('SIGKILL');
      await binlogd.exited;
      await f.db.query(`UPDATE ${f.table} SET val = 7 WHERE id IN (1, ${ROWS})`);
      await f.db.query(`DELETE FROM ${f.table} WHERE id IN (2, ${ROWS - 1})`);
      binlogd = await start(f, 500);
      // The stored offset holds the progress; binlogd keeps no Kafka signal position, so the pause is not replayed.
      await waitForLog(binlogd, (msg) => msg === `incremental snapshot: ${f.table} done`, 300_000);
      assert.ok(binlogd.logs.some((l) => l['msg'] === 'incremental snapshot: resuming after the last emitted chunk'), 'resumed from the stored progress');
      const replayed = replay(await endMarker(f, ROWS));
      await assertFinalState(f, replayed);
      assert.deepEqual([...replayed.reads].filter(([, n]) => n > 1), [], 'no row read twice (the restart continued after the stored chunk)');
      const missing = Array.from({ length: ROWS }, (_, i) => i + 1).filter((id) => !replayed.reads.has(id) && id !== 2 && id !== ROWS - 1);
      assert.deepEqual(missing, [], 'every other row read');
    } finally {
      await binlogd?.stop();
    }
  });
});

test('read.only=true with a signal table as well: a signal row someone inserts starts the snapshot, a Kafka stop-snapshot ends it', { timeout: 600_000 }, async () => {
  const ROWS = 20_000;
  await withFixture('incr_ro_stop', ROWS, async (f) => {
    const signals = `${DB}.${uniqueName('ro_sig')}`;
    await f.db.query(`CREATE TABLE ${signals} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)`);
    let binlogd: BinlogdProcess | undefined;
    try {
      binlogd = await start(f, 50, { 'signal.enabled.channels': 'source,kafka', 'signal.data.collection': signals });
      // Paused at once (the chunk under way still comes out), so the stop surely lands part way.
      await f.db.query(`INSERT INTO ${signals} VALUES ('ro-1', 'execute-snapshot', ?), ('ro-2', 'pause-snapshot', NULL)`, [JSON.stringify(executeSnapshot(f).data)]);
      await waitForLog(binlogd, (msg) => msg === 'incremental snapshot paused', 60_000);
      await readAvroTopic(`${f.prefix}.${f.table}`, 1, 120_000);
      await f.signal({ type: 'stop-snapshot', data: { 'data-collections': [f.table], type: 'incremental' } }, { type: 'resume-snapshot', data: {} });
      await waitForLog(binlogd, (msg) => msg === 'incremental snapshot resumed', 60_000);
      const records = await endMarker(f, 100);
      await new Promise((resolve) => setTimeout(resolve, 3000)); // a snapshot still running would go on
      const after = await readAvroTopic(`${f.prefix}.${f.table}`, records.length + 1, 5_000).catch(() => records);
      const reads = after.filter((r) => (asJsonPayload(r.value) as { op?: string } | null)?.op === 'r').length;
      assert.equal(after.length, records.length, 'nothing emitted after the stop was handled and the end marker written');
      assert.ok(reads > 0 && reads < ROWS, `the snapshot stopped part way (${reads} rows read)`);
      const [rows] = await f.db.query(`SELECT id FROM ${signals}`) as unknown as [unknown[]];
      assert.equal(rows.length, 2, 'no watermark rows in the signal table: only the signals inserted');
    } finally {
      await binlogd?.stop();
      await f.db.query(`DROP TABLE IF EXISTS ${signals}`);
    }
  });
});

test('read.only=true on an idle server with two GTID domains: every window closes with no binlog event after the signal', { timeout: 600_000 }, async () => {
  // A private server: on the shared one other tests' writes would close the windows too.
  const stack = await startPrivateStack(['mariadb']);
  try {
    const ROWS = 3000;
    await withFixture('incr_ro_quiet', ROWS, async (f) => {
      // A second replication domain in @@gtid_binlog_pos: the high watermark must be covered in both.
      await f.db.query(`SET SESSION gtid_domain_id = 7; UPDATE ${f.table} SET note = 'domain 7' WHERE id <= 10; SET SESSION gtid_domain_id = 0`);
      let binlogd: BinlogdProcess | undefined;
      try {
        binlogd = await start(f, 400);
        const before = await currentGtidPosition(f.db);
        assert.match(before, /^0-\d+-\d+,7-\d+-\d+$/, 'two domains');
        await f.signal(executeSnapshot(f));
        await waitForLog(binlogd, (msg) => msg === `incremental snapshot: ${f.table} done`, 120_000);
        assert.equal(await currentGtidPosition(f.db), before, 'nothing was written to the server during the snapshot');
        const replayed = replay(await endMarker(f, ROWS));
        await assertFinalState(f, replayed);
        assert.equal(replayed.reads.size, ROWS, 'every row read');
        assert.ok([...replayed.reads.values()].every((n) => n === 1), 'once each');
        await binlogd.stop();
        const store = createOffsetStore({ kafka: connection, topic: 'binlogd-offsets' });
        const stored = await store.latest(f.prefix, f.prefix).finally(() => store.close());
        assert.ok(stored?.['gtids'], 'an offset was stored');
        assert.equal(stored?.['incremental_snapshot_collections'], undefined, 'the finished snapshot left no progress in the offset');
      } finally {
        await binlogd?.stop();
      }
    }, stack.mariadbPort);
  } finally {
    await stack.down();
  }
});
