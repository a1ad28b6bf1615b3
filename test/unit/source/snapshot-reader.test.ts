import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsBinlogShape, readChunk, selectList, streamTable, type TableRead } from '../../../src/source/snapshot-reader.js';
import type { SnapshotSqlClient } from '../../../src/source/sql-client.js';

/** Records the statements a snapshot read sends (pure SQL building; no server). */
function recorder(): { reader: SnapshotSqlClient; sent: Array<{ sql: string; params: unknown[] }> } {
  const sent: Array<{ sql: string; params: unknown[] }> = [];
  const reader = {
    select: async (sql: string, params: unknown[]) => { sent.push({ sql, params }); return []; },
    stream: (sql: string, params: unknown[]) => { sent.push({ sql, params }); return (async function* () { /* no rows */ })(); },
  } as unknown as SnapshotSqlClient;
  return { reader, sent };
}

const read: TableRead = { db: 'inv', table: 'orders', columns: [{ name: 'id', type: 'int' }, { name: 'status', type: 'varchar' }], keyColumns: ['id'] };

test('key chunks: the after-key condition and a filter are both applied', async () => {
  const { reader, sent } = recorder();
  await readChunk(reader, read, null, 10);
  await readChunk(reader, { ...read, filter: "status = 'open'" }, [5], 10);
  assert.deepEqual(sent, [
    { sql: 'SELECT `id`, `status` FROM `inv`.`orders` ORDER BY `id` LIMIT 10', params: [] },
    { sql: "SELECT `id`, `status` FROM `inv`.`orders` WHERE ((`id` > ?)) AND (status = 'open') ORDER BY `id` LIMIT 10", params: [5] },
  ]);
});

test('one pass: a filter becomes the WHERE clause; a whole SELECT replaces the statement', async () => {
  const { reader, sent } = recorder();
  for await (const _ of streamTable(reader, { ...read, filter: 'id > 2' }, 100)) assert.fail('no rows');
  for await (const _ of streamTable(reader, { ...read, select: 'SELECT * FROM inv.orders WHERE id > 2' }, 100)) assert.fail('no rows');
  assert.deepEqual(sent.map((s) => s.sql), ['SELECT `id`, `status` FROM `inv`.`orders` WHERE (id > 2)', 'SELECT * FROM inv.orders WHERE id > 2']);
});

test('FLOAT and DOUBLE are selected as text (FLOAT through DOUBLE, whose text is exact), ENUM and YEAR as the row image holds them', () => {
  const read: TableRead = {
    db: 'd', table: 't', keyColumns: ['id'],
    columns: [{ name: 'id', type: 'int' }, { name: 'f', type: 'float' }, { name: 'd', type: 'double' }, { name: 'e', type: 'enum' }, { name: 'y', type: 'year' }],
  };
  assert.equal(selectList(read),
    '`id`, CAST(CAST(`f` AS DOUBLE) AS CHAR) AS `f`, CAST(`d` AS CHAR) AS `d`, IF(`e` + 0 = 0, NULL, `e`) AS `e`, IF(`y` + 0 = 0, 1900, `y`) AS `y`');
  assert.equal(needsBinlogShape(read), false, 'no per-value hook without spatial columns');
  assert.equal(needsBinlogShape({ ...read, columns: [...read.columns, { name: 'g', type: 'point' }] }), true);
  assert.equal(needsBinlogShape({ ...read, select: 'SELECT * FROM d.t' }), true, 'a SELECT of the user\'s gets the hook');
});
