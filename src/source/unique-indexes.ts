// A table's unique indexes from INFORMATION_SCHEMA, for choosing its key columns: the PRIMARY KEY,
// else the first UNIQUE index of NOT NULL columns, as Debezium's MariaDB DDL parser does.
import type { SqlClient } from './sql-client.js';

// No ORDER BY: the server lists indexes as SHOW INDEX does, PRIMARY first, then in definition order.
const UNIQUE_INDEXES_QUERY =
  'SELECT INDEX_NAME, COLUMN_NAME, SEQ_IN_INDEX, NULLABLE FROM INFORMATION_SCHEMA.STATISTICS ' +
  'WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0';

export interface UniqueIndex {
  /** Column names in index order. */
  columns: string[];
  /** Whether any of its columns is nullable (such an index cannot be a key). */
  nullable: boolean;
  /** The PRIMARY KEY. */
  primary?: boolean;
}

/** The table's unique indexes in the server's order (PRIMARY first). */
export async function readUniqueIndexes(sql: Pick<SqlClient, 'query'>, db: string, table: string): Promise<UniqueIndex[]> {
  const indexes = new Map<string, { columns: Array<[number, string]>; nullable: boolean }>();
  for (const row of await sql.query(UNIQUE_INDEXES_QUERY, [db, table])) {
    const name = String(row['INDEX_NAME']);
    const index = indexes.get(name) ?? { columns: [], nullable: false };
    index.columns.push([Number(row['SEQ_IN_INDEX']), String(row['COLUMN_NAME'])]);
    index.nullable ||= String(row['NULLABLE'] ?? '') === 'YES';
    indexes.set(name, index);
  }
  return [...indexes].map(([name, index]) => ({
    columns: index.columns.sort((a, b) => a[0] - b[0]).map(([, column]) => column),
    nullable: index.nullable,
    ...(name === 'PRIMARY' ? { primary: true } : {}),
  }));
}
