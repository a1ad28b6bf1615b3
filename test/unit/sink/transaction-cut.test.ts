// Cutting transactional batches on the main thread: a batch ends right after the last record with
// an ackToken and carries that token's offset record; the records after it stay packed for the
// next batch, with every field and definition intact across the thread boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutRecord } from '../../../src/sink/batcher.js';
import { BatchPacker, BatchUnpacker, type PackedBatch } from '../../../src/sink/record-packing.js';
import { TransactionCut } from '../../../src/sink/transaction-cut.js';

const HEADERS = { '__debezium.context.taskId': Buffer.from('0') };

function crossThread(batch: PackedBatch): PackedBatch {
  return structuredClone(batch, { transfer: [batch.data] });
}

function read(unpacker: BatchUnpacker, batch: PackedBatch): string[] {
  const reader = unpacker.open(crossThread(batch));
  const out: string[] = [];
  for (let r = reader.next(); r !== undefined; r = reader.next()) out.push(`${r.topic}/${r.key?.toString()}/${r.value?.toString() ?? 'null'}/${r.headers?.['__debezium.context.taskId']?.toString()}`);
  return out;
}

function record(topic: string, n: number, token?: number): OutRecord {
  return { topic, key: Buffer.from(`k${n}`), value: n % 3 === 0 ? null : Buffer.from(`v${n}`.repeat(n)), headers: HEADERS, ...(token === undefined ? {} : { ackToken: { pos: token } }) };
}

const offsetRecord = (token: unknown): OutRecord => ({ topic: 'offsets', key: Buffer.from('key'), value: Buffer.from(JSON.stringify(token)), partition: 3 });

test('a batch ends after the last record with a token; the rest waits for the next batch', () => {
  const packer = new BatchPacker();
  const cut = new TransactionCut(offsetRecord);
  const unpacker = new BatchUnpacker();
  const add = (r: OutRecord) => {
    packer.add(r);
    cut.note(r, packer);
  };
  assert.equal(cut.marked, false);
  add(record('t1', 1));
  add(record('t1', 2, 2));
  add(record('t2', 3));
  add(record('t2', 4, 4));
  add(record('t3', 5)); // the start of a rows event whose token has not come yet
  add(record('t1', 6));
  assert.equal(cut.marked, true);

  const first = cut.take(packer, false);
  assert.equal(first.batch.count, 4);
  assert.deepEqual(read(unpacker, first.batch), ['t1/k1/v1/0', 't1/k2/v2v2/0', 't2/k3/null/0', 't2/k4/v4v4v4v4/0']);
  assert.deepEqual(first.commit.offset, { topic: 'offsets', key: new Uint8Array(Buffer.from('key')), value: new Uint8Array(Buffer.from('{"pos":4}')), partition: 3 });
  // The batch defined every topic seen so far, t3 included: early is fine, late would not be.
  assert.deepEqual(first.batch.topics, ['t1', 't2', 't3']);
  assert.equal(cut.marked, false);
  assert.equal(packer.count, 2);

  add(record('t3', 7, 7));
  const second = cut.take(packer, false);
  assert.deepEqual(read(unpacker, second.batch), ['t3/k5/v5v5v5v5v5/0', 't1/k6/null/0', 't3/k7/v7v7v7v7v7v7v7/0']);
  assert.equal(Buffer.from(second.commit.offset!.value!).toString(), '{"pos":7}');
  assert.equal(packer.count, 0);
  assert.equal(packer.bytes, 0);
});

test('without any token, or when everything must go, the whole packer is taken', () => {
  const packer = new BatchPacker();
  const cut = new TransactionCut(offsetRecord);
  const unpacker = new BatchUnpacker();
  for (const r of [record('t', 1), record('t', 2)]) {
    packer.add(r);
    cut.note(r, packer);
  }
  const untokened = cut.take(packer, false);
  assert.equal(untokened.batch.count, 2);
  assert.equal(untokened.commit.offset, null);
  read(unpacker, untokened.batch);

  for (const r of [record('t', 3, 3), record('t', 4)]) {
    packer.add(r);
    cut.note(r, packer);
  }
  const all = cut.take(packer, true);
  assert.deepEqual(read(unpacker, all.batch), ['t/k3/null/0', 't/k4/v4v4v4v4/0']);
  assert.equal(Buffer.from(all.commit.offset!.value!).toString(), '{"pos":3}', 'the last token in the batch');
});

test('an offsetRecord that throws takes nothing', () => {
  const packer = new BatchPacker();
  const cut = new TransactionCut(() => {
    throw new Error('no partition count yet');
  });
  const r = record('t', 1, 1);
  packer.add(r);
  cut.note(r, packer);
  assert.throws(() => cut.take(packer, false), /no partition count/);
  assert.equal(packer.count, 1);
});

test('take() refuses a prefix that is not a record boundary of what is packed', () => {
  const packer = new BatchPacker();
  packer.add(record('t', 1));
  assert.throws(() => packer.take(2, packer.bytes), RangeError);
  assert.throws(() => packer.take(1, packer.bytes - 1), RangeError);
});
