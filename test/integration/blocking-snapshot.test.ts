// Blocking snapshots (execute-snapshot with "type":"blocking", Debezium 2.5+): while a writer keeps
// inserting, updating and deleting, streaming pauses at the signal, the listed tables are read as
// `op=r` records with Debezium's source.snapshot markers (one of them through additional-conditions),
// the offsets carry snapshot=BLOCKING meanwhile, and streaming resumes where it paused. Afterwards
// every row's last record is its final state, no row is read twice, and changes stream on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { Kafka, logLevel } from 'kafkajs';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { asJsonPayload, type DecodedRecord } from '../support/avro-topic.js';
import { readTopicUntil } from '../support/change-replay.js';
import { waitForStatus } from '../support/rest-client.js';

const DB = 'binlogd_test';
const ROWS = 60_000;
const OTHER_ROWS = 50;
const END_ID = 1_000_000_000;

interface Change { op: string; id: number; after: Record<string, unknown> | null; marker: string | undefined }

function changesOf(records: readonly DecodedRecord[]): Change[] {
  return records.filter((r) => r.value !== null).map((r) => {
    const value = asJsonPayload(r.value) as { op: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null; source: { snapshot?: string } };
    return { op: value.op, id: Number((value.after ?? value.before)!['id']), after: value.after, marker: value.source.snapshot };
  });
}

/** Each row's state after applying the records in order (a snapshot read sets it, as a consumer would). */
function finalState(changes: readonly Change[]): Map<number, Record<string, unknown>> {
  const state = new Map<number, Record<string, unknown>>();
  for (const c of changes) {
    if (c.op === 'd') state.delete(c.id);
    else state.set(c.id, c.after!);
  }
  return state;
}

async function assertFinalState(db: mysql.Connection, table: string, changes: readonly Change[]): Promise<void> {
  const [rows] = await db.query(`SELECT id, val, note FROM ${table}`) as unknown as [Array<{ id: number; val: number; note: string | null }>];
  const state = finalState(changes);
  assert.equal(state.size, rows.length, `${table}: as many rows in Kafka as in the table`);
  for (const row of rows) assert.deepEqual(state.get(row.id), { id: row.id, val: row.val, note: row.note }, `${table} row ${row.id}`);
}

/** The connector's offsets in the (private) offsets topic, in order. */
async function storedOffsets(topic: string, name: string): Promise<Array<Record<string, unknown>>> {
  const kafka = new Kafka({ brokers: loadStackEnv().kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const highs = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: uniqueName('offsets_reader') });
  const out: Array<Record<string, unknown>> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const lastSeen = new Map<number, number>();
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        lastSeen.set(partition, Number(message.offset));
        if (message.key?.toString().startsWith(JSON.stringify([name]).slice(0, -1)) && message.value) out.push(JSON.parse(message.value.toString()) as Record<string, unknown>);
      },
    });
    // Transaction markers take offsets too: a partition's last record sits just below its high watermark.
    const caughtUp = () => [...highs].every(([partition, high]) => high === 0 || (lastSeen.get(partition) ?? -1) >= high - 2);
    const deadline = Date.now() + 30_000;
    while (!caughtUp() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    await consumer.disconnect();
  }
  return out;
}

