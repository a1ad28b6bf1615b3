// The batching pipeline's own logic, driven by a hand-held sender whose requests we acknowledge
// or fail at will. What Kafka does with the batches is tested in test/integration/sink-kafka.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaSink, recordSize, type KafkaSinkOptions, type OutRecord } from '../../../src/sink/batcher.js';
import type { BatchSender, TopicBatch } from '../../../src/sink/kafka-client.js';
import { partitionForKey } from '../../../src/sink/murmur2.js';
import { BinlogdError } from '../../../src/errors.js';

interface Request {
  batches: readonly TopicBatch[];
  ack: () => void;
  fail: (e: unknown) => void;
}

function heldSender(): BatchSender & { requests: Request[]; open: number; maxOpen: number } {
  const s = {
    requests: [] as Request[],
    open: 0,
    maxOpen: 0,
    sendBatch(batches: readonly TopicBatch[]): Promise<void> {
      s.open++;
      s.maxOpen = Math.max(s.maxOpen, s.open);
      return new Promise<void>((resolve, reject) => {
        s.requests.push({
          batches,
          ack: () => {
            s.open--;
            resolve();
          },
          fail: (e) => {
            s.open--;
            reject(e);
          },
        });
      });
    },
  };
  return s;
}

function partitions(counts: Record<string, number>) {
  const ensured: string[] = [];
  return {
    ensured,
    partitionCount: (topic: string) => (ensured.includes(topic) ? counts[topic] : undefined),
    ensure: async (topic: string) => {
      ensured.push(topic);
      return counts[topic]!;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

function rec(i: number, topic = 't', extra: Partial<OutRecord> = {}): OutRecord {
  return { topic, key: Buffer.from(`key-${i % 7}`), value: Buffer.from(`value-${i}`), ackToken: i, ...extra };
}

function sink(extra: Partial<KafkaSinkOptions> & { client: BatchSender }) {
  const topics = partitions({ t: 6, u: 3 });
  topics.ensured.push('t', 'u');
  const acked: unknown[] = [];
  const s = createKafkaSink({
    topics,
    maxBatchRecords: 10,
    maxBatchBytes: 1_000_000,
    lingerMs: 0,
    maxInFlightBatches: 2,
    onAck: (records) => acked.push(...records.map((r) => r.ackToken)),
    ...extra,
  });
  return { s, acked, topics };
}

test('keyed records go to the murmur2 partition; a given partition is kept', async () => {
  const client = heldSender();
  const { s } = sink({ client });
  for (let i = 0; i < 7; i++) s.send(rec(i));
  s.send(rec(99, 't', { partition: 5, key: null }));
  const flushed = s.flush();
  while (client.requests.length > 0) {
    const r = client.requests.shift()!;
    for (const b of r.batches) {
      for (const m of b.messages) {
        if (m.key !== null) assert.equal(m.partition, partitionForKey(m.key, 6));
        else assert.equal(m.partition, 5);
      }
    }
    r.ack();
    await tick();
  }
  await flushed;
});

test('null keys stick to one partition per batch and rotate between batches', async () => {
  const client = heldSender();
  const { s } = sink({ client, maxBatchRecords: 4, lingerMs: 1000 });
  for (let i = 0; i < 4; i++) s.send(rec(i, 'u', { key: null }));
  const firstPartitions = new Set(client.requests[0]!.batches[0]!.messages.map((m) => m.partition));
  assert.equal(firstPartitions.size, 1);
  client.requests[0]!.ack();
  await tick();
  for (let i = 4; i < 8; i++) s.send(rec(i, 'u', { key: null }));
  const second = new Set(client.requests[1]!.batches[0]!.messages.map((m) => m.partition));
  assert.equal(second.size, 1);
  assert.notDeepEqual([...second], [...firstPartitions]);
});

test('batches respect maxBatchRecords and maxBatchBytes; an oversized record travels alone', async () => {
  const client = heldSender();
  const size = recordSize(rec(0));
  const { s } = sink({ client, maxBatchRecords: 100, maxBatchBytes: size * 3, maxInFlightBatches: 10, lingerMs: 1000 });
  for (let i = 0; i < 7; i++) s.send(rec(i));
  s.send(rec(7, 't', { value: Buffer.alloc(size * 5) }));
  s.send(rec(8));
  const flushed = s.flush();
  const sizes: number[] = [];
  while (client.requests.length > 0 || client.open > 0) {
    const r = client.requests.shift();
    if (r === undefined) {
      await tick();
      continue;
    }
    sizes.push(r.batches.reduce((n, b) => n + b.messages.length, 0));
    r.ack();
    await tick();
  }
  await flushed;
  assert.deepEqual(sizes, [3, 3, 1, 1, 1]);
});

test('one request at a time; acknowledgements arrive in send order', async () => {
  const client = heldSender();
  const { s, acked } = sink({ client, maxBatchRecords: 5, maxInFlightBatches: 3 });
  const sent: number[] = [];
  for (let i = 0; i < 12; i++) {
    assert.equal(s.send(rec(i, i % 2 === 0 ? 't' : 'u')), undefined);
    sent.push(i);
  }
  const flushed = s.flush();
  while (client.requests.length > 0) {
    assert.equal(client.open, 1);
    client.requests.shift()!.ack();
    await tick();
  }
  await flushed;
  assert.equal(client.maxOpen, 1);
  assert.deepEqual(acked, sent);
  assert.equal(s.stats().acknowledgedRecords, 12);
});

test('backpressure: send returns a promise once maxInFlightBatches batches are sealed', async () => {
  const client = heldSender();
  const { s } = sink({ client, maxBatchRecords: 2, maxInFlightBatches: 2 });
  // lingerMs 0 and an idle wire: [0] goes out alone; [1,2] sealed; [3,4] full but no room to seal.
  for (let i = 0; i < 5; i++) assert.equal(s.send(rec(i)), undefined);
  const waiting = s.send(rec(5));
  assert.ok(waiting instanceof Promise);
  assert.throws(() => s.send(rec(6)), (e: unknown) => e instanceof BinlogdError && e.code === 'INTERNAL');
  let settled = false;
  void waiting.then(() => (settled = true));
  await tick();
  assert.equal(settled, false);
  assert.deepEqual(s.stats(), { bufferedRecords: 5, bufferedBytes: 5 * recordSize(rec(0)), sealedBatches: 2, acknowledgedRecords: 0 });
  client.requests.shift()!.ack();
  await tick();
  assert.equal(settled, true);
  // [1,2] on the wire, [3,4] sealed, [5] open.
  assert.deepEqual(s.stats(), { bufferedRecords: 5, bufferedBytes: 5 * recordSize(rec(0)), sealedBatches: 2, acknowledgedRecords: 1 });
});

test('an unknown topic is ensured once before its first record', async () => {
  const client = heldSender();
  const topics = partitions({ fresh: 4 });
  const s = createKafkaSink({ client, topics, lingerMs: 0 });
  const first = s.send(rec(1, 'fresh'));
  assert.ok(first instanceof Promise);
  await first;
  assert.equal(s.send(rec(2, 'fresh')), undefined);
  assert.deepEqual(topics.ensured, ['fresh']);
  const flushed = s.flush();
  client.requests.shift()!.ack();
  await tick();
  client.requests.shift()?.ack();
  await flushed;
});

test('a record with a prescribed partition still gets its unknown topic ensured (created) first', async () => {
  const client = heldSender();
  const topics = partitions({ heartbeats: 3 });
  const s = createKafkaSink({ client, topics, lingerMs: 0 });
  const first = s.send(rec(1, 'heartbeats', { partition: 0 }));
  assert.ok(first instanceof Promise, 'waits for the topic');
  await first;
  assert.deepEqual(topics.ensured, ['heartbeats']);
  assert.equal(client.requests[0]!.batches[0]!.messages[0]!.partition, 0);
  const flushed = s.flush();
  client.requests.shift()!.ack();
  await tick();
  await flushed;
});

test('a failed request fails the sink: no later acks, flush rejects, send throws, onError once', async () => {
  const client = heldSender();
  const errors: BinlogdError[] = [];
  const { s, acked } = sink({ client, maxBatchRecords: 2, maxInFlightBatches: 3, lingerMs: 1000, onError: (e) => errors.push(e) });
  for (let i = 0; i < 6; i++) s.send(rec(i));
  const flushed = s.flush();
  client.requests.shift()!.ack();
  await tick();
  const rejected = new BinlogdError('KAFKA_REJECTED', 'too large', { details: { topics: ['t'] } });
  client.requests.shift()!.fail(rejected);
  await assert.rejects(flushed, (e: unknown) => e === rejected);
  assert.deepEqual(acked, [0, 1]);
  assert.equal(errors.length, 1);
  assert.throws(() => s.send(rec(9)), (e: unknown) => e === rejected);
  assert.equal(s.failure, rejected);
  await assert.rejects(s.flush(), (e: unknown) => e === rejected);
});

test('linger: a lone record waits lingerMs when nothing is in flight, flush does not', async () => {
  const client = heldSender();
  const { s } = sink({ client, lingerMs: 30 });
  s.send(rec(1));
  await tick();
  assert.equal(client.requests.length, 0);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(client.requests.length, 1);
  client.requests.shift()!.ack();
  await tick();
  s.send(rec(2));
  const flushed = s.flush();
  assert.equal(client.requests.length, 1);
  client.requests.shift()!.ack();
  await flushed;
  await s.close();
  assert.throws(() => s.send(rec(3)), (e: unknown) => e instanceof BinlogdError);
});

test('flush with nothing outstanding resolves at once', async () => {
  const { s } = sink({ client: heldSender() });
  await s.flush();
});

test('recordSize counts key, value, headers and overhead', () => {
  const base = recordSize({ topic: 't', key: null, value: null });
  assert.equal(recordSize({ topic: 't', key: Buffer.alloc(3), value: Buffer.alloc(10) }), base + 13);
  assert.ok(recordSize({ topic: 't', key: null, value: null, headers: { é: 'ab' } }) > base + 4);
});

test("a topic's records in one batch stay below its max.message.bytes (the broker refuses a larger record batch)", async () => {
  const client = heldSender();
  const topics = { ...partitions({ t: 6, u: 3 }), maxMessageBytes: (topic: string) => (topic === 't' ? 300 : undefined) };
  topics.ensured.push('t', 'u');
  const s = createKafkaSink({ topics, client, maxBatchRecords: 100, maxBatchBytes: 1_000_000, lingerMs: 1000, maxInFlightBatches: 100 });
  const big = (i: number, topic: string): OutRecord => rec(i, topic, { value: Buffer.alloc(100) });
  for (let i = 0; i < 6; i++) s.send(big(i, 't'));
  for (let i = 0; i < 3; i++) s.send(big(i, 'u'));
  const flushed = s.flush();
  const sizes: Array<Record<string, number>> = [];
  while (client.requests.length > 0) {
    const r = client.requests.shift()!;
    sizes.push(Object.fromEntries(r.batches.map((b) => [b.topic, b.messages.length])));
    r.ack();
    await tick();
  }
  await flushed;
  // 129 bytes a record: two do not fit below 300 - 61 (the record batch header); topic u has no limit.
  assert.deepEqual(sizes, [{ t: 1 }, { t: 1 }, { t: 1 }, { t: 1 }, { t: 1 }, { t: 1, u: 3 }]);
});
