// PUT pause stops reading the binlog while MariaDB keeps being written: nothing reaches Kafka until
// PUT resume, after which every change arrives exactly once, in commit order (read_committed). On
// every Kafka line of the stack; at-least-once on the main one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { connectAsRoot } from '../support/mariadb.js';
import { kafkaLines, uniqueName, type KafkaLine } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { readAvroTopic } from '../support/avro-topic.js';
import { ChangeWriter, changesOf } from '../support/change-writer.js';
import { inState, rest, waitForStatus } from '../support/rest-client.js';

const DB = 'binlogd_test';

async function endOffset(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

const [mainLine, ...otherLines] = kafkaLines();
const runs: Array<{ line: KafkaLine; delivery: 'requested' | 'false' }> = [
  { line: mainLine!, delivery: 'requested' }, { line: mainLine!, delivery: 'false' },
  ...otherLines.map((line) => ({ line, delivery: 'requested' as const })),
];

for (const { line, delivery } of runs) {
  test(`${line.label}: pause during writes: nothing reaches Kafka; resume: every change exactly once (exactly.once.support=${delivery})`, { timeout: 240_000 }, async () => {
    const brokers = line.brokers;
    const kafka = new Kafka({ brokers, clientId: 'pause-test', logLevel: logLevel.NOTHING });
    const db = await connectAsRoot();
    const writerDb = await connectAsRoot();
    const name = uniqueName('pause');
    const table = `${DB}.${name}`;
    const topic = `${name}.${table}`;
    await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
    const daemon = await startBinlogd({ name, config: { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data', 'exactly.once.support': delivery }, kafkaBrokers: brokers });
    const writer = new ChangeWriter(writerDb, table);
    let writing = true;
    let load: Promise<void> | undefined;
    try {
      await writer.transaction();
      await readAvroTopic(topic, writer.expected.length, 60_000, brokers);

      load = writer.run(() => !writing, 20);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal((await rest(daemon.url, 'PUT', `/connectors/${name}/pause`)).status, 202);
      await waitForStatus(daemon.url, name, inState('PAUSED'));
      const metrics = await rest(daemon.url, 'GET', '/metrics');
      assert.match(metrics.text, new RegExp(`binlogd_connector_up\\{connector="${name}"\\} 0`));
      assert.match(metrics.text, new RegExp(`binlogd_connector_state\\{connector="${name}",state="PAUSED"\\} 1`));

      const atPause = await endOffset(kafka, topic);
      const writtenAtPause = writer.transactions;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.ok(writer.transactions > writtenAtPause + 5, 'MariaDB kept being written');
      assert.equal(await endOffset(kafka, topic), atPause, 'no record reached Kafka while paused');

      assert.equal((await rest(daemon.url, 'PUT', `/connectors/${name}/resume`)).status, 202);
      assert.equal((await rest(daemon.url, 'PUT', `/connectors/${name}/resume`)).status, 202, 'idempotent');
      await waitForStatus(daemon.url, name, inState('RUNNING'));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      writing = false;
      await load;

      const expected = writer.expected;
      const records = changesOf(await readAvroTopic(topic, expected.length, 90_000, brokers));
      assert.equal(records.length, expected.length, `${records.length} records for ${expected.length} changes`);
      assert.deepEqual(records, expected, 'every change exactly once, in commit order');
      console.log(`${line.label} pause/resume (${delivery}): ${writer.transactions} transactions, ${expected.length} records, ${writer.transactions - writtenAtPause} transactions written around the pause`);
    } finally {
      writing = false;
      await load?.catch(() => undefined);
      assert.equal(await daemon.stop(), 0);
      await db.query(`DROP TABLE IF EXISTS ${table}`);
      await db.end();
      await writerDb.end();
    }
  });
}
