// The sink on its own thread against the real broker: the guarantees of sink-kafka.test.ts
// (every record once, in key order, in its murmur2 partition, acknowledged in order; a refused
// record fails the sink promptly with KAFKA_REJECTED naming the topic), plus what the thread adds:
// a thread that dies fails the sink instead of hanging it, and flush/close are idempotent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { avroKey, checkKeyedSequence, readRawTopic } from '../support/raw-topic.js';
import { withKafkaAdmin } from '../support/kafka-admin.js';
import type { KafkaAdmin, KafkaConnectionConfig, KafkaLogEntry } from '../../src/sink/kafka-client.js';
import type { OutRecord } from '../../src/sink/batcher.js';
import { startThreadedKafkaSink, type ThreadedKafkaSinkOptions } from '../../src/sink/threaded-sink.js';
import { BinlogdError } from '../../src/errors.js';

const env = loadStackEnv();
const connection: KafkaConnectionConfig = { brokers: env.kafkaBrokers, clientId: 'binlogd-threaded-sink-test' };

const withAdmin = <T>(fn: (admin: KafkaAdmin, created: string[]) => Promise<T>): Promise<T> => withKafkaAdmin(connection, fn);

/** Rejects when `promise` takes longer than `ms`: "does not hang" as an assertion. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} hung for ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

const CONTEXT = {
  '__debezium.context.connectorLogicalName': Buffer.from('threaded'),
  '__debezium.context.taskId': Buffer.from('0'),
  '__debezium.context.connectorName': Buffer.from('mariadb'),
};

const base = (overrides: Partial<ThreadedKafkaSinkOptions> = {}): ThreadedKafkaSinkOptions => ({
  connection,
  creation: { partitions: 1, replicationFactor: -1 },
  ...overrides,
});

test('20,000 keyed records arrive once, in key order, in the murmur2 partition, acked in order', { timeout: 180_000 }, async () => {
  await withAdmin(async (admin, created) => {
    const topic = uniqueName('binlogd_threaded_order');
    created.push(topic);
    const acked: number[] = [];
    let outOfOrderAck = false;
    const logs: KafkaLogEntry[] = [];
    const sink = await startThreadedKafkaSink(base({
      creation: { partitions: 6, replicationFactor: 1 },
      batching: { maxBatchRecords: 500, maxBatchBytes: 100_000, lingerMs: 2, maxInFlightBatches: 3 },
      maxTransferRecords: 300,
      maxPendingBatches: 2,
      log: (entry) => logs.push(entry),
      onAck: (runs) => {
        for (const r of runs) {
          // Every record carries a token, so every run is one record.
          if (r.count !== 1 || r.ackToken !== acked.length) outOfOrderAck = true;
          acked.push(r.ackToken as number);
        }
      },
    }));
    try {
      const KEYS = 997;
      const TOTAL = 20_000;
      const seqPerKey = new Map<number, number>();
      let waits = 0;
      for (let i = 0; i < TOTAL; i++) {
        const id = (i * 7919) % KEYS;
        const seq = seqPerKey.get(id) ?? 0;
        seqPerKey.set(id, seq + 1);
        // Every 10th record carries a per-record string header (packed inline), the rest the
        // constant set (sent to the thread once).
        const headers = i % 10 === 0 ? { '__debezium.newkey': `Struct{id=${id}}`, ...CONTEXT } : CONTEXT;
        const record: OutRecord = { topic, key: avroKey(id), value: Buffer.from(JSON.stringify({ id, seq, pad: 'x'.repeat(i % 200) })), headers, ackToken: i };
        const wait = sink.send(record);
        if (wait !== undefined) {
          waits++;
          await wait;
        }
      }
      await sink.flush();
      assert.equal(outOfOrderAck, false, 'acks in send order');
      assert.equal(acked.length, TOTAL);
      assert.ok(waits > 0, 'the pending-batch limit made the producer wait at least once');
      assert.deepEqual(sink.stats(), { bufferedRecords: 0, bufferedBytes: 0, sealedBatches: 0, acknowledgedRecords: TOTAL });

      const read = await readRawTopic(topic, TOTAL);
      assert.equal(read.length, TOTAL);
      const { lastSeq, partitionsUsed } = checkKeyedSequence(read, 6, (r) => {
        assert.equal(r.headers['__debezium.context.connectorName'], 'mariadb');
        assert.equal(r.headers['__debezium.context.connectorLogicalName'], 'threaded');
      });
      assert.equal(partitionsUsed.size, 6);
      for (const [id, n] of seqPerKey) assert.equal((lastSeq.get(id) ?? -1) + 1, n, `all records of key ${id}`);
      const newKeys = read.filter((r) => r.headers['__debezium.newkey'] !== undefined);
      assert.equal(newKeys.length, TOTAL / 10);
      for (const r of newKeys) {
        const { id } = JSON.parse(r.value!.toString()) as { id: number };
        assert.equal(r.headers['__debezium.newkey'], `Struct{id=${id}}`);
        assert.deepEqual(Object.keys(r.headers), ['__debezium.newkey', ...Object.keys(CONTEXT)], 'header order kept');
      }
    } finally {
      await sink.close();
    }
  });
});

test('a record over max.message.bytes fails the sink with KAFKA_REJECTED naming the topic', { timeout: 60_000 }, async () => {
  await withAdmin(async (admin, created) => {
    const topic = uniqueName('binlogd_threaded_large');
    created.push(topic);
    const errors: BinlogdError[] = [];
    const sink = await startThreadedKafkaSink(base({ onError: (e) => errors.push(e) }));
    try {
      const small = sink.send({ topic, key: Buffer.from('k'), value: Buffer.from('fits') });
      if (small !== undefined) await small;
      await sink.flush();
      const limit = Number((await admin.describeTopicConfigs(topic, ['max.message.bytes']))['max.message.bytes']);
      sink.send({ topic, key: Buffer.from('k'), value: Buffer.alloc(limit * 2) });
      await assert.rejects(within(30_000, 'flush after a rejected record', sink.flush()), (e: unknown) => {
        assert.ok(e instanceof BinlogdError, String(e));
        assert.equal(e.code, 'KAFKA_REJECTED');
        assert.equal(e.retriable, false);
        assert.ok(e.message.includes(topic), e.message);
        assert.deepEqual(e.details.topics, [topic]);
        assert.equal((e.cause as { type?: string } | undefined)?.type, 'MESSAGE_TOO_LARGE', 'the kafkajs cause crosses as text');
        return true;
      });
      assert.equal(errors.length, 1);
      assert.equal(sink.failure, errors[0]);
      assert.throws(() => sink.send({ topic, key: null, value: null }), (e: unknown) => e === errors[0]);
    } finally {
      await assert.rejects(within(10_000, 'close of a failed sink', sink.close()), (e: unknown) => e === errors[0]);
    }
  });
});

test('a missing topic with topic creation disabled fails the sink', { timeout: 60_000 }, async () => {
  const topic = uniqueName('binlogd_threaded_missing');
  const errors: BinlogdError[] = [];
  const sink = await startThreadedKafkaSink(base({ creation: null, onError: (e) => errors.push(e) }));
  sink.send({ topic, key: Buffer.from('k'), value: Buffer.from('v') });
  await assert.rejects(within(30_000, 'flush to a missing topic', sink.flush()), (e: unknown) => {
    assert.ok(e instanceof BinlogdError, String(e));
    assert.equal(e.code, 'KAFKA_REJECTED');
    assert.deepEqual(e.details.topics, [topic]);
    return true;
  });
  assert.equal(errors.length, 1);
  await sink.close().catch(() => undefined);
});

test('the sink thread ending mid-stream fails the sink with a clear error, never a hang', { timeout: 60_000 }, async () => {
  await withAdmin(async (_admin, created) => {
    const topic = uniqueName('binlogd_threaded_kill');
    created.push(topic);
    const errors: BinlogdError[] = [];
    let ackedRecords = 0;
    const sink = await startThreadedKafkaSink(base({
      onError: (e) => errors.push(e),
      onAck: (runs) => {
        for (const run of runs) ackedRecords += run.count;
      },
      maxPendingBatches: 2,
      maxTransferRecords: 200,
    }));
    let terminating: Promise<void> | undefined;
    let sendError: unknown;
    const value = Buffer.alloc(300, 'v');
    try {
      for (let i = 0; i < 200_000; i++) {
        if (terminating === undefined && ackedRecords > 0) terminating = sink.terminate();
        const wait = sink.send({ topic, key: avroKey(i), value, headers: CONTEXT });
        if (wait !== undefined) await within(30_000, 'send() after the thread ended', wait);
      }
    } catch (error) {
      sendError = error;
    }
    assert.ok(terminating !== undefined, 'the thread was terminated after the first acknowledgement');
    await terminating;
    assert.equal(errors.length, 1, 'onError once');
    const error = errors[0]!;
    assert.equal(sendError, error, 'the waiting sender got the error');
    assert.equal(error.code, 'INTERNAL');
    assert.match(error.message, /Kafka sink thread was terminated with \d+ records not acknowledged/);
    assert.ok(Number(error.details.unacknowledgedRecords) > 0);
    await assert.rejects(within(5_000, 'flush after the thread ended', sink.flush()), (e: unknown) => e === error);
    await assert.rejects(within(5_000, 'close after the thread ended', sink.close()), (e: unknown) => e === error);
    await assert.rejects(sink.close(), (e: unknown) => e === error);
  });
});

test('flush and close are idempotent; close ends the thread', { timeout: 60_000 }, async () => {
  await withAdmin(async (_admin, created) => {
    const topic = uniqueName('binlogd_threaded_close');
    created.push(topic);
    const errors: BinlogdError[] = [];
    const sink = await startThreadedKafkaSink(base({ onError: (e) => errors.push(e) }));
    await sink.flush(); // nothing sent yet
    for (let i = 0; i < 1000; i++) {
      const wait = sink.send({ topic, key: avroKey(i), value: Buffer.from(`v${i}`), headers: CONTEXT });
      if (wait !== undefined) await wait;
    }
    await Promise.all([sink.flush(), sink.flush()]);
    await sink.flush();
    assert.equal(sink.stats().acknowledgedRecords, 1000);
    const first = sink.close();
    const second = sink.close();
    assert.equal(first, second, 'one close for every caller');
    // Well under the 5 s after which close() would terminate the thread: it ended by itself.
    await within(4_000, 'close', first);
    await within(1_000, 'a later close', sink.close());
    await sink.flush(); // everything was acknowledged: still true after close
    assert.throws(() => sink.send({ topic, key: null, value: null }), (e: unknown) => e instanceof BinlogdError && e.code === 'INTERNAL');
    assert.deepEqual(errors, [], 'a clean close is not a failure');
    assert.equal(sink.failure, undefined);
    assert.equal((await readRawTopic(topic, 1000)).length, 1000);
  });
});

test('an unreachable cluster fails the start with KAFKA_UNREACHABLE, not a hang', { timeout: 90_000 }, async () => {
  await assert.rejects(
    within(60_000, 'start against a closed port', startThreadedKafkaSink(base({ connection: { brokers: ['127.0.0.1:1'], clientId: 'unreachable', connectionTimeoutMs: 300 } }))),
    (e: unknown) => {
      assert.ok(e instanceof BinlogdError, String(e));
      assert.equal(e.code, 'KAFKA_UNREACHABLE');
      assert.equal(e.retriable, true);
      return true;
    },
  );
});
