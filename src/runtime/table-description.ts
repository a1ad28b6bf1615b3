// Describes a table as the schema change topic shows it (Debezium's Table: charset, key columns,
// columns, comment): from the schema history's definition after the DDL (describeDefinition), or,
// without a history, from INFORMATION_SCHEMA when the DDL is processed (createTableDescriber), where
// a table altered again or dropped before its DDL event is read shows as it is now (or not at all).
import { sourceColumn } from '../envelope/source-column.js';
import type { TableDescription } from '../envelope/schema-change-records.js';
import { describeColumns, INFORMATION_SCHEMA_COLUMNS_QUERY, type InformationSchemaColumn } from '../source/column-descriptor.js';
import type { SqlClient } from '../source/sql-client.js';
import type { TableDefinition } from '../source/table-definitions.js';
import { readUniqueIndexes } from '../source/unique-indexes.js';

const TABLE_QUERY =
  'SELECT c.CHARACTER_SET_NAME AS CHARSET, t.TABLE_COMMENT AS COMMENT FROM INFORMATION_SCHEMA.TABLES t ' +
  'LEFT JOIN INFORMATION_SCHEMA.COLLATIONS c ON c.COLLATION_NAME = t.TABLE_COLLATION WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?';

/**
 * A definition from the schema history as the schema change topic shows it; null when a column type
 * cannot be described. `tableComment`: whether Debezium would still show the comment (definitions.ts).
 */
export function describeDefinition(definition: TableDefinition, options: { tableComment: boolean }): TableDescription | null {
  let columns;
  try {
    columns = describeColumns(null, definition.columns);
  } catch {
    return null;
  }
  return {
    defaultCharsetName: definition.defaultCharset,
    primaryKeyColumnNames: definition.uniqueIndexes.find((index) => !index.nullable)?.columns ?? [],
    columns: columns.map(sourceColumn),
    comment: options.tableComment ? definition.comment : null,
  };
}

export type TableDescriber = (db: string, table: string) => Promise<TableDescription | null>;

export function createTableDescriber(sql: SqlClient): TableDescriber {
  return async (db, table) => {
    const [info] = await sql.query(TABLE_QUERY, [db, table]);
    if (!info) return null;
    const rows = (await sql.query(INFORMATION_SCHEMA_COLUMNS_QUERY, [db, table])) as unknown as InformationSchemaColumn[];
    if (rows.length === 0) return null; // renamed or dropped meanwhile
    let columns;
    try {
      columns = describeColumns(null, rows);
    } catch {
      return null; // a column type binlogd cannot describe: the change is reported without its table
    }
    const comment = typeof info['COMMENT'] === 'string' && info['COMMENT'] !== '' ? info['COMMENT'] : null;
    return {
      defaultCharsetName: typeof info['CHARSET'] === 'string' ? info['CHARSET'] : null,
      primaryKeyColumnNames: await keyColumns(sql, db, table),
      columns: columns.map(sourceColumn),
      comment,
    };
  };
}

/** The PRIMARY KEY, else the first UNIQUE index of NOT NULL columns (MariaDbAntlrDdlParser). */
async function keyColumns(sql: SqlClient, db: string, table: string): Promise<string[]> {
  return (await readUniqueIndexes(sql, db, table)).find((index) => !index.nullable)?.columns ?? [];
}
