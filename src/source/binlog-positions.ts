// What the server can still send: its binlog files, and the GTID position at a point of one of them
// (BINLOG_GTID_POS reads the file's Gtid_list and the events up to that point). Used to resume from
// a file/pos offset and to tell, before connecting, whether a stored position was purged.
import type { SqlClient } from './sql-client.js';

export interface BinlogFile {
  name: string;
  size: number;
}

/** The server's binlog files, oldest first (SHOW BINARY LOGS: needs BINLOG MONITOR / REPLICATION CLIENT). */
export async function binaryLogs(sql: SqlClient): Promise<BinlogFile[]> {
  const rows = await sql.query('SHOW BINARY LOGS');
  return rows.map((row) => ({ name: String(row['Log_name']), size: Number(row['File_size']) }));
}

/**
 * The GTID position of everything before `pos` in `file`; null when the file is not there or
 * `pos` is not the start of an event in it.
 */
export async function gtidPositionAt(sql: SqlClient, file: string, pos: number): Promise<string | null> {
  const [row] = await sql.query('SELECT BINLOG_GTID_POS(?, ?) AS pos', [file, pos]);
  const value = row?.['pos'];
  return value === null || value === undefined ? null : String(value);
}

export interface OldestPosition {
  /** The oldest binlog file the server still has. */
  file: string;
  /** The GTID position at its start: transactions up to it are gone. */
  gtids: string;
}

/** The oldest position the server can still send from; null when it has no binlog at all. */
export async function oldestPosition(sql: SqlClient): Promise<OldestPosition | null> {
  const first = (await binaryLogs(sql))[0];
  if (!first) return null;
  // 4 = right after the binlog magic: the start of the file's first event.
  return { file: first.name, gtids: (await gtidPositionAt(sql, first.name, 4)) ?? '' };
}
