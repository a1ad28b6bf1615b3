// Stored offsets: a restarted connector continues where it stopped — exactly after a clean stop,
// at least once after SIGKILL with exactly.once.support=false — and the offset is in Kafka
// Connect's format in the offsets topic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';
import { createOffsetStore } from '../../src/offsets/offset-store.js';

const DB = 'binlogd_test';

async function insertRange(db: Awaited<ReturnType<typeof connectAsRoot>>, table: string, from: number, to: number, perTx: number): Promise<void> {
  for (let id = from; id <= to; id += perTx) {
    const ids = Array.from({ length: Math.min(perTx, to - id + 1) }, (_, i) => id + i);
    await db.query(`INSERT INTO ${table} VALUES ${ids.map((i) => `(${i}, 'row ${i}')`).join(', ')}`);
  }
}

function ids(records: Awaited<ReturnType<typeof readAvroTopic>>): number[] {
  return records.filter((r) => (r.value as { op?: string } | null)?.op === 'c').map((r) => (asJsonPayload(r.key) as { id: number }).id);
}

test('a clean restart continues exactly where the connector stopped', { timeout: 120_000 }, async () => {
  const db = await connectAsRoot();
  const name = uniqueName('resume');
  const table = `${DB}.${name}`;
  const config = { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data' };
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
  try {
    const first = await startBinlogd({ name, config });
    await insertRange(db, table, 1, 50, 10);
    await readAvroTopic(`${name}.${table}`, 50);
    assert.equal(await first.stop(), 0);

    // Written while binlogd is down: the restarted connector must pick these up.
    await insertRange(db, table, 51, 100, 25);
    await db.query(`UPDATE ${table} SET v = 'changed' WHERE id = 1`);

    const second = await startBinlogd({ name, config });
    try {
      assert.ok(second.logs.some((l) => l['msg'] === 'resuming from the stored offset'), 'resumes from the stored offset');
      const records = await readAvroTopic(`${name}.${table}`, 101);
      assert.deepEqual(ids(records), Array.from({ length: 100 }, (_, i) => i + 1), 'every insert exactly once, in order');
      assert.equal(records.length, 101);
      assert.equal((records[100]!.value as { op: string }).op, 'u');
    } finally {
      assert.equal(await second.stop(), 0);
    }

    const env = loadStackEnv();
    const store = createOffsetStore({ kafka: { brokers: env.kafkaBrokers, clientId: 'offsets-test' }, topic: 'binlogd-offsets' });
    const stored = await store.latest(name, name);
    await store.close();
    assert.match(String(stored?.['gtids']), /^\d+-\d+-\d+/, 'the offset carries the GTID set');
    assert.equal(typeof stored?.['file'], 'string');
    assert.equal(typeof stored?.['pos'], 'number');
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});

test('after SIGKILL nothing is lost (at-least-once)', { timeout: 180_000 }, async () => {
  const db = await connectAsRoot();
  const name = uniqueName('killed');
  const table = `${DB}.${name}`;
  // At-least-once is what this test is about; exactly-once (the default) is exactly-once.test.ts.
  const config = { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data', 'exactly.once.support': 'false' };
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
  try {
    const first = await startBinlogd({ name, config });
    const writing = insertRange(db, table, 1, 3000, 50);
    await readAvroTopic(`${name}.${table}`, 500, 60_000);
    first.child.kill('SIGKILL');
    await writing;
    const second = await startBinlogd({ name, config });
    try {
      // Repeated records count towards what the reader waits for: read again until all rows are in.
      let records = await readAvroTopic(`${name}.${table}`, 3000, 90_000);
      for (let tries = 0; tries < 5 && new Set(ids(records)).size < 3000; tries++) {
        records = await readAvroTopic(`${name}.${table}`, records.length + 3000 - new Set(ids(records)).size, 30_000);
      }
      const seen = ids(records);
      const distinct = new Set(seen);
      assert.equal(distinct.size, 3000, `all 3000 rows arrived (${seen.length} records, ${seen.length - distinct.size} repeated)`);
      // Repeats come only from the last second before the kill, and in binlog order.
      assert.ok(seen.length - distinct.size < 3000, 'repeats are bounded');
    } finally {
      assert.equal(await second.stop(), 0);
    }
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});
