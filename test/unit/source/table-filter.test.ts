import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCaptureFilter, isOnlineSchemaChangeHelper, type CaptureFilterLists } from '../../../src/source/table-filter.js';

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
  // The helper tables of pt-online-schema-change and gh-ost are left out, even when an include list names them.
  { lists: {}, table: 'inventory._orders_new', captured: false },
  { lists: {}, table: 'inventory._orders_gho', captured: false },
  { lists: { tableInclude: [/inventory\.orders/, /inventory\._orders_(new|old)/] }, table: 'inventory._orders_old', captured: false },
  { lists: { tableInclude: [/inventory\.orders/, /inventory\._orders_(new|old)/] }, table: 'inventory.orders', captured: true },
  { lists: { ignoreOnlineSchemaChangeHelpers: false }, table: 'inventory._orders_ghc', captured: true },
  { lists: { ignoreOnlineSchemaChangeHelpers: false, tableExclude: [/inventory\._orders_ghc/] }, table: 'inventory._orders_ghc', captured: false },
  { lists: {}, table: 'inventory.orders_new', captured: true },
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

test('online schema change helper names: pt-osc and gh-ost tables, nothing else', () => {
  const helpers = ['_t_new', '__t_new', '_t_old', '___t_old', '_t_gho', '_t_ghc', '_t_del', '_t_20261207183000_del', '_order_items_gho', '_a_b_c_new'];
  const tables = ['t', 't_new', 'new', '_new', '_t_news', '_t_GHO', 't_gho_', 'orders_old', '_t_ghost', '_t'];
  for (const name of helpers) assert.equal(isOnlineSchemaChangeHelper(name), true, name);
  for (const name of tables) assert.equal(isOnlineSchemaChangeHelper(name), false, name);
});
