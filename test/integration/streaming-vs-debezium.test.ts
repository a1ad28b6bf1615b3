// The compatibility proof: the same tables, the same binlog, captured by binlogd and by Debezium
// itself, compared record by record — topic, key, op, before/after, source position, headers, and
// the registered Avro schemas against what the AvroConverter would register for Debezium's schemas.
// Allowed differences: processing timestamps, source.version, the topic prefix, the run id header.
// On every MariaDB line of the stack, both connectors reading the same server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureWithDebezium, type DebeziumRecord } from '../oracle/debezium.js';
import { connectAsRoot } from '../support/mariadb.js';
import { mariadbLines, uniqueName, type MariaDbLine } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic, registeredSchema, type DecodedRecord } from '../support/avro-topic.js';
import { fromJsonConverterSchema, type JsonConverterSchema } from '../support/connect-from-json.js';
import { buildAvroSchema } from '../../src/serialize/avro-schema.js';

const DB = 'binlogd_test';

const TYPES_TABLE = `(
  id INT PRIMARY KEY,
  t TINYINT, tu TINYINT UNSIGNED, s SMALLINT NOT NULL DEFAULT -5, mu MEDIUMINT UNSIGNED, iu INT UNSIGNED,
  b BIGINT, bu BIGINT UNSIGNED, flag BIT(1), bits BIT(10), bool_col BOOLEAN,
  f FLOAT, d DOUBLE, price DECIMAL(10,2) NOT NULL DEFAULT 9.99, wide DECIMAL(65,30),
  c CHAR(5), v VARCHAR(50) NOT NULL DEFAULT 'none', latin TEXT CHARACTER SET latin1, note MEDIUMTEXT,
  bin BINARY(4), vbin VARBINARY(10), blb BLOB,
  doc JSON, e ENUM('small','medium','large') DEFAULT 'medium', st SET('a','b','c'),
  dt DATE, tm TIME(3), dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(6) NULL, yr YEAR,
  pt POINT, geo GEOMETRY
)`;

const INSERT_TYPES = `INSERT INTO ${DB}.%T (id, t, tu, s, mu, iu, b, bu, flag, bits, bool_col, f, d, price, wide, c, v, latin, note,
  bin, vbin, blb, doc, e, st, dt, tm, dtm, dtm6, ts, yr, pt, geo) VALUES
  (1, -128, 255, -32768, 16777215, 4294967295, -9223372036854775808, 18446744073709551615, b'1', b'1010101010', TRUE,
   3.25, -1.5e300, 12345678.91, 12345678901234567890123456789012345.123456789012345678901234567890,
   'abc', 'héllo wörld ✓', 'caf\\xe9', 'long text', 0x0102, 0x00ff00, 0xdeadbeef, '{"k": [1, 2, {"x": null}]}', 'large', 'a,c',
   '2024-02-29', '-838:59:59.000', '1999-12-31 23:59:59', '2024-06-01 12:34:56.123456', '2024-06-01 12:34:56.654321', 2155,
   ST_GeomFromText('POINT(1.5 -2.25)'), ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)')),
  (2, 127, 0, 32767, 0, 0, 9223372036854775807, 9223372036854775808, b'0', b'0000000001', FALSE,
   -0.5, 0, -0.01, -0.000000000000000000000000000001,
   '', '', '', '', 0x00, X'', X'', '[]', 'small', '', '1970-01-01', '00:00:00.001', '1970-01-01 00:00:00', '1000-01-01 00:00:00.000001', '1970-01-01 00:00:01', 1901,
   NULL, NULL),
  (3, NULL, NULL, DEFAULT, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, DEFAULT, NULL, NULL, DEFAULT, NULL, NULL,
   NULL, NULL, NULL, NULL, DEFAULT, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`;

