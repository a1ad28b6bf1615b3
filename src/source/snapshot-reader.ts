// Consistent snapshot reads without a global lock. MariaDB's START TRANSACTION WITH CONSISTENT
// SNAPSHOT takes the InnoDB read view and the binlog position together under the binlog's commit
// lock, and reports that position in the session status binlog_snapshot_file/_position
// (MDEV-232); BINLOG_GTID_POS() turns it into the GTID position. Every row read in the transaction
// is the table as of that position: streaming from it afterwards has no gap and no overlap.
import { BinlogdError } from '../errors.js';
import { GtidPosition } from './gtid-position.js';
import { openSnapshotSqlClient, type SnapshotSqlClient, type SqlEndpoint, type SqlRow } from './sql-client.js';

export interface SnapshotPosition {
  file: string;
  pos: number;
  /** GTID position of the transactions the snapshot contains. */
  gtids: string;
}

export interface ConsistentSnapshot {
  readonly position: SnapshotPosition;
  /** One connection per reader thread, each inside a transaction seeing the same data. */
  readonly readers: readonly SnapshotSqlClient[];
  /** Ends the transactions (and the global lock of `extended`). Idempotent. */
  close(): Promise<void>;
}

export interface OpenSnapshotOptions {
  endpoint: SqlEndpoint;
  readers: number;
  /** `extended` holds FLUSH TABLES WITH READ LOCK until close(), as Debezium does; others take no lock. */
  globalLock: boolean;
  lockTimeoutMs: number;
}

/** Attempts at getting every reader's read view at the same binlog position (writers may commit in between). */
const ALIGN_ATTEMPTS = 20;

