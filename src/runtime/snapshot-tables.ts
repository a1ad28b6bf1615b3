// Reading a set of tables as `op=r` records: which captured tables, in Debezium's order, and each
// one in primary-key chunks (several tables at once, one per reader), the snapshot state advancing
// with every chunk. Shared by the initial snapshot (snapshot-phase.ts) and blocking snapshots
// (blocking-snapshot.ts), which differ only in what they select and which offsets they write.
import type { ConnectorConfig } from '../config/index.js';
import { INFORMATION_SCHEMA_COLUMNS_QUERY } from '../source/column-descriptor.js';
import { listTables, primaryKeyOf, readChunk, streamTable, type TableRead } from '../source/snapshot-reader.js';
import type { SnapshotSqlClient, SqlRow } from '../source/sql-client.js';
import { createCaptureFilter } from '../source/table-filter.js';
import { snapshotMarker, type SnapshotEmitter, type SnapshotTable } from './snapshot-emitter.js';
import { orderTables } from './snapshot-plan.js';
import type { SnapshotProgress } from './snapshot-progress.js';
import { withRowEmitted, withTableDone, type SnapshotState } from './snapshot-state.js';
import type { TableResolver } from './streaming-pipeline.js';

/**
 * Rows between two offsets at most (a chunk has one at its end when smaller). Each offset may end
 * a Kafka transaction, and each commit costs a round trip: 1,000 was 30% slower in the bench. The
 * transactional sink cuts a batch without an offset at 16 × 2,000 records, losing exactness.
 */
const OFFSET_EVERY_ROWS = 10_000;

export interface PlannedTable extends TableRead {
  id: string;
  index: number;
  estimatedRows: number;
  /** Registers the table's schemas on first use: an empty table registers nothing, as in Debezium. */
  target: () => Promise<SnapshotTable>;
}

export interface TableSelection {
  config: ConnectorConfig;
  resolver: TableResolver;
  /** Among the captured tables, those to read. */
  selects: (db: string, table: string) => boolean;
  /**
   * A table's (`db.table`) additional-conditions filter, if any: a whole SELECT statement, as
   * Debezium's blocking snapshot takes it, or (binlogd's extension) a condition on the rows.
   */
  filterOf?: (id: string) => string | undefined;
}

/** The captured tables the snapshot reads, in Debezium's order, with their schemas prepared. */
export async function planTables(reader: SnapshotSqlClient, selection: TableSelection): Promise<PlannedTable[]> {
  const { config, resolver } = selection;
  const filter = createCaptureFilter(config.filters);
  const candidates = (await listTables(reader)).filter((t) => filter.capturesTable(t.db, t.table) && selection.selects(t.db, t.table));
  const ordered = orderTables(candidates, config.filters.tableInclude, config.snapshot.tablesOrderByRowCount);
  const planned: PlannedTable[] = [];
  for (const candidate of ordered) {
    const { db, table } = candidate;
    const id = `${db}.${table}`;
    const columns = (await reader.query(INFORMATION_SCHEMA_COLUMNS_QUERY, [db, table]))
      .map((r) => ({ name: String(r['COLUMN_NAME']), type: String(r['DATA_TYPE']).toLowerCase() }));
    const schema = await resolver.resolveByName(db, table);
    if (!schema) continue;
    // The signal's filter, else snapshot.select.statement.overrides.<db>.<table>: Debezium reads
    // the table with that statement as it is.
    const rowFilter = selection.filterOf?.(id) ?? config.snapshot.selectOverrides.get(id);
    const filtering = rowFilter === undefined ? {} : /^\s*select\b/i.test(rowFilter) ? { select: rowFilter } : { filter: rowFilter };
    planned.push({
      id, db, table, columns, keyColumns: await primaryKeyOf(reader, db, table), ...filtering,
      index: planned.length, estimatedRows: candidate.estimatedRows, target: async () => ({ schema }),
    });
  }
  return planned;
}

