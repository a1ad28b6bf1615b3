// A 1,000,000-row transaction (MariaDB's SEQUENCE engine) goes through without binlogd holding it
// in memory: the binlog reader pauses when the bounded queue is full, the sink commits it as many
// Kafka transactions, each carrying the offset (event and row counters inside the MariaDB
// transaction) of its last record. Checked with a light raw consumer that only decodes key ids
// into a bitmap: every row exactly once, read_committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { kill, sleep } from '../support/change-workload.js';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';

const ROWS = 1_000_000;
const RSS_BOUND_MB = 450;

/** binlogd's peak resident set (VmHWM) in MB, main and sink threads together. */
function peakRssMb(proc: BinlogdProcess): number {
  const status = readFileSync(`/proc/${proc.child.pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** The Avro key `{id: int}`: after the 5-byte wire header, one zig-zag varint. */
function keyId(key: Buffer): number {
  let value = 0;
  let shift = 1;
  for (let i = 5; i < key.length; i++) {
    const byte = key[i]!;
    value += (byte & 0x7f) * shift;
    if ((byte & 0x80) === 0) break;
    shift *= 128;
  }
  return value / 2;
}

/** Counts a topic's records per key id (read_committed) until `rows` distinct ids came and then 2 s of quiet. */
async function countKeys(topic: string, rows: number, onProgress: (distinct: number) => void, timeoutMs: number) {
  const kafka = new Kafka({ brokers: loadStackEnv().kafkaBrokers, clientId: 'large-tx-counter', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('large_tx'), maxBytes: 16 << 20 });
  const seen = new Uint8Array(rows + 1);
  let records = 0;
  let distinct = 0;
  let duplicates = 0;
  let others = 0;
  let lastArrival = Date.now();
  const deadline = Date.now() + timeoutMs;
  // binlogd creates the topic before its first record.
  const admin = kafka.admin();
  await admin.connect();
  while (!(await admin.listTopics()).includes(topic) && Date.now() < deadline) await sleep(200);
  await admin.disconnect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          records++;
          const id = m.key === null ? -1 : keyId(m.key);
          if (id < 1 || id > rows || m.value === null) others++;
          else if (seen[id] === 0) {
            seen[id] = 1;
            distinct++;
          } else duplicates++;
        }
        lastArrival = Date.now();
        onProgress(distinct);
      },
    });
    while ((distinct < rows || Date.now() - lastArrival < 2000) && Date.now() < deadline) await sleep(200);
  } finally {
    await consumer.disconnect();
  }
  return { records, distinct, duplicates, others };
}

test('a 1,000,000-row transaction: every row exactly once, binlogd peak RSS bounded', { timeout: 300_000 }, async (t) => {
  const db = await connectAsRoot();
  const name = uniqueName('large_tx');
  const table = `binlogd_test.${name}`;
  const topic = `${name}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS binlogd_test; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(32), n BIGINT)`);
  let proc: BinlogdProcess | undefined;
  try {
    proc = await startBinlogd({ name, config: { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data' } });
    const started = Date.now();
    await db.query(`INSERT INTO ${table} SELECT seq, CONCAT('row-', seq), seq * 7 FROM binlogd_test.seq_1_to_${ROWS}`);
    const committed = Date.now();
    const counted = await countKeys(topic, ROWS, () => undefined, 240_000);
    const arrived = Date.now();
    const rss = peakRssMb(proc);
    t.diagnostic(`insert ${(committed - started) / 1000} s; all rows in Kafka after ${(arrived - started) / 1000} s (incl. 2 s quiet); binlogd peak RSS ${rss} MB`);
    assert.deepEqual(counted, { records: ROWS, distinct: ROWS, duplicates: 0, others: 0 });
    assert.ok(rss < RSS_BOUND_MB, `binlogd peak RSS ${rss} MB < ${RSS_BOUND_MB} MB`);
    assert.equal(await proc.stop(), 0);
  } finally {
    if (proc !== undefined) await kill(proc);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});
