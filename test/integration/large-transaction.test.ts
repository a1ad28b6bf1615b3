// A 1,000,000-row transaction (MariaDB's SEQUENCE engine) goes through without binlogd holding it
// in memory: the binlog reader pauses when the bounded queue is full, the sink commits it as many
// Kafka transactions, each carrying the offset (event and row counters inside the MariaDB
// transaction) of its last record. Checked with a light raw consumer that only decodes key ids
// into a bitmap: every row exactly once, read_committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { kill } from '../support/change-workload.js';
import { countKeys, peakRssMb } from '../support/key-counter.js';
import { connectAsRoot } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';

const ROWS = 1_000_000;
const RSS_BOUND_MB = 450;

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
