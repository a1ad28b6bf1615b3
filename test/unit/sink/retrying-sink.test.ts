// The at-least-once sink's retries, over the real batcher and a scripted producer: after a
// transient failure every unacknowledged record is sent again, in order, through a new producer;
// every record is acknowledged once, in order; a rejection fails the sink at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinlogdError } from '../../../src/errors.js';
import { createKafkaSink, type OutRecord } from '../../../src/sink/batcher.js';
import type { BatchSender, TopicBatch } from '../../../src/sink/kafka-client.js';
import { createRetryingSink } from '../../../src/sink/retrying-sink.js';

function scripted(failures: Array<BinlogdError | undefined>) {
  const written: string[] = [];
  let producers = 0;
  const sender = (): BatchSender => {
    producers++;
    return {
      async sendBatch(batches: readonly TopicBatch[]) {
        await new Promise((resolve) => setImmediate(resolve));
        const failure = failures.shift();
        // Half of a failed request reached the broker: its acknowledgement is what got lost.
        const values = batches.flatMap((b) => b.messages.map((m) => m.value!.toString()));
        written.push(...values.slice(0, failure ? values.length >> 1 : values.length));
        if (failure) throw failure;
      },
    };
  };
  return { written, sender, producers: () => producers };
}

const unreachable = () => new BinlogdError('KAFKA_UNREACHABLE', 'broker gone', { retriable: true });

async function pump(fake: ReturnType<typeof scripted>, count: number) {
  const acked: string[] = [];
  const errors: BinlogdError[] = [];
  const sink = await createRetryingSink({
    open: async (handlers) => createKafkaSink({ client: fake.sender(), topics: { partitionCount: () => 1, ensure: async () => 1 }, maxBatchRecords: 7, lingerMs: 0, ...handlers }),
    onAck: (records: readonly OutRecord[]) => acked.push(...records.map((r) => r.value!.toString())),
    onError: (e) => errors.push(e),
    retry: { initialMs: 1, maxMs: 5, giveUpAfterMs: 10_000 },
  });
  for (let i = 0; i < count; i++) {
    const wait = sink.send({ topic: 't', key: Buffer.from(String(i % 5)), value: Buffer.from(String(i)) });
    if (wait) await wait.catch(() => undefined);
    if (errors.length > 0) break;
  }
  await sink.close().catch(() => undefined);
  return { acked, errors };
}

const numbers = (n: number) => Array.from({ length: n }, (_, i) => String(i));

test('transient failures: every record acknowledged once, in order; what was written is resent in order', async () => {
  const fake = scripted([undefined, unreachable(), undefined, undefined, unreachable(), unreachable()]);
  const { acked, errors } = await pump(fake, 100);
  assert.deepEqual(errors, []);
  assert.deepEqual(acked, numbers(100));
  assert.equal(fake.producers(), 4);
  // At least once: first occurrences in order, every record present.
  assert.deepEqual([...new Set(fake.written)], numbers(100));
});

test('a rejection fails the sink at once, without a retry', async () => {
  const fake = scripted([undefined, new BinlogdError('KAFKA_REJECTED', 'too large')]);
  const { errors } = await pump(fake, 100);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'KAFKA_REJECTED');
  assert.equal(fake.producers(), 1);
});