export interface TableReading {
  /** One table at a time per reader: snapshot.max.threads readers of one read view. */
  readers: readonly SnapshotSqlClient[];
  tables: readonly PlannedTable[];
  state: SnapshotState;
  chunkRows: number;
  emitter: SnapshotEmitter;
  progress: SnapshotProgress;
  signal: AbortSignal;
}

/** Reads every table not yet done; on a failure the held record goes out with its chunk's offset. */
export async function readTables(reading: TableReading): Promise<void> {
  const { tables, state, progress } = reading;
  const queue = tables.filter((t) => !state.done.has(t.id));
  const worker = async (reader: SnapshotSqlClient): Promise<void> => {
    for (let table = queue.shift(); table; table = queue.shift()) {
      reading.signal.throwIfAborted();
      progress.tableStarted(table.id);
      await readTable(reading, reader, table, state.at.get(table.id) ?? null);
      progress.tableDone(table.id);
    }
  };
  const settled = await Promise.allSettled(reading.readers.map(worker));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    // The held record carries its chunk's offset: without it, the rows sent before it would be
    // committed (a clean stop flushes the sink) under the previous chunk's offset, and read again.
    await reading.emitter.release().catch(() => undefined);
    throw failure.reason;
  }
}

/**
 * Reads one table in key order (or one pass without a key). The last row read is held until the
 * next chunk shows whether it is the table's last, which decides its marker.
 */
async function readTable(reading: TableReading, reader: SnapshotSqlClient, table: PlannedTable, resumeAfter: readonly unknown[] | null): Promise<void> {
  const { chunkRows, emitter, progress } = reading;
  const firstTable = table.index === 0;
  const lastTable = table.index === reading.tables.length - 1;
  const keyOf = (row: SqlRow): unknown[] => table.keyColumns.map((c) => row[c]);
  // No key to page by, or the user's own query: one pass, read again from its start after a crash.
  const onePass = table.keyColumns.length === 0 || table.select !== undefined;
  let firstRow = resumeAfter === null;
  let held: SqlRow | null = null;
  let target: SnapshotTable | undefined;
  const emit = async (rows: SqlRow[], done: boolean): Promise<void> => {
    const batch = held ? [held, ...rows] : rows;
    if (batch.length > 0) target ??= await table.target();
    held = done ? null : batch.pop() ?? null;
    const markers = batch.map((_, i) => snapshotMarker({ firstTable, lastTable, firstRow: firstRow && i === 0, lastRow: done && i === batch.length - 1 }));
    if (batch.length > 0) firstRow = false;
    // An offset every OFFSET_EVERY_ROWS rows: the exactly-once sink cuts its transactions at
    // offsets, and a batch waiting too long for one loses exactness (threaded-sink.ts).
    for (let from = 0; from === 0 || from < batch.length; from += OFFSET_EVERY_ROWS) {
      const slice = batch.slice(from, from + OFFSET_EVERY_ROWS);
      const final = from + OFFSET_EVERY_ROWS >= batch.length;
      const last = slice[slice.length - 1];
      await emitter.emit(target, slice, markers.slice(from, from + OFFSET_EVERY_ROWS), (state) => {
        if (done && final) return withTableDone(state, table.id);
        return last && !onePass ? withRowEmitted(state, table.id, keyOf(last)) : state;
      });
    }
    progress.rowsEmitted(table.id, batch.length);
  };

  if (onePass) {
    let rows: SqlRow[] = [];
    for await (const row of streamTable(reader, table, chunkRows)) {
      rows.push(row);
      if (rows.length >= chunkRows) { await emit(rows, false); rows = []; }
    }
    await emit(rows, true);
    return;
  }
  // The next chunk is read while this one is converted and sent: the server and the sink overlap.
  const read = (after: readonly unknown[] | null) => {
    const pending = readChunk(reader, table, after, chunkRows);
    pending.catch(() => undefined); // awaited below, unless sending failed first
    return pending;
  };
  let next = read(resumeAfter);
  for (;;) {
    reading.signal.throwIfAborted();
    const rows = await next;
    const done = rows.length < chunkRows;
    if (!done) next = read(keyOf(rows[rows.length - 1]!));
    await emit(rows, done);
    if (done) return;
  }
}
