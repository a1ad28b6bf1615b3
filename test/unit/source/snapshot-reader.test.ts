import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readChunk, streamTable, type TableRead } from '../../../src/source/snapshot-reader.js';
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
