// Packing records for the sink thread and reading them back: every field survives, constant
// header sets and topics are defined once per sink, and errors cross threads with code, flag,
// details and cause. Structured cloning (what postMessage does) is applied to each batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutRecord } from '../../../src/sink/batcher.js';
import { BatchPacker, BatchUnpacker, type PackedBatch } from '../../../src/sink/record-packing.js';
import { deserializeError, serializeError } from '../../../src/sink/threaded-protocol.js';
import { BinlogdError } from '../../../src/errors.js';

const CONTEXT = {
  '__debezium.context.connectorLogicalName': Buffer.from('inventory'),
  '__debezium.context.taskId': Buffer.from('0'),
  '__debezium.context.connectorName': Buffer.from('mariadb'),
};

/** What the worker sees: a structured clone with the data moved, as postMessage does it. */
function crossThread(batch: PackedBatch): PackedBatch {
  return structuredClone(batch, { transfer: [batch.data] });
}

function readAll(unpacker: BatchUnpacker, batch: PackedBatch): OutRecord[] {
  const reader = unpacker.open(crossThread(batch));
  const out: OutRecord[] = [];
  for (let r = reader.next(); r !== undefined; r = reader.next()) out.push(r);
  return out;
}

/** Header values as the wire carries them: bytes. */
function normalized(record: OutRecord): unknown {
  const headers = record.headers === undefined
    ? undefined
    : Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]));
  return { ...record, ...(headers === undefined ? {} : { headers }) };
}

const cases: { name: string; record: OutRecord }[] = [
  { name: 'key and value', record: { topic: 'a.db.t', key: Buffer.from([0, 0, 0, 0, 1, 2]), value: Buffer.from('value') } },
  { name: 'tombstone', record: { topic: 'a.db.t', key: Buffer.from('k'), value: null } },
  { name: 'no key', record: { topic: 'a.db.other', key: null, value: Buffer.from('v') } },
  { name: 'empty key and value', record: { topic: 'a.db.t', key: Buffer.alloc(0), value: Buffer.alloc(0) } },
  { name: 'fixed partition and timestamp', record: { topic: 'offsets', key: Buffer.from('k'), value: Buffer.from('v'), partition: 7, timestampMs: 1717245296123 } },
  { name: 'constant header set', record: { topic: 'a.db.t', key: Buffer.from('k'), value: Buffer.from('v'), headers: CONTEXT } },
  {
    name: 'inline headers (string values, non-ASCII)',
    record: { topic: 'a.db.t', key: Buffer.from('k'), value: Buffer.from('v'), headers: { '__debezium.newkey': 'Struct{id=é€😀}', ...CONTEXT } },
  },
  { name: 'empty headers', record: { topic: 'a.db.t', key: Buffer.from('k'), value: Buffer.from('v'), headers: {} } },
];

test('every record shape survives packing, crossing and unpacking', () => {
  const packer = new BatchPacker();
  const unpacker = new BatchUnpacker();
  for (const c of cases) packer.add(c.record);
  assert.equal(packer.count, cases.length);
  const read = readAll(unpacker, packer.take());
  assert.equal(packer.count, 0);
  assert.equal(packer.bytes, 0);
  assert.equal(read.length, cases.length);
  for (let i = 0; i < cases.length; i++) assert.deepEqual(normalized(read[i]!), normalized(cases[i]!.record), cases[i]!.name);
});

test('topics and constant header sets are defined once, with the first batch that uses them', () => {
  const packer = new BatchPacker();
  const unpacker = new BatchUnpacker();
  const record = (topic: string, i: number): OutRecord => ({ topic, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: CONTEXT });
  packer.add(record('t1', 0));
  packer.add(record('t1', 1));
  const first = packer.take();
  assert.deepEqual(first.topics, ['t1']);
  assert.equal(first.headerSets?.length, 1);
  packer.add(record('t1', 2));
  packer.add(record('t2', 3));
  const second = packer.take();
  assert.deepEqual(second.topics, ['t2']);
  assert.equal(second.headerSets, undefined);
  const read = [...readAll(unpacker, first), ...readAll(unpacker, second)];
  assert.deepEqual(read.map((r) => r.topic), ['t1', 't1', 't1', 't2']);
  assert.deepEqual(read.map((r) => r.value!.toString()), ['v0', 'v1', 'v2', 'v3']);
  // One shared headers object in the worker, as on the main thread: no per-record copy.
  assert.ok(read.every((r) => r.headers === read[0]!.headers));
  assert.deepEqual(read[0]!.headers, CONTEXT);
});

test('a record larger than the scratch buffer grows it, and the next batch is unaffected', () => {
  const packer = new BatchPacker();
  const unpacker = new BatchUnpacker();
  const big = Buffer.alloc(3 * 1024 * 1024, 7);
  packer.add({ topic: 't', key: Buffer.from('small'), value: Buffer.from('x') });
  packer.add({ topic: 't', key: Buffer.from('big'), value: big });
  const first = readAll(unpacker, packer.take());
  assert.equal(first[0]!.value!.toString(), 'x');
  assert.ok(first[1]!.value!.equals(big));
  packer.add({ topic: 't', key: null, value: Buffer.from('after') });
  const batch = packer.take();
  assert.ok(batch.data.byteLength < 100, 'a batch is exactly as large as its records');
  assert.equal(readAll(unpacker, batch)[0]!.value!.toString(), 'after');
});

test('keys and values are views of the batch, not copies', () => {
  const packer = new BatchPacker();
  packer.add({ topic: 't', key: Buffer.from('k'), value: Buffer.from('v') });
  const batch = crossThread(packer.take());
  const record = new BatchUnpacker().open(batch).next()!;
  assert.equal(record.key!.buffer, batch.data);
  assert.equal(record.value!.buffer, batch.data);
});

test('an error crosses with its code, retriable flag, details and cause chain', () => {
  const kafkaError = Object.assign(new Error('The request included a message larger than the max message size'), {
    name: 'KafkaJSProtocolError',
    type: 'MESSAGE_TOO_LARGE',
  });
  const outer = Object.assign(new Error('retries exhausted', { cause: kafkaError }), { name: 'KafkaJSNumberOfRetriesExceeded' });
  const error = new BinlogdError('KAFKA_REJECTED', 'Kafka: producing to t failed: MESSAGE_TOO_LARGE', {
    retriable: false,
    cause: outer,
    details: { kafkaError: 'MESSAGE_TOO_LARGE', topics: ['t'], position: 12n, fn: () => 1 },
  });
  const back = deserializeError(structuredClone(serializeError(error)));
  assert.ok(back instanceof BinlogdError);
  assert.equal(back.code, 'KAFKA_REJECTED');
  assert.equal(back.retriable, false);
  assert.equal(back.message, error.message);
  assert.deepEqual(back.details, { kafkaError: 'MESSAGE_TOO_LARGE', topics: ['t'], position: '12' });
  const cause = back.cause as Error;
  assert.equal(cause.name, 'KafkaJSNumberOfRetriesExceeded');
  assert.equal(cause.message, 'retries exhausted');
  assert.equal((cause.cause as Error & { type?: string }).type, 'MESSAGE_TOO_LARGE');
  assert.equal((cause.cause as Error).name, 'KafkaJSProtocolError');

  const plain = deserializeError(serializeError(new BinlogdError('KAFKA_UNREACHABLE', 'gone', { retriable: true, details: { topics: ['x'] } })));
  assert.equal(plain.retriable, true);
  assert.equal(plain.cause, undefined);
  assert.deepEqual(plain.details, { topics: ['x'] });
});
