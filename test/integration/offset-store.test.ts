// The offsets topic against the real broker: created compacted with 25 partitions, a topic with a
// deleting cleanup policy refused, offsets written by a producer (plain and transactional, as the
// exactly-once sink writes them) read back latest-wins with tombstones, and the key bytes checked
// against what the real Kafka Connect worker stores for the Debezium oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackEnv, repoRoot, uniqueName } from '../support/stack-env.js';
import { connectAsRoot } from '../support/mariadb.js';
import { withKafkaAdmin } from '../support/kafka-admin.js';
import { captureWithDebezium } from '../oracle/debezium.js';
import { createKafkaClient, type KafkaAdmin, type KafkaConnectionConfig, type ProduceMessage, type TopicBatch } from '../../src/sink/kafka-client.js';
import { createOffsetStore, type OffsetRecord, type OffsetStore } from '../../src/offsets/offset-store.js';
import { offsetKey, offsetValue } from '../../src/offsets/offset-key.js';
import { BinlogdError } from '../../src/errors.js';

const env = loadStackEnv();
const kafka: KafkaConnectionConfig = { brokers: env.kafkaBrokers, clientId: 'binlogd-offset-store-test' };

const withAdmin = <T>(fn: (admin: KafkaAdmin, created: string[]) => Promise<T>): Promise<T> => withKafkaAdmin(kafka, fn);

async function withStore<T>(topic: string, fn: (store: OffsetStore) => Promise<T>): Promise<T> {
  const store = createOffsetStore({ kafka, topic });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function batchOf(records: readonly OffsetRecord[]): TopicBatch[] {
  const messages: ProduceMessage[] = records.map(({ key, value, partition }) => ({ key, value, partition }));
  return [{ topic: records[0]!.topic, messages }];
}

test('ensureTopic creates a compacted topic with 25 partitions', async () => {
  await withAdmin(async (admin, created) => {
    const topic = uniqueName('binlogd_offsets_create');
    created.push(topic);
    await withStore(topic, async (store) => {
      assert.equal(await store.ensureTopic(), 25);
      assert.equal(await store.ensureTopic(), 25);
    });
    assert.equal((await admin.fetchPartitionCounts([topic])).get(topic), 25);
    assert.equal((await admin.describeTopicConfigs(topic, ['cleanup.policy']))['cleanup.policy'], 'compact');
  });
});

test('an existing offsets topic that deletes old records is refused, naming it and its policy', async () => {
  await withAdmin(async (admin, created) => {
    for (const policy of ['delete', 'compact,delete']) {
      const topic = uniqueName('binlogd_offsets_delete');
      created.push(topic);
      await admin.createTopics([{ topic, partitions: 3, replicationFactor: -1, configs: { 'cleanup.policy': policy } }]);
      await withStore(topic, async (store) => {
        const error = await store.ensureTopic().then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof BinlogdError, String(error));
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.equal(error.details['topic'], topic);
        assert.equal(error.details['cleanupPolicy'], policy);
        assert.ok(error.message.includes(topic) && error.message.includes(`cleanup.policy=${policy}`), error.message);
        assert.ok(error.message.includes('--add-config cleanup.policy=compact'), error.message);
        // readAll ensures the topic first: no read of a topic that would lose offsets.
        await assert.rejects(store.readAll(), { code: 'CONFIG_INVALID' });
      });
    }
  });
});

test('readAll and latest return the last value per key, tombstones delete, aborted writes do not count', async () => {
  await withAdmin(async (_admin, created) => {
    const topic = uniqueName('binlogd_offsets_rw');
    created.push(topic);
    const client = createKafkaClient(kafka);
    await withStore(topic, async (store) => {
      await store.ensureTopic();
      const names = ['orders-connector', 'inventory "quoted" \\ connector', 'ünïcødé-连接器'];
      const producer = client.createProducer();
      await producer.connect();
      try {
        for (let version = 1; version <= 4; version++) {
          const records = names.map((name) =>
            store.offsetRecord(name, `${name}-prefix`, { file: 'mariadb-bin.000001', pos: 100n * BigInt(version), gtids: `0-1-${version}` }),
          );
          await producer.sendBatch(batchOf(records));
        }
        await producer.sendBatch(batchOf([store.offsetRecord(names[2]!, `${names[2]}-prefix`, null)]));
      } finally {
        await producer.disconnect();
      }
      // The exactly-once sink writes offsets in transactions: partitions end on commit markers,
      // which no message carries, and aborted records must stay invisible.
      const txnProducer = client.createProducer({ transactionalId: uniqueName('binlogd_offsets_txn') });
      await txnProducer.connect();
      try {
        const committed = await txnProducer.beginTransaction();
        await committed.sendBatch(batchOf([store.offsetRecord(names[0]!, `${names[0]}-prefix`, { gtids: '0-1-5', pos: 500 })]));
        await committed.commit();
        const aborted = await txnProducer.beginTransaction();
        await aborted.sendBatch(batchOf([store.offsetRecord(names[1]!, `${names[1]}-prefix`, { gtids: '0-1-99', pos: 9900 })]));
        await aborted.abort();
      } finally {
        await txnProducer.disconnect();
      }

      const started = Date.now();
      const all = await store.readAll();
      console.log(`# readAll of ${all.size} keys: ${Date.now() - started} ms`);
      assert.equal(all.size, 3);
      assert.equal(all.get(offsetKey(names[0]!, `${names[0]}-prefix`).toString()), '{"gtids":"0-1-5","pos":500}');
      assert.equal(
        all.get(offsetKey(names[1]!, `${names[1]}-prefix`).toString()),
        '{"file":"mariadb-bin.000001","pos":400,"gtids":"0-1-4"}',
      );
      assert.equal(all.get(offsetKey(names[2]!, `${names[2]}-prefix`).toString()), null);

      assert.deepEqual(await store.latest(names[0]!, `${names[0]}-prefix`), { gtids: '0-1-5', pos: 500 });
      assert.deepEqual(await store.latest(names[1]!, `${names[1]}-prefix`), { file: 'mariadb-bin.000001', pos: 400, gtids: '0-1-4' });
      assert.equal(await store.latest(names[2]!, `${names[2]}-prefix`), undefined);
      assert.equal(await store.latest('never-written', 'x'), undefined);
      // Same connector name, another server: another key.
      assert.equal(await store.latest(names[0]!, 'other-prefix'), undefined);
    });
  });
});