export async function openConsistentSnapshot(options: OpenSnapshotOptions): Promise<ConsistentSnapshot> {
  const opened: SnapshotSqlClient[] = [];
  let lock: SnapshotSqlClient | undefined;
  const close = async (): Promise<void> => {
    await Promise.all(opened.splice(0).map(async (c) => { await c.query('ROLLBACK').catch(() => undefined); await c.close(); }));
    if (lock) { await lock.query('UNLOCK TABLES').catch(() => undefined); await lock.close(); lock = undefined; }
  };
  try {
    for (let i = 0; i < options.readers; i++) opened.push(await openSnapshotSqlClient(options.endpoint));
    if (options.globalLock) {
      lock = await openSnapshotSqlClient(options.endpoint);
      await lock.query(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(options.lockTimeoutMs / 1000))}`);
      await lock.query('FLUSH TABLES WITH READ LOCK');
    }
    let positions: Array<Omit<SnapshotPosition, 'gtids'>> = [];
    for (let attempt = 0; attempt < ALIGN_ATTEMPTS; attempt++) {
      positions = await Promise.all(opened.map(startSnapshot));
      if (positions.every((p) => p.file === positions[0]!.file && p.pos === positions[0]!.pos)) break;
      await Promise.all(opened.map((c) => c.query('ROLLBACK')));
      positions = [];
    }
    if (positions.length === 0) {
      throw new BinlogdError('INTERNAL',
        `could not start ${options.readers} snapshot transactions at one binlog position in ${ALIGN_ATTEMPTS} attempts (writers commit too often): ` +
        'lower snapshot.max.threads, or use snapshot.locking.mode=extended to hold a global read lock while they start', { retriable: true });
    }
    const first = positions[0]!;
    const [row] = await opened[0]!.query('SELECT BINLOG_GTID_POS(?, ?) AS gtids', [first.file, first.pos]);
    const gtids = row?.['gtids'];
    if (typeof gtids !== 'string') {
      throw new BinlogdError('SOURCE_SETTINGS', `MariaDB has no GTID position for the snapshot's binlog position ${first.file}:${first.pos}`);
    }
    const position = { ...first, gtids };
    return { position, readers: opened, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function startSnapshot(connection: SnapshotSqlClient): Promise<Omit<SnapshotPosition, 'gtids'>> {
  await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  const status = new Map<string, string>();
  for (const row of await connection.query("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'")) {
    status.set(String(row['Variable_name']).toLowerCase(), String(row['Value']));
  }
  const file = status.get('binlog_snapshot_file');
  const pos = Number(status.get('binlog_snapshot_position'));
  if (!file || !Number.isSafeInteger(pos)) {
    throw new BinlogdError('SOURCE_SETTINGS', 'MariaDB reports no binlog_snapshot_file/binlog_snapshot_position: the binary log must be enabled (log_bin) to snapshot');
  }
  return { file, pos };
}

export function quoteName(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`';
}

export interface TableRead {
  db: string;
  table: string;
  /** Columns in ordinal order, with INFORMATION_SCHEMA's DATA_TYPE. */
  columns: ReadonlyArray<{ name: string; type: string }>;
  /** Primary key columns in key order; empty: read in one pass. */
  keyColumns: readonly string[];
  /** A SQL condition the rows must meet (a blocking snapshot signal's additional-conditions). */
  filter?: string;
  /** A whole SELECT to read the rows with instead, in one pass (Debezium's blocking snapshot filter). */
  select?: string;
}

/**
 * The select list, giving the values the binlog row image holds where a SELECT shows them
 * differently: ENUM index 0 (the '' of an invalid value) is absent from the row image (zongji
 * yields null), the zero YEAR is stored as the byte 0, which zongji reads as 1900, and a FLOAT is
 * printed with 6 significant digits (FLT_DIG: 16777216 shows as 16777200) where the row image holds
 * the stored 4 bytes; as a DOUBLE its text is exact. Floating point values come as text: mysql2's
 * own text-to-number loop (result * 10 + digit) is off in the last place for about 2% of doubles
 * (917044.1636815667 became ...668), where the decoder's Number() gives the nearest double, and a
 * per-value typeCast hook would halve the reading speed.
 */
export function selectList(read: TableRead): string {
  return read.columns.map(({ name, type }) => {
    const column = quoteName(name);
    if (type === 'enum') return `IF(${column} + 0 = 0, NULL, ${column}) AS ${column}`;
    if (type === 'year') return `IF(${column} + 0 = 0, 1900, ${column}) AS ${column}`;
    if (type === 'float') return `CAST(CAST(${column} AS DOUBLE) AS CHAR) AS ${column}`;
    if (type === 'double') return `CAST(${column} AS CHAR) AS ${column}`;
    return column;
  }).join(', ');
}

const SPATIAL = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection']);

/**
 * Whether the rows need reading in the binlog's shape (sql-client.ts: raw GEOMETRY bytes, exact
 * DOUBLE): a table with spatial columns, or a SELECT of the user's, where selectList does not apply.
 */
export function needsBinlogShape(read: TableRead): boolean {
  return read.select !== undefined || read.columns.some((c) => SPATIAL.has(c.type));
}

/** `(k1, k2) > (a, b)` spelled out so the range optimizer uses the primary key. */
export function afterKey(keyColumns: readonly string[]): string {
  const terms = keyColumns.map((_, i) => {
    const equal = keyColumns.slice(0, i).map((k) => `${quoteName(k)} = ?`);
    return `(${[...equal, `${quoteName(keyColumns[i]!)} > ?`].join(' AND ')})`;
  });
  return terms.join(' OR ');
}

/** The parameters of afterKey for the last key read. */
export function afterKeyParams(last: readonly unknown[]): unknown[] {
  return last.flatMap((_, i) => last.slice(0, i + 1));
}

/** One chunk of a keyed table in key order: up to `limit` rows after `after` (null: from the start). */
export function readChunk(reader: SnapshotSqlClient, read: TableRead, after: readonly unknown[] | null, limit: number): Promise<SqlRow[]> {
  const keys = read.keyColumns.map(quoteName).join(', ');
  const conditions = [...(after ? [`(${afterKey(read.keyColumns)})`] : []), ...(read.filter ? [`(${read.filter})`] : [])];
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const sql = `SELECT ${selectList(read)} FROM ${quoteName(read.db)}.${quoteName(read.table)}${where} ORDER BY ${keys} LIMIT ${limit}`;
  return reader.select(sql, after ? afterKeyParams(after) : [], needsBinlogShape(read));
}

/** Every row of a table without a primary key (or read by its own SELECT), in one streaming pass. */
export function streamTable(reader: SnapshotSqlClient, read: TableRead, highWaterMark: number): AsyncIterable<SqlRow> {
  const where = read.filter ? ` WHERE (${read.filter})` : '';
  const sql = read.select ?? `SELECT ${selectList(read)} FROM ${quoteName(read.db)}.${quoteName(read.table)}${where}`;
  return reader.stream(sql, [], needsBinlogShape(read), highWaterMark);
}

/** Base tables and InnoDB's row estimates (TABLE_ROWS) outside the system schemas. */
export async function listTables(reader: SnapshotSqlClient): Promise<Array<{ db: string; table: string; estimatedRows: number }>> {
  const rows = await reader.query(
    "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE' " +
    "AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')");
  return rows.map((r) => ({ db: String(r['TABLE_SCHEMA']), table: String(r['TABLE_NAME']), estimatedRows: Number(r['TABLE_ROWS'] ?? 0) || 0 }));
}

/** The primary key's columns in key order (empty when the table has none). */
export async function primaryKeyOf(reader: SnapshotSqlClient, db: string, table: string): Promise<string[]> {
  const rows = await reader.query(
    "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
    [db, table]);
  return rows.map((r) => String(r['COLUMN_NAME']));
}

/**
 * Whether the server still has the binlog after `gtids`: the oldest binlog file's starting GTID
 * state (its Gtid_list event, via BINLOG_GTID_POS(file, 4)) must not be ahead of it in any domain.
 */
export async function binlogStillHas(reader: SnapshotSqlClient, gtids: string): Promise<boolean> {
  const logs = await reader.query('SHOW BINARY LOGS');
  const oldest = logs[0]?.['Log_name'];
  if (typeof oldest !== 'string') return false;
  const [row] = await reader.query('SELECT BINLOG_GTID_POS(?, 4) AS gtids', [oldest]);
  const stored = GtidPosition.parse(gtids);
  return GtidPosition.parse(String(row?.['gtids'] ?? '')).domains().every((gtid) => stored.covers(gtid));
}
