// The sink against the real broker: topics ensured with their partition count, every record
// delivered once, in key order, in the partition the Java client would choose, acknowledged in
// order; a record the broker refuses fails the sink promptly with KAFKA_REJECTED naming the topic.
// Records are read back with a plain kafkajs consumer (read_committed), independent of our code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { avroKey, checkKeyedSequence, readRawTopic } from '../support/raw-topic.js';
import { createKafkaClient, type KafkaAdmin, type KafkaClient } from '../../src/sink/kafka-client.js';
import { createTopicManager } from '../../src/sink/topics.js';
import { createKafkaSink, type OutRecord } from '../../src/sink/batcher.js';
import { BinlogdError } from '../../src/errors.js';

const env = loadStackEnv();




async function withAdmin<T>(fn: (client: KafkaClient, admin: KafkaAdmin, created: string[]) => Promise<T>): Promise<T> {
  const client = createKafkaClient({ brokers: env.kafkaBrokers, clientId: 'binlogd-sink-test' });
  const admin = client.createAdmin();
  await admin.connect();
  const created: string[] = [];
  try {
    return await fn(client, admin, created);
  } finally {
    if (created.length > 0) await admin.deleteTopics(created).catch(() => {});
    await admin.disconnect();
  }
}

test('topics are ensured once with the configured partition count', async () => {
  await withAdmin(async (_client, admin, created) => {
    const topics = createTopicManager({ admin, creation: { partitions: 6, replicationFactor: -1 } });
    const topic = uniqueName('binlogd_sink_ensure');
    created.push(topic);
    assert.deepEqual(await Promise.all([topics.ensure(topic), topics.ensure(topic), topics.ensure(topic)]), [6, 6, 6]);
    assert.equal(topics.partitionCount(topic), 6);
    assert.equal((await admin.fetchPartitionCounts([topic, uniqueName('binlogd_missing')])).get(topic), 6);
    const configs = await admin.describeTopicConfigs(topic, ['cleanup.policy', 'max.message.bytes']);
    assert.equal(configs['cleanup.policy'], 'delete');
    assert.ok(Number(configs['max.message.bytes']) > 0);
  });
});

test('20,000 keyed records arrive once, in key order, in the murmur2 partition, acked in order', { timeout: 180_000 }, async () => {
  await withAdmin(async (client, admin, created) => {
    const topics = createTopicManager({ admin, creation: { partitions: 6, replicationFactor: 1 } });
    const topic = uniqueName('binlogd_sink_order');
    created.push(topic);
    const producer = client.createProducer();
    await producer.connect();
    const acked: number[] = [];
    let outOfOrderAck = false;
    try {
      const sink = createKafkaSink({
        client: producer,
        topics,
        maxBatchRecords: 500,
        maxBatchBytes: 100_000,
        lingerMs: 2,
        maxInFlightBatches: 3,
        onAck: (records) => {
          for (const r of records) {
            if (r.ackToken !== acked.length) outOfOrderAck = true;
            acked.push(r.ackToken as number);
          }
        },
      });
      const KEYS = 997;
      const TOTAL = 20_000;
      const seqPerKey = new Map<number, number>();
      let waits = 0;
      for (let i = 0; i < TOTAL; i++) {
        const id = (i * 7919) % KEYS;
        const seq = seqPerKey.get(id) ?? 0;
        seqPerKey.set(id, seq + 1);
        const record: OutRecord = {
          topic,
          key: avroKey(id),
          value: Buffer.from(JSON.stringify({ id, seq, pad: 'x'.repeat(i % 200) })),
          headers: { '__debezium.context.connectorName': 'mariadb' },
          ackToken: i,
        };
        const wait = sink.send(record);
        if (wait !== undefined) {
          waits++;
          await wait;
        }
      }
      await sink.flush();
      assert.equal(outOfOrderAck, false, 'acks in send order');
      assert.equal(acked.length, TOTAL);
      assert.ok(waits > 0, 'the in-flight limit made the producer wait at least once');

      const read = await readRawTopic(topic, TOTAL);
      assert.equal(read.length, TOTAL);
      const { lastSeq, partitionsUsed } = checkKeyedSequence(read, 6);
      assert.equal(partitionsUsed.size, 6);
      for (const [id, n] of seqPerKey) assert.equal((lastSeq.get(id) ?? -1) + 1, n, `all records of key ${id}`);
    } finally {
      await producer.disconnect();
    }
  });
});