test('thousands of keys read back; an empty topic reads at once', async () => {
  await withAdmin(async (_admin, created) => {
    const topic = uniqueName('binlogd_offsets_many');
    created.push(topic);
    const client = createKafkaClient(kafka);
    await withStore(topic, async (store) => {
      await store.ensureTopic();
      let started = Date.now();
      assert.equal((await store.readAll()).size, 0);
      console.log(`# readAll of an empty topic: ${Date.now() - started} ms`);

      const producer = client.createProducer();
      await producer.connect();
      const keys = 5000;
      try {
        for (let version = 1; version <= 2; version++) {
          const records: OffsetRecord[] = [];
          for (let i = 0; i < keys; i++) records.push(store.offsetRecord(`connector-${i}`, `server-${i}`, { pos: version * 1000 + i }));
          await producer.sendBatch(batchOf(records));
        }
      } finally {
        await producer.disconnect();
      }
      started = Date.now();
      const all = await store.readAll();
      console.log(`# readAll of ${2 * keys} records, ${all.size} keys: ${Date.now() - started} ms`);
      assert.equal(all.size, keys);
      for (const i of [0, 1234, keys - 1]) {
        assert.equal(all.get(offsetKey(`connector-${i}`, `server-${i}`).toString()), `{"pos":${2000 + i}}`);
      }
    });
  });
});

test('offsetRecord before ensureTopic is an internal error, not a guessed partition', async () => {
  await withStore(uniqueName('binlogd_offsets_unensured'), async (store) => {
    assert.throws(() => store.offsetRecord('c', 's', { pos: 1 }), { code: 'INTERNAL' });
  });
});

/**
 * The offsets files of the Kafka Connect workers that may be the oracle: ours, or another
 * checkout's that oracle.sh reuses when it already listens on the oracle port.
 */
function oracleOffsetFiles(): string[] {
  const files = new Set([join(repoRoot, '.stack', 'oracle', 'offsets.dat')]);
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!args.includes('org.apache.kafka.connect.cli.ConnectStandalone')) continue;
    const properties = args.find((a) => a.endsWith('.properties') && !a.includes('log4j'));
    if (properties === undefined) continue;
    const line = readFileSync(properties, 'utf8').split('\n').find((l) => l.startsWith('offset.storage.file.filename='));
    if (line !== undefined) files.add(line.slice('offset.storage.file.filename='.length).trim());
  }
  return [...files];
}

/** Key and value as stored in FileOffsetBackingStore's Java-serialized HashMap<byte[], byte[]>. */
function findStoredOffset(key: Buffer): Buffer | undefined {
  for (const file of oracleOffsetFiles()) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      continue;
    }
    // Each byte[] is serialized as its 4-byte big-endian length and then its bytes.
    for (let at = bytes.indexOf(key); at >= 0; at = bytes.indexOf(key, at + 1)) {
      if (at < 4 || bytes.readUInt32BE(at - 4) !== key.length) continue;
      const valueAt = bytes.indexOf('{', at + key.length);
      if (valueAt < 4) continue;
      return bytes.subarray(valueAt, valueAt + bytes.readUInt32BE(valueAt - 4));
    }
  }
  return undefined;
}

test('offsetKey is byte for byte the key Kafka Connect stores for the Debezium oracle', { timeout: 120_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('offset_key_probe');
  try {
    await db.query(`CREATE DATABASE IF NOT EXISTS binlogd_test;
      CREATE TABLE binlogd_test.${table} (id INT PRIMARY KEY)`);
    const { topicPrefix } = await captureWithDebezium({
      tables: [`binlogd_test.${table}`],
      write: async () => {
        await db.query(`INSERT INTO binlogd_test.${table} VALUES (1)`);
      },
    });
    // The oracle helper names the connector after its topic prefix.
    const key = offsetKey(topicPrefix, topicPrefix);
    // offset.flush.interval.ms=500, plus the final flush when the connector is removed.
    let value: Buffer | undefined;
    for (const deadline = Date.now() + 10_000; value === undefined && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 500));
      value = findStoredOffset(key);
    }
    assert.ok(value !== undefined, `key ${key.toString()} not found in ${oracleOffsetFiles().join(', ')}`);
    const offset = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
    console.log(`# Kafka Connect stored ${key.toString()} -> ${value.toString()}`);
    assert.equal(typeof offset['gtids'], 'string');
    // The value writer agrees too: the same map written back gives the same bytes.
    assert.equal(offsetValue(offset).toString('hex'), value.toString('hex'));
  } finally {
    await db.query(`DROP TABLE IF EXISTS binlogd_test.${table}`);
    await db.end();
  }
});
