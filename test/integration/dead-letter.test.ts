// errors.tolerance and the dead letter topic, end to end: a change too large for the producer
// (max.request.size) between two ordinary ones. With tolerance all it lands in the dead letter
// topic with its context headers while the changes around it are delivered; with tolerance none
// the connector fails at that change's position, and after the fix it resumes exactly there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { readAvroTopic } from '../support/avro-topic.js';
import { readRawTopic } from '../support/raw-topic.js';
import { uniqueName } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess, waitForLog } from '../support/binlogd-process.js';

const DB = 'binlogd_test';
const LIMIT = 20_000;

/** The user's inventory chain (route + unwrap) and error settings, with a small producer limit. */
function config(prefix: string, table: string, dlq: string, tolerance: 'all' | 'none'): Record<string, string> {
  return {
    'topic.prefix': prefix,
    'table.include.list': `${DB}\\.${table}`,
    'producer.override.max.request.size': String(LIMIT),
    'transforms': 'route,unwrap',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': '([^.]+)\\.([^.]+)\\.([^.]+)',
    'transforms.route.replacement': '$1.events.$3',
    'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
    'transforms.unwrap.drop.tombstones': 'false',
    'transforms.unwrap.delete.handling.mode': 'rewrite',
    'errors.log.enable': 'true',
    'errors.log.include.messages': 'false',
    'errors.tolerance': tolerance,
    'errors.deadletterqueue.topic.name': dlq,
    'errors.deadletterqueue.context.headers.enable': 'true',
    // The test stack has one broker: Connect's default of 3 is refused (last test).
    'errors.deadletterqueue.topic.replication.factor': '1',
  };
}

async function insert(db: Awaited<ReturnType<typeof connectAsRoot>>, table: string, id: number, size: number): Promise<string> {
  await db.query(`INSERT INTO ${DB}.${table} VALUES (?, REPEAT('x', ?))`, [id, size]);
  const [rows] = await db.query('SELECT @@last_gtid AS gtid');
  return (rows as Array<{ gtid: string }>)[0]!.gtid;
}


test('errors.tolerance=all: the poisoned change goes to the dead letter topic with its context; the changes around it are delivered', { timeout: 180_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('dlq');
  const prefix = uniqueName('bd');
  const dlq = uniqueName('dlq.inventory');
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${DB}.${table} (id INT PRIMARY KEY, body LONGTEXT)`);
  const binlogd = await startBinlogd({ name: prefix, config: config(prefix, table, dlq, 'all') });
  try {
    await insert(db, table, 1, 10);
    const poisonGtid = await insert(db, table, 2, LIMIT * 2);
    await insert(db, table, 3, 10);
    const delivered = await readAvroTopic(`${prefix}.events.${table}`, 2);
    assert.deepEqual(delivered.map((r) => (r.value as { id: number }).id), [1, 3], 'the changes around the poisoned one');
    assert.deepEqual(delivered.map((r) => (r.value as { __deleted: string }).__deleted), ['false', 'false']);
    const [dead] = await readRawTopic(dlq, 1);
    assert.ok(dead);
    assert.equal(dead.key?.toString(), '{"id":2}');
    assert.equal(dead.value, null, 'a value too large for Kafka is left out of its dead letter record');
    assert.equal(dead.headers['__connect.errors.stage'], 'KAFKA_PRODUCE');
    assert.equal(dead.headers['__connect.errors.connector.name'], prefix);
    assert.equal(dead.headers['__connect.errors.topic'], `${prefix}.${DB}.${table}`);
    assert.equal(dead.headers['__connect.errors.exception.class.name'], 'RecordTooLargeException');
    assert.match(dead.headers['__connect.errors.exception.message']!, /larger than 20000, which is the value of the max.request.size/);
    assert.equal(dead.headers['__binlogd.errors.table'], `${DB}.${table}`);
    assert.equal(JSON.parse(dead.headers['__binlogd.errors.position']!).gtid, poisonGtid);
    const logged = await waitForLog(binlogd, /^errors.tolerance=all: skipped the change of/);
    assert.equal(logged['gtid'], poisonGtid);
    assert.equal(logged['stage'], 'KAFKA_PRODUCE');
  } finally {
    assert.equal(await binlogd.stop(), 0);
    await db.query(`DROP TABLE IF EXISTS ${DB}.${table}`);
    await db.end();
  }
});

test('errors.tolerance=none: the connector fails at the poisoned change, and resumes exactly there after the fix', { timeout: 240_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('poison');
  const prefix = uniqueName('bd');
  const dlq = uniqueName('dlq.inventory');
  const topic = `${prefix}.events.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${DB}.${table} (id INT PRIMARY KEY, body LONGTEXT)`);
  const first = await startBinlogd({ name: prefix, config: config(prefix, table, dlq, 'none') });
  let poisonGtid: string;
  try {
    await insert(db, table, 1, 10);
    await readAvroTopic(topic, 1);
    poisonGtid = await insert(db, table, 2, LIMIT * 2);
    await insert(db, table, 3, 10);
    const failed = await waitForLog(first, /^connector failed/);
    assert.equal(failed['code'], 'RECORD_FAILED');
    assert.match(String(failed['msg']), new RegExp(`KAFKA_PRODUCE .* ${DB}\\.${table} at GTID ${poisonGtid}`));
    assert.equal((failed['err'] as { details?: { gtid?: string } })?.details?.gtid, poisonGtid, 'the position is in the error details');
  } finally {
    assert.equal(await first.stop(), 0);
  }
  // The fix: skip such changes to the dead letter topic. The same connector resumes at the change.
  const second = await startBinlogd({ name: prefix, config: config(prefix, table, dlq, 'all') });
  try {
    await insert(db, table, 4, 10);
    const delivered = await readAvroTopic(topic, 3);
    assert.deepEqual(delivered.map((r) => (r.value as { id: number }).id), [1, 3, 4], 'nothing lost, nothing twice');
    const [dead] = await readRawTopic(dlq, 1);
    assert.equal(dead!.key?.toString(), '{"id":2}');
    assert.equal(JSON.parse(dead!.headers['__binlogd.errors.position']!).gtid, poisonGtid);
  } finally {
    assert.equal(await second.stop(), 0);
    await db.query(`DROP TABLE IF EXISTS ${DB}.${table}`);
    await db.end();
  }
});

test('the dead letter topic is created with errors.deadletterqueue.topic.replication.factor: 3 on one broker fails naming the property', { timeout: 180_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('dlqrf');
  const prefix = uniqueName('bd');
  const dlq = uniqueName('dlq.inventory');
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${DB}.${table} (id INT PRIMARY KEY, body LONGTEXT)`);
  const binlogd = await startBinlogd({ name: prefix, config: { ...config(prefix, table, dlq, 'all'), 'errors.deadletterqueue.topic.replication.factor': '3', 'errors.max.retries': '0' } });
  try {
    await insert(db, table, 1, LIMIT * 2);
    const failed = await waitForLog(binlogd, /^connector failed/);
    assert.equal(failed['code'], 'KAFKA_REJECTED');
    assert.match(String(failed['msg']), new RegExp(`topic ${dlq.replace(/\./g, '\\.')} with replication factor 3 .*set errors\\.deadletterqueue\\.topic\\.replication\\.factor to at most the number of brokers`));
  } finally {
    await binlogd.stop();
    await db.query(`DROP TABLE IF EXISTS ${DB}.${table}`);
    await db.end();
  }
});
