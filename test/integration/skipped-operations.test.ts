// skipped.operations: the listed row operations are not written; the others are, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';

const DB = 'binlogd_test';

test('skipped.operations=u,t drops updates and truncates; inserts and deletes (with tombstones) remain', { timeout: 120_000 }, async () => {
  const db = await connectAsRoot();
  const name = uniqueName('skip');
  const table = `${DB}.${name}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(10))`);
  const binlogd = await startBinlogd({ name, config: { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'skipped.operations': 'u,t' } });
  try {
    await db.query(`INSERT INTO ${table} VALUES (1, 'a'), (2, 'b')`);
    await db.query(`UPDATE ${table} SET v = 'changed'`);
    await db.query(`DELETE FROM ${table} WHERE id = 1`);
    await db.query(`TRUNCATE TABLE ${table}`);
    await db.query(`INSERT INTO ${table} VALUES (3, 'c')`);
    const records = await readAvroTopic(`${name}.${table}`, 5);
    const seen = records.map((r) => `${(asJsonPayload(r.key) as { id: number }).id}:${(r.value as { op?: string } | null)?.op ?? 'tombstone'}`);
    assert.deepEqual(seen, ['1:c', '2:c', '1:d', '1:tombstone', '3:c']);
  } finally {
    const code = await binlogd.stop();
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
    assert.equal(code, 0);
  }
});
