// Read-only incremental snapshots (read.only=true) read each chunk in a transaction started
// WITH CONSISTENT SNAPSHOT. MariaDB makes that snapshot consistent with the binlog: the status
// variables Binlog_snapshot_file / Binlog_snapshot_position give the binlog point up to which
// every transaction is visible to it, and none after (InnoDB commits in binlog order; the snapshot
// is taken under the commit-order lock). That exact point, instead of a @@gtid_binlog_pos read
// before the SELECT, is the chunk's low watermark: @@gtid_binlog_pos moves when a transaction is
// written to the binlog, a moment before its InnoDB commit, so it can name a transaction the SELECT
// does not see yet. The high watermark, @@gtid_binlog_pos read inside the transaction, covers every
// transaction the snapshot sees. Nothing is written.
import { BinlogdError } from '../errors.js';
import type { SnapshotSqlClient, SqlRow } from './sql-client.js';

/** A binlog coordinate: a file name (`mysql-bin.000042`) and a byte offset in it. */
export interface BinlogCoordinates {
  readonly file: string;
  readonly pos: number;
}

export interface SnapshotChunk {
  rows: SqlRow[];
  /** The binlog point the rows were read at: transactions ending at or before it are in them. */
  snapshotAt: BinlogCoordinates;
  /** @@gtid_binlog_pos once the snapshot was taken: the stream has passed the snapshot point when it covers this. */
  highWatermark: string;
}

/** Runs `read` (the chunk's SELECT) in a read-only consistent-snapshot transaction and reports where it stands in the binlog. */
export async function readAtSnapshotPoint(reader: SnapshotSqlClient, read: () => Promise<SqlRow[]>): Promise<SnapshotChunk> {
  // Under READ COMMITTED (a server's or user's default) the snapshot would not hold: every SELECT would see the latest commits.
  await reader.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await reader.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  let chunk: SnapshotChunk;
  try {
    const snapshotAt = snapshotPointOf(await reader.query("SHOW SESSION STATUS LIKE 'Binlog_snapshot_%'"));
    const [gtids] = await reader.query('SELECT @@GLOBAL.gtid_binlog_pos AS pos');
    chunk = { rows: await read(), snapshotAt, highWatermark: String(gtids?.['pos'] ?? '') };
  } catch (error) {
    await reader.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await reader.query('COMMIT');
  return chunk;
}

/** The snapshot's binlog point from SHOW STATUS LIKE 'Binlog_snapshot_%' rows; throws naming the setting when there is none. */
export function snapshotPointOf(status: readonly SqlRow[]): BinlogCoordinates {
  const value = (name: string): string => String(status.find((r) => String(r['Variable_name']).toLowerCase() === name)?.['Value'] ?? '');
  const file = value('binlog_snapshot_file');
  const pos = Number(value('binlog_snapshot_position'));
  if (file === '' || !Number.isInteger(pos) || pos <= 0) {
    throw new BinlogdError('SOURCE_SETTINGS',
      'read.only=true: the server reports no binlog position for a consistent snapshot (Binlog_snapshot_file is empty): ' +
      'read-only incremental snapshots need the binary log (log_bin=ON) on the server binlogd reads, and on a replica log_slave_updates=ON',
      { details: { property: 'read.only' } });
  }
  return { file, pos };
}

/** Orders binlog coordinates: files by their numeric extension (names may widen past .999999), then offsets. */
export function compareCoordinates(a: BinlogCoordinates, b: BinlogCoordinates): number {
  if (a.file !== b.file) {
    const byIndex = fileIndex(a.file) - fileIndex(b.file);
    return byIndex !== 0 ? Math.sign(byIndex) : a.file < b.file ? -1 : 1;
  }
  return Math.sign(a.pos - b.pos);
}

function fileIndex(file: string): number {
  const dot = file.lastIndexOf('.');
  const index = Number(file.slice(dot + 1));
  return dot < 0 || !Number.isFinite(index) ? 0 : index;
}
