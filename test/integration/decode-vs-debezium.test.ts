// The same rows, read from the binlog by zongji and decoded by binlogd, and captured by the real
// Debezium connector: every column's schema and every value must be what Debezium writes, under
// the default type-handling modes and the modes that change representations, on every MariaDB line
// of the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ZongJi, { type AnyBinlogEvent, type TableMapEntry } from '@vlasky/zongji';
import type mysql from 'mysql2/promise';
import { rowConverter, DEFAULT_TYPE_HANDLING_MODES, type TypeHandlingModes } from '../../src/decode/index.js';
import { describeColumns, INFORMATION_SCHEMA_COLUMNS_QUERY, type InformationSchemaColumn } from '../../src/source/column-descriptor.js';
import { captureWithDebezium } from '../oracle/debezium.js';
import { toJsonConverterField, toJsonConverterPayload } from '../support/connect-json.js';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, mariadbLines, uniqueName } from '../support/stack-env.js';
import { DB, defaultsRows, defaultsTable, typesRows, typesTable } from '../support/column-types.js';

interface Run { label: string; config: Record<string, string>; modes: Partial<TypeHandlingModes> }

const RUNS: Run[] = [
  { label: 'the default modes', config: {}, modes: {} },
  { label: 'decimal.handling.mode=string', config: { 'decimal.handling.mode': 'string' }, modes: { decimalHandlingMode: 'string' } },
  { label: 'bigint.unsigned.handling.mode=precise', config: { 'bigint.unsigned.handling.mode': 'precise' }, modes: { bigintUnsignedHandlingMode: 'precise' } },
  { label: 'binary.handling.mode=hex', config: { 'binary.handling.mode': 'hex' }, modes: { binaryHandlingMode: 'hex' } },
  { label: 'time.precision.mode=connect', config: { 'time.precision.mode': 'connect' }, modes: { timePrecisionMode: 'connect' } },
  {
    label: 'isostring, decimal double, base64-url-safe, no time adjuster',
    config: { 'time.precision.mode': 'isostring', 'decimal.handling.mode': 'double', 'binary.handling.mode': 'base64-url-safe', 'enable.time.adjuster': 'false' },
    modes: { timePrecisionMode: 'isostring', decimalHandlingMode: 'double', binaryHandlingMode: 'base64-url-safe', enableTimeAdjuster: false },
  },
];

/** One row image pair, as zongji read it. */
interface Image { before?: Record<string, unknown>; after?: Record<string, unknown> }

for (const server of mariadbLines()) for (const run of RUNS) {
  test(`${server.label}: decode matches Debezium under ${run.label}`, { timeout: 300_000 }, async () => {
    const db = await connectAsRoot(server.port);
    const types = uniqueName('decode_types');
    const defaults = uniqueName('decode_defaults');
    const binlog = await startBinlogReader([types, defaults], server.port);
    try {
      await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
      await db.query(typesTable(types));
      const timeOfDayOnly = run.modes.timePrecisionMode === 'connect' || run.modes.timePrecisionMode === 'isostring';
      await db.query(defaultsTable(defaults, !timeOfDayOnly));
      const writes = [...typesRows(types), ...defaultsRows(defaults)];
      const { records } = await captureWithDebezium({
        tables: [`${DB}.${types}`, `${DB}.${defaults}`],
        config: run.config,
        mariadbPort: server.port,
        write: async () => { for (const sql of writes) await db.query(sql); },
      });
      const modes = { ...DEFAULT_TYPE_HANDLING_MODES, ...run.modes };
      for (const table of [types, defaults]) {
        const debezium = records.filter((r) => r.topic.endsWith(`.${DB}.${table}`) && r.value !== null);
        assert.equal(debezium.length, table === types ? 7 : 2, `${table}: Debezium records (tombstones aside)`);
        const images = await binlog.imagesOf(table, debezium.length);
        const columns = describeColumns(binlog.tableMaps.get(table)!, await informationSchema(db, table));
        const row = rowConverter(columns, modes);

        const valueSchema = (debezium[0]!.value!.schema as { fields: Array<{ field: string; fields: unknown[] }> })
          .fields.find((f) => f.field === 'after')!;
        assert.equal(row.fields.length, valueSchema.fields.length, `${table}: column count`);
        row.fields.forEach((f, i) => assert.deepEqual(toJsonConverterField(f.name, f.schema), valueSchema.fields[i], `schema of ${f.name}`));

        assert.equal(images.length, debezium.length, `${table}: row images`);
        images.forEach((image, r) => {
          for (const side of ['before', 'after'] as const) {
            const expected = debezium[r]!.value!.payload[side];
            if (image[side] === undefined) {
              assert.equal(expected, null, `${table} record ${r} ${side}`);
              continue;
            }
            const struct = row.convert(image[side]!);
            for (const f of row.fields) {
              assert.deepEqual(toJsonConverterPayload(struct[f.name], f.schema), expected[f.name],
                `${table} record ${r} ${side}.${f.name} (zongji value ${String(image[side]![f.name])})`);
            }
          }
        });
      }
    } finally {
      await binlog.stop();
      await db.query(`DROP TABLE IF EXISTS ${DB}.${types}, ${DB}.${defaults}`);
      await db.end();
    }
  });
}

