// The serializer against the real registry of the local stack (Apicurio, Confluent API, global
// compatibility BACKWARD): ids, exact stored text, wire compatibility with the registry library's own
// decoder, and how rejections and outages surface.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ConnectValue, field, struct } from '../../src/connect/schema.js';
import { BinlogdError } from '../../src/errors.js';
import { buildAvroSchema } from '../../src/serialize/avro-schema.js';
import { createRegistryClient } from '../../src/serialize/registry.js';
import { createAvroSerializer } from '../../src/serialize/serializer.js';
import { unframe } from '../../src/serialize/wire-format.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { customersColumns, envelopeSchema, S, sourceValue } from '../unit/serialize/fixtures.js';

const { schemaRegistryUrl } = loadStackEnv();
const clients: Array<{ close(): void }> = [];
const client = () => {
  const c = createRegistryClient({ url: schemaRegistryUrl });
  clients.push(c);
  return c;
};
after(() => { for (const c of clients) c.close(); });

test('an envelope is registered with its exact text and decodes with the registry library', async () => {
  const registry = client();
  const serializer = createAvroSerializer(registry);
  const topic = uniqueName('serialize');
  const keySchema = struct(`${topic}.Key`, [field('id', S.int32)]);
  const valueSchema = envelopeSchema(topic, customersColumns);
  const row = { id: 1004, email: null, price: '-12.30', created: 1719990000123456n };
  const value = {
    before: null, after: row, source: sourceValue() as ConnectValue, transaction: null, op: 'c',
    ts_ms: 1719990000123n, ts_us: -(2n ** 63n), ts_ns: 2n ** 63n - 1n,
  };

  const framedKey = await serializer.serializeKey(topic, keySchema, { id: 1004 });
  const framedValue = await serializer.serializeValue(topic, valueSchema, value);
  assert.ok(framedKey && framedValue);

  const stored = await (await fetch(`${schemaRegistryUrl}/subjects/${topic}-value/versions/latest`)).json() as { id: number; schema: string };
  assert.equal(stored.id, unframe(framedValue).schemaId);
  assert.equal(stored.schema, buildAvroSchema(valueSchema).text);

  assert.deepEqual(plain(await registry.decode(framedKey)), { id: 1004 });
  // The library reads Decimal as raw bytes: Connect's unscaled two's complement, -1230 = 0xfb32.
  assert.deepEqual(plain(await registry.decode(framedValue)), { ...value, after: { ...row, price: Buffer.from('fb32', 'hex') } });
});

test('the same schema registered twice, by two processes, has one id', async () => {
  const subject = `${uniqueName('serialize')}-value`;
  const text = buildAvroSchema(struct('ns.Same', [field('a', S.int64)])).text;
  const first = client();
  const [a, b] = await Promise.all([first.registerText(subject, text), first.registerText(subject, text)]);
  const c = await client().registerText(subject, text);
  assert.equal(a, b);
  assert.equal(a, c);
});

test('a BACKWARD-incompatible change is REGISTRY_REJECTED with the registry\'s message and the subject', async () => {
  const registry = client();
  const subject = `${uniqueName('serialize')}-value`;
  await registry.register(subject, buildAvroSchema(struct('ns.V', [field('a', S.int32)])).json);
  // A new required field without a default cannot read old records.
  const incompatible = buildAvroSchema(struct('ns.V', [field('a', S.int32), field('b', S.string)])).text;
  const error = await registry.registerText(subject, incompatible).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof BinlogdError, String(error));
  assert.equal(error.code, 'REGISTRY_REJECTED');
  assert.equal(error.retriable, false);
  const registryMessage = (error.details.response as { message: string }).message;
  assert.ok(registryMessage.length > 0);
  assert.ok(error.message.includes(registryMessage), error.message);
  assert.ok(error.message.includes(subject), error.message);
  assert.equal(error.details.status, 409);
});

test('an invalid schema is REGISTRY_REJECTED', async () => {
  const subject = `${uniqueName('serialize')}-value`;
  await assert.rejects(client().registerText(subject, '{"type":"nonsense"}'),
    (e: BinlogdError) => e.code === 'REGISTRY_REJECTED' && !e.retriable && e.message.includes(subject));
});

test('an unreachable registry is REGISTRY_UNREACHABLE and retriable', async () => {
  const unreachable = createRegistryClient({ url: 'http://127.0.0.1:1/apis/ccompat/v7', timeoutMs: 2000 });
  clients.push(unreachable);
  await assert.rejects(unreachable.register('x-value', 'int'),
    (e: BinlogdError) => e.code === 'REGISTRY_UNREACHABLE' && e.retriable);
});

/** avsc hands back records as instances of generated classes. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}
