// Topic names Kafka cannot take, end to end. Debezium cuts a data topic at 249 characters, so two
// tables with a long common name share one topic and registry subject; binlogd refuses such a
// topic at the table's first change, naming the table, the topic and the fix, and a RegexRouter
// that shortens the names is the way out. Two tables whose names differ only in characters Kafka
// does not allow (replaced by "_") are refused as they are discovered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAvroTopic } from '../support/avro-topic.js';
import { startBinlogd, type BinlogdProcess, waitForLog } from '../support/binlogd-process.js';
import { connectAsRoot } from '../support/mariadb.js';
import { rest } from '../support/rest-client.js';
import { uniqueName } from '../support/stack-env.js';

const DB = 'binlogd_test';


/** Two tables whose topics under a 200-character prefix agree in their first 249 characters. */
async function longTables(db: Awaited<ReturnType<typeof connectAsRoot>>): Promise<[string, string]> {
  const stem = uniqueName('long').padEnd(50, 'x');
  const tables: [string, string] = [`${stem}_a`, `${stem}_b`];
  for (const table of tables) await db.query(`CREATE TABLE ${DB}.${table} (id INT PRIMARY KEY)`);
  return tables;
}

test('a data topic over 249 characters fails the connector naming the table, the topic and the fix; nothing is cut into a shared topic', { timeout: 180_000 }, async () => {
  const db = await connectAsRoot();
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  const tables = await longTables(db);
  const name = uniqueName('bdtop');
  const prefix = name.padEnd(200, 'p');
  const binlogd = await startBinlogd({ name, config: { 'topic.prefix': prefix, 'table.include.list': tables.map((t) => `${DB}\\.${t}`).join(',') } });
  try {
    await db.query(`INSERT INTO ${DB}.${tables[0]} VALUES (1)`);
    const failed = await waitForLog(binlogd, /^connector failed/);
    assert.equal(failed['code'], 'TOPIC_NAME_INVALID');
    const message = String(failed['msg']);
    assert.match(message, new RegExp(`the changes of ${DB}\\.${tables[0]} go to topic "${prefix}\\.${DB}\\.${tables[0]}", which is ${prefix.length + DB.length + tables[0].length + 2} characters long, over Kafka's limit of 249`));
    assert.match(message, /Fix: a shorter topic\.prefix, a RegexRouter transform/);
    assert.equal((await rest(binlogd.url, 'GET', `/connectors/${name}/status`)).body.connector.state, 'FAILED');
  } finally {
    await binlogd.stop();
    for (const table of tables) await db.query(`DROP TABLE IF EXISTS ${DB}.${table}`);
    await db.end();
  }
});

test('the same tables with a RegexRouter that shortens their topics: each table gets its own topic', { timeout: 180_000 }, async () => {
  const db = await connectAsRoot();
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  const tables = await longTables(db);
  const name = uniqueName('bdtop');
  const binlogd = await startBinlogd({ name, config: {
    'topic.prefix': name.padEnd(200, 'p'),
    'table.include.list': tables.map((t) => `${DB}\\.${t}`).join(','),
    'transforms': 'route',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': '[^.]+\\.([^.]+)\\.([^.]+)',
    'transforms.route.replacement': `${name}.$1.$2`,
  } });
  try {
    await db.query(`INSERT INTO ${DB}.${tables[0]} VALUES (1)`);
    await db.query(`INSERT INTO ${DB}.${tables[1]} VALUES (2)`);
    const [a] = await readAvroTopic(`${name}.${DB}.${tables[0]}`, 1);
    const [b] = await readAvroTopic(`${name}.${DB}.${tables[1]}`, 1);
    assert.equal((a!.value as { after: { id: number } }).after.id, 1);
    assert.equal((b!.value as { after: { id: number } }).after.id, 2);
  } finally {
    await binlogd.stop();
    for (const table of tables) await db.query(`DROP TABLE IF EXISTS ${DB}.${table}`);
    await db.end();
  }
});

test('two tables whose topics become one once invalid characters are replaced are refused, naming both', { timeout: 180_000 }, async () => {
  const db = await connectAsRoot();
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  const stem = uniqueName('same');
  const tables = [`${stem}$x`, `${stem}_x`];
  for (const table of tables) await db.query(`CREATE TABLE ${DB}.\`${table}\` (id INT PRIMARY KEY)`);
  const name = uniqueName('bdtop');
  // The initial snapshot discovers both tables before anything is sent.
  const binlogd = await startBinlogd({ name, config: { 'topic.prefix': name, 'table.include.list': `${DB}\\.${stem}.x` }, readyMessage: /^REST API listening/ });
  try {
    const failed = await waitForLog(binlogd, /^connector FAILED/);
    assert.equal(failed['code'], 'TOPIC_NAME_INVALID');
    assert.match(String(failed['msg']), new RegExp(`the tables ${DB}\\.${stem}\\$x and ${DB}\\.${stem}_x both map to topic ${name}\\.${DB}\\.${stem}_x`));
    assert.equal((await rest(binlogd.url, 'GET', `/connectors/${name}/status`)).body.connector.state, 'FAILED');
  } finally {
    await binlogd.stop();
    for (const table of tables) await db.query(`DROP TABLE IF EXISTS ${DB}.\`${table}\``);
    await db.end();
  }
});
