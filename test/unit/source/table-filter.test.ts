import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCaptureFilter, type CaptureFilterLists } from '../../../src/source/table-filter.js';

const cases: Array<{ lists: CaptureFilterLists; table: string; captured: boolean }> = [
  { lists: {}, table: 'inventory.orders', captured: true },
  { lists: {}, table: 'mysql.user', captured: false },
  { lists: { ignoreBuiltin: false }, table: 'mysql.user', captured: true },
  { lists: { databaseInclude: [/inventory/] }, table: 'inventory.orders', captured: true },
  { lists: { databaseInclude: [/inv/] }, table: 'inventory.orders', captured: false },
  { lists: { databaseExclude: [/inventory/] }, table: 'inventory.orders', captured: false },
  { lists: { tableInclude: [/inventory\.orders/] }, table: 'inventory.orders', captured: true },
  { lists: { tableInclude: [/inventory\.orders/] }, table: 'inventory.orders_archive', captured: false },
  // Alternation must be anchored as a whole, not per alternative.
  { lists: { tableInclude: [/inventory\.order|inventory\.order_items/] }, table: 'inventory.order_items', captured: true },
  { lists: { tableInclude: [/inventory\..*/] }, table: 'inventory.products', captured: true },
  { lists: { tableExclude: [/inventory\.secret.*/] }, table: 'inventory.secrets', captured: false },
  { lists: { databaseInclude: [/inventory/], tableExclude: [/inventory\.audit/] }, table: 'inventory.audit', captured: false },
  { lists: { databaseInclude: [/inventory/], tableExclude: [/inventory\.audit/] }, table: 'other.audit', captured: false },
];

for (const { lists, table, captured } of cases) {
  test(`${table} with ${JSON.stringify(lists, (_, v) => (v instanceof RegExp ? v.source : v))} → ${captured}`, () => {
    const [db, name] = table.split('.') as [string, string];
    assert.equal(createCaptureFilter(lists).capturesTable(db, name), captured);
  });
}

test('column filters match db.table.column whole', () => {
  const filter = createCaptureFilter({ columnExclude: [/inventory\.customers\.(email|phone)/] });
  assert.equal(filter.capturesColumn('inventory', 'customers', 'email'), false);
  assert.equal(filter.capturesColumn('inventory', 'customers', 'email2'), true);
  assert.equal(filter.capturesColumn('inventory', 'customers', 'name'), true);
});
