// Transforms and the JsonConverter against Debezium itself: the same tables and writes captured by
// binlogd and by the Debezium oracle running the same SMTs (ExtractNewRecordState, RegexRouter,
// EventRouter, ByLogicalTableRouter) with JsonConverter (schemas.enable=true), compared byte for
// byte. Allowed differences: the topic prefix, processing timestamps, source.version, the run id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { captureWithDebezium, type DebeziumRecord } from '../oracle/debezium.js';
import { connectAsRoot } from '../support/mariadb.js';
import { readRawTopic, type RawRecord } from '../support/raw-topic.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';

const DB = 'binlogd_test';
const JSON_CONVERTERS = { 'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter' };

interface Scenario {
  /** Table name → column definitions; names are made unique per run. */
  tables: Record<string, string>;
  /** Connector properties for one side, given its topic prefix and the unique table names. */
  config: (side: 'binlogd' | 'debezium', prefix: string, names: Record<string, string>) => Record<string, string>;
  /** The topics records land on, given a side's prefix. */
  topics: (prefix: string, names: Record<string, string>) => string[];
  write: (db: Awaited<ReturnType<typeof connectAsRoot>>, table: (name: string) => string) => Promise<void>;
}

async function compareWithDebezium(scenario: Scenario): Promise<void> {
  const db = await connectAsRoot();
  const names = Object.fromEntries(Object.keys(scenario.tables).map((name) => [name, uniqueName(name)]));
  const qualified = (name: string) => `${DB}.${names[name]}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  for (const [name, columns] of Object.entries(scenario.tables)) await db.query(`CREATE TABLE ${qualified(name)} ${columns}`);
  const tables = Object.keys(scenario.tables).map(qualified);
  const prefix = uniqueName('bd');
  const binlogd = await startBinlogd({
    name: prefix,
    config: { 'table.include.list': tables.map((t) => t.replace('.', '\\.')).join(','), ...JSON_CONVERTERS, ...scenario.config('binlogd', prefix, names), 'topic.prefix': prefix },
  });
  try {
    const capture = await captureWithDebezium({
      tables,
      config: (theirs) => scenario.config('debezium', theirs, names),
      topics: (theirs) => scenario.topics(theirs, names),
      write: () => scenario.write(db, qualified),
    });
    const theirPrefix = capture.topicPrefix;
    let compared = 0;
    for (const topic of scenario.topics(prefix, names)) {
      const expected = capture.records.filter((r) => r.topic === topic.replace(prefix, theirPrefix));
      const actual = await readWhenPresent(topic, expected.length);
      const normalize = (text: string | null, theirs: boolean) => text === null ? null
        : (theirs ? text.replaceAll(theirPrefix, prefix) : text).replace(/"ts_(ms|us|ns)":\d+/g, '"ts_$1":0').replace(/"version":"[^"]*"/g, '"version":"-"');
      assert.ok(expected.length > 0, `${topic}: Debezium wrote records`);
      assert.equal(actual.length, expected.length, `${topic}: as many records as Debezium wrote`);
      for (let i = 0; i < expected.length; i++) {
        const where = `${topic} record ${i}`;
        assert.equal(normalize(actual[i]!.key?.toString() ?? null, false), normalize(expected[i]!.rawKey, true), `${where}: key bytes`);
        assert.equal(normalize(actual[i]!.value?.toString() ?? null, false), normalize(expected[i]!.rawValue, true), `${where}: value bytes`);
        assert.deepEqual(headers(actual[i]!.headers), headers(expected[i]!.headers, theirPrefix, prefix), `${where}: headers`);
        compared++;
      }
    }
    assert.ok(compared > 0, 'records were compared');
  } finally {
    const code = await binlogd.stop();
    if (code !== 0) console.error(JSON.stringify(binlogd.logs.slice(-8), null, 1), binlogd.stderr.join(''));
    assert.equal(code, 0, 'binlogd exits 0 on SIGTERM');
    await db.query(`DROP TABLE IF EXISTS ${tables.join(', ')}`);
    await db.end();
  }
}

function headers(h: Record<string, string>, theirs?: string, ours?: string): Record<string, string> {
  return Object.fromEntries(Object.entries(h).filter(([k]) => k !== '__debezium.context.runId').map(([k, v]) => [k, theirs ? v.replaceAll(theirs, ours!) : v]));
}

async function readWhenPresent(topic: string, expected: number): Promise<RawRecord[]> {
  const admin = new Kafka({ brokers: loadStackEnv().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const deadline = Date.now() + 30_000;
  let present = false;
  while (!(present = (await admin.listTopics()).includes(topic)) && Date.now() < deadline && expected > 0) await new Promise((r) => setTimeout(r, 200));
  await admin.disconnect();
  if (!present) {
    assert.equal(expected, 0, `${topic} did not appear`);
    return [];
  }
  const records = await readRawTopic(topic, expected, 30_000);
  return records;
}

test('route + unwrap as in the inventory connector (legacy options for binlogd, their 3.x equivalent for Debezium), add.fields, add.headers', { timeout: 240_000 }, () => compareWithDebezium({
  tables: { orders: "(id INT PRIMARY KEY, status ENUM('PENDING','CONFIRMED') DEFAULT 'PENDING', total DECIMAL(12,2) NOT NULL, note VARCHAR(20) NULL DEFAULT 'n/a', f FLOAT, d DOUBLE)" },
  config: (side) => ({
    'transforms': 'route,unwrap',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': `([^.]+)\\.${DB}\\.([^.]+)`,
    'transforms.route.replacement': '$1.events.$2',
    'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
    ...(side === 'binlogd'
      ? { 'transforms.unwrap.drop.tombstones': 'false', 'transforms.unwrap.delete.handling.mode': 'rewrite' }
      : { 'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite-with-tombstone' }),
    'transforms.unwrap.add.fields': 'op,table,source.ts_ms',
    'transforms.unwrap.add.headers': 'db,op',
  }),
  topics: (prefix, names) => [`${prefix}.events.${names['orders']}`],
  write: async (db, table) => {
    await db.query(`INSERT INTO ${table('orders')} (id, status, total, note, f, d) VALUES (1, 'PENDING', 99.99, NULL, 3.25, 1e10), (2, DEFAULT, 0.01, 'x', -0.5, 123.456)`);
    await db.query(`UPDATE ${table('orders')} SET status = 'CONFIRMED' WHERE id = 1`);
    await db.query(`DELETE FROM ${table('orders')} WHERE id = 2`);
    await db.query(`UPDATE ${table('orders')} SET id = 10 WHERE id = 1`);
  },
}));

test('the outbox EventRouter as in the outbox connector (with a predicate), then a RegexRouter on the routed topics', { timeout: 240_000 }, () => compareWithDebezium({
  tables: { outbox: `(id BIGINT PRIMARY KEY AUTO_INCREMENT, aggregate_type VARCHAR(100) NOT NULL, aggregate_id VARCHAR(100) NOT NULL,
    event_type VARCHAR(100) NOT NULL, payload JSON NOT NULL, created_at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))` },
  config: (_side, prefix) => ({
    'tombstones.on.delete': 'false',
    'transforms': 'outbox,customers',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    'transforms.outbox.predicate': 'isOutbox',
    'transforms.outbox.table.fields.additional.placement': 'event_type:header:eventType',
    'transforms.outbox.table.field.event.key': 'aggregate_id',
    'transforms.outbox.table.field.event.type': 'event_type',
    'transforms.outbox.table.field.event.payload': 'payload',
    'transforms.outbox.route.by.field': 'aggregate_type',
    'transforms.outbox.route.topic.replacement': `${prefix}.events.\${routedByValue}`,
    // The second router sees what the first routed.
    'transforms.customers.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.customers.regex': `(${prefix})\\.events\\.(Customer)`,
    'transforms.customers.replacement': '$1.customers',
    'predicates': 'isOutbox',
    'predicates.isOutbox.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    'predicates.isOutbox.pattern': `.*\\.${DB}\\.outbox.*`,
  }),
  topics: (prefix) => [`${prefix}.events.Order`, `${prefix}.customers`],
  write: async (db, table) => {
    await db.query(`INSERT INTO ${table('outbox')} (aggregate_type, aggregate_id, event_type, payload) VALUES
      ('Order', 'order-1001', 'OrderCreated', JSON_OBJECT('order_id', 1001, 'total_amount', 99.99, 'items', JSON_ARRAY(JSON_OBJECT('product_id', 101, 'qty', 2)))),
      ('Customer', 'customer-42', 'CustomerRegistered', '{"name": "Zoë", "vip": true}')`);
    await db.query(`UPDATE ${table('outbox')} SET event_type = 'Changed' WHERE aggregate_id = 'order-1001'`);
    await db.query(`DELETE FROM ${table('outbox')} WHERE aggregate_id = 'order-1001'`);
    await db.query(`INSERT INTO ${table('outbox')} (aggregate_type, aggregate_id, event_type, payload) VALUES ('Order', 'order-1002', 'OrderShipped', '{}')`);
  },
}));

test('EventRouter with envelope placement, schema version and expanded JSON payloads', { timeout: 240_000 }, () => compareWithDebezium({
  tables: { outbox: `(id VARCHAR(36) PRIMARY KEY, aggregatetype VARCHAR(100) NOT NULL, aggregateid VARCHAR(100) NOT NULL,
    type VARCHAR(100) NOT NULL, payload JSON, version INT NOT NULL DEFAULT 1)` },
  config: (_side, prefix) => ({
    'transforms': 'outbox',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    'transforms.outbox.predicate': 'isOutbox',
    'transforms.outbox.table.fields.additional.placement': 'type:envelope:eventType,aggregateid:header',
    'transforms.outbox.table.field.event.schema.version': 'version',
    'transforms.outbox.table.expand.json.payload': 'true',
    'transforms.outbox.route.topic.replacement': `${prefix}.outbox.\${routedByValue}`,
    'transforms.outbox.route.tombstone.on.empty.payload': 'true',
    'predicates': 'isOutbox',
    'predicates.isOutbox.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    'predicates.isOutbox.pattern': `.*\\.${DB}\\.outbox.*`,
  }),
  topics: (prefix) => [`${prefix}.outbox.order`],
  write: async (db, table) => {
    await db.query(`INSERT INTO ${table('outbox')} (id, aggregatetype, aggregateid, type, payload, version) VALUES
      ('e1', 'order', 'o-1', 'Created', '{"id": 1, "big": 12345678901, "price": 9.5, "tags": ["a", "b"], "nested": {"x": null, "y": "z"}}', 2),
      ('e2', 'order', 'o-1', 'Cleared', NULL, 2)`);
  },
}));

test('ByLogicalTableRouter merges two tables into one logical topic', { timeout: 240_000 }, () => compareWithDebezium({
  tables: { shard_a: '(id INT PRIMARY KEY, v VARCHAR(10) DEFAULT \'d\')', shard_b: '(id INT PRIMARY KEY, v VARCHAR(10) DEFAULT \'d\')' },
  config: (_side, _prefix, names) => ({
    'transforms': 'merge',
    'transforms.merge.type': 'io.debezium.transforms.ByLogicalTableRouter',
    'transforms.merge.topic.regex': `([^.]+)\\.${DB}\\.(${names['shard_a']}|${names['shard_b']})`,
    'transforms.merge.topic.replacement': '$1.merged',
  }),
  topics: (prefix) => [`${prefix}.merged`],
  write: async (db, table) => {
    await db.query(`INSERT INTO ${table('shard_a')} VALUES (1, 'a'), (2, NULL)`);
    await db.query(`INSERT INTO ${table('shard_b')} VALUES (1, 'b')`);
    await db.query(`DELETE FROM ${table('shard_a')} WHERE id = 2`);
  },
}));

export type { DebeziumRecord };

test('unwrap in its default mode: a delete becomes a null payload with the row schema (not a Kafka tombstone), tombstones dropped', { timeout: 240_000 }, () => compareWithDebezium({
  tables: { items: '(id INT PRIMARY KEY, qty INT NOT NULL DEFAULT 1)' },
  config: () => ({ 'transforms': 'unwrap', 'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState' }),
  topics: (prefix, names) => [`${prefix}.${DB}.${names['items']}`],
  write: async (db, table) => {
    await db.query(`INSERT INTO ${table('items')} VALUES (1, 5), (2, DEFAULT)`);
    await db.query(`DELETE FROM ${table('items')} WHERE id = 1`);
    await db.query(`UPDATE ${table('items')} SET id = 3 WHERE id = 2`);
  },
}));

// Every column type binlogd decodes, as JsonConverter (schemas.enable=true) writes it: numbers as
// Java prints them, decimals and bytes in base64, defaults in the schema, nulls replaced by defaults.
test('JsonConverter without transforms: every column type, byte for byte', { timeout: 240_000 }, () => compareWithDebezium({
  tables: { types: `(
    id INT PRIMARY KEY, t TINYINT, tu TINYINT UNSIGNED, s SMALLINT NOT NULL DEFAULT -5, mu MEDIUMINT UNSIGNED, b BIGINT, bu BIGINT UNSIGNED,
    flag BIT(1), bits BIT(10), bool_col BOOLEAN, f FLOAT, d DOUBLE, price DECIMAL(10,2) NOT NULL DEFAULT 9.99, wide DECIMAL(65,30),
    c CHAR(5), v VARCHAR(50) NOT NULL DEFAULT 'none', ctl VARCHAR(20), bin BINARY(4), vbin VARBINARY(10), doc JSON,
    e ENUM('small','medium','large') DEFAULT 'medium', st SET('a','b','c'), dt DATE, tm TIME(3), dtm DATETIME, dtm6 DATETIME(6),
    ts TIMESTAMP(6) NULL, yr YEAR, pt POINT)` },
  config: () => ({}),
  topics: (prefix, names) => [`${prefix}.${DB}.${names['types']}`],
  write: async (db, table) => {
    await db.query(`INSERT INTO ${table('types')} VALUES
      (1, -128, 255, -32768, 16777215, -9223372036854775808, 18446744073709551615, b'1', b'1010101010', TRUE, 3.25, -1.5e300,
       12345678.91, 12345678901234567890123456789012345.123456789012345678901234567890, 'abc', 'héllo wörld ✓', CONCAT('a', CHAR(1), 'b', CHAR(31), '"\\\\'),
       0x0102, 0x00ff00, '{"k": [1, 2.5, {"x": null}]}', 'large', 'a,c', '2024-02-29', '-838:59:59.000', '1999-12-31 23:59:59',
       '2024-06-01 12:34:56.123456', '2024-06-01 12:34:56.654321', 2155, ST_GeomFromText('POINT(1.5 -2.25)')),
      (2, NULL, NULL, DEFAULT, NULL, NULL, NULL, NULL, NULL, NULL, 0.1, 1e-7, DEFAULT, NULL, NULL, DEFAULT, NULL, NULL, NULL, NULL,
       DEFAULT, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (3, 1, 2, 3, 4, 5, 6, b'0', b'0000000001', FALSE, 16777216, 12345678.5, 0.01, -0.000000000000000000000000000001, '', '', '', 0x00, X'', '[]',
       'small', '', '1970-01-01', '00:00:00.001', '1970-01-01 00:00:00', '1000-01-01 00:00:00.000001', '1970-01-01 00:00:01', 1901, NULL)`);
    await db.query(`UPDATE ${table('types')} SET v = CONCAT(v, '!'), f = f * 2 WHERE id IN (1, 3)`);
    await db.query(`DELETE FROM ${table('types')} WHERE id = 2`);
  },
}));
