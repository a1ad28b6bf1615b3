// max.queue.size.in.bytes against the real stack: with a byte bound far below one row's size,
// big rows still all arrive exactly once (snapshot and streaming), the binlog queue never holds
// much more than the bound (binlogd_queue_bytes, scraped while rows flow), and memory stays bounded.
// The pause itself is checked exactly in test/unit/runtime/streaming-queue-bounds.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { kill, sleep } from '../support/change-workload.js';
import { countKeys, peakRssMb } from '../support/key-counter.js';
import { connectAsRoot } from '../support/mariadb.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { uniqueName } from '../support/stack-env.js';

const ROW_BYTES = 300_000;
const SNAPSHOT_ROWS = 40;
const STREAMED_ROWS = 160;
const BOUND = 65_536;
const RSS_BOUND_MB = 400;

test('a 64 KB byte bound with 300 KB rows: every row exactly once, the queue stays at about one event', { timeout: 300_000 }, async (t) => {
  const db = await connectAsRoot();
  const name = uniqueName('queue_bytes');
  const table = `binlogd_test.${name}`;
  const topic = `${name}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS binlogd_test; CREATE TABLE ${table} (id INT PRIMARY KEY, body LONGTEXT)`);
  const insert = (from: number, to: number) =>
    db.query(`INSERT INTO ${table} SELECT seq, REPEAT(CHAR(65 + seq % 26), ${ROW_BYTES}) FROM binlogd_test.seq_${from}_to_${to}`);
  let proc: BinlogdProcess | undefined;
  let sampling = true;
  let peakQueueBytes = 0;
  try {
    await insert(1, SNAPSHOT_ROWS);
    proc = await startBinlogd({
      name, timeoutMs: 120_000,
      config: { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'initial', 'max.queue.size.in.bytes': String(BOUND) },
    });
    const url = proc.url;
    const sampler = (async () => {
      while (sampling) {
        const text = await (await fetch(`${url}/metrics`)).text().catch(() => '');
        const value = sampleValue(parsePrometheusText(text), 'binlogd_queue_bytes', { connector: name });
        if (value !== undefined) peakQueueBytes = Math.max(peakQueueBytes, value);
        await sleep(20);
      }
    })();
    // Ten rows a transaction: each row is its own rows event (larger than the bound).
    for (let from = SNAPSHOT_ROWS + 1; from <= SNAPSHOT_ROWS + STREAMED_ROWS; from += 10) await insert(from, from + 9);
    const counted = await countKeys(topic, SNAPSHOT_ROWS + STREAMED_ROWS, () => undefined, 240_000);
    sampling = false;
    await sampler;
    const rss = peakRssMb(proc);
    t.diagnostic(`peak binlogd_queue_bytes ${peakQueueBytes} (bound ${BOUND}, one row event ~${ROW_BYTES} bytes); binlogd peak RSS ${rss} MB`);
    assert.deepEqual(counted, { records: SNAPSHOT_ROWS + STREAMED_ROWS, distinct: SNAPSHOT_ROWS + STREAMED_ROWS, duplicates: 0, others: 0 });
    // Reading stops once the bound is passed: the queue holds the event that passed it, and the
    // few the binlog client had parsed before the pause reached its socket. (The Kafka sink bounds
    // its own buffer, so on a fast broker the queue is mostly empty when scraped.)
    assert.ok(peakQueueBytes <= BOUND + 4 * (ROW_BYTES + 1000), `peak queue bytes ${peakQueueBytes}`);
    assert.ok(rss < RSS_BOUND_MB, `binlogd peak RSS ${rss} MB < ${RSS_BOUND_MB} MB`);
    assert.equal(await proc.stop(), 0);
  } finally {
    sampling = false;
    if (proc !== undefined) await kill(proc);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});
