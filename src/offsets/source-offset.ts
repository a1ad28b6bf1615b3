// The position a connector resumes from, as Debezium's binlog connectors store it
// (BinlogOffsetContext): the GTID set of fully processed transactions, the start of the current
// transaction, and how many of its events and rows were already emitted. Keys are omitted when
// zero or absent, as Debezium does, so Kafka Connect tooling reads binlogd's offsets and back.

export interface SourceOffset {
  /** Binlog file of the restart position. */
  readonly file: string;
  /** Restart position: the transaction's GTID event inside a transaction, else after the last event. */
  readonly pos: number;
  /** MariaDB GTID position of fully processed transactions (`0-1-1042,1-2-77`). */
  readonly gtids?: string;
  /** Events of the transaction at `pos` already emitted (skip them on restart). */
  readonly event?: number;
  /** Rows of the next rows event already emitted. */
  readonly row?: number;
  readonly server_id?: number;
  /** Source event time, seconds. */
  readonly ts_sec?: number;
  /** `INITIAL` while an initial snapshot is in progress (Debezium 3.0.2+); absent otherwise. */
  readonly snapshot?: string;
  /**
   * binlogd's own key while a snapshot is in progress: the tables finished and each unfinished
   * table's last key read, as JSON (snapshot-state.ts). Debezium ignores it and reruns the snapshot.
   */
  readonly snapshot_chunks?: string;
  /** While an incremental snapshot runs (runtime/incremental-state.ts): its signal id, tables and keys. */
  readonly incremental_snapshot_correlation_id?: string;
  readonly incremental_snapshot_collections?: string;
  readonly incremental_snapshot_binlogd_keys?: string;
}

const INCREMENTAL_KEYS = ['incremental_snapshot_correlation_id', 'incremental_snapshot_collections', 'incremental_snapshot_binlogd_keys'] as const;

const NUMERIC_KEYS = ['pos', 'event', 'row', 'server_id', 'ts_sec'] as const;

/** Compact JSON with Debezium's key set, zero/absent keys left out. */
export function formatOffset(offset: SourceOffset): string {
  const map: Record<string, string | number> = {};
  if (offset.ts_sec) map['ts_sec'] = offset.ts_sec;
  map['file'] = offset.file;
  map['pos'] = offset.pos;
  if (offset.gtids) map['gtids'] = offset.gtids;
  if (offset.event) map['event'] = offset.event;
  if (offset.row) map['row'] = offset.row;
  if (offset.server_id) map['server_id'] = offset.server_id;
  if (offset.snapshot) map['snapshot'] = offset.snapshot;
  if (offset.snapshot_chunks) map['snapshot_chunks'] = offset.snapshot_chunks;
  for (const key of INCREMENTAL_KEYS) if (offset[key]) map[key] = offset[key];
  return JSON.stringify(map);
}

/**
 * Reads an offset map (ours or one Kafka Connect + Debezium wrote). Throws on a map that cannot be
 * resumed from, naming the key; keys binlogd does not use (transaction ids…) are ignored.
 */
export function parseOffset(map: Readonly<Record<string, unknown>>): SourceOffset {
  const file = map['file'];
  if (typeof file !== 'string' || file === '') throw new Error(`offset has no binlog file: ${JSON.stringify(map)}`);
  const numbers: Partial<Record<(typeof NUMERIC_KEYS)[number], number>> = {};
  for (const key of NUMERIC_KEYS) {
    const value = map[key];
    if (value === undefined || value === null) continue;
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
      throw new Error(`offset key ${key} is not a non-negative integer: ${JSON.stringify(value)}`);
    }
    numbers[key] = number;
  }
  if (numbers.pos === undefined) throw new Error(`offset has no binlog position: ${JSON.stringify(map)}`);
  const gtids = map['gtids'];
  if (gtids !== undefined && gtids !== null && typeof gtids !== 'string') throw new Error(`offset key gtids is not a string: ${JSON.stringify(gtids)}`);
  return {
    file, ...numbers, pos: numbers.pos,
    ...(typeof gtids === 'string' && gtids !== '' ? { gtids } : {}),
    ...snapshotKeys(map),
    ...Object.fromEntries(INCREMENTAL_KEYS.filter((key) => typeof map[key] === 'string' && map[key] !== '').map((key) => [key, map[key] as string])),
  };
}

/** The snapshot keys: `snapshot` is a string since Debezium 3.0.2 and `true` before. */
function snapshotKeys(map: Readonly<Record<string, unknown>>): { snapshot?: string; snapshot_chunks?: string } {
  const snapshot = map['snapshot'];
  const chunks = map['snapshot_chunks'];
  return {
    ...(snapshot === true ? { snapshot: 'INITIAL' } : typeof snapshot === 'string' && snapshot !== '' ? { snapshot } : {}),
    ...(typeof chunks === 'string' && chunks !== '' ? { snapshot_chunks: chunks } : {}),
  };
}