interface Comparison {
  /** Table name → column definitions; names are made unique per run. */
  tables: Record<string, string>;
  /** Connector properties given to both binlogd and Debezium. */
  config?: Record<string, string>;
  write: (db: Awaited<ReturnType<typeof connectAsRoot>>, table: (name: string) => string) => Promise<void>;
}

/** Captures the same writes with binlogd and with Debezium and compares every record. */
async function compareWithDebezium(server: MariaDbLine, comparison: Comparison): Promise<void> {
  const db = await connectAsRoot(server.port);
  const names = Object.fromEntries(Object.keys(comparison.tables).map((name) => [name, uniqueName(name)]));
  const qualified = (name: string) => `${DB}.${names[name]}`;
  const prefix = uniqueName('bd');
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  for (const [name, columns] of Object.entries(comparison.tables)) await db.query(`CREATE TABLE ${qualified(name)} ${columns}`);
  const tables = Object.keys(comparison.tables).map(qualified);
  const include = tables.map((t) => t.replace('.', '\\.')).join(',');
  const config = Object.fromEntries(Object.entries(comparison.config ?? {}).map(([k, v]) => [k, v.replaceAll('%DB', DB).replace(/%(\w+)/g, (_, n: string) => names[n] ?? n)]));
  const filters: Record<string, string> = config['table.exclude.list'] === undefined ? { 'table.include.list': include } : {};
  // Streaming only, like the Debezium side (captureWithDebezium takes no data snapshot).
  const binlogd = await startBinlogd({ name: prefix, config: { 'snapshot.mode': 'no_data', ...filters, ...config, 'topic.prefix': prefix, 'database.port': String(server.port) } });
  try {
    const capture = await captureWithDebezium({ tables, config, mariadbPort: server.port, write: () => comparison.write(db, qualified) });
    for (const table of tables) {
      const expected = capture.records.filter((r) => r.topic === `${capture.topicPrefix}.${table}`);
      const actual = await readAvroTopic(`${prefix}.${table}`, expected.length, expected.length === 0 ? 3000 : 30_000);
      await compareRecords(table, expected, actual, capture.topicPrefix, prefix);
    }
  } finally {
    const code = await binlogd.stop();
    if (code !== 0) console.error(JSON.stringify(binlogd.logs.slice(-8), null, 1), binlogd.stderr.join(''));
    assert.equal(code, 0, 'binlogd exits 0 on SIGTERM');
    await db.query(`DROP TABLE IF EXISTS ${tables.join(', ')}`);
    await db.end();
  }
}