test('a record over max.message.bytes fails the sink with KAFKA_REJECTED naming the topic', { timeout: 60_000 }, async () => {
  await withAdmin(async (client, admin, created) => {
    const topics = createTopicManager({ admin, creation: { partitions: 1, replicationFactor: -1 } });
    const topic = uniqueName('binlogd_sink_large');
    created.push(topic);
    const producer = client.createProducer();
    await producer.connect();
    const errors: BinlogdError[] = [];
    try {
      const sink = createKafkaSink({ client: producer, topics, onError: (e) => errors.push(e) });
      await topics.ensure(topic);
      const limit = Number((await admin.describeTopicConfigs(topic, ['max.message.bytes']))['max.message.bytes']);
      const small = sink.send({ topic, key: Buffer.from('k'), value: Buffer.from('fits') });
      if (small !== undefined) await small;
      await sink.flush();
      sink.send({ topic, key: Buffer.from('k'), value: Buffer.alloc(limit * 2) });
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('flush hung on a rejected record')), 30_000);
      });
      try {
        await assert.rejects(Promise.race([sink.flush(), hang]), (e: unknown) => {
          assert.ok(e instanceof BinlogdError, String(e));
          assert.equal(e.code, 'KAFKA_REJECTED');
          assert.equal(e.retriable, false);
          assert.ok(e.message.includes(topic), e.message);
          assert.deepEqual(e.details.topics, [topic]);
          return true;
        });
      } finally {
        clearTimeout(timer);
      }
      assert.equal(errors.length, 1);
      assert.throws(() => sink.send({ topic, key: null, value: null }), (e: unknown) => e === errors[0]);
    } finally {
      await producer.disconnect();
    }
  });
});

test('transactions: committed records are visible, aborted ones are not, a second producer fences the first', { timeout: 90_000 }, async () => {
  await withAdmin(async (client, admin, created) => {
    const topics = createTopicManager({ admin, creation: { partitions: 1, replicationFactor: -1 } });
    const topic = uniqueName('binlogd_sink_txn');
    created.push(topic);
    await topics.ensure(topic);
    const transactionalId = uniqueName('binlogd_sink_txn_id');
    const first = client.createProducer({ transactionalId });
    const second = client.createProducer({ transactionalId });
    await first.connect();
    const message = (v: string) => [{ topic, messages: [{ key: Buffer.from(v), value: Buffer.from(v), partition: 0 }] }];
    try {
      let txn = await first.beginTransaction();
      await txn.sendBatch(message('committed-1'));
      await txn.commit();
      txn = await first.beginTransaction();
      await txn.sendBatch(message('aborted'));
      await txn.abort();
      txn = await first.beginTransaction();
      await txn.sendBatch(message('committed-2'));
      await txn.commit();
      const read = await readRawTopic(topic, 2);
      assert.deepEqual(read.map((r) => r.value!.toString()), ['committed-1', 'committed-2']);

      // Connecting alone registers the transactional.id: the old instance is fenced before the
      // new one writes anything.
      await second.connect();
      const fenced = await first.beginTransaction();
      await assert.rejects(fenced.sendBatch(message('from-fenced')), (e: unknown) => {
        assert.ok(e instanceof BinlogdError, String(e));
        assert.equal(e.code, 'KAFKA_FENCED', e.message);
        return true;
      });
      const taking = await second.beginTransaction();
      await taking.sendBatch(message('from-second'));
      await taking.commit();
      await assert.rejects(second.sendBatch(message('outside')), (e: unknown) => e instanceof BinlogdError && e.code === 'INTERNAL');
    } finally {
      await first.disconnect().catch(() => {});
      await second.disconnect().catch(() => {});
    }
  });
});
