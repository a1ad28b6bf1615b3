// Connector properties whose effect is compared with Debezium 3.5 itself: the same table and writes
// captured by binlogd and by the oracle with the same properties and JsonConverter
// (schemas.enable=true), compared byte for byte. Allowed differences: the topic prefix, processing
// timestamps, source.version and the run id header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureWithDebezium } from '../oracle/debezium.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { connectAsRoot } from '../support/mariadb.js';
import { readRawTopic } from '../support/raw-topic.js';
import { uniqueName } from '../support/stack-env.js';

const DB = 'binlogd_test';
const JSON_CONVERTERS = { 'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter' };

type Db = Awaited<ReturnType<typeof connectAsRoot>>;

async function compareWithDebezium(options: {
  columns: string;
  config: (table: string) => Record<string, string>;
  write: (db: Db, table: string) => Promise<void>;
  /** Checks on Debezium's records (what the property does), before they are compared with binlogd's. */
  expect: (values: Array<Record<string, any> | null>) => void;
}): Promise<void> {
  const db = await connectAsRoot();
  const table = `${DB}.${uniqueName('props')}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} ${options.columns}`);
  const prefix = uniqueName('bd');
  const config = options.config(table);
  const binlogd = await startBinlogd({ name: prefix, config: { 'table.include.list': table.replace('.', '\\.'), ...JSON_CONVERTERS, ...config, 'topic.prefix': prefix } });
  try {
    const capture = await captureWithDebezium({ tables: [table], config, write: () => options.write(db, table), timeoutMs: 120_000 });
    const expected = capture.records.filter((r) => r.topic === `${capture.topicPrefix}.${table}`);
    options.expect(expected.map((r) => (r.rawValue === null ? null : JSON.parse(r.rawValue))));
    const actual = await readRawTopic(`${prefix}.${table}`, expected.length, 30_000);
    assert.equal(actual.length, expected.length, 'as many records as Debezium wrote');
    const normalize = (text: string | null, theirs: boolean) => text === null ? null
      : (theirs ? text.replaceAll(capture.topicPrefix, prefix) : text).replace(/"ts_(ms|us|ns)":\d+/g, '"ts_$1":0').replace(/"version":"[^"]*"/g, '"version":"-"');
    for (let i = 0; i < expected.length; i++) {
      assert.equal(normalize(actual[i]!.key?.toString() ?? null, false), normalize(expected[i]!.rawKey, true), `record ${i}: key bytes`);
      assert.equal(normalize(actual[i]!.value?.toString() ?? null, false), normalize(expected[i]!.rawValue, true), `record ${i}: value bytes`);
    }
  } finally {
    const code = await binlogd.stop();
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
    assert.equal(code, 0, 'binlogd exits 0 on SIGTERM');
  }
}

test('skip.messages.without.change with column.exclude.list: an update of excluded columns only writes nothing, as in Debezium', { timeout: 300_000 }, () => compareWithDebezium({
  columns: '(id INT PRIMARY KEY, v VARCHAR(10), touched TIMESTAMP(3) NULL, w INT)',
  config: (table) => ({ 'skip.messages.without.change': 'true', 'column.exclude.list': `${table.replace('.', '\\.')}\\.(touched|w)` }),
  write: async (db, table) => {
    await db.query(`INSERT INTO ${table} VALUES (1, 'a', NULL, 1), (2, 'b', NULL, 1)`);
    await db.query(`UPDATE ${table} SET w = 2, touched = NOW(3) WHERE id = 1`);
    await db.query(`UPDATE ${table} SET v = 'b2' WHERE id = 2`);
    await db.query(`UPDATE ${table} SET w = w + 1`);
    await db.query(`UPDATE ${table} SET v = 'c', w = 9 WHERE id = 1`);
    await db.query(`UPDATE ${table} SET id = 3, w = 0 WHERE id = 2`);
    await db.query(`DELETE FROM ${table} WHERE id = 1`);
  },
  expect: (values) => {
    const ops = values.map((v) => (v === null ? 'tombstone' : `${v['payload']['op']}${v['payload']['after']?.['id'] ?? v['payload']['before']['id']}`));
    assert.deepEqual(ops, ['c1', 'c2', 'u2', 'u1', 'd2', 'tombstone', 'c3', 'd1', 'tombstone'], 'Debezium skipped the two updates of excluded columns only');
  },
}));

// Debezium 3.5 ties column comments (field docs) to include.schema.changes, not to
// include.schema.comments: both values of each are compared.
for (const [changes, comments] of [['true', 'false'], ['false', 'true']] as const) {
  test(`column comments with include.schema.changes=${changes}, include.schema.comments=${comments}: the same field docs as Debezium`, { timeout: 300_000 }, () => compareWithDebezium({
    columns: "(id INT PRIMARY KEY COMMENT 'the id', v VARCHAR(10) NOT NULL DEFAULT 'x' COMMENT 'a value', w INT) COMMENT 'a table'",
    config: () => ({ 'include.schema.changes': changes, 'include.schema.comments': comments }),
    write: async (db, table) => {
      await db.query(`INSERT INTO ${table} VALUES (1, 'a', 1)`);
      await db.query(`ALTER TABLE ${table} ADD COLUMN z INT COMMENT 'added later'`);
      await db.query(`UPDATE ${table} SET z = 5 WHERE id = 1`);
    },
    expect: (values) => {
      assert.equal(values.length, 2);
      assert.equal(JSON.stringify(values).includes('"doc":"a value"'), changes === 'true', 'Debezium writes comments as docs exactly with include.schema.changes=true');
    },
  }));
}
