// binlogd's produce request encoder must write exactly the bytes kafkajs' own encoder writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { kafkajsProduceV3Request, produceV3Request, type ProduceRequestArgs } from '../../../src/sink/produce-encoder.js';

const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: unknown): { value: bigint } };

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

function bytes(next: () => number, max: number): Buffer {
  const b = Buffer.alloc(Math.floor(next() * max));
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(next() * 256);
  return b;
}

async function encoded(factory: typeof produceV3Request, args: ProduceRequestArgs): Promise<Buffer> {
  const encoder = await factory(args).encode();
  return Buffer.from(encoder.buf.subarray(0, encoder.offset));
}

test('requests of random records equal kafkajs encoding, byte for byte', async (t) => {
  // Fixed clock: records without a timestamp get the request's Date.now().
  t.mock.method(Date, 'now', () => 1_732_200_000_123);
  const constantHeaders = { '__debezium.context.connectorName': Buffer.from('mariadb'), '__debezium.context.taskId': Buffer.from('0') };
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed);
    const topicData = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, t) => ({
      topic: `topic-${seed}-${t}-ü`,
      partitions: Array.from({ length: 1 + Math.floor(next() * 3) }, (_, p) => ({
        partition: p,
        firstSequence: Math.floor(next() * 100_000),
        messages: Array.from({ length: 1 + Math.floor(next() * 300) }, () => {
          const kind = next();
          return {
            key: kind < 0.1 ? null : kind < 0.2 ? `key-${Math.floor(next() * 1e6)}-é` : bytes(next, 40),
            value: kind > 0.9 ? null : bytes(next, next() < 0.05 ? 20_000 : 400),
            ...(next() < 0.5 ? { headers: next() < 0.7 ? constantHeaders : { a: 'x', multi: [Buffer.from('1'), 'zwei'], empty: Buffer.alloc(0) } } : {}),
            ...(next() < 0.5 ? { timestamp: String(1_732_100_000_000 + Math.floor(next() * 1e6)) } : {}),
          };
        }),
      })),
    }));
    const transactional = next() < 0.5;
    const args: ProduceRequestArgs = {
      acks: -1, timeout: 30_000, topicData,
      ...(transactional ? { transactionalId: `binlogd-${seed}`, producerId: seed % 2 === 0 ? Long.fromValue(4000 + seed) : String(4000 + seed) /* as kafkajs' producer passes it */, producerEpoch: seed % 7 } : {}),
    };
    assert.deepEqual(await encoded(produceV3Request, args), await encoded(kafkajsProduceV3Request, args), `seed ${seed}`);
  }
});

test('large deltas and sizes need multi-byte varints, as in kafkajs', async () => {
  const args: ProduceRequestArgs = {
    acks: 1, timeout: 5_000,
    topicData: [{ topic: 't', partitions: [{ partition: 7, messages: [
      { key: Buffer.alloc(200_000, 1), value: Buffer.alloc(3_000_000, 2), timestamp: '1000' },
      { key: null, value: null, timestamp: String(1000 + 2 ** 40) },
    ] }] }],
  };
  assert.deepEqual(await encoded(produceV3Request, args), await encoded(kafkajsProduceV3Request, args));
});

test('compressed requests are left to kafkajs', async (t) => {
  t.mock.method(Date, 'now', () => 1_732_200_000_123);
  const args: ProduceRequestArgs = {
    acks: -1, timeout: 1000, compression: 1, // gzip
    topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: Buffer.from('k'), value: Buffer.alloc(5000, 3) }] }] }],
  };
  assert.deepEqual(await encoded(produceV3Request, args), await encoded(kafkajsProduceV3Request, args));
});

test('kafkajs groups records per partition with binlogd\'s linear grouping, records in order', async () => {
  await import('../../../src/sink/kafka-client.js'); // installs it before kafkajs loads its producer
  const path = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
  const group = require.cache[path]?.exports as (args: unknown) => Record<number, unknown[]>;
  assert.equal(group.name, 'groupMessagesPerPartition', 'kafkajs loaded its own grouping first');
  const messages = Array.from({ length: 7 }, (_, i) => ({ partition: i % 3, i }));
  const grouped = group({ topic: 't', partitionMetadata: [{}], messages, partitioner: ({ message }: { message: { partition: number } }) => message.partition });
  assert.deepEqual(grouped, { 0: [messages[0], messages[3], messages[6]], 1: [messages[1], messages[4]], 2: [messages[2], messages[5]] });
  assert.deepEqual(group({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 }), {});
});
