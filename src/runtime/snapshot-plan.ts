// What a connector does at start, by snapshot.mode and its stored offset (Debezium's Snapshotter
// implementations in io.debezium.snapshot.mode), and in which order the snapshot reads tables.
// Pure.
import type { SnapshotConfig } from '../config/index.js';
import type { SourceOffset } from '../offsets/source-offset.js';

export interface SnapshotPlan {
  /** fresh: a new snapshot; resume: continue the stored unfinished one; none: no data snapshot. */
  snapshot: 'fresh' | 'resume' | 'none';
  /** Whether streaming follows. */
  stream: boolean;
}

/**
 * `positionAvailable` answers whether the server still has the binlog from the stored position;
 * it is only asked when the mode cares (when_needed, configuration_based on data error).
 */
export function planSnapshot(config: SnapshotConfig, stored: SourceOffset | undefined, positionAvailable: () => boolean): SnapshotPlan {
  // An offset written mid-snapshot: `snapshot` set. binlogd's own also records how far it got.
  // A blocking snapshot cut short is not an initial one: streaming goes on from its position.
  const unfinished = stored?.snapshot !== undefined && stored.snapshot !== 'BLOCKING';
  const resumeOrFresh = (): SnapshotPlan['snapshot'] => (stored?.snapshot_chunks ? 'resume' : 'fresh');
  const initial = (): SnapshotPlan['snapshot'] => (!stored ? 'fresh' : unfinished ? resumeOrFresh() : 'none');
  switch (config.mode) {
    case 'initial':
      return { snapshot: initial(), stream: true };
    case 'initial_only':
      return { snapshot: initial(), stream: false };
    case 'when_needed': {
      const first = initial();
      if (first !== 'none') return { snapshot: first, stream: true };
      return { snapshot: positionAvailable() ? 'none' : 'fresh', stream: true };
    }
    case 'always':
      return { snapshot: 'fresh', stream: true };
    case 'configuration_based': {
      const based = config.configurationBased;
      let snapshot: SnapshotPlan['snapshot'] = based.snapshotData ? initial() : 'none';
      if (snapshot === 'none' && stored && !unfinished && based.snapshotOnDataError && !positionAvailable()) snapshot = 'fresh';
      return { snapshot, stream: based.startStream };
    }
    case 'no_data':
    case 'recovery':
    case 'custom':
      return { snapshot: 'none', stream: true };
  }
}

export interface CandidateTable {
  db: string;
  table: string;
  estimatedRows: number;
}

/**
 * The order tables are read in: by the first table.include.list entry matching them, as Debezium
 * does since DBZ-2961, then by name; snapshot.tables.order.by.row.count sorts by the estimates.
 */
export function orderTables<T extends CandidateTable>(tables: readonly T[], includeList: readonly RegExp[], byRowCount: SnapshotConfig['tablesOrderByRowCount']): T[] {
  const anchoredList = includeList.map((r) => new RegExp(`^(?:${r.source})$`, r.flags.replace('g', '')));
  const rank = (t: T): number => {
    const index = anchoredList.findIndex((r) => r.test(`${t.db}.${t.table}`));
    return index < 0 ? anchoredList.length : index;
  };
  const sorted = [...tables].sort((a, b) => rank(a) - rank(b) || compareText(a.db, b.db) || compareText(a.table, b.table));
  if (byRowCount === 'ascending') sorted.sort((a, b) => a.estimatedRows - b.estimatedRows);
  if (byRowCount === 'descending') sorted.sort((a, b) => b.estimatedRows - a.estimatedRows);
  return sorted;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** snapshot.include.collection.list: regexes over `db.table`, whole-name matches; empty admits all. */
export function snapshotIncludes(includeCollections: readonly RegExp[]): (db: string, table: string) => boolean {
  if (includeCollections.length === 0) return () => true;
  const anchoredList = includeCollections.map((r) => new RegExp(`^(?:${r.source})$`, r.flags.replace('g', '')));
  return (db, table) => anchoredList.some((r) => r.test(`${db}.${table}`));
}

/** Rows per chunk when snapshot.fetch.size is unset. */
export const DEFAULT_CHUNK_ROWS = 4096;
