import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitChange, headerText, TransactionOrder, type ChangeRecord, type EnvelopeOptions } from '../../../src/envelope/change-events.js';
import { buildTableSchema, dataTopic, type ColumnCodec } from '../../../src/envelope/table-schema.js';
import { sourceStruct, type SourcePosition } from '../../../src/envelope/source-info.js';

const columns: ColumnCodec[] = [
  { name: 'id', schema: { type: 'int32', optional: false }, convert: (v) => Number(v) },
  { name: 'name', schema: { type: 'string', optional: true }, convert: (v) => String(v) },
];
const table = buildTableSchema({ topicPrefix: 'dbserver1', db: 'inventory', table: 'customers', columns, keyColumns: ['id'] });
const keyless = buildTableSchema({ topicPrefix: 'dbserver1', db: 'inventory', table: 'log', columns, keyColumns: [] });
const at: SourcePosition = { timestampMs: 1719990000000, db: 'inventory', table: 'customers', serverId: 1, gtid: '0-1-1043', file: 'mysql-bin.000003', pos: 1512, row: 0 };
const time = { ms: 1719990000123n, us: 1719990000123456n, ns: 1719990000123456000n };
const context = { 'tag': 'x' };

function run(change: Parameters<typeof emitChange>[1], options: Partial<EnvelopeOptions> = {}, target = table): ChangeRecord[] {
  const out: ChangeRecord[] = [];
  const envelope: EnvelopeOptions = {
    identity: { version: '0.1.0', name: 'dbserver1' }, tombstonesOnDelete: true, provideTransactionMetadata: false,
    contextHeaders: context, ...options,
  };
  emitChange(target, change, sourceStruct(envelope.identity, at), { time, transaction: new TransactionOrder('0-1-1043'), options: envelope }, out);
  return out;
}

test('schemas carry Debezium names, the envelope version and field order', () => {
  assert.equal(table.topic, 'dbserver1.inventory.customers');
  assert.equal(table.keySchema?.name, 'dbserver1.inventory.customers.Key');
  assert.equal(table.rowSchema.name, 'dbserver1.inventory.customers.Value');
  assert.equal(table.rowSchema.optional, true);
  assert.equal(table.envelopeSchema.name, 'dbserver1.inventory.customers.Envelope');
  assert.equal(table.envelopeSchema.version, 2);
  assert.deepEqual(table.envelopeSchema.fields?.map((f) => f.name), ['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns']);
  assert.equal(keyless.keySchema, null);
  assert.equal(dataTopic('my server', 'db', 't$1'), 'my_server.db.t_1');
});

test('insert: op c with after only; source from the event; processing timestamps', () => {
  const [record, ...rest] = run({ op: 'c', before: null, after: { id: 1, name: 'Anne' } });
  assert.equal(rest.length, 0);
  assert.deepEqual(record!.key, { id: 1 });
  const value = record!.value!;
  assert.equal(value['op'], 'c');
  assert.equal(value['before'], null);
  assert.deepEqual(value['after'], { id: 1, name: 'Anne' });
  assert.equal(value['transaction'], null);
  assert.deepEqual([value['ts_ms'], value['ts_us'], value['ts_ns']], [time.ms, time.us, time.ns]);
  assert.deepEqual(value['source'], {
    version: '0.1.0', connector: 'mariadb', name: 'dbserver1', ts_ms: 1719990000000n, snapshot: null, db: 'inventory',
    sequence: null, ts_us: 1719990000000000n, ts_ns: 1719990000000000000n, table: 'customers', server_id: 1n,
    gtid: '0-1-1043', file: 'mysql-bin.000003', pos: 1512n, row: 0, thread: null, query: null,
  });
  assert.deepEqual(record!.headers, context);
});

test('delete: op d with before, then a tombstone with the same key (unless tombstones are off)', () => {
  const records = run({ op: 'd', before: { id: 2, name: null }, after: null });
  assert.deepEqual(records.map((r) => [r.key, r.value?.['op'] ?? null, r.valueSchema === null]), [[{ id: 2 }, 'd', false], [{ id: 2 }, null, true]]);
  assert.equal(run({ op: 'd', before: { id: 2, name: null }, after: null }, { tombstonesOnDelete: false }).length, 1);
});

test('update keeping the key: one u record with before and after', () => {
  const records = run({ op: 'u', before: { id: 3, name: 'a' }, after: { id: 3, name: 'b' } });
  assert.equal(records.length, 1);
  assert.deepEqual([records[0]!.value!['before'], records[0]!.value!['after']], [{ id: 3, name: 'a' }, { id: 3, name: 'b' }]);
});

