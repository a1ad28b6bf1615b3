import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { ConnectSchema } from '../../../src/connect/schema.js';
import type { ChangeRecord } from '../../../src/envelope/change-events.js';
import { BinlogdError } from '../../../src/errors.js';
import { ErrorPolicy, type ErrorPolicyOptions } from '../../../src/runtime/error-policy.js';
import { RecordPath } from '../../../src/runtime/record-path.js';
import { createConverter, type RecordConverter } from '../../../src/serialize/converters.js';
import { createAvroSerializer } from '../../../src/serialize/serializer.js';
import { buildChain } from '../../../src/transforms/chain.js';
import { change, tombstone } from '../transforms/fixtures.js';

const origin = { table: 'db.t', gtid: '0-1-5', file: 'mysql-bin.000001', pos: 400 };
const log = pino({ level: 'silent' });

function policy(overrides: Partial<ErrorPolicyOptions> = {}): ErrorPolicy {
  return new ErrorPolicy({ connector: 'c', tolerance: 'all', logEnable: false, logIncludeMessages: false, eventProcessing: 'fail', maxRecordBytes: 1_048_576, log, ...overrides });
}

function avro(registered: string[] = [], reject?: (subject: string) => Error | undefined): { key: RecordConverter; value: RecordConverter } {
  let id = 0;
  const serializer = createAvroSerializer({
    registerText: async (subject) => {
      const error = reject?.(subject);
      if (error) throw error;
      registered.push(subject);
      return ++id;
    },
  });
  return { key: createConverter('key', { class: 'io.confluent.connect.avro.AvroConverter' }, () => serializer), value: createConverter('value', { class: 'io.confluent.connect.avro.AvroConverter' }, () => serializer) };
}

const records = (): ChangeRecord[] => [change('c', null, { id: 1, name: 'a' }), change('d', { id: 1, name: 'a' }, null), tombstone(1)] as ChangeRecord[];

test('the first records of a topic wait for registration; after that the path is synchronous', async () => {
  const registered: string[] = [];
  const path = new RecordPath({ transforms: [], ...avro(registered), maxRecordBytes: 1_048_576, errors: policy() });
  const first = path.convert(records(), origin);
  assert.ok(first instanceof Promise);
  const out = await first;
  assert.deepEqual(out.map((r) => [r.topic, r.key !== null, r.value !== null]), [['p.db.t', true, true], ['p.db.t', true, true], ['p.db.t', true, false]]);
  assert.deepEqual(registered.sort(), ['p.db.t-key', 'p.db.t-value']);
  const second = path.convert(records(), origin);
  assert.ok(Array.isArray(second), 'synchronous once warm');
});

test('transforms change topics and schemas: the routed subjects are registered (user inventory chain)', async () => {
  const registered: string[] = [];
  const transforms = buildChain([
    { alias: 'route', type: 'org.apache.kafka.connect.transforms.RegexRouter', options: { regex: '([^.]+)\\.([^.]+)\\.([^.]+)', replacement: 'events.$3' }, negate: false },
    { alias: 'unwrap', type: 'io.debezium.transforms.ExtractNewRecordState', options: { 'drop.tombstones': 'false', 'delete.handling.mode': 'rewrite' }, negate: false },
  ], { warn: () => undefined });
  const path = new RecordPath({ transforms, ...avro(registered), maxRecordBytes: 1_048_576, errors: policy() });
  const out = await path.convert(records(), origin);
  assert.deepEqual(out.map((r) => [r.topic, r.value === null ? 'tombstone' : 'value']), [['events.t', 'value'], ['events.t', 'value'], ['events.t', 'tombstone']]);
  assert.deepEqual(registered.sort(), ['events.t-key', 'events.t-value']);
  assert.ok(Array.isArray(path.convert(records(), origin)));
});

test('tolerance none: a failing record fails with its stage, table and position', async () => {
  const path = new RecordPath({ transforms: [], ...avro(), maxRecordBytes: 100, errors: policy({ tolerance: 'none' }) });
  await assert.rejects(Promise.resolve().then(() => path.convert(records(), origin)), (error: BinlogdError) => {
    assert.equal(error.code, 'RECORD_FAILED');
    assert.match(error.message, /KAFKA_PRODUCE .*db\.t at GTID 0-1-5, mysql-bin\.000001:400 row 0/);
    assert.deepEqual([error.details['gtid'], error.details['pos'], error.details['stage']], ['0-1-5', 400, 'KAFKA_PRODUCE']);
    return true;
  });
});

test('tolerance all: a record too large goes to the dead letter topic with context headers; the others go on', async () => {
  const path = new RecordPath({
    transforms: [], ...avro(), maxRecordBytes: 160,
    errors: policy({ deadLetterQueue: { topic: 'dlq', contextHeaders: true } }),
  });
  const big = change('c', null, { id: 2, name: 'x'.repeat(300) }) as ChangeRecord;
  const out = await path.convert([records()[0]!, big, tombstone(1) as ChangeRecord], origin);
  assert.deepEqual(out.map((r) => r.topic), ['p.db.t', 'dlq', 'p.db.t']);
  const dead = out[1]!;
  assert.equal(dead.key!.toString(), '{"id":2}');
  assert.match(dead.value!.toString(), /"op":"c"/);
  assert.equal(dead.headers!['__connect.errors.stage'], 'KAFKA_PRODUCE');
  assert.equal(dead.headers!['__connect.errors.connector.name'], 'c');
  assert.equal(dead.headers!['__connect.errors.topic'], 'p.db.t');
  assert.equal(dead.headers!['__connect.errors.exception.class.name'], 'RecordTooLargeException');
  assert.equal(dead.headers!['__binlogd.errors.table'], 'db.t');
  assert.deepEqual(JSON.parse(String(dead.headers!['__binlogd.errors.position'])), { gtid: '0-1-5', file: 'mysql-bin.000001', pos: 400, row: 0 });
});