async function informationSchema(db: mysql.Connection, table: string): Promise<InformationSchemaColumn[]> {
  await db.query(`SET time_zone = '+00:00'`);
  const [rows] = await db.query(INFORMATION_SCHEMA_COLUMNS_QUERY, [DB, table]);
  return rows as InformationSchemaColumn[];
}

/** zongji as the CDC user, from the end of the binlog, with the options binlogd's source uses. */
async function startBinlogReader(tables: string[], port: number) {
  const env = loadStackEnv();
  // dateStrings: temporal values as text, keeping microseconds and zero dates; timezone 'Z':
  // TIMESTAMP printed in UTC; decimalNumbers stays off so DECIMAL arrives as exact text.
  const zongji = new ZongJi({ ...env.mariadb, port, dateStrings: true, timezone: 'Z' });
  const tableMaps = new Map<string, TableMapEntry>();
  const images = new Map<string, Image[]>(tables.map((t) => [t, []]));
  const errors: Error[] = [];
  zongji.on('error', (error) => errors.push(error));
  zongji.on('binlog', (event: AnyBinlogEvent) => {
    switch (event.getEventName()) {
      case 'tablemap': {
        const entry = zongji.tableMap[(event as { tableId: number }).tableId]!;
        // zongji parses GEOMETRY (255) into {x, y} objects, losing the SRID and the WKB Debezium
        // emits; read those columns as BLOB (252, same length prefix) to get the raw bytes.
        for (const column of entry.columns ?? []) if (column.type === 255) column.type = 252;
        tableMaps.set(entry.tableName, entry);
        break;
      }
      case 'writerows': case 'updaterows': case 'deleterows': {
        const rows = event as { tableMap: Record<number, TableMapEntry>; tableId: number; rows: unknown[] };
        const list = images.get(rows.tableMap[rows.tableId]!.tableName);
        for (const r of rows.rows) {
          const image = event.getEventName() === 'updaterows' ? r as Image
            : event.getEventName() === 'writerows' ? { after: r as Record<string, unknown> } : { before: r as Record<string, unknown> };
          list?.push(image);
        }
        break;
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    zongji.once('ready', () => resolve());
    zongji.once('error', reject);
    zongji.start({
      serverId: 300_000 + Math.floor(Math.random() * 600_000),
      startAtEnd: true,
      includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows'],
      includeSchema: { [DB]: tables },
    });
  });
  return {
    tableMaps,
    async imagesOf(table: string, count: number): Promise<Image[]> {
      const deadline = Date.now() + 30_000;
      while (images.get(table)!.length < count && Date.now() < deadline && errors.length === 0) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(errors, []);
      return images.get(table)!;
    },
    async stop(): Promise<void> {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        zongji.once('stopped', () => { clearTimeout(timer); resolve(); });
        zongji.stop();
      });
    },
  };
}
