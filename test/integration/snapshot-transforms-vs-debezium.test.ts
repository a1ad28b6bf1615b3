// Snapshot records (op=r) go through the connector's transforms and converters like streamed ones:
// the inventory connector's route + unwrap chain with JsonConverter, on a table that has rows
// before the connector starts (snapshot.mode=initial), compared byte for byte with Debezium 3.5
// running the same SMTs. Allowed differences: the topic prefix and processing timestamps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { captureWithDebezium } from '../oracle/debezium.js';
import { connectAsRoot } from '../support/mariadb.js';
import { readRawTopic } from '../support/raw-topic.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';

const DB = 'binlogd_test';

function chain(side: 'binlogd' | 'debezium'): Record<string, string> {
  return {
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'snapshot.mode': 'initial',
    'transforms': 'route,unwrap',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    // The users' regex, narrowed to this test's database so the oracle's marker table stays unrouted.
    'transforms.route.regex': `([^.]+)\\.${DB}\\.([^.]+)`,
    'transforms.route.replacement': '$1.events.$2',
    'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
    // Debezium 3.2+ dropped the users' legacy pair; its 3.x equivalent there.
    ...(side === 'binlogd'
      ? { 'transforms.unwrap.drop.tombstones': 'false', 'transforms.unwrap.delete.handling.mode': 'rewrite' }
      : { 'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite-with-tombstone' }),
    'transforms.unwrap.add.fields': 'op,table',
    'transforms.unwrap.add.headers': 'op',
  };
}

test('snapshot rows through route + unwrap with JsonConverter: byte for byte what Debezium writes', { timeout: 300_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('snap_orders');
  const qualified = `${DB}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${qualified} (id INT PRIMARY KEY, status ENUM('PENDING','CONFIRMED') DEFAULT 'PENDING',
    total DECIMAL(12,2) NOT NULL, note VARCHAR(20) NULL DEFAULT 'n/a', payload JSON, created TIMESTAMP(3) NULL)`);
  await db.query(`INSERT INTO ${qualified} VALUES (1, 'PENDING', 99.99, NULL, '{"a": [1, 2]}', '2024-01-02 03:04:05.678'),
    (2, 'CONFIRMED', 0.01, 'x', NULL, NULL), (3, DEFAULT, 12.5, DEFAULT, '[]', '2024-06-30 23:59:59.000'),
    (4, DEFAULT, 1, DEFAULT, '{}', '2024-01-02 03:04:05.500')`);
  const prefix = uniqueName('bd');
  const binlogd = await startBinlogd({ name: prefix, config: { 'table.include.list': qualified.replace('.', '\\.'), ...chain('binlogd'), 'topic.prefix': prefix }, timeoutMs: 120_000 });
  try {
    const capture = await captureWithDebezium({
      tables: [qualified], config: chain('debezium'), topics: (theirs) => [`${theirs}.events.${table}`],
      // One streamed change after the snapshot: both sides must agree on it too.
      write: async () => { await db.query(`UPDATE ${qualified} SET status = 'CONFIRMED' WHERE id IN (1, 3, 4)`); },
      timeoutMs: 180_000,
    });
    const theirs = capture.topicPrefix;
    const expected = capture.records.filter((r) => r.topic === `${theirs}.events.${table}`);
    assert.equal(expected.length, 7, 'Debezium: four snapshot rows and three updates');
    const topic = `${prefix}.events.${table}`;
    await waitForTopic(topic);
    const actual = await readRawTopic(topic, 7, 60_000);
    const normalize = (text: string | null, from?: string) => text === null ? null
      : (from ? text.replaceAll(from, prefix) : text).replace(/"ts_(ms|us|ns)":\d+/g, '"ts_$1":0');
    // binlogd saw the update when it was written for Debezium's capture (it was streaming by then).
    assert.equal(actual.length, 7, `binlogd wrote ${actual.length} records`);
    const differences: string[] = [];
    for (let i = 0; i < 7; i++) {
      const pairs = [
        ['key', normalize(actual[i]!.key?.toString() ?? null), normalize(expected[i]!.rawKey, theirs)],
        ['value', normalize(actual[i]!.value?.toString() ?? null), normalize(expected[i]!.rawValue, theirs)],
        ['header __op', actual[i]!.headers['__op'], expected[i]!.headers['__op']],
      ] as const;
      for (const [what, ours, theirsText] of pairs) {
        if (ours !== theirsText) differences.push(`record ${i} ${what}:\n  binlogd  ${ours}\n  debezium ${theirsText}`);
      }
    }
    assert.deepEqual(differences, []);
    assert.deepEqual(actual.map((r) => r.headers['__op']), ['r', 'r', 'r', 'r', 'u', 'u', 'u']);
  } finally {
    assert.equal(await binlogd.stop(), 0, 'binlogd exits 0 on SIGTERM');
    await db.query(`DROP TABLE IF EXISTS ${qualified}`);
    await db.end();
  }
});

async function waitForTopic(topic: string): Promise<void> {
  const admin = new Kafka({ brokers: loadStackEnv().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 60_000;
    while (!(await admin.listTopics()).includes(topic)) {
      if (Date.now() > deadline) throw new Error(`${topic} did not appear`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}