async function waitForLog(binlogd: BinlogdProcess, message: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = binlogd.logs.find((l) => l['msg'] === message);
    if (found) return found;
    if (binlogd.child.exitCode !== null || Date.now() > deadline) throw new Error(`no "${message}": ${JSON.stringify(binlogd.logs.filter((l) => l['msg'] !== 'summary').slice(-8))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One transaction: an insert, updates across the key range, a delete. */
async function writeSome(db: mysql.Connection, table: string, id: number): Promise<void> {
  const pick = (): number => 1 + Math.floor(Math.random() * ROWS);
  await db.query(`BEGIN;
    INSERT INTO ${table} VALUES (${id}, 1, 'new');
    UPDATE ${table} SET val = val + 1, note = CONCAT('updated ', val + 1) WHERE id IN (${pick()}, ${pick()}, ${id - 1});
    DELETE FROM ${table} WHERE id = ${pick()};
    COMMIT`);
}

test('a blocking snapshot while a writer runs: streaming pauses, op=r rows with markers, BLOCKING offsets, then streaming resumes', { timeout: 600_000 }, async () => {
  const db = await connectAsRoot();
  const writer = await connectAsRoot();
  const table = `${DB}.${uniqueName('blk_a')}`;
  const other = `${DB}.${uniqueName('blk_b')}`;
  const signals = `${DB}.${uniqueName('blk_sig')}`;
  const name = uniqueName('blk');
  const offsetsTopic = uniqueName('blk_offsets');
  const user = loadStackEnv().mariadb.user;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  for (const [t, rows] of [[table, ROWS], [other, OTHER_ROWS]] as const) {
    await db.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, val INT NOT NULL, note VARCHAR(40))`);
    await db.query(`INSERT INTO ${t} SELECT seq, 0, CONCAT('row ', seq) FROM ${DB}.seq_1_to_${rows}`);
  }
  await db.query(`CREATE TABLE ${signals} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)`);
  await db.query(`GRANT INSERT ON ${signals} TO '${user}'@'127.0.0.1'`);
  let binlogd: BinlogdProcess | undefined;
  let writing = true;
  let writes = 0;
  let writes$: Promise<void> = Promise.resolve();
  try {
    binlogd = await startBinlogd({
      name, timeoutMs: 120_000, worker: { offsets: { topic: offsetsTopic } },
      config: {
        'topic.prefix': name, 'snapshot.mode': 'no_data', 'snapshot.fetch.size': '2000', 'signal.data.collection': signals,
        'table.include.list': `${DB.replace('.', '\\.')}\\.(${table.split('.')[1]}|${other.split('.')[1]})`,
      },
    });
    const daemon = binlogd;
    writes$ = (async () => {
      for (let next = ROWS + 1; writing; next++) await writeSome(writer, table, next).then(() => { writes++; });
    })();
    while (writes < 20) await new Promise((resolve) => setTimeout(resolve, 50));
    await db.query(`INSERT INTO ${signals} VALUES ('blocking-1', 'execute-snapshot', ?)`, [JSON.stringify({
      'data-collections': [table, other], type: 'blocking',
      'additional-conditions': [{ 'data-collection': other, filter: 'id <= 10' }],
    })]);
    await waitForLog(daemon, 'blocking snapshot started', 120_000);
    const during = await waitForStatus(daemon.url, name, (s) => s.connector.state === 'RUNNING' && s.snapshot?.state === 'running');
    assert.deepEqual(during.snapshot.tables.map((t: { table: string }) => t.table), [table, other]);
    const completed = await waitForLog(daemon, 'blocking snapshot completed: streaming resumes', 300_000);
    const writesAfter = writes;
    while (writes < writesAfter + 20) await new Promise((resolve) => setTimeout(resolve, 50));
    writing = false;
    await writes$;
    await db.query(`INSERT INTO ${table} VALUES (${END_ID}, 0, 'end')`);
    await db.query(`INSERT INTO ${other} VALUES (${END_ID}, 0, 'end')`);
    const isEnd = (r: DecodedRecord) => (asJsonPayload(r.key) as { id?: number } | null)?.id === END_ID;
    const main = changesOf(await readTopicUntil(`${name}.${table}`, isEnd, ROWS, 300_000));
    const side = changesOf(await readTopicUntil(`${name}.${other}`, isEnd, 10, 120_000));

    const reads = main.filter((c) => c.op === 'r');
    assert.equal(new Set(reads.map((c) => c.id)).size, reads.length, 'no row read twice');
    assert.ok(reads.length > ROWS * 0.9, `${reads.length} rows read`);
    const first = main.findIndex((c) => c.op === 'r');
    const last = main.findLastIndex((c) => c.op === 'r');
    assert.equal(last - first + 1, reads.length, 'no change streamed between the snapshot rows: streaming paused');
    assert.ok(first > 0 && main.slice(0, first).some((c) => c.op === 'u'), 'changes streamed before the signal');
    assert.ok(main.slice(last + 1).filter((c) => c.op === 'c').length >= 20, 'streaming resumed after the snapshot');
    assert.equal(reads[0]!.marker, 'first');
    assert.equal(reads[reads.length - 1]!.marker, 'last_in_data_collection');
    assert.ok(reads.slice(1, -1).every((c) => c.marker === 'true'));
    assert.deepEqual(side.filter((c) => c.op === 'r').map((c) => [c.id, c.marker]),
      [[1, 'first_in_data_collection'], ...[2, 3, 4, 5, 6, 7, 8, 9].map((id) => [id, 'true']), [10, 'last']], 'additional-conditions: only id <= 10');
    assert.ok(main.slice(first).every((c) => c.op !== 'r' || c.marker !== undefined));
    await assertFinalState(db, table, main);
    await assertFinalState(db, other, side.concat(
      // Rows the filter left out were never streamed either (the writer only touches the main table).
      [...Array(OTHER_ROWS - 10).keys()].map((i) => ({ op: 'r', id: 11 + i, after: { id: 11 + i, val: 0, note: `row ${11 + i}` }, marker: undefined })),
    ));

    const offsets = await storedOffsets(offsetsTopic, name);
    const blocking = offsets.filter((o) => o['snapshot'] === 'BLOCKING');
    assert.ok(blocking.length >= 2, `offsets with snapshot=BLOCKING while it ran: ${blocking.length}`);
    for (const o of blocking) assert.deepEqual(o, blocking[0], 'every snapshot record carries the stream\'s position at the signal');
    assert.match(String(blocking[0]!['gtids']), /^\d+-\d+-\d+/);
    const lastBlocking = offsets.lastIndexOf(blocking[blocking.length - 1]!);
    assert.ok(lastBlocking < offsets.length - 1, 'offsets after the snapshot');
    assert.ok(offsets.slice(lastBlocking + 1).every((o) => o['snapshot'] === undefined), 'the key is gone once the snapshot ended');
    console.log(`blocking snapshot: ${reads.length} rows in ${String(completed['seconds'])} s; ${writes} write transactions; ${blocking.length} BLOCKING offsets`);
  } finally {
    writing = false;
    await writes$.catch(() => undefined);
    if (binlogd) assert.equal(await binlogd.stop(), 0);
    await db.query(`REVOKE INSERT ON ${signals} FROM '${user}'@'127.0.0.1'`).catch(() => undefined);
    await db.query(`DROP TABLE IF EXISTS ${table}, ${other}, ${signals}`);
    await db.end();
    await writer.end();
  }
});