for (const server of mariadbLines()) {
  test(`${server.label}: binlogd writes what Debezium writes, record for record`, { timeout: 240_000 }, () => compareWithDebezium(server, {
    tables: { types: TYPES_TABLE, keyless: '(a INT, b VARCHAR(10))' },
    write: async (db, table) => {
      await db.query(INSERT_TYPES.replace(`${DB}.%T`, table('types')));
      await db.query(`UPDATE ${table('types')} SET v = CONCAT(v, '!'), price = price + 1 WHERE id IN (1, 2)`);
      await db.query(`UPDATE ${table('types')} SET id = 100 WHERE id = 1`);
      await db.query(`DELETE FROM ${table('types')} WHERE id = 2`);
      await db.query(`BEGIN; INSERT INTO ${table('keyless')} VALUES (1, 'x'), (1, 'y'); UPDATE ${table('keyless')} SET b = 'z' WHERE b = 'x';
        DELETE FROM ${table('keyless')} WHERE b = 'y'; COMMIT`);
      await db.query(`ALTER TABLE ${table('types')} ADD COLUMN extra VARCHAR(10) DEFAULT 'added', DROP COLUMN note`);
      await db.query(`INSERT INTO ${table('types')} (id, extra) VALUES (4, 'after')`);
      await db.query(`UPDATE ${table('types')} SET extra = NULL WHERE id = 100`);
    },
  }));

  test(`${server.label}: the same with transaction metadata, column and table filters, key columns and handling modes`, { timeout: 240_000 }, () => compareWithDebezium(server, {
    tables: {
      orders: '(id INT PRIMARY KEY, code VARCHAR(10) NOT NULL UNIQUE, secret VARCHAR(20), total DECIMAL(12,2), big BIGINT UNSIGNED, raw VARBINARY(8))',
      items: '(order_id INT NOT NULL, line INT NOT NULL, qty INT, UNIQUE KEY ol (order_id, line))',
      ignored: '(id INT PRIMARY KEY)',
    },
    config: {
      'table.exclude.list': '%DB\\.%ignored',
      'database.include.list': '%DB',
      'column.exclude.list': '%DB\\.%orders\\.secret',
      'message.key.columns': '%DB.%orders:code',
      'provide.transaction.metadata': 'true',
      'tombstones.on.delete': 'false',
      'decimal.handling.mode': 'string',
      'bigint.unsigned.handling.mode': 'precise',
      'binary.handling.mode': 'base64',
    },
    write: async (db, table) => {
      await db.query(`BEGIN;
        INSERT INTO ${table('orders')} VALUES (1, 'A-1', 's1', 10.50, 18446744073709551615, 0x0102), (2, 'A-2', 's2', 0.01, 0, NULL);
        INSERT INTO ${table('items')} VALUES (1, 1, 3), (1, 2, 4), (2, 1, 1);
        INSERT INTO ${table('ignored')} VALUES (1);
        UPDATE ${table('orders')} SET total = total * 2, code = 'B-1' WHERE id = 1;
        COMMIT`);
      await db.query(`DELETE FROM ${table('items')} WHERE order_id = 1`);
      await db.query(`UPDATE ${table('items')} SET qty = NULL`);
    },
  }));
}

async function compareRecords(table: string, expected: DebeziumRecord[], actual: DecodedRecord[], theirPrefix: string, ourPrefix: string): Promise<void> {
  const rename = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll(theirPrefix, ourPrefix)) as T;
  assert.deepEqual(actual.map(describe), expected.map((r) => describe({ key: r.key?.payload ?? null, value: r.value?.payload ?? null })),
    `${table}: the same sequence of keys and operations`);
  for (let i = 0; i < expected.length; i++) {
    const theirs = rename(expected[i]!);
    const ours = actual[i]!;
    const where = `${table} record ${i} (${describe({ key: theirs.key?.payload ?? null, value: theirs.value?.payload ?? null })})`;
    assert.deepEqual(asJsonPayload(ours.key), theirs.key?.payload ?? null, `${where}: key`);
    if (theirs.key) assert.deepEqual(JSON.parse(await registeredSchema(ours.keySchemaId!)), avroFor(theirs.key.schema), `${where}: key schema`);
    if (!theirs.value) {
      assert.equal(ours.value, null, `${where}: tombstone`);
    } else {
      const mine = asJsonPayload(ours.value) as Record<string, any>;
      const their = theirs.value.payload as Record<string, any>;
      for (const field of ['before', 'after', 'op', 'transaction']) assert.deepEqual(mine[field], their[field], `${where}: ${field}`);
      const comparedSource = (source: Record<string, unknown>) => ({ ...source, version: undefined });
      assert.deepEqual(comparedSource(mine['source']), comparedSource(their['source']), `${where}: source`);
      assert.deepEqual(JSON.parse(await registeredSchema(ours.valueSchemaId!)), avroFor(theirs.value.schema), `${where}: value schema`);
    }
    const headers = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== '__debezium.context.runId'));
    assert.deepEqual(headers(ours.headers), headers(theirs.headers), `${where}: headers`);
  }
}

function avroFor(schema: unknown): unknown {
  return buildAvroSchema(fromJsonConverterSchema(schema as JsonConverterSchema)).json;
}

function describe(record: { key: unknown; value: unknown }): string {
  const value = record.value as { op?: string } | null;
  return `${JSON.stringify(asJsonPayload(record.key))}:${value ? value.op : 'tombstone'}`;
}
