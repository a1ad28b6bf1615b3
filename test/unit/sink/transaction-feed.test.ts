// The transactional sink thread's retries, against a scripted producer: a transient failure
// re-sends the whole batch in a new transaction of a new producer, a lost commit answer is settled
// by the offsets topic (never sent twice when it was applied), a fenced producer never retries,
// and the sink gives up, retriable, after the policy's time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinlogdError } from '../../../src/errors.js';
import type { KafkaProducer, KafkaTransaction, TopicBatch } from '../../../src/sink/kafka-client.js';
import { BatchPacker } from '../../../src/sink/record-packing.js';
import type { BatchMessage, FromWorker, TransferRecord } from '../../../src/sink/threaded-protocol.js';
import { createTransactionFeed } from '../../../src/sink/transaction-feed.js';

type Step = 'ok' | 'unreachable' | 'fenced';

/** What the fake cluster saw: each transaction's record values and how it ended. */
interface Txn {
  producer: number;
  values: string[];
  end?: 'commit' | 'abort';
}

function scripted(script: { send?: Step[]; commit?: Array<Step | 'lost-applied' | 'lost'> }) {
  const txns: Txn[] = [];
  let producers = 0;
  const error = (step: Step) =>
    step === 'fenced'
      ? new BinlogdError('KAFKA_FENCED', 'fenced')
      : new BinlogdError('KAFKA_UNREACHABLE', 'broker gone', { retriable: true });
  const producer = (): KafkaProducer => {
    const id = ++producers;
    return {
      transactionalId: 'tx',
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: async () => undefined,
      async beginTransaction(): Promise<KafkaTransaction> {
        const txn: Txn = { producer: id, values: [] };
        txns.push(txn);
        return {
          async sendBatch(batches: readonly TopicBatch[]) {
            const step = script.send?.shift() ?? 'ok';
            if (step !== 'ok') throw error(step);
            for (const b of batches) for (const m of b.messages) txn.values.push(m.value?.toString() ?? 'null');
          },
          async commit() {
            const step = script.commit?.shift() ?? 'ok';
            if (step === 'lost-applied') {
              txn.end = 'commit';
              throw error('unreachable');
            }
            if (step === 'lost') throw error('unreachable');
            if (step !== 'ok') throw error(step);
            txn.end = 'commit';
          },
          async abort() {
            txn.end = 'abort';
          },
        };
      },
    };
  };
  return { txns, producer, producers: () => producers };
}

function batch(packer: BatchPacker, values: string[], offset: string): BatchMessage {
  for (const v of values) packer.add({ topic: 't', key: Buffer.from(v), value: Buffer.from(v) });
  const commit = { offset: { topic: 'offsets', key: new Uint8Array(Buffer.from('k')), value: new Uint8Array(Buffer.from(offset)), partition: 0 } };
  return { type: 'batch', flush: false, commit, ...packer.take() };
}

async function run(fake: ReturnType<typeof scripted>, options: { applied?: (o: TransferRecord) => boolean; giveUpAfterMs?: number; stored?: string; second?: boolean } = {}) {
  const posted: FromWorker[] = [];
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const feed = createTransactionFeed({
    producer: fake.producer(),
    renewProducer: async () => fake.producer(),
    // What the offsets topic holds under the key: the offset when it was applied, else `stored`.
    lastCommitted: async (offset) => ((options.applied ?? (() => false))(offset) ? offset.value
      : options.stored === undefined ? undefined : new Uint8Array(Buffer.from(options.stored))),
    retry: { initialMs: 1, maxMs: 5, giveUpAfterMs: options.giveUpAfterMs ?? 10_000 },
    topics: { partitionCount: () => 1, ensure: async () => 1 },
    batching: { lingerMs: 0 },
    post: (message) => {
      if (message.type === 'log') return;
      posted.push(message);
      if (message.type === 'ack' || message.type === 'error') settle();
    },
    finish: async () => undefined,
  });
  const packer = new BatchPacker();
  feed.receive(batch(packer, ['a', 'b', 'c'], '{"pos":3}'));
  await done;
  if (options.second && posted.length === 1 && posted[0]!.type === 'ack') {
    const next = new Promise<void>((resolve) => (settle = resolve));
    feed.receive(batch(packer, ['d'], '{"pos":5}'));
    await next;
  }
  return posted;
}

const committedValues = (txns: Txn[]) => txns.filter((t) => t.end === 'commit').flatMap((t) => t.values);

test('a produce failure: the transaction is aborted and the batch is sent again by a new producer', async () => {
  const fake = scripted({ send: ['ok', 'unreachable'] });
  const posted = await run(fake);
  assert.deepEqual(posted, [{ type: 'ack', count: 3 }]);
  assert.equal(fake.txns[0]!.end, 'abort');
  assert.equal(fake.producers(), 2);
  assert.deepEqual(committedValues(fake.txns), ['a', 'b', 'c', '{"pos":3}']);
});

test('a lost commit answer that was applied is not sent again', async () => {
  const fake = scripted({ commit: ['lost-applied'] });
  const posted = await run(fake, { applied: (o) => Buffer.from(o.value!).toString() === '{"pos":3}' });
  assert.deepEqual(posted, [{ type: 'ack', count: 3 }]);
  assert.equal(fake.txns.length, 1);
  assert.deepEqual(committedValues(fake.txns), ['a', 'b', 'c', '{"pos":3}']);
});

test('a lost commit answer that was not applied is sent again', async () => {
  const fake = scripted({ commit: ['lost'] });
  const posted = await run(fake);
  assert.deepEqual(posted, [{ type: 'ack', count: 3 }]);
  assert.equal(fake.txns.length, 2);
  assert.deepEqual(committedValues(fake.txns), ['a', 'b', 'c', '{"pos":3}']);
});

test('a fenced producer never retries', async () => {
  const fake = scripted({ send: ['fenced'] });
  const posted = await run(fake);
  assert.equal(posted.length, 1);
  assert.equal(posted[0]!.type, 'error');
  assert.equal((posted[0] as { error: { code: string } }).error.code, 'KAFKA_FENCED');
  assert.equal(fake.producers(), 1);
});

test('an outage longer than the policy: the sink gives up with a retriable error', async () => {
  const fake = scripted({ send: Array(10_000).fill('unreachable') });
  const posted = await run(fake, { giveUpAfterMs: 50 });
  assert.equal(posted.length, 1);
  const error = (posted[0] as { error: { code: string; retriable: boolean; message: string } }).error;
  assert.equal(error.code, 'KAFKA_UNREACHABLE');
  assert.equal(error.retriable, true);
  assert.match(error.message, /gave up/);
  assert.deepEqual(committedValues(fake.txns), []);
});

test('after an outage, an offset another instance stored meanwhile stops the feed: nothing is sent again', async () => {
  // The second commit's answer is lost; the offsets topic then holds neither its offset nor the
  // first one's: another instance of the connector took over and wrote while this one was cut off.
  const fake = scripted({ commit: ['ok', 'lost'] });
  const posted = await run(fake, { second: true, stored: '{"pos":9}' });
  assert.equal(posted[0]!.type, 'ack');
  assert.equal(posted[1]!.type, 'error');
  assert.equal((posted[1] as { error: { code: string } }).error.code, 'KAFKA_FENCED');
  assert.equal(fake.txns.length, 2, 'the lost transaction is not sent again');
});
