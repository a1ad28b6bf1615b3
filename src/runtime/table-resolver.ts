// Turns a table seen in the binlog into its Debezium schemas: captured or not (filters), its columns
// (the TABLE_MAP event's FULL metadata checked against INFORMATION_SCHEMA, which adds defaults),
// its key (PRIMARY KEY, else the first UNIQUE index of NOT NULL columns, or message.key.columns),
// and one converter per captured column from the type table.
import type { ConnectorConfig } from '../config/index.js';
import { columnConverter } from '../decode/index.js';
import { applyColumnMappers } from '../envelope/column-mappers.js';
import { buildTableSchema, type TableSchema } from '../envelope/table-schema.js';
import type { TableMapEntry } from '../source/binlog-client.js';
import { describeColumns, INFORMATION_SCHEMA_COLUMNS_QUERY, type ColumnDescriptor, type InformationSchemaColumn } from '../source/column-descriptor.js';
import type { SqlClient } from '../source/sql-client.js';
import { createCaptureFilter } from '../source/table-filter.js';
import { readUniqueIndexes } from '../source/unique-indexes.js';
import type { TableResolver } from './streaming-pipeline.js';

/**
 * INFORMATION_SCHEMA shows the table as it is now; the rows being read may predate an ALTER TABLE
 * (binlogd reads behind the writers). The binlog's own column list wins: matching columns take
 * INFORMATION_SCHEMA's details (defaults, precision), and a column dropped since is described from
 * the binlog metadata alone (nullable, no default).
 */
export function alignToBinlog(map: TableMapEntry, rows: readonly InformationSchemaColumn[]): InformationSchemaColumn[] {
  const byName = new Map(rows.map((row) => [row.COLUMN_NAME, row]));
  const binlogColumns = map.columnSchemas;
  if (binlogColumns.length === rows.length && binlogColumns.every((c, i) => c['COLUMN_NAME'] === rows[i]?.COLUMN_NAME)) return [...rows];
  return binlogColumns.map((column, i) => {
    const name = String(column['COLUMN_NAME']);
    const known = byName.get(name);
    if (known) return { ...known, ORDINAL_POSITION: i + 1 };
    const columnType = String(column['COLUMN_TYPE'] ?? '');
    const numbers = /\((\d+)(?:,(\d+))?\)/.exec(columnType);
    const dataType = (/^\w+/.exec(columnType)?.[0] ?? '').toLowerCase();
    return {
      COLUMN_NAME: name, ORDINAL_POSITION: i + 1, IS_NULLABLE: 'YES', COLUMN_DEFAULT: null, COLUMN_TYPE: columnType, DATA_TYPE: dataType,
      NUMERIC_PRECISION: dataType === 'decimal' ? numbers?.[1] ?? null : null,
      NUMERIC_SCALE: dataType === 'decimal' ? numbers?.[2] ?? '0' : null,
      DATETIME_PRECISION: ['time', 'datetime', 'timestamp'].includes(dataType) ? numbers?.[1] ?? '0' : null,
      CHARACTER_SET_NAME: typeof column['CHARACTER_SET_NAME'] === 'string' ? column['CHARACTER_SET_NAME'] : null,
    };
  });
}

export function createTableResolver(options: { sql: SqlClient; config: ConnectorConfig }): TableResolver {
  const { sql, config } = options;
  const filter = createCaptureFilter(config.filters);

  const resolver: TableResolver = {
    /** A table named by a statement (TRUNCATE) rather than a TABLE_MAP: described from INFORMATION_SCHEMA alone. */
    async resolveByName(db, table) {
      if (!filter.capturesTable(db, table)) return null;
      const rows = (await sql.query(INFORMATION_SCHEMA_COLUMNS_QUERY, [db, table])) as unknown as InformationSchemaColumn[];
      if (rows.length === 0) return null;
      return resolver.resolve(db, table, { parentSchema: db, tableName: table, columnSchemas: rows.map((r) => ({ COLUMN_NAME: r.COLUMN_NAME })) });
    },
    async resolve(db, table, map: TableMapEntry): Promise<TableSchema | null> {
      if (!filter.capturesTable(db, table)) return null;
      const rows = (await sql.query(INFORMATION_SCHEMA_COLUMNS_QUERY, [db, table])) as unknown as InformationSchemaColumn[];
      const columns = describeColumns(map, alignToBinlog(map, rows));
      const keyColumns = await keyColumnsOf(db, table, columns);
      const captured = columns.filter((c) => filter.capturesColumn(db, table, c.name) || keyColumns.includes(c.name));
      return buildTableSchema({
        topicPrefix: config.topics.prefix,
        db,
        table,
        columns: captured.map((column) => {
          const { schema, convert } = columnConverter(column, config.types);
          // Debezium 3.5 writes a column comment as the field's doc exactly when include.schema.changes
          // is on, whatever include.schema.comments says (checked with the oracle both ways).
          const documented = column.comment && config.events.includeSchemaChanges ? { ...schema, doc: column.comment } : schema;
          return applyColumnMappers(config.columns, db, table, column, { name: column.name, schema: documented, convert });
        }),
        keyColumns,
      });
    },
  };
  return resolver;

  async function keyColumnsOf(db: string, table: string, columns: readonly ColumnDescriptor[]): Promise<string[]> {
    const override = config.filters.messageKeyColumns.find((rule) => rule.table.test(`${db}.${table}`));
    if (override) return [...override.columns];
    // PRIMARY comes first; without one, Debezium's MariaDB parser promotes the first all-NOT-NULL UNIQUE index.
    const key = (await readUniqueIndexes(sql, db, table))
      .find((index) => !index.nullable && index.columns.every((name) => columns.some((c) => c.name === name)));
    if (key) return key.columns;
    return [];
  }
}
