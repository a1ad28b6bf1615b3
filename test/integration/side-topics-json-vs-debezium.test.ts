// Side-topic records take the connector's transforms and converters, as every record of a Kafka
// Connect source task does: with JsonConverter and a RegexRouter that renames the transaction topic,
// binlogd's transaction BEGIN/END, schema change and heartbeat records are compared byte for byte
// with Debezium 3.5 running the same options. Allowed differences: the topic prefix, processing
// timestamps and source.version. The server is shared: only this test's transactions are compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { captureWithDebezium, type DebeziumRecord } from '../oracle/debezium.js';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';

const DB = 'binlogd_test';

const CONFIG: Record<string, string> = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'include.schema.changes': 'true',
  'provide.transaction.metadata': 'true',
  'heartbeat.interval.ms': '1000',
  'transforms': 'route,unwrap',
  // Renames the transaction topic only; the users' unwrap passes side records through unchanged.
  'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
  'transforms.route.regex': '(.*)\\.transaction',
  'transforms.route.replacement': '$1.tx',
  'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
};

interface Raw { topic: string; key: string | null; value: string | null }

test('transaction, schema change and heartbeat records through RegexRouter + unwrap and JsonConverter: byte for byte what Debezium writes', { timeout: 300_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('side');
  const qualified = `${DB}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  // Declared as SHOW CREATE TABLE prints it, so both describe the table alike (side-topics-vs-debezium.test.ts).
  await db.query(`CREATE TABLE ${qualified} (id int(11) NOT NULL, v varchar(10) DEFAULT NULL, PRIMARY KEY (id))`);
  const prefix = uniqueName('bd');
  const gtids: string[] = [];
  const lastGtid = async () => gtids.push(String(((await db.query('SELECT @@last_gtid AS g'))[0] as Array<{ g: string }>)[0]!.g));
  const binlogd = await startBinlogd({ name: prefix, config: { ...CONFIG, 'snapshot.mode': 'no_data', 'table.include.list': qualified.replace('.', '\\.'), 'topic.prefix': prefix } });
  try {
    const capture = await captureWithDebezium({
      tables: [qualified], config: CONFIG, timeoutMs: 120_000,
      topics: (p) => [p, `${p}.tx`, `__debezium-heartbeat.${p}`],
      write: async () => {
        await db.query(`INSERT INTO ${qualified} VALUES (1, 'a')`);
        await lastGtid();
        await db.query(`BEGIN; INSERT INTO ${qualified} VALUES (2, 'b'); UPDATE ${qualified} SET v = 'c' WHERE id = 1; COMMIT`);
        await lastGtid();
        await db.query(`ALTER TABLE ${qualified} ADD COLUMN w int(11) DEFAULT NULL`);
        await new Promise((resolve) => setTimeout(resolve, 2500)); // heartbeats
      },
    });
    const theirs = capture.topicPrefix;
    const normalize = (text: string | null, from?: string): string | null => text === null ? null
      : (from ? text.replaceAll(from, prefix) : text)
        .replace(/"ts_(ms|us|ns)":\d+/g, '"ts_$1":0').replace(/"version":"[^"]*"/g, '"version":"-"');
    const debezium = (topic: string, keep: (r: DebeziumRecord) => boolean): Raw[] =>
      capture.records.filter((r) => r.topic === topic && keep(r)).map((r) => ({ topic: r.topic.replace(theirs, prefix), key: normalize(r.rawKey, theirs), value: normalize(r.rawValue, theirs) }));
    const ours = (records: Raw[]): Raw[] => records.map((r) => ({ ...r, key: normalize(r.key), value: normalize(r.value) }));
    const mineTx = (text: string | null) => gtids.some((g) => text?.includes(`"id":"${g}"`));

    // BEGIN and END of both transactions, on the renamed topic.
    const expectedTx = debezium(`${theirs}.tx`, (r) => mineTx(r.rawValue));
    assert.equal(expectedTx.length, 4, 'Debezium: BEGIN and END of two transactions');
    const actualTx = ours((await readTopic(`${prefix}.tx`, (records) => records.filter((r) => mineTx(r.value)).length >= 4)).filter((r) => mineTx(r.value)));
    assert.deepEqual(actualTx, expectedTx);

    // The ALTER's schema change record.
    const isAlter = (text: string | null) => text?.includes(`ALTER TABLE ${qualified} ADD COLUMN w`) ?? false;
    const expectedDdl = debezium(theirs, (r) => isAlter(r.rawValue));
    assert.equal(expectedDdl.length, 1, 'Debezium: one schema change record for the ALTER');
    const actualDdl = ours((await readTopic(prefix, (records) => records.some((r) => isAlter(r.value)))).filter((r) => isAlter(r.value)));
    assert.deepEqual(actualDdl, expectedDdl);

    // Heartbeats: same key, same value once the time is normalized.
    const [expectedBeat] = debezium(`__debezium-heartbeat.${theirs}`, () => true);
    assert.ok(expectedBeat, 'Debezium wrote heartbeats');
    const [actualBeat] = ours(await readTopic(`__debezium-heartbeat.${prefix}`, (records) => records.length > 0));
    assert.deepEqual(actualBeat, expectedBeat);
  } finally {
    assert.equal(await binlogd.stop(), 0, 'binlogd exits 0 on SIGTERM');
    await db.query(`DROP TABLE IF EXISTS ${qualified}`);
    await db.end();
  }
});

/** Reads `topic` (read_committed) from the start until `done` says enough arrived. */
async function readTopic(topic: string, done: (records: Raw[]) => boolean, timeoutMs = 60_000): Promise<Raw[]> {
  const kafka = new Kafka({ brokers: loadStackEnv().kafkaBrokers, clientId: 'side-json-reader', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    while (!(await admin.listTopics()).includes(topic)) {
      if (Date.now() > deadline) throw new Error(`${topic} did not appear`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
  const records: Raw[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('side_reader') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        records.push({ topic, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
      },
    });
    while (!done(records)) {
      if (Date.now() > deadline) throw new Error(`${topic}: ${records.length} records, not what was expected`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await consumer.disconnect();
  }
  return records;
}
