// Turns a table seen in the binlog into its Debezium schemas: captured or not (filters), its columns
// (the TABLE_MAP event's FULL metadata, annotated by the table's definition as of that point), its
// key (the TABLE_MAP's PRIMARY KEY, else the definition's first UNIQUE index of NOT NULL columns,
// or message.key.columns), and one converter per captured column from the type table.
import type { ConnectorConfig } from '../config/index.js';
import { columnConverter } from '../decode/index.js';
import { applyColumnMappers } from '../envelope/column-mappers.js';
import { buildTableSchema, type TableSchema } from '../envelope/table-schema.js';
import { BinlogdError } from '../errors.js';
import { describeColumns, type ColumnDescriptor } from '../source/column-descriptor.js';
import type { TableDefinition, TableDefinitions } from '../source/table-definitions.js';
import { createCaptureFilter } from '../source/table-filter.js';
import { annotateTableMap, type TableMap } from '../source/table-map.js';
import type { Logger } from './logger.js';
import type { TableResolver } from './streaming-pipeline.js';

export interface TableResolverOptions {
  config: ConnectorConfig;
  /** What the TABLE_MAP lacks: as of the binlog point being read, or as the tables are now (snapshot). */
  definitions: TableDefinitions;
  log: Pick<Logger, 'warn'>;
}

export function createTableResolver(options: TableResolverOptions): TableResolver {
  const { config, definitions, log } = options;
  const filter = createCaptureFilter(config.filters);

  return {
    async resolveByName(db, table) {
      if (!filter.capturesTable(db, table)) return null;
      const definition = await definitions.definitionOf(db, table);
      if (!definition) return null;
      const columns = describeColumns(null, definition.columns);
      return schemaOf(db, table, columns, keyColumnsOf(db, table, columns, null, definition));
    },
    async resolve(map: TableMap): Promise<TableSchema | null> {
      const { db, table } = map;
      if (!filter.capturesTable(db, table)) return null;
      const definition = await definitions.definitionOf(db, table);
      const columns = describeRows(map, definition);
      return schemaOf(db, table, columns, keyColumnsOf(db, table, columns, map.columns ? map.primaryKey : null, definition));
    },
  };

  /** The TABLE_MAP's structure; the definition's annotations where it agrees, with a warning where it does not. */
  function describeRows(map: TableMap, definition: TableDefinition | undefined): ColumnDescriptor[] {
    const where = `${map.db}.${map.table}${map.at ? ` at ${map.at.file}:${map.at.position}` : ''}`;
    if (!map.columns) {
      if (!definition) {
        throw new BinlogdError('SOURCE_DECODE', `cannot describe the rows of ${where}: their TABLE_MAP event has no column metadata ` +
          '(written before binlog_row_metadata=FULL was set) and the table has no definition there', { details: { db: map.db, table: map.table } });
      }
      log.warn({ table: `${map.db}.${map.table}` }, `the TABLE_MAP event of ${where} has no column metadata (written before ` +
        'binlog_row_metadata=FULL was set): its rows are described by the table definition alone');
      return describeColumns(null, definition.columns);
    }
    const { columns, disagreements } = annotateTableMap({ ...map, columns: map.columns }, definition ? describeColumns(null, definition.columns) : []);
    if (disagreements.length > 0) {
      // The definition is not the table as of this point (a schema history that does not know it,
      // or the table as it is now while binlogd reads behind an ALTER TABLE).
      log.warn({ table: `${map.db}.${map.table}`, columns: disagreements },
        `the table definition of ${where} does not match the binlog for ${disagreements.join(', ')}: those columns are described ` +
        'from the TABLE_MAP event alone, without their defaults and comments');
    }
    return columns;
  }

  function schemaOf(db: string, table: string, columns: readonly ColumnDescriptor[], keyColumns: string[]): TableSchema {
    const captured = columns.filter((c) => filter.capturesColumn(db, table, c.name) || keyColumns.includes(c.name));
    return buildTableSchema({
      topicPrefix: config.topics.prefix,
      db,
      table,
      columns: captured.map((column) => {
        const { schema, convert } = columnConverter(column, config.types);
        // Debezium 3.5 writes a column comment as the field's doc (seen with include.schema.comments=false too).
        const documented = column.comment ? { ...schema, doc: column.comment } : schema;
        return applyColumnMappers(config.columns, db, table, column, { name: column.name, schema: documented, convert });
      }),
      keyColumns,
    });
  }

  /** `primaryKey` is the TABLE_MAP's, null without a TABLE_MAP. */
  function keyColumnsOf(db: string, table: string, columns: readonly ColumnDescriptor[], primaryKey: readonly string[] | null,
    definition: TableDefinition | undefined): string[] {
    const fromTableMap = primaryKey !== null;
    const override = config.filters.messageKeyColumns.find((rule) => rule.table.test(`${db}.${table}`));
    if (override) return [...override.columns];
    if (primaryKey && primaryKey.length > 0) return [...primaryKey];
    // Without a PRIMARY KEY, Debezium's MariaDB parser promotes the first all-NOT-NULL UNIQUE index.
    // A TABLE_MAP without one says the table had none when the rows were written, whatever the
    // definition's PRIMARY says; without a TABLE_MAP the definition's PRIMARY comes first.
    const key = (definition?.uniqueIndexes ?? [])
      .filter((index) => !(fromTableMap && index.primary))
      .find((index) => !index.nullable && index.columns.every((name) => columns.some((c) => c.name === name && !c.nullable)));
    return key ? [...key.columns] : [];
  }
}
