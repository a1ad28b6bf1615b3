// A topic whose max.message.bytes is far below the producer's max.request.size: the broker would
// refuse a larger record (MESSAGE_TOO_LARGE) and with it the whole batch, failing the connector
// whatever errors.tolerance says. binlogd reads the topic's limit and refuses such a record itself,
// like its max.request.size check: with errors.tolerance=all it goes to the dead letter topic with
// its table and position, and the records around it, many small ones in one transaction included
// (their batches stay below the limit), are delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAvroTopic } from '../support/avro-topic.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { withKafkaAdmin } from '../support/kafka-admin.js';
import { connectAsRoot } from '../support/mariadb.js';
import { readRawTopic } from '../support/raw-topic.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';

const DB = 'binlogd_test';
const TOPIC_LIMIT = 4000;

test('a record over its topic\'s max.message.bytes goes to the dead letter topic with its table and position (errors.tolerance=all); the others arrive', { timeout: 180_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('big');
  const prefix = uniqueName('bdbig');
  const dlq = uniqueName('dlq.big');
  const topic = `${prefix}.${DB}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${DB}.${table} (id INT PRIMARY KEY, body LONGTEXT)`);
  await withKafkaAdmin({ brokers: loadStackEnv().kafkaBrokers, clientId: 'binlogd-test' }, async (admin, created) => {
    await admin.createTopics([{ topic, partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': String(TOPIC_LIMIT) } }]);
    created.push(topic, dlq);
    const binlogd = await startBinlogd({ name: prefix, config: {
      'topic.prefix': prefix,
      'table.include.list': `${DB}\\.${table}`,
      'errors.tolerance': 'all',
      'errors.log.enable': 'true',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.context.headers.enable': 'true',
      'errors.deadletterqueue.topic.replication.factor': '1',
    } });
    try {
      await db.query(`INSERT INTO ${DB}.${table} VALUES (1, 'small')`);
      await db.query(`INSERT INTO ${DB}.${table} VALUES (2, REPEAT('x', ?))`, [TOPIC_LIMIT * 2]);
      const [rows] = await db.query('SELECT @@last_gtid AS gtid');
      const bigGtid = (rows as Array<{ gtid: string }>)[0]!.gtid;
      // Twenty rows of ~400 bytes in one transaction: together over the limit, each well below.
      await db.query(`BEGIN; ${Array.from({ length: 20 }, (_, i) => `INSERT INTO ${DB}.${table} VALUES (${i + 3}, REPEAT('s', 400));`).join(' ')} COMMIT`);
      const delivered = await readAvroTopic(topic, 21);
      assert.deepEqual(delivered.map((r) => (r.value as { after: { id: number } }).after.id), [1, ...Array.from({ length: 20 }, (_, i) => i + 3)]);
      const [dead] = await readRawTopic(dlq, 1);
      assert.equal(dead!.headers['__connect.errors.stage'], 'KAFKA_PRODUCE');
      assert.equal(dead!.headers['__connect.errors.topic'], topic);
      assert.equal(dead!.headers['__connect.errors.exception.class.name'], 'RecordTooLargeException');
      assert.match(dead!.headers['__connect.errors.exception.message']!, new RegExp(`larger than ${TOPIC_LIMIT}, the max\\.message\\.bytes of topic ${topic.replace(/\./g, '\\.')}`));
      assert.equal(dead!.headers['__binlogd.errors.table'], `${DB}.${table}`);
      assert.equal(JSON.parse(dead!.headers['__binlogd.errors.position']!).gtid, bigGtid);
      const status = await (await fetch(`${binlogd.url}/connectors/${prefix}/status`)).json() as { connector: { state: string } };
      assert.equal(status.connector.state, 'RUNNING');
    } finally {
      assert.equal(await binlogd.stop(), 0);
    }
  });
  await db.query(`DROP TABLE IF EXISTS ${DB}.${table}`);
  await db.end();
});
