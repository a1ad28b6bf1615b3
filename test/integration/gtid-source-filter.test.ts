// gtid.source.excludes on the server with our users' settings (GTID domain 1): the rows of
// transactions from an excluded `<domain>-<server>` source are not emitted, and a restart with the
// filter resumes without losing or repeating anything. The excluded source is made by writing with
// another session server_id (MariaDB binlogs a session's server_id into its GTIDs: 1-77-N).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';

const DB = 'binlogd_test';

test('gtid.source.excludes: rows from an excluded source are skipped, before and after a restart', { timeout: 180_000 }, async () => {
  const port = loadStackEnv().mariadbUserExamplePort;
  const db = await connectAsRoot(port);
  const name = uniqueName('gtidsrc');
  const table = `${DB}.${name}`;
  const topic = `${name}.${table}`;
  const config = {
    'database.port': String(port), 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'),
    'snapshot.mode': 'no_data', 'gtid.source.excludes': '1-77',
  };
  const insert = async (id: number, sessionServerId: number) => {
    await db.query(`SET SESSION server_id = ${sessionServerId}; INSERT INTO ${table} VALUES (${id}, 'from ${sessionServerId}'); SET SESSION server_id = @@GLOBAL.server_id`);
  };
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
  try {
    const first = await startBinlogd({ name, config });
    try {
      await insert(1, 1);
      await insert(2, 77);
      await insert(3, 1);
      await insert(4, 77);
      const records = await readAvroTopic(topic, 2, 60_000);
      assert.deepEqual(records.map((r) => (asJsonPayload(r.key) as { id: number }).id), [1, 3]);
    } finally {
      assert.equal(await first.stop(), 0);
    }
    await insert(5, 77);
    await insert(6, 1);
    const second = await startBinlogd({ name, config });
    try {
      assert.ok(second.logs.some((l) => l['msg'] === 'resuming from the stored offset'));
      await insert(7, 77);
      await insert(8, 1);
      const records = await readAvroTopic(topic, 4, 60_000);
      assert.deepEqual(records.map((r) => (asJsonPayload(r.key) as { id: number }).id), [1, 3, 6, 8]);
      const sources = records.map((r) => (r.value as { source: { gtid: string } }).source.gtid);
      assert.ok(sources.every((gtid) => /^1-1-\d+$/.test(gtid)), `only source 1-1: ${sources.join(', ')}`);
    } finally {
      assert.equal(await second.stop(), 0);
    }
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});
