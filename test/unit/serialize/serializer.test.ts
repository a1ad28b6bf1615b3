// The serializer's bookkeeping, against an in-memory register function (the real registry is exercised
// in test/integration/serialize-registry.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { field, struct } from '../../../src/connect/schema.js';
import { BinlogdError } from '../../../src/errors.js';
import { toAvroSchemaText } from '../../../src/serialize/avro-schema.js';
import { createAvroSerializer } from '../../../src/serialize/serializer.js';
import { unframe } from '../../../src/serialize/wire-format.js';
import { S } from './fixtures.js';

function fakeRegistry(fail = 0) {
  const calls: Array<[string, string]> = [];
  let failures = fail;
  return {
    calls,
    async registerText(subject: string, schema: string): Promise<number> {
      calls.push([subject, schema]);
      await new Promise((resolve) => setImmediate(resolve));
      if (failures > 0) {
        failures -= 1;
        throw new BinlogdError('REGISTRY_UNREACHABLE', 'down', { retriable: true });
      }
      return 40 + calls.length;
    },
  };
}

const key = struct('p.db.t.Key', [field('id', S.int32)]);
const value = struct('p.db.t.Value', [field('id', S.int32), field('name', S.string)]);

test('TopicNameStrategy subjects, exact schema text, framed bodies', async () => {
  const registry = fakeRegistry();
  const serializer = createAvroSerializer(registry);
  const k = await serializer.serializeKey('p.db.t', key, { id: 1 });
  const v = await serializer.serializeValue('p.db.t', value, { id: 1, name: 'a' });
  assert.deepEqual(registry.calls, [['p.db.t-key', toAvroSchemaText(key)], ['p.db.t-value', toAvroSchemaText(value)]]);
  assert.ok(k && v);
  assert.deepEqual(unframe(k), { schemaId: 41, body: Buffer.from([2]) });
  assert.deepEqual(unframe(v), { schemaId: 42, body: Buffer.from('020261', 'hex') });
});

test('one registration per subject and schema, shared by concurrent records', async () => {
  const registry = fakeRegistry();
  const serializer = createAvroSerializer(registry);
  const framed = await Promise.all([1, 2, 3].map((id) => serializer.serializeValue('p.db.t', value, { id, name: '' })));
  await serializer.serializeValue('p.db.t', value, { id: 4, name: '' });
  assert.equal(registry.calls.length, 1);
  assert.deepEqual(framed.map((b) => b && unframe(b).schemaId), [41, 41, 41]);
  // The same schema under another topic is another subject.
  await serializer.serializeValue('other', value, { id: 1, name: '' });
  assert.deepEqual(registry.calls.map(([subject]) => subject), ['p.db.t-value', 'other-value']);
});

test('null values are tombstones and null keys stay null, without registering', async () => {
  const registry = fakeRegistry();
  const serializer = createAvroSerializer(registry);
  assert.equal(await serializer.serializeValue('p.db.t', value, null), null);
  assert.equal(await serializer.serializeKey('p.db.t', null, null), null);
  assert.equal(registry.calls.length, 0);
  await assert.rejects(serializer.serializeKey('p.db.t', null, { id: 1 }), { code: 'INTERNAL' });
});

test('a failed registration is not remembered', async () => {
  const registry = fakeRegistry(1);
  const serializer = createAvroSerializer(registry);
  await assert.rejects(serializer.serializeKey('p.db.t', key, { id: 1 }), { code: 'REGISTRY_UNREACHABLE' });
  const framed = await serializer.serializeKey('p.db.t', key, { id: 1 });
  assert.equal(framed && unframe(framed).schemaId, 42);
});

test('a prepared schema serializes synchronously', async () => {
  const serializer = createAvroSerializer(fakeRegistry());
  const prepared = await serializer.prepareValue('p.db.t', value);
  assert.equal(prepared.subject, 'p.db.t-value');
  assert.equal(prepared.serialize(null), null);
  assert.equal(prepared.serialize({ id: 1, name: 'a' })?.toString('hex'), '0000000029020261');
  assert.equal(await serializer.prepareValue('p.db.t', value), prepared);
});
