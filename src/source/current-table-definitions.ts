// Table definitions read from INFORMATION_SCHEMA as the tables are now: right for the snapshot
// (which reads the tables as they are now) and for a stream that is not behind a DDL statement.
import { INFORMATION_SCHEMA_COLUMNS_QUERY, type InformationSchemaColumn } from './column-descriptor.js';
import type { SqlClient } from './sql-client.js';
import type { TableDefinition, TableDefinitions } from './table-definitions.js';
import { readUniqueIndexes } from './unique-indexes.js';

const TABLE_QUERY =
  'SELECT c.CHARACTER_SET_NAME AS CHARSET, t.TABLE_COMMENT AS COMMENT FROM INFORMATION_SCHEMA.TABLES t ' +
  'LEFT JOIN INFORMATION_SCHEMA.COLLATIONS c ON c.COLLATION_NAME = t.TABLE_COLLATION WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?';

export function createCurrentTableDefinitions(sql: Pick<SqlClient, 'query'>): TableDefinitions {
  return {
    async definitionOf(db, table): Promise<TableDefinition | undefined> {
      const columns = (await sql.query(INFORMATION_SCHEMA_COLUMNS_QUERY, [db, table])) as unknown as InformationSchemaColumn[];
      if (columns.length === 0) return undefined;
      const [info] = await sql.query(TABLE_QUERY, [db, table]);
      const comment = info?.['COMMENT'];
      const charset = info?.['CHARSET'];
      return {
        db,
        table,
        columns,
        uniqueIndexes: await readUniqueIndexes(sql, db, table),
        defaultCharset: typeof charset === 'string' ? charset : null,
        comment: typeof comment === 'string' && comment !== '' ? comment : null,
      };
    },
  };
}