test('update changing the key: delete + tombstone with newkey, then create with oldkey', () => {
  const records = run({ op: 'u', before: { id: 1, name: 'a' }, after: { id: 5, name: 'a' } });
  assert.deepEqual(records.map((r) => [r.key, r.value?.['op'] ?? null, r.headers['__debezium.newkey'], r.headers['__debezium.oldkey']]), [
    [{ id: 1 }, 'd', '{"id":5}', undefined],
    [{ id: 1 }, null, '{"id":5}', undefined],
    [{ id: 5 }, 'c', undefined, '{"id":1}'],
  ]);
  assert.equal(records[0]!.headers['tag'], 'x', 'context headers stay on every record');
});

test('keyless table: null key, updates stay updates', () => {
  const records = run({ op: 'u', before: { id: 1, name: 'a' }, after: { id: 5, name: 'a' } }, {}, keyless);
  assert.deepEqual(records.map((r) => [r.key, r.value?.['op']]), [[null, 'u']]);
});

test('transaction block counts in total and per table', () => {
  const order = new TransactionOrder('0-1-7');
  assert.deepEqual(order.next('db.a'), { id: '0-1-7', total_order: 1n, data_collection_order: 1n });
  assert.deepEqual(order.next('db.b'), { id: '0-1-7', total_order: 2n, data_collection_order: 1n });
  assert.deepEqual(order.next('db.a'), { id: '0-1-7', total_order: 3n, data_collection_order: 2n });
  const [record] = run({ op: 'c', before: null, after: { id: 1, name: null } }, { provideTransactionMetadata: true });
  assert.deepEqual(record!.value!['transaction'], { id: '0-1-1043', total_order: 1n, data_collection_order: 1n });
});

test('header text is what SimpleHeaderConverter writes', () => {
  assert.equal(headerText({ id: 1005 }), '{"id":1005}');
  assert.equal(headerText({ a: 'x"y', b: 12n, c: Buffer.from([1, 2]), d: null }), '{"a":"x\\"y","b":12,"c":"AQI=","d":null}');
});

test('a null in a column with a default stays null in the row, as in Debezium\'s Struct (the converters decide about the default)', () => {
  const withDefault = buildTableSchema({
    topicPrefix: 'p', db: 'd', table: 't', keyColumns: ['id'],
    columns: [columns[0]!, { name: 'extra', schema: { type: 'string', optional: true, defaultValue: 'added' }, convert: (v) => String(v) }],
  });
  assert.deepEqual(withDefault.row({ id: 1, extra: null }), { id: 1, extra: null });
  assert.deepEqual(withDefault.row({ id: 1, extra: 'x' }), { id: 1, extra: 'x' });
});

test('skip.messages.without.change: an update whose captured columns are all unchanged writes nothing', () => {
  // `secret` stands for a column column.exclude.list leaves out: the table schema does not have it.
  const unchanged = { op: 'u' as const, before: { id: 1, name: 'Anne', secret: 'a' }, after: { id: 1, name: 'Anne', secret: 'b' } };
  assert.equal(run(unchanged, { skipMessagesWithoutChange: true }).length, 0);
  assert.equal(run(unchanged).length, 1, 'off by default: the update is written');
  assert.equal(run({ op: 'u', before: { id: 1, name: 'Anne' }, after: { id: 1, name: 'Anna' } }, { skipMessagesWithoutChange: true }).length, 1);
  const keyChange = run({ op: 'u', before: { id: 1, name: 'Anne' }, after: { id: 2, name: 'Anne' } }, { skipMessagesWithoutChange: true });
  assert.deepEqual(keyChange.map((r) => r.value?.['op'] ?? null), ['d', null, 'c'], 'a key change is a change');
});

test('the value comparison behind it: bytes, nested structs and arrays by content, NaN equal to itself', async () => {
  const { deepValueEquals } = await import('../../../src/envelope/change-events.js');
  assert.ok(deepValueEquals({ g: { wkb: Buffer.from([1, 2]), srid: 4326 }, a: [1n, 'x'], d: Number.NaN }, { g: { wkb: Buffer.from([1, 2]), srid: 4326 }, a: [1n, 'x'], d: Number.NaN }));
  assert.ok(!deepValueEquals({ g: { wkb: Buffer.from([1, 2]), srid: 4326 } }, { g: { wkb: Buffer.from([1, 3]), srid: 4326 } }));
  assert.ok(!deepValueEquals({ a: [1, 2] }, { a: [1, 2, 3] }));
  assert.ok(!deepValueEquals({ a: null }, { a: 0 }));
  assert.ok(!deepValueEquals({ a: 1 }, { b: 1 }));
});