test('tolerance all without a dead letter topic skips the record; a registry rejection is a converter failure', async () => {
  const rejected = new BinlogdError('REGISTRY_REJECTED', 'incompatible');
  const path = new RecordPath({ transforms: [], ...avro([], (s) => (s.endsWith('-value') ? rejected : undefined)), maxRecordBytes: 1_048_576, errors: policy() });
  const out = await path.convert(records(), origin);
  assert.deepEqual(out.map((r) => r.value === null ? 'tombstone' : 'value'), ['tombstone'], 'both envelopes skipped, the tombstone (no value schema) kept');
});

test('a registry that is down fails the connector even with tolerance all (nothing skipped for infrastructure)', async () => {
  const down = new BinlogdError('REGISTRY_UNREACHABLE', 'down', { retriable: true });
  const path = new RecordPath({ transforms: [], ...avro([], () => down), maxRecordBytes: 1_048_576, errors: policy() });
  await assert.rejects(Promise.resolve().then(() => path.convert(records(), origin)), (error: BinlogdError) => error.code === 'REGISTRY_UNREACHABLE');
});

test('a transform failure is stage TRANSFORMATION with the transform class', async () => {
  const transforms = buildChain([{ alias: 'outbox', type: 'io.debezium.transforms.outbox.EventRouter', options: {}, negate: false }], { warn: () => undefined });
  const path = new RecordPath({ transforms, ...avro(), maxRecordBytes: 1_048_576, errors: policy({ deadLetterQueue: { topic: 'dlq', contextHeaders: true } }) });
  const out = await path.convert([records()[0]!], origin);
  assert.equal(out[0]!.headers!['__connect.errors.stage'], 'TRANSFORMATION');
  assert.equal(out[0]!.headers!['__connect.errors.class.name'], 'io.debezium.transforms.outbox.EventRouter');
  assert.match(String(out[0]!.headers!['__connect.errors.exception.message']), /Unable to find payload field payload/);
});

test('JsonConverter keys and values, no registry', () => {
  const json = { class: 'org.apache.kafka.connect.json.JsonConverter', schemasEnable: false, decimalFormat: 'BASE64', replaceNullWithDefault: true } as const;
  const path = new RecordPath({
    transforms: [], key: createConverter('key', json, () => { throw new Error('no registry'); }), value: createConverter('value', json, () => { throw new Error('no registry'); }),
    maxRecordBytes: 1_048_576, errors: policy(),
  });
  const out = path.convert(records(), origin);
  assert.ok(Array.isArray(out));
  assert.equal(out[0]!.key!.toString(), '{"id":1}');
  assert.equal(out[2]!.value, null);
});

test('event.processing.failure.handling.mode: fail throws with the position, warn and skip go on', () => {
  assert.throws(() => policy().eventFailed(new Error('bad row'), { ...origin, row: 3 }), /cannot process the change of db\.t at GTID 0-1-5, mysql-bin\.000001:400 row 3: bad row/);
  policy({ eventProcessing: 'warn' }).eventFailed(new Error('bad row'), { ...origin, row: 3 });
  policy({ eventProcessing: 'skip' }).eventFailed(new Error('bad row'), { ...origin, row: 3 });
});

export type { ConnectSchema };

test("a record over its topic's max.message.bytes is refused like one over max.request.size: to the dead letter topic with its origin", async () => {
  const lookedUp: string[] = [];
  const topicLimits = {
    known: (topic: string) => (lookedUp.includes(topic) ? 60 : undefined),
    lookUp: async (topic: string) => { lookedUp.push(topic); },
    close: async () => undefined,
  };
  const path = new RecordPath({
    transforms: [], ...avro(), maxRecordBytes: 1_048_576, topicLimits,
    errors: policy({ deadLetterQueue: { topic: 'dlq', contextHeaders: true } }),
  });
  const out = await path.convert(records(), origin);
  assert.deepEqual(lookedUp, ['p.db.t'], 'looked up once per topic, before encoding');
  const dead = out.filter((r) => r.topic === 'dlq');
  assert.ok(dead.length >= 1);
  assert.match(String(dead[0]!.headers!['__connect.errors.exception.message']), /larger than 60, the max\.message\.bytes of topic p\.db\.t: the broker would refuse it \(MESSAGE_TOO_LARGE\)/);
  assert.equal(dead[0]!.headers!['__binlogd.errors.table'], 'db.t');
});

test('a topic name Kafka cannot take fails the connector whatever errors.tolerance says, naming the table and the fix', () => {
  const long = 'x'.repeat(250);
  const transforms = buildChain([
    { alias: 'route', type: 'org.apache.kafka.connect.transforms.RegexRouter', options: { regex: '.*', replacement: long }, negate: false },
  ], { warn: () => undefined });
  const path = new RecordPath({ transforms, ...avro(), maxRecordBytes: 1_048_576, errors: policy() });
  assert.throws(() => path.convert(records(), origin), (error: unknown) => error instanceof BinlogdError && error.code === 'TOPIC_NAME_INVALID' &&
    /the changes of db\.t go to topic "x{250}", which is 250 characters long.*Fix: a shorter topic\.prefix, a RegexRouter transform/.test(error.message));
});
