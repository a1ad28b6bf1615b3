// How far a snapshot got, kept in the offset while it runs (`snapshot_chunks`), so a crash resumes
// from the last emitted row of each table instead of from zero. Pure: encode, decode, advance.
import type { SourceOffset } from '../offsets/source-offset.js';
import type { SnapshotPosition } from '../source/snapshot-reader.js';

export interface SnapshotState {
  /** Tables (`db.table`) whose every row was emitted. */
  readonly done: ReadonlySet<string>;
  /** Per unfinished table: the primary key of the last emitted row, as read. */
  readonly at: ReadonlyMap<string, readonly unknown[]>;
}

export const EMPTY_SNAPSHOT_STATE: SnapshotState = { done: new Set(), at: new Map() };

/** Offset values may only hold primitives (Kafka Connect OffsetUtils), so the state is JSON text. */
export function encodeSnapshotState(state: SnapshotState): string {
  const at: Record<string, unknown[]> = {};
  for (const [table, key] of state.at) at[table] = key.map(encodeKeyValue);
  return JSON.stringify({ v: 1, done: [...state.done], at });
}

export function decodeSnapshotState(text: string): SnapshotState {
  const parsed = JSON.parse(text) as { v?: number; done?: unknown; at?: unknown };
  if (parsed.v !== 1 || !Array.isArray(parsed.done) || typeof parsed.at !== 'object' || parsed.at === null) {
    throw new Error(`snapshot_chunks is not a binlogd snapshot state: ${text.slice(0, 200)}`);
  }
  const at = new Map<string, unknown[]>();
  for (const [table, key] of Object.entries(parsed.at as Record<string, unknown>)) {
    if (!Array.isArray(key)) throw new Error(`snapshot_chunks: the key of ${table} is not a list`);
    at.set(table, key.map(decodeKeyValue));
  }
  return { done: new Set(parsed.done.map(String)), at };
}

// Key values arrive as the snapshot connection reads them: text, numbers, or bytes.
function encodeKeyValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { hex: value.toString('hex') };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function decodeKeyValue(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && typeof (value as { hex?: unknown }).hex === 'string') {
    return Buffer.from((value as { hex: string }).hex, 'hex');
  }
  return value;
}

export function withRowEmitted(state: SnapshotState, table: string, key: readonly unknown[]): SnapshotState {
  const at = new Map(state.at);
  at.set(table, key);
  return { done: state.done, at };
}

export function withTableDone(state: SnapshotState, table: string): SnapshotState {
  const at = new Map(state.at);
  at.delete(table);
  return { done: new Set(state.done).add(table), at };
}

/** The offset while the snapshot runs: Debezium's mid-snapshot offset plus binlogd's progress. */
export function snapshotOffset(position: SnapshotPosition, state: SnapshotState, nowMs: number): SourceOffset {
  return {
    ts_sec: Math.floor(nowMs / 1000),
    file: position.file,
    pos: position.pos,
    gtids: position.gtids,
    snapshot: 'INITIAL',
    snapshot_chunks: encodeSnapshotState(state),
  };
}

/** The offset of the snapshot's last record: no `snapshot` key, which marks it complete. */
export function completedOffset(position: SnapshotPosition, nowMs: number): SourceOffset {
  return { ts_sec: Math.floor(nowMs / 1000), file: position.file, pos: position.pos, gtids: position.gtids };
}
