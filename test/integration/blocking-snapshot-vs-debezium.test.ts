// A blocking snapshot against Debezium's own: the same signal (one table in full, one through
// additional-conditions) sent to the real Debezium connector and to binlogd, each through its own
// signal table, and the records compared: op, key, after, and the source block's snapshot marker,
// server_id, row and table. Both fill in gtid and pos from the signal's transaction, which
// differs between the two runs: only their presence is compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureWithDebezium } from '../oracle/debezium.js';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload } from '../support/avro-topic.js';
import { readTopicUntil } from '../support/change-replay.js';

const DB = 'binlogd_test';

interface Compared { op: string; key: unknown; after: unknown; source: Record<string, unknown> }

function comparable(value: { op: string; after: unknown; source: Record<string, unknown> }, key: unknown): Compared {
  const { snapshot, server_id: serverId, row, db, table, gtid, file, pos } = value.source;
  return {
    op: value.op, key, after: value.after,
    source: { snapshot, server_id: Number(serverId), row: Number(row), db, table, gtid: typeof gtid === 'string' && gtid !== '', file: typeof file === 'string', pos: Number(pos) > 0 },
  };
}

test('a blocking snapshot emits what Debezium\'s emits, record for record', { timeout: 400_000 }, async () => {
  const db = await connectAsRoot();
  const user = loadStackEnv().mariadb.user;
  const suffix = uniqueName('bvd');
  const full = `${DB}.bvd_a_${suffix}`;
  const filtered = `${DB}.bvd_b_${suffix}`;
  const debeziumSignals = `${DB}.bvd_dsig_${suffix}`;
  const binlogdSignals = `${DB}.bvd_bsig_${suffix}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${full} (id INT PRIMARY KEY, v VARCHAR(10), n INT)`);
  await db.query(`INSERT INTO ${full} VALUES (1, 'a', 15), (2, NULL, -2), (3, 'c', NULL), (4, 'd', 0)`);
  await db.query(`CREATE TABLE ${filtered} (id INT PRIMARY KEY, v VARCHAR(10))`);
  await db.query(`INSERT INTO ${filtered} VALUES (1, 'x'), (2, 'y'), (3, 'z')`);
  for (const signals of [debeziumSignals, binlogdSignals]) {
    await db.query(`CREATE TABLE ${signals} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)`);
  }
  await db.query(`GRANT INSERT ON ${binlogdSignals} TO '${user}'@'127.0.0.1'`);
  const request = JSON.stringify({
    'data-collections': [full, filtered], type: 'blocking',
    // Debezium's blocking snapshot takes the filter as the table's whole SELECT statement.
    'additional-conditions': [{ 'data-collection': filtered, filter: `SELECT * FROM ${filtered} WHERE id >= 2` }],
  });
  const tables = [full, filtered];
  const prefix = uniqueName('bvd');
  let binlogd: Awaited<ReturnType<typeof startBinlogd>> | undefined;
  try {
    const capture = await captureWithDebezium({
      tables: [...tables, debeziumSignals], config: { 'signal.data.collection': debeziumSignals }, timeoutMs: 240_000,
      write: async () => {
        await db.query(`INSERT INTO ${debeziumSignals} VALUES ('blocking-1', 'execute-snapshot', ?)`, [request]);
        // Debezium's blocking snapshot runs on its own thread: the end marker streams after it.
        await new Promise((resolve) => setTimeout(resolve, 8000));
      },
    });
    binlogd = await startBinlogd({
      name: prefix, timeoutMs: 120_000,
      config: { 'topic.prefix': prefix, 'snapshot.mode': 'no_data', 'signal.data.collection': binlogdSignals, 'table.include.list': tables.map((t) => t.replace('.', '\\.')).join(',') },
    });
    await db.query(`INSERT INTO ${binlogdSignals} VALUES ('blocking-1', 'execute-snapshot', ?)`, [request]);
    for (const table of tables) {
      const expected = capture.records.filter((r) => r.topic === `${capture.topicPrefix}.${table}`)
        .map((r) => comparable(r.value!.payload, r.key?.payload));
      assert.ok(expected.length > 0, `Debezium's blocking snapshot of ${table}`);
      const isLast = (marker: unknown) => marker === 'last' || marker === 'last_in_data_collection';
      const actual = (await readTopicUntil(`${prefix}.${table}`, (r) => isLast((asJsonPayload(r.value) as { source: { snapshot: string } }).source.snapshot), expected.length, 60_000))
        .map((r) => comparable(asJsonPayload(r.value) as Compared, asJsonPayload(r.key)));
      assert.deepEqual(actual, expected, table);
      console.log(`${table}: ${expected.length} records equal, markers ${expected.map((e) => String(e.source['snapshot'])).join(', ')}`);
    }
  } finally {
    if (binlogd) assert.equal(await binlogd.stop(), 0);
    await db.query(`REVOKE INSERT ON ${binlogdSignals} FROM '${user}'@'127.0.0.1'`).catch(() => undefined);
    await db.query(`DROP TABLE IF EXISTS ${full}, ${filtered}, ${debeziumSignals}, ${binlogdSignals}`);
    await db.end();
  }
});
