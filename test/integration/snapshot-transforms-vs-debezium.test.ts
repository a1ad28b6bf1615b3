// Snapshot records (op=r) go through the connector's transforms and converters like streamed ones:
// the users' chains (inventory: route + unwrap; outbox: EventRouter) with JsonConverter, on a table
// that has rows before the connectors start (snapshot.mode=initial), compared byte for byte with
// Debezium 3.5 running the same SMTs. Allowed differences: the topic prefix and processing timestamps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { captureWithDebezium } from '../oracle/debezium.js';
import { connectAsRoot } from '../support/mariadb.js';
import { readRawTopic } from '../support/raw-topic.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';

const DB = 'binlogd_test';

const JSON_CONVERTERS = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'snapshot.mode': 'initial',
};

interface Scenario {
  /** Column definitions and the rows there before either connector starts. */
  columns: string;
  rows: string;
  config: (side: 'binlogd' | 'debezium', prefix: string) => Record<string, string>;
  /** Where the records land, given a side's prefix and the table name. */
  topic: (prefix: string, table: string) => string;
  /** Written once both connectors stream. */
  write: (table: string) => string;
  /** Header naming each record's operation, and the operations expected in order. */
  opHeader: string;
  ops: readonly string[];
}

async function compareSnapshot(scenario: Scenario): Promise<void> {
  const db = await connectAsRoot();
  const table = uniqueName('snap');
  const qualified = `${DB}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${qualified} ${scenario.columns}`);
  await db.query(`INSERT INTO ${qualified} ${scenario.rows}`);
  const prefix = uniqueName('bd');
  const binlogd = await startBinlogd({
    name: prefix, timeoutMs: 120_000,
    config: { 'table.include.list': qualified.replace('.', '\\.'), ...JSON_CONVERTERS, ...scenario.config('binlogd', prefix), 'topic.prefix': prefix },
  });
  const count = scenario.ops.length;
  try {
    const capture = await captureWithDebezium({
      tables: [qualified], config: (theirs) => ({ ...JSON_CONVERTERS, ...scenario.config('debezium', theirs) }),
      topics: (theirs) => [scenario.topic(theirs, table)],
      // binlogd streams by then too: both see the same changes after their snapshots.
      write: async () => { await db.query(scenario.write(qualified)); },
      timeoutMs: 180_000,
    });
    const theirs = capture.topicPrefix;
    const expected = capture.records.filter((r) => r.topic === scenario.topic(theirs, table));
    assert.equal(expected.length, count, `Debezium wrote ${expected.length} records`);
    const topic = scenario.topic(prefix, table);
    await waitForTopic(topic);
    const actual = await readRawTopic(topic, count, 60_000);
    assert.equal(actual.length, count, `binlogd wrote ${actual.length} records`);
    // Debezium's snapshot reader prints ZonedTimestamp fractions without trailing zeros, its binlog
    // reader with n digits; binlogd gives snapshot rows the binlog's values (the same row reads the
    // same both ways), so trailing fraction zeros are compared trimmed.
    const normalize = (text: string | null, from?: string) => text === null ? null
      : (from ? text.replaceAll(from, prefix) : text).replace(/"ts_(ms|us|ns)":\d+/g, '"ts_$1":0')
        .replace(/(T\d\d:\d\d:\d\d)(\.\d*?)0*Z"/g, (_m, time: string, fraction: string) => `${time}${fraction === '.' ? '' : fraction}Z"`);
    const differences: string[] = [];
    for (let i = 0; i < count; i++) {
      const pairs = [
        ['key', normalize(actual[i]!.key?.toString() ?? null), normalize(expected[i]!.rawKey, theirs)],
        ['value', normalize(actual[i]!.value?.toString() ?? null), normalize(expected[i]!.rawValue, theirs)],
        ['headers', sortedJson(actual[i]!.headers), normalize(sortedJson(expected[i]!.headers), theirs)],
      ] as const;
      for (const [what, ours, theirsText] of pairs) {
        if (ours !== theirsText) differences.push(`record ${i} ${what}:\n  binlogd  ${ours}\n  debezium ${theirsText}`);
      }
    }
    assert.deepEqual(differences, []);
    assert.deepEqual(actual.map((r) => r.headers[scenario.opHeader]), scenario.ops);
  } finally {
    assert.equal(await binlogd.stop(), 0, 'binlogd exits 0 on SIGTERM');
    await db.query(`DROP TABLE IF EXISTS ${qualified}`);
    await db.end();
  }
}

test('snapshot rows through route + unwrap with JsonConverter: byte for byte what Debezium writes', { timeout: 300_000 }, () => compareSnapshot({
  columns: `(id INT PRIMARY KEY, status ENUM('PENDING','CONFIRMED') DEFAULT 'PENDING',
    total DECIMAL(12,2) NOT NULL, note VARCHAR(20) NULL DEFAULT 'n/a', payload JSON, created TIMESTAMP(3) NULL)`,
  rows: `VALUES (1, 'PENDING', 99.99, NULL, '{"a": [1, 2]}', '2024-01-02 03:04:05.678'),
    (2, 'CONFIRMED', 0.01, 'x', NULL, NULL), (3, DEFAULT, 12.5, DEFAULT, '[]', '2024-06-30 23:59:59.000'),
    (4, DEFAULT, 1, DEFAULT, '{}', '2024-01-02 03:04:05.500')`,
  config: (side) => ({
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
  }),
  topic: (prefix, table) => `${prefix}.events.${table}`,
  // Rows 3 and 4: TIMESTAMP(3) values with trailing fraction zeros (see normalize).
  write: (table) => `UPDATE ${table} SET status = 'CONFIRMED' WHERE id IN (1, 3, 4)`,
  opHeader: '__op',
  ops: ['r', 'r', 'r', 'r', 'u', 'u', 'u'],
}));

test("outbox rows already there when the users' EventRouter connector starts: routed like creates, as Debezium does", { timeout: 300_000 }, () => compareSnapshot({
  columns: `(id BIGINT PRIMARY KEY AUTO_INCREMENT, aggregate_type VARCHAR(100) NOT NULL, aggregate_id VARCHAR(100) NOT NULL,
    event_type VARCHAR(100) NOT NULL, payload JSON NOT NULL, created_at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))`,
  rows: `(aggregate_type, aggregate_id, event_type, payload) VALUES
    ('Order', 'order-1', 'OrderCreated', JSON_OBJECT('order_id', 1, 'total_amount', 99.99)),
    ('Order', 'order-1', 'OrderConfirmed', '{"new_status": "CONFIRMED"}')`,
  config: (_side, prefix) => ({
    'tombstones.on.delete': 'false',
    'transforms': 'outbox',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    // Only the outbox table: the oracle's marker table has no payload column.
    'transforms.outbox.predicate': 'isOutbox',
    'transforms.outbox.table.fields.additional.placement': 'event_type:header:eventType',
    'transforms.outbox.table.field.event.key': 'aggregate_id',
    'transforms.outbox.table.field.event.type': 'event_type',
    'transforms.outbox.table.field.event.payload': 'payload',
    'transforms.outbox.route.by.field': 'aggregate_type',
    'transforms.outbox.route.topic.replacement': `${prefix}.events.\${routedByValue}`,
    'predicates': 'isOutbox',
    'predicates.isOutbox.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    'predicates.isOutbox.pattern': `.*\\.${DB}\\.snap_.*`,
  }),
  topic: (prefix) => `${prefix}.events.Order`,
  write: (table) => `INSERT INTO ${table} (aggregate_type, aggregate_id, event_type, payload) VALUES ('Order', 'order-2', 'OrderCreated', '{}')`,
  opHeader: 'eventType',
  ops: ['OrderCreated', 'OrderConfirmed', 'OrderCreated'],
}));

function sortedJson(headers: Record<string, string>): string {
  return JSON.stringify(Object.entries(headers).filter(([k]) => k !== '__debezium.context.runId').sort(([a], [b]) => a.localeCompare(b)));
}

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