test('a blocking snapshot asked for through the Kafka signal topic pauses the stream where it stands', { timeout: 300_000 }, async () => {
  const ROWS_K = 3000;
  const db = await connectAsRoot();
  const table = `${DB}.${uniqueName('blk_k')}`;
  const signals = `${DB}.${uniqueName('blk_ksig')}`;
  const name = uniqueName('blkk');
  const topic = uniqueName('blk_signals');
  const kafka = new Kafka({ brokers: loadStackEnv().kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, val INT NOT NULL, note VARCHAR(40))`);
  await db.query(`INSERT INTO ${table} SELECT seq, 0, CONCAT('row ', seq) FROM ${DB}.seq_1_to_${ROWS_K}`);
  await db.query(`CREATE TABLE ${signals} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)`);
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await producer.connect();
  let binlogd: BinlogdProcess | undefined;
  try {
    binlogd = await startBinlogd({
      name, timeoutMs: 120_000,
      config: {
        'topic.prefix': name, 'snapshot.mode': 'no_data', 'table.include.list': table.replace('.', '\\.'), 'signal.data.collection': signals,
        'signal.enabled.channels': 'kafka', 'signal.kafka.topic': topic, 'signal.poll.interval.ms': '300',
      },
    });
    await db.query(`UPDATE ${table} SET val = 1 WHERE id = 1`);
    await readTopicUntil(`${name}.${table}`, () => true, 1, 60_000);
    await producer.send({ topic, messages: [{ key: name, value: JSON.stringify({ type: 'execute-snapshot', data: { 'data-collections': [table], type: 'blocking' } }) }] });
    await waitForLog(binlogd, 'blocking snapshot completed: streaming resumes', 120_000);
    await db.query(`UPDATE ${table} SET val = 2 WHERE id = 2`);
    await db.query(`INSERT INTO ${table} VALUES (${END_ID}, 0, 'end')`);
    const changes = changesOf(await readTopicUntil(`${name}.${table}`, (r) => (asJsonPayload(r.key) as { id?: number } | null)?.id === END_ID, ROWS_K, 120_000));
    assert.deepEqual(changes.map((c) => c.op), ['u', ...Array<string>(ROWS_K).fill('r'), 'u', 'c']);
    assert.equal(changes[1]!.marker, 'first');
    assert.equal(changes[ROWS_K]!.marker, 'last');
    assert.deepEqual(changes[1]!.after, { id: 1, val: 1, note: 'row 1' });
    await assertFinalState(db, table, changes);
  } finally {
    if (binlogd) assert.equal(await binlogd.stop(), 0);
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await db.query(`DROP TABLE IF EXISTS ${table}, ${signals}`);
    await db.end();
  }
});

test('SIGKILL during a blocking snapshot: the restart streams on from the signal, every change after it once', { timeout: 600_000 }, async () => {
  const ROWS_C = 150_000;
  const db = await connectAsRoot();
  const writer = await connectAsRoot();
  const table = `${DB}.${uniqueName('blk_c')}`;
  const signals = `${DB}.${uniqueName('blk_csig')}`;
  const name = uniqueName('blkc');
  const user = loadStackEnv().mariadb.user;
  const config = {
    'topic.prefix': name, 'snapshot.mode': 'no_data', 'snapshot.fetch.size': '2000', 'signal.data.collection': signals,
    'table.include.list': table.replace('.', '\\.'),
  };
  const kafka = new Kafka({ brokers: loadStackEnv().kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, val INT NOT NULL, note VARCHAR(40))`);
  await db.query(`INSERT INTO ${table} SELECT seq, 0, CONCAT('row ', seq) FROM ${DB}.seq_1_to_${ROWS_C}`);
  await db.query(`CREATE TABLE ${signals} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)`);
  await db.query(`GRANT INSERT ON ${signals} TO '${user}'@'127.0.0.1'`);
  let second: BinlogdProcess | undefined;
  let writing = true;
  let next = ROWS_C + 1;
  let writes$: Promise<void> = Promise.resolve();
  try {
    const first = await startBinlogd({ name, config, timeoutMs: 120_000 });
    writes$ = (async () => {
      for (; writing; next++) await writer.query(`INSERT INTO ${table} VALUES (${next}, 1, 'new')`);
    })();
    await db.query(`INSERT INTO ${signals} VALUES ('blocking-c', 'execute-snapshot', ?)`, [JSON.stringify({ 'data-collections': [table], type: 'blocking' })]);
    await waitForLog(first, 'blocking snapshot started', 120_000);
    const topic = `${name}.${table}`;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const written = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
      if (written >= ROWS_C / 4) break;
      if (first.logs.some((l) => l['msg'] === 'blocking snapshot completed: streaming resumes') || Date.now() > deadline) assert.fail('the blocking snapshot ended before the kill');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    first.child.kill('SIGKILL');
    await first.exited;

    second = await startBinlogd({ name, config, timeoutMs: 120_000 });
    assert.ok(second.logs.some((l) => String(l['msg']).startsWith('the last run stopped during a blocking snapshot')), 'the cut-short snapshot is reported');
    const atRestart = next;
    while (next < atRestart + 20) await new Promise((resolve) => setTimeout(resolve, 50));
    writing = false;
    await writes$;
    await db.query(`INSERT INTO ${table} VALUES (${END_ID}, 0, 'end')`);
    const changes = changesOf(await readTopicUntil(topic, (r) => (asJsonPayload(r.key) as { id?: number } | null)?.id === END_ID, ROWS_C / 4, 300_000));
    const inserted = changes.filter((c) => c.op === 'c').map((c) => c.id);
    assert.deepEqual(inserted, [...Array(next - ROWS_C - 1).keys()].map((i) => ROWS_C + 1 + i).concat(END_ID), 'every insert once, in order');
    const reads = changes.filter((c) => c.op === 'r');
    assert.equal(new Set(reads.map((c) => c.id)).size, reads.length, 'the rows read before the kill, once each');
    assert.ok(reads.length < ROWS_C, `the snapshot was cut short (${reads.length} rows)`);
    assert.ok(!second.logs.some((l) => l['msg'] === 'blocking snapshot started'), 'the signal is not acted on again');
    console.log(`killed after ${reads.length} snapshot rows; ${inserted.length} inserts streamed once each`);
  } finally {
    writing = false;
    await writes$.catch(() => undefined);
    if (second) assert.equal(await second.stop(), 0);
    await admin.disconnect();
    await db.query(`REVOKE INSERT ON ${signals} FROM '${user}'@'127.0.0.1'`).catch(() => undefined);
    await db.query(`DROP TABLE IF EXISTS ${table}, ${signals}`);
    await db.end();
    await writer.end();
  }
});
