// topic.creation.groups against a real broker: a table's topic is created with the settings of the
// first group matching it, settings it leaves out from topic.creation.default.*, as Kafka Connect does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAvroTopic } from '../support/avro-topic.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { kill } from '../support/change-workload.js';
import { withKafkaAdmin } from '../support/kafka-admin.js';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';

test('topic.creation.groups: the matching group sets partitions and configs, the default group the rest', { timeout: 120_000 }, async () => {
  const db = await connectAsRoot();
  const name = uniqueName('tcgroups');
  const big = `binlogd_test.${name}_big`;
  const small = `binlogd_test.${name}_small`;
  await db.query(`CREATE DATABASE IF NOT EXISTS binlogd_test; CREATE TABLE ${big} (id INT PRIMARY KEY); CREATE TABLE ${small} (id INT PRIMARY KEY)`);
  let proc: BinlogdProcess | undefined;
  try {
    proc = await startBinlogd({
      name,
      config: {
        'topic.prefix': name, 'table.include.list': `${big},${small}`.replaceAll('.', '\\.'), 'snapshot.mode': 'no_data',
        'topic.creation.default.partitions': '2', 'topic.creation.default.retention.ms': '3600000',
        'topic.creation.groups': 'large',
        'topic.creation.large.include': `${name}\\.binlogd_test\\..*_big`,
        'topic.creation.large.partitions': '5', 'topic.creation.large.cleanup.policy': 'compact',
      },
    });
    await db.query(`INSERT INTO ${big} VALUES (1); INSERT INTO ${small} VALUES (1)`);
    await readAvroTopic(`${name}.${big}`, 1);
    await readAvroTopic(`${name}.${small}`, 1);
    await withKafkaAdmin({ brokers: loadStackEnv().kafkaBrokers, clientId: name }, async (admin) => {
      const counts = await admin.fetchPartitionCounts([`${name}.${big}`, `${name}.${small}`]);
      assert.deepEqual([counts.get(`${name}.${big}`), counts.get(`${name}.${small}`)], [5, 2]);
      const bigConfigs = await admin.describeTopicConfigs(`${name}.${big}`, ['cleanup.policy', 'retention.ms']);
      const smallConfigs = await admin.describeTopicConfigs(`${name}.${small}`, ['cleanup.policy', 'retention.ms']);
      assert.deepEqual(bigConfigs, { 'cleanup.policy': 'compact', 'retention.ms': '3600000' });
      assert.deepEqual(smallConfigs, { 'cleanup.policy': 'delete', 'retention.ms': '3600000' });
    });
    assert.equal(await proc.stop(), 0);
  } finally {
    if (proc !== undefined) await kill(proc);
    await db.query(`DROP TABLE IF EXISTS ${big}, ${small}`);
    await db.end();
  }
});
