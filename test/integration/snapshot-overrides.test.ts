// snapshot.select.statement.overrides: the initial snapshot reads a listed table with the user's
// statement, as it is, in one pass — compared with Debezium 3.5 given the same properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureWithDebezium } from '../oracle/debezium.js';
import { connectAsRoot } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';

const DB = 'binlogd_test';

test('snapshot.select.statement.overrides: the table is read with the given statement, the same records as Debezium', { timeout: 300_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('ss_override');
  const plain = uniqueName('ss_plain');
  const qualified = `${DB}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${qualified} (id INT PRIMARY KEY, status VARCHAR(10), amount DECIMAL(8,2))`);
  await db.query(`CREATE TABLE ${DB}.${plain} (id INT PRIMARY KEY)`);
  await db.query(`INSERT INTO ${qualified} SELECT seq, IF(seq % 3 = 0, 'closed', 'open'), seq * 1.5 FROM ${DB}.seq_1_to_30`);
  await db.query(`INSERT INTO ${DB}.${plain} SELECT seq FROM ${DB}.seq_1_to_5`);
  const overrides = {
    'snapshot.select.statement.overrides': qualified,
    [`snapshot.select.statement.overrides.${qualified}`]: `SELECT * FROM ${qualified} WHERE status = 'open' ORDER BY id DESC`,
  };
  const tables = [qualified, `${DB}.${plain}`];
  const prefix = uniqueName('bdover');
  let binlogd: Awaited<ReturnType<typeof startBinlogd>> | undefined;
  try {
    const capture = await captureWithDebezium({ tables, snapshot: true, config: overrides, write: async () => undefined, timeoutMs: 180_000 });
    binlogd = await startBinlogd({
      name: prefix,
      config: { 'topic.prefix': prefix, 'snapshot.mode': 'initial', 'table.include.list': tables.map((t) => t.replace('.', '\\.')).join(','), ...overrides },
      timeoutMs: 120_000,
    });
    for (const t of tables) {
      const expected = capture.records.filter((r) => r.topic === `${capture.topicPrefix}.${t}`)
        .map((r) => ({ key: r.key?.payload, op: r.value?.payload.op, after: r.value?.payload.after, snapshot: r.value?.payload.source.snapshot }));
      const actual = (await readAvroTopic(`${prefix}.${t}`, expected.length, 60_000)).map((r) => {
        const value = asJsonPayload(r.value) as { op: string; after: unknown; source: { snapshot: string } };
        return { key: asJsonPayload(r.key), op: value.op, after: value.after, snapshot: value.source.snapshot };
      });
      assert.deepEqual(actual, expected, t);
    }
    const read = capture.records.filter((r) => r.topic === `${capture.topicPrefix}.${qualified}`).map((r) => r.key?.payload.id as number);
    assert.deepEqual(read, Array.from({ length: 30 }, (_, i) => 30 - i).filter((id) => id % 3 !== 0), 'the statement, in its own order');
  } finally {
    await binlogd?.stop();
    await db.query(`DROP TABLE IF EXISTS ${qualified}, ${DB}.${plain}`);
    await db.end();
  }
});
