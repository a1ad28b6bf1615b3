// A schema registry that refuses binlogd's schema: the connector fails with the registry's own
// message and the subject, and writes nothing to the topic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';

const DB = 'binlogd_test';

test('a registry rejection fails the connector with the registry message; nothing is written', { timeout: 90_000 }, async () => {
  const env = loadStackEnv();
  const db = await connectAsRoot();
  const table = uniqueName('rejected');
  const prefix = uniqueName('reg');
  const topic = `${prefix}.${DB}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${DB}.${table} (id INT PRIMARY KEY)`);
  // An earlier value schema with the same record name: ours adds required fields (source, op)
  // that it lacks, which BACKWARD compatibility forbids.
  const earlier = { type: 'record', name: 'Envelope', namespace: `${prefix}.${DB}.${table}`, fields: [{ name: 'legacy', type: 'int' }] };
  const registered = await fetch(`${env.schemaRegistryUrl}/subjects/${topic}-value/versions`, {
    method: 'POST', headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(earlier) }),
  });
  assert.equal(registered.status, 200);
  const binlogd = await startBinlogd({ name: prefix, config: { 'topic.prefix': prefix, 'table.include.list': `${DB}\\.${table}` } });
  try {
    await db.query(`INSERT INTO ${DB}.${table} VALUES (1)`);
    const deadline = Date.now() + 30_000;
    const failed = () => binlogd.logs.find((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('connector failed'));
    while (!failed() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const entry = failed();
    assert.ok(entry, 'the connector failed');
    assert.equal(entry['code'], 'REGISTRY_REJECTED');
    assert.match(String(entry['msg']), new RegExp(`${topic}-value`));

    const kafka = new Kafka({ brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    const high = topics.includes(topic) ? Number((await admin.fetchTopicOffsets(topic))[0]?.high ?? 0) : 0;
    await admin.disconnect();
    assert.equal(high, 0, 'no record reached the topic');
  } finally {
    assert.equal(await binlogd.stop(), 0);
    await db.query(`DROP TABLE IF EXISTS ${DB}.${table}`);
    await db.end();
  }
});
