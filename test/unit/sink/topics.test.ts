// Topic ensuring: create-if-missing, cached counts, one round trip for concurrent callers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTopicManager } from '../../../src/sink/topics.js';
import type { TopicSpec } from '../../../src/sink/kafka-client.js';
import { BinlogdError } from '../../../src/errors.js';

function fakeAdmin(existing: Record<string, number> = {}) {
  const topics = new Map(Object.entries(existing));
  const calls = { fetch: 0, create: [] as TopicSpec[] };
  return {
    calls,
    topics,
    async fetchPartitionCounts(names: readonly string[]) {
      calls.fetch++;
      await new Promise((r) => setTimeout(r, 5));
      return new Map(names.filter((n) => topics.has(n)).map((n) => [n, topics.get(n)!] as [string, number]));
    },
    async createTopics(specs: readonly TopicSpec[]) {
      calls.create.push(...specs);
      for (const s of specs) topics.set(s.topic, s.partitions > 0 ? s.partitions : 1);
      return true;
    },
  };
}

test('creates a missing topic with the configured settings, once for concurrent callers', async () => {
  const admin = fakeAdmin();
  const m = createTopicManager({ admin, creation: { partitions: 6, replicationFactor: -1, configs: { 'cleanup.policy': 'delete' } } });
  assert.equal(m.partitionCount('p.db.t'), undefined);
  const counts = await Promise.all([m.ensure('p.db.t'), m.ensure('p.db.t'), m.ensure('p.db.t')]);
  assert.deepEqual(counts, [6, 6, 6]);
  assert.deepEqual(admin.calls.create, [{ topic: 'p.db.t', partitions: 6, replicationFactor: -1, configs: { 'cleanup.policy': 'delete' } }]);
  assert.equal(admin.calls.fetch, 2);
  assert.equal(m.partitionCount('p.db.t'), 6);
  assert.equal(await m.ensure('p.db.t'), 6);
  assert.equal(admin.calls.fetch, 2);
});

test('an existing topic keeps its own partition count', async () => {
  const admin = fakeAdmin({ existing: 4 });
  const m = createTopicManager({ admin, creation: { partitions: 6, replicationFactor: 1 } });
  assert.equal(await m.ensure('existing'), 4);
  assert.deepEqual(admin.calls.create, []);
});

test('with creation disabled a missing topic is KAFKA_REJECTED naming it; failures are not cached', async () => {
  const admin = fakeAdmin();
  const m = createTopicManager({ admin, creation: null });
  await assert.rejects(m.ensure('gone'), (e: unknown) => e instanceof BinlogdError && e.code === 'KAFKA_REJECTED' && /gone/.test(e.message));
  admin.topics.set('gone', 2);
  assert.equal(await m.ensure('gone'), 2);
});

test('a topic with its own creation (the dead letter topic) uses it; a refused replication factor names the property', async () => {
  const admin = fakeAdmin();
  const overrides = { dlq: { partitions: 1, replicationFactor: 2, property: 'errors.deadletterqueue.topic.replication.factor' } };
  const m = createTopicManager({ admin, creation: { partitions: 6, replicationFactor: -1, configs: { 'cleanup.policy': 'delete' }, overrides } });
  assert.equal(await m.ensure('dlq'), 1);
  assert.equal(await m.ensure('data'), 6);
  assert.deepEqual(admin.calls.create, [
    { topic: 'dlq', partitions: 1, replicationFactor: 2 },
    { topic: 'data', partitions: 6, replicationFactor: -1, configs: { 'cleanup.policy': 'delete' } },
  ]);

  const refusing = { ...fakeAdmin(), async createTopics(): Promise<boolean> {
    throw new BinlogdError('KAFKA_REJECTED', 'Kafka: creating topics dlq failed: INVALID_REPLICATION_FACTOR', { details: { kafkaError: 'INVALID_REPLICATION_FACTOR' } });
  } };
  const failing = createTopicManager({ admin: refusing, creation: { partitions: 1, replicationFactor: 1, overrides: { ...overrides, dlq: { ...overrides.dlq, replicationFactor: 3 } } } });
  await assert.rejects(failing.ensure('dlq'), (e: unknown) => e instanceof BinlogdError && e.code === 'KAFKA_REJECTED' && !e.retriable &&
    /topic dlq with replication factor 3 .*set errors\.deadletterqueue\.topic\.replication\.factor to at most the number of brokers/.test(e.message));
});

test('topic.creation.groups: the first group whose include matches and exclude does not sets the topic, unset settings from the default group', async () => {
  const admin = fakeAdmin();
  const m = createTopicManager({ admin, creation: {
    partitions: 1, replicationFactor: -1, configs: { 'cleanup.policy': 'delete', 'retention.ms': '1000' },
    groups: [
      { include: [/^p\.db\.big_.*$/], exclude: [/^p\.db\.big_skip$/], partitions: 6, configs: { 'cleanup.policy': 'compact' } },
      { include: [/^p\.db\..*$/], exclude: [], replicationFactor: 1, configs: {} },
    ],
  } });
  for (const topic of ['p.db.big_orders', 'p.db.big_skip', 'p.other.t']) await m.ensure(topic);
  assert.deepEqual(admin.calls.create, [
    { topic: 'p.db.big_orders', partitions: 6, replicationFactor: -1, configs: { 'cleanup.policy': 'compact', 'retention.ms': '1000' } },
    { topic: 'p.db.big_skip', partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'delete', 'retention.ms': '1000' } },
    { topic: 'p.other.t', partitions: 1, replicationFactor: -1, configs: { 'cleanup.policy': 'delete', 'retention.ms': '1000' } },
  ]);
});
