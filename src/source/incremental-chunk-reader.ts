// The SQL of incremental snapshots (Debezium's AbstractChunkQueryBuilder and watermark writes):
// a table's largest key, one chunk after a key and up to that largest key, and the window rows
// written to the signal table. Values come shaped as the binlog reader sees them (snapshot client).
import { BinlogdError } from '../errors.js';
import { afterKey, afterKeyParams, needsBinlogShape, quoteName, selectList, type TableRead } from './snapshot-reader.js';
import type { SnapshotSqlClient, SqlRow } from './sql-client.js';

export interface ChunkQuery {
  read: TableRead;
  /** additional-conditions' filter for this table. */
  filter?: string;
}

function tableName(read: TableRead): string {
  return `${quoteName(read.db)}.${quoteName(read.table)}`;
}

/** The largest primary key (in key order) of the rows the filter keeps; null when there are none. */
export async function maximumKey(reader: SnapshotSqlClient, query: ChunkQuery): Promise<unknown[] | null> {
  const { read, filter } = query;
  const where = filter ? ` WHERE (${filter})` : '';
  const order = read.keyColumns.map((k) => `${quoteName(k)} DESC`).join(', ');
  const [row] = await reader.query(`SELECT ${read.keyColumns.map(quoteName).join(', ')} FROM ${tableName(read)}${where} ORDER BY ${order} LIMIT 1`);
  return row ? read.keyColumns.map((k) => row[k]) : null;
}

/** Up to `limit` rows after `after` (null: from the start) and not beyond `max`, in key order. */
export function readIncrementalChunk(reader: SnapshotSqlClient, query: ChunkQuery, after: readonly unknown[] | null, max: readonly unknown[], limit: number): Promise<SqlRow[]> {
  const { read, filter } = query;
  const conditions = [
    ...(after ? [`(${afterKey(read.keyColumns)})`] : []),
    `NOT (${afterKey(read.keyColumns)})`,
    ...(filter ? [`(${filter})`] : []),
  ];
  const params = [...(after ? afterKeyParams(after) : []), ...afterKeyParams(max)];
  const sql = `SELECT ${selectList(read)} FROM ${tableName(read)} WHERE ${conditions.join(' AND ')} ORDER BY ${read.keyColumns.map(quoteName).join(', ')} LIMIT ${limit}`;
  // Spatial columns come as the binlog has them (SRID + WKB), as in the initial snapshot.
  return reader.select(sql, params, needsBinlogShape(read));
}

/** Writes a watermark row (snapshot-window-open/-close) to the signal table, `db.table`. */
export async function writeWatermark(writer: SnapshotSqlClient, signalTable: string, id: string, type: string, data: string): Promise<void> {
  const dot = signalTable.indexOf('.');
  const db = signalTable.slice(0, dot);
  const table = signalTable.slice(dot + 1);
  try {
    await writer.query(`INSERT INTO ${quoteName(db)}.${quoteName(table)} (id, type, data) VALUES (?, ?, ?)`, [id, type, data]);
  } catch (error) {
    if (error instanceof BinlogdError && error.retriable) throw error;
    throw new BinlogdError('SOURCE_SETTINGS',
      `cannot write the incremental snapshot's watermark to the signal table ${signalTable}: it must exist as ` +
      `CREATE TABLE ${signalTable} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL), ` +
      `and the connector's user needs INSERT on it (GRANT INSERT ON ${signalTable} TO <database.user>)`, { cause: error });
  }
}

/** Watermark data as Debezium writes it (SignalMetadata): `{"openWindowTimestamp": "…", …}`. */
export function watermarkData(times: Record<string, string>): string {
  return `{${Object.entries(times).map(([k, v]) => `"${k}": "${v}"`).join(', ')}}`;
}
