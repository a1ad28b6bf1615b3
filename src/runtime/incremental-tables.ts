// The table an incremental snapshot reads next, as it stands when its turn comes: its columns, the
// record schemas the stream uses for it, and the columns its chunks follow (incremental-keys.ts).
import type { TableSchema } from '../envelope/table-schema.js';
import { INFORMATION_SCHEMA_COLUMNS_QUERY } from '../source/column-descriptor.js';
import type { ChunkQuery } from '../source/incremental-chunk-reader.js';
import type { SnapshotSqlClient } from '../source/sql-client.js';
import { chunkColumns } from './incremental-keys.js';
import type { Logger } from './logger.js';
import type { CollectionCondition } from './signals.js';
import type { TableResolver } from './streaming-pipeline.js';

export interface PreparedTable {
  id: string;
  query: ChunkQuery;
  schema: TableSchema;
  surrogateKey?: string;
}

/** Whether `prepared` still reads `collection` as the signal asks (same table, filter and surrogate-key). */
export function preparedFor(prepared: PreparedTable | null, collection: CollectionCondition): prepared is PreparedTable {
  return prepared?.id === collection.id && prepared.query.filter === collection.filter && prepared.surrogateKey === collection.surrogateKey;
}

/** The table's columns, chunk columns and schemas; null (with a warning) when it cannot be snapshotted. */
export async function prepareTable(reader: SnapshotSqlClient, collection: CollectionCondition, tables: TableResolver, log: Logger): Promise<PreparedTable | null> {
  const dot = collection.id.indexOf('.');
  const db = collection.id.slice(0, dot);
  const table = collection.id.slice(dot + 1);
  const columns = dot <= 0 ? [] : (await reader.query(INFORMATION_SCHEMA_COLUMNS_QUERY, [db, table]))
    .map((r) => ({ name: String(r['COLUMN_NAME']), type: String(r['DATA_TYPE']).toLowerCase() }));
  if (columns.length === 0) {
    log.warn({ table: collection.id }, `incremental snapshot: skipping ${collection.id}: no such table (name it as <database>.<table>)`);
    return null;
  }
  const schema = await tables.resolveByName(db, table);
  if (!schema) {
    log.warn({ table: collection.id }, `incremental snapshot: skipping ${collection.id}: the connector does not capture it (table.include.list / table.exclude.list)`);
    return null;
  }
  const keyColumns = chunkColumns(collection, schema, columns, log);
  if (keyColumns === null) return null;
  return {
    id: collection.id, schema, ...(collection.surrogateKey ? { surrogateKey: collection.surrogateKey } : {}),
    query: { read: { db, table, columns, keyColumns }, ...(collection.filter ? { filter: collection.filter } : {}) },
  };
}
