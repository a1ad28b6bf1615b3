// A null field reads as its default where Kafka Connect's Struct.get would give it, at any depth,
// and the value is copied only when a default is applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectSchema } from '../../../src/connect/schema.js';
import { defaultsApplier } from '../../../src/serialize/connect-defaults.js';

const row: ConnectSchema = {
  type: 'struct', optional: true, fields: [
    { name: 'id', schema: { type: 'int32', optional: false } },
    { name: 's', schema: { type: 'string', optional: true, defaultValue: 'x' } },
    { name: 'n', schema: { type: 'int32', optional: true } },
  ],
};
const envelope: ConnectSchema = {
  type: 'struct', optional: false, fields: [
    { name: 'before', schema: row },
    { name: 'after', schema: row },
    { name: 'source', schema: { type: 'struct', optional: false, fields: [{ name: 'snapshot', schema: { type: 'string', optional: true, defaultValue: 'false' } }] } },
  ],
};

test('nulls with a default read as the default, in nested structs too; nulls without one stay null', () => {
  const apply = defaultsApplier(envelope)!;
  assert.deepEqual(apply({ before: null, after: { id: 1, s: null, n: null }, source: { snapshot: null } }),
    { before: null, after: { id: 1, s: 'x', n: null }, source: { snapshot: 'false' } });
  assert.deepEqual(apply({ before: null, after: { id: 1, s: 'y', n: 2 }, source: { snapshot: 'last' } }),
    { before: null, after: { id: 1, s: 'y', n: 2 }, source: { snapshot: 'last' } });
});

test('a value with nothing to fill is passed on as it is; a schema without defaults needs no applier', () => {
  const apply = defaultsApplier(envelope)!;
  const value = { before: null, after: { id: 1, s: 'y', n: null }, source: { snapshot: 'true' } };
  assert.equal(apply(value), value);
  assert.equal(defaultsApplier({ type: 'struct', optional: false, fields: [{ name: 'n', schema: { type: 'int32', optional: true } }] }), undefined);
});
