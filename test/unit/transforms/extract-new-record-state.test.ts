import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createExtractNewRecordState, extractNewRecordStateOptions, handlingMode } from '../../../src/transforms/extract-new-record-state.js';
import type { ConnectRecord } from '../../../src/transforms/record.js';
import { change, rowSchema, tombstone } from './fixtures.js';

function unwrap(options: Record<string, string>) {
  const warnings: string[] = [];
  return createExtractNewRecordState(extractNewRecordStateOptions.parse(options), { warn: (m) => warnings.push(m) });
}

const insert = change('c', null, { id: 1, name: null });
const update = change('u', { id: 1, name: 'a' }, { id: 1, name: 'b' });
const remove = change('d', { id: 1, name: null }, null);
const grave = tombstone(1);

/** What each mode makes of an insert, a delete and its tombstone: value or 'tombstone', or null (dropped). */
function shape(record: ConnectRecord | null): unknown {
  if (record === null) return null;
  if (record.value === null) return record.valueSchema === null ? 'tombstone (no schema)' : 'null value (row schema)';
  return record.value;
}

const cases: Array<{ options: Record<string, string>; insert: unknown; remove: unknown; grave: unknown }> = [
  { options: {}, insert: { id: 1, name: null }, remove: 'null value (row schema)', grave: null },
  { options: { 'delete.tombstone.handling.mode': 'drop' }, insert: { id: 1, name: null }, remove: null, grave: null },
  { options: { 'delete.tombstone.handling.mode': 'tombstone' }, insert: { id: 1, name: null }, remove: 'null value (row schema)', grave: null },
  // rewrite: __deleted, and a null column with a default reads as the default (InsertField, replace.null.with.default).
  { options: { 'delete.tombstone.handling.mode': 'rewrite' }, insert: { id: 1, name: 'none', __deleted: 'false' }, remove: { id: 1, name: 'none', __deleted: 'true' }, grave: null },
  { options: { 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' }, insert: { id: 1, name: 'none', __deleted: 'false' }, remove: { id: 1, name: 'none', __deleted: 'true' }, grave: 'tombstone (no schema)' },
  { options: { 'delete.tombstone.handling.mode': 'rewrite', 'replace.null.with.default': 'false' }, insert: { id: 1, name: null, __deleted: 'false' }, remove: { id: 1, name: null, __deleted: 'true' }, grave: null },
  { options: { 'delete.tombstone.handling.mode': 'delete-to-tombstone' }, insert: { id: 1, name: null }, remove: 'tombstone (no schema)', grave: null },
  // The legacy pair of Debezium ≤3.1 (the user's inventory connector): rewrite, tombstones kept.
  { options: { 'drop.tombstones': 'false', 'delete.handling.mode': 'rewrite' }, insert: { id: 1, name: 'none', __deleted: 'false' }, remove: { id: 1, name: 'none', __deleted: 'true' }, grave: 'tombstone (no schema)' },
  { options: { 'delete.handling.mode': 'none' }, insert: { id: 1, name: null }, remove: 'null value (row schema)', grave: null },
  { options: { 'drop.tombstones': 'false' }, insert: { id: 1, name: null }, remove: null, grave: 'tombstone (no schema)' },
  { options: { 'delete.handling.mode': 'drop' }, insert: { id: 1, name: null }, remove: null, grave: null },
];

for (const c of cases) {
  test(`ExtractNewRecordState ${JSON.stringify(c.options)}`, () => {
    const t = unwrap(c.options);
    assert.deepEqual(shape(t(insert)), c.insert, 'insert');
    assert.deepEqual(shape(t(remove)), c.remove, 'delete');
    assert.deepEqual(shape(t(grave)), c.grave, 'tombstone');
  });
}

test('legacy options map to the modes Debezium 3.1 applied', () => {
  const mode = (o: Record<string, string>) => handlingMode(extractNewRecordStateOptions.parse(o));
  assert.deepEqual(mode({}), { mode: 'tombstone' });
  assert.deepEqual(mode({ 'drop.tombstones': 'false', 'delete.handling.mode': 'rewrite' }), { mode: 'rewrite', keepTombstones: true });
  assert.deepEqual(mode({ 'delete.handling.mode': 'none' }), { mode: 'tombstone', keepTombstones: false });
  assert.deepEqual(mode({ 'delete.tombstone.handling.mode': 'drop', 'drop.tombstones': 'false' }), { mode: 'drop' }, 'the new option wins');
});

test('the unwrapped schema is the row struct\'s own (required) schema; rewrite makes a required copy with an optional __deleted, once per schema', () => {
  const plain = unwrap({});
  assert.deepEqual(plain(insert)!.valueSchema, { ...rowSchema, optional: false });
  assert.equal(plain(insert)!.valueSchema, plain(update)!.valueSchema, 'one schema object');
  assert.equal(plain(remove)!.valueSchema, rowSchema, 'a delete keeps the envelope field\'s (optional) schema with its null value');
  const t = unwrap({ 'delete.tombstone.handling.mode': 'rewrite' });
  const a = t(insert)!;
  const b = t(update)!;
  assert.equal(a.valueSchema, b.valueSchema, 'same schema object for the same input schema');
  assert.equal(a.valueSchema!.optional, false);
  assert.equal(a.valueSchema!.name, 'p.db.t.Value');
  assert.deepEqual(a.valueSchema!.fields!.at(-1), { name: '__deleted', schema: { type: 'string', optional: true } });
  assert.deepEqual(a.key, { id: 1 }, 'the key is unchanged');
  assert.equal(a.topic, 'p.db.t');
});

test('add.fields: envelope, source and transaction fields, renamed, prefixed, optional without default', () => {
  const t = unwrap({ 'add.fields': 'op,table,source.ts_ms,db:database', 'add.fields.prefix': '_' });
  const out = t(update)!;
  assert.deepEqual(out.value, { id: 1, name: 'b', _op: 'u', _table: 't', _source_ts_ms: 1000n, _database: 'db' });
  const names = out.valueSchema!.fields!.map((f) => [f.name, f.schema.type, f.schema.optional]);
  assert.deepEqual(names, [['id', 'int32', false], ['name', 'string', true], ['_op', 'string', true], ['_table', 'string', true], ['_source_ts_ms', 'int64', true], ['_database', 'string', true]]);
  assert.equal(out.valueSchema!.optional, false);
  // On deletes fields are added only when the delete keeps a value.
  assert.equal(t(remove)!.value, null);
  const rewrite = unwrap({ 'add.fields': 'op', 'delete.tombstone.handling.mode': 'rewrite' });
  assert.deepEqual(rewrite(remove)!.value, { id: 1, name: 'none', __deleted: 'true', __op: 'd' });
});

test('add.headers: text values; a tombstone gets __op=d', () => {
  const t = unwrap({ 'add.headers': 'op,source.ts_ms,db', 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' });
  assert.deepEqual(t(insert)!.headers, { __op: 'c', __source_ts_ms: '1000', __db: 'db' });
  assert.deepEqual(t(grave)!.headers, { __op: 'd' });
});

test('route.by.field sets the topic from the row (the before row for deletes)', () => {
  const t = unwrap({ 'route.by.field': 'name', 'delete.tombstone.handling.mode': 'rewrite' });
  assert.equal(t(update)!.topic, 'b');
  assert.equal(t(change('d', { id: 1, name: 'gone' }, null))!.topic, 'gone');
  assert.equal(t(insert)!.topic, 'p.db.t', 'a null field keeps the topic');
});

test('records that are not envelopes pass through; truncates are dropped', () => {
  const other: ConnectRecord = { topic: 'p', keySchema: null, key: null, valueSchema: { type: 'struct', optional: false, name: 'io.debezium.connector.mariadb.SchemaChangeValue', fields: [] }, value: {}, headers: {} };
  assert.equal(unwrap({})(other), other);
  assert.equal(unwrap({})({ ...insert, value: { ...(insert.value as object), op: 't', after: null } }), null);
});
