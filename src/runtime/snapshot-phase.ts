// The initial snapshot of one connector, run at start before streaming: decides by snapshot.mode
// and the stored offset whether to snapshot (snapshot-plan.ts), opens a consistent snapshot, reads
// every captured table in primary-key chunks (several tables at once up to snapshot.max.threads)
// and sends `op=r` records through the connector's record path (transforms, converters, error
// policy) and sink, the offset with each chunk. Streaming then starts from the snapshot's GTID position.
//
// After a crash the read view is gone: the remaining chunks are read from a new snapshot, while
// the records and the streaming start keep the FIRST snapshot's position. Streaming then re-applies
// every change committed since, so each row still ends in its latest state (see README, Snapshots).
import type { ConnectorConfig } from '../config/index.js';
import type { EnvelopeOptions } from '../envelope/change-events.js';
import { BinlogdError } from '../errors.js';
import type { ResumePoint } from '../offsets/position-tracker.js';
import { parseOffset, type SourceOffset } from '../offsets/source-offset.js';
import { INFORMATION_SCHEMA_COLUMNS_QUERY } from '../source/column-descriptor.js';
import {
  binlogStillHas, listTables, openConsistentSnapshot, primaryKeyOf, readChunk, streamTable,
  type SnapshotPosition, type TableRead,
} from '../source/snapshot-reader.js';
import type { SnapshotSqlClient, SqlEndpoint, SqlRow } from '../source/sql-client.js';
import { createCaptureFilter } from '../source/table-filter.js';
import { sleep } from './backoff.js';
import type { Logger } from './logger.js';
import { SnapshotEmitter, snapshotMarker, type SnapshotTable } from './snapshot-emitter.js';
import { DEFAULT_CHUNK_ROWS, orderTables, planSnapshot, snapshotIncludes } from './snapshot-plan.js';
import { SnapshotProgress, type SnapshotProgressReport } from './snapshot-progress.js';
import { completedOffset, decodeSnapshotState, EMPTY_SNAPSHOT_STATE, withRowEmitted, withTableDone, type SnapshotState } from './snapshot-state.js';
import type { OutgoingRecord, RecordConversion, RecordSink, TableResolver } from './streaming-pipeline.js';

export interface SnapshotPhaseOptions {
  config: ConnectorConfig;
  endpoint: SqlEndpoint;
  tables: TableResolver;
  records: RecordConversion;
  sink: RecordSink;
  envelope: EnvelopeOptions;
  /** The connector's stored offset map, if any. */
  storedOffset: () => Promise<Record<string, unknown> | undefined>;
  /** The offsets-topic record storing `offset` (for a snapshot that emitted no record). */
  offsetRecord: (offset: SourceOffset) => OutgoingRecord;
  log: Logger;
  signal: AbortSignal;
}

export interface SnapshotOutcome {
  /** Where streaming starts when a snapshot ran; undefined: from the stored offset as usual. */
  start?: ResumePoint;
  /** False for initial_only (and configuration_based without start.stream). */
  stream: boolean;
}

/**
 * Rows between two offsets at most (a chunk has one at its end when smaller). Each offset may end
 * a Kafka transaction, and each commit costs a round trip: 1,000 was 30% slower in the bench. The
 * transactional sink cuts a batch without an offset at 16 × 2,000 records, losing exactness.
 */
const OFFSET_EVERY_ROWS = 10_000;

interface PlannedTable extends TableRead {
  id: string;
  index: number;
  estimatedRows: number;
  /** Registers the table's schemas on first use: an empty table registers nothing, as in Debezium. */
  target: () => Promise<SnapshotTable>;
}

export class SnapshotPhase {
  private progressTracker: SnapshotProgress | null = null;
  private emitter: SnapshotEmitter | null = null;

  constructor(private readonly options: SnapshotPhaseOptions) {}

  /** The running or finished snapshot's progress; null when none ran. */
  progress(): SnapshotProgressReport | null {
    return this.progressTracker?.report() ?? null;
  }

  /**
   * Hands an offsets-topic record to the sink in turn with the snapshot's rows (at-least-once
   * offsets are stored while the snapshot runs); false when no snapshot started.
   */
  sendInOrder(record: OutgoingRecord): boolean {
    if (!this.emitter) return false;
    this.emitter.sendInOrder(record).catch(() => undefined); // a sink failure reaches the connector through the sink
    return true;
  }

  /** Resolves once every row and record of the snapshot so far was handed to the sink. */
  async idle(): Promise<void> {
    await this.emitter?.idle();
  }

  async run(): Promise<SnapshotOutcome> {
    const { config, log } = this.options;
    // These modes never snapshot data: spare the extra read of the offsets topic.
    if (config.snapshot.mode === 'no_data' || config.snapshot.mode === 'recovery' || config.snapshot.mode === 'custom') return { stream: true };
    const stored = await this.stored();
    const needsCheck = stored !== undefined && stored.snapshot === undefined &&
      (config.snapshot.mode === 'when_needed' || (config.snapshot.mode === 'configuration_based' && config.snapshot.configurationBased.snapshotOnDataError));
    const available = needsCheck ? await this.withReader((reader) => binlogStillHas(reader, stored.gtids ?? '')) : true;
    const plan = planSnapshot(config.snapshot, stored, () => available);
    if (plan.snapshot === 'none') return { stream: plan.stream };
    if (!available) log.warn({ gtids: stored?.gtids }, 'the stored position is no longer in the binlog: snapshotting again (snapshot.mode=when_needed)');

    let resume: { position: SnapshotPosition; state: SnapshotState } | undefined;
    if (plan.snapshot === 'resume' && stored?.gtids !== undefined) {
      try {
        resume = { position: { file: stored.file, pos: stored.pos, gtids: stored.gtids }, state: decodeSnapshotState(stored.snapshot_chunks!) };
      } catch (error) {
        log.warn({ err: error }, 'the stored snapshot progress cannot be read: snapshotting from the start');
      }
    }
    if (config.snapshot.delayMs > 0) await sleep(config.snapshot.delayMs, this.options.signal);
    const position = await this.snapshot(resume);
    return { start: { gtids: position.gtids }, stream: plan.stream };
  }

  private async stored(): Promise<SourceOffset | undefined> {
    const map = await this.options.storedOffset();
    if (!map) return undefined;
    try {
      return parseOffset(map);
    } catch {
      return undefined; // the streaming start (Connector.resumePoint) reports what is wrong with it
    }
  }

  private async withReader<T>(use: (reader: SnapshotSqlClient) => Promise<T>): Promise<T> {
    const snapshot = await openConsistentSnapshot({ endpoint: this.options.endpoint, readers: 1, globalLock: false, lockTimeoutMs: 0 });
    try {
      return await use(snapshot.readers[0]!);
    } finally {
      await snapshot.close();
    }
  }

  private async snapshot(resume: { position: SnapshotPosition; state: SnapshotState } | undefined): Promise<SnapshotPosition> {
    const { config, log, signal } = this.options;
    const snap = config.snapshot;
    if (snap.lockingMode === 'custom') log.warn('snapshot.locking.mode=custom is not supported: snapshotting without a lock (consistent snapshot)');
    const opened = await openConsistentSnapshot({
      endpoint: this.options.endpoint, readers: snap.maxThreads, globalLock: snap.lockingMode === 'extended', lockTimeoutMs: snap.lockTimeoutMs,
    });
    // Rows come from this read view; records and offsets carry the first snapshot's position.
    const position = resume?.position ?? opened.position;
    const state = resume?.state ?? EMPTY_SNAPSHOT_STATE;
    const progress = new SnapshotProgress(config.name, position, log);
    this.progressTracker = progress;
    try {
      const tables = await this.planTables(opened.readers[0]!);
      for (const t of tables) progress.addTable(t.id, t.estimatedRows, state.done.has(t.id));
      log.info({ position, tables: tables.length, resumed: resume !== undefined, readPosition: opened.position, threads: opened.readers.length },
        resume ? 'resuming the snapshot from its last emitted rows' : 'snapshot started');
      progress.start();
      const { envelope, records, sink, offsetRecord } = this.options;
      const emitter = this.emitter = new SnapshotEmitter({ envelope, position, records, sink, state, offsetRecord });
      const queue = tables.filter((t) => !state.done.has(t.id));
      const chunkRows = snap.fetchSize ?? DEFAULT_CHUNK_ROWS;
      const worker = async (reader: SnapshotSqlClient): Promise<void> => {
        for (let table = queue.shift(); table; table = queue.shift()) {
          signal.throwIfAborted();
          progress.tableStarted(table.id);
          await this.readTable(reader, table, tables.length, state.at.get(table.id) ?? null, chunkRows, emitter, progress);
          progress.tableDone(table.id);
        }
      };
      const settled = await Promise.allSettled(opened.readers.map(worker));
      const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) {
        // The held record carries its chunk's offset: without it, the rows sent before it would be
        // committed (a clean stop flushes the sink) under the previous chunk's offset, and read again.
        await emitter.release().catch(() => undefined);
        throw failure.reason;
      }
      const completed = completedOffset(position, Date.now());
      await emitter.finish(completed);
      // Nothing to carry the completion: store the offset on its own.
      if (emitter.count === 0) await emitter.sendInOrder({ ...this.options.offsetRecord(completed), ackToken: completed });
      progress.finish('completed');
      const report = progress.report();
      log.info({ rows: report.rows, tables: report.tables.length, seconds: (Date.now() - Date.parse(report.startedAt)) / 1000, position },
        'snapshot completed');
      return position;
    } catch (error) {
      progress.finish('failed');
      throw error;
    } finally {
      await opened.close();
    }
  }

  /** The captured tables the snapshot reads, in Debezium's order, with their schemas prepared. */
  private async planTables(reader: SnapshotSqlClient): Promise<PlannedTable[]> {
    const { config } = this.options;
    const filter = createCaptureFilter(config.filters);
    const included = snapshotIncludes(config.snapshot.includeCollections);
    const candidates = (await listTables(reader)).filter((t) => filter.capturesTable(t.db, t.table) && included(t.db, t.table));
    const ordered = orderTables(candidates, config.filters.tableInclude, config.snapshot.tablesOrderByRowCount);
    const planned: PlannedTable[] = [];
    for (const candidate of ordered) {
      const { db, table } = candidate;
      const columns = (await reader.query(INFORMATION_SCHEMA_COLUMNS_QUERY, [db, table]))
        .map((r) => ({ name: String(r['COLUMN_NAME']), type: String(r['DATA_TYPE']).toLowerCase() }));
      // The resolver expects the binlog's table map; the snapshot's is the table as it is now.
      const schema = await this.options.tables.resolve(db, table, { parentSchema: db, tableName: table, columnSchemas: columns.map((c) => ({ COLUMN_NAME: c.name })) });
      if (!schema) continue;
      if (config.snapshot.selectOverrides.has(`${db}.${table}`)) {
        throw new BinlogdError('CONFIG_INVALID', `snapshot.select.statement.overrides.${db}.${table} is not supported yet: remove it, or use snapshot.mode=no_data`);
      }
      planned.push({
        id: `${db}.${table}`, db, table, columns, keyColumns: await primaryKeyOf(reader, db, table),
        index: planned.length, estimatedRows: candidate.estimatedRows, target: async () => ({ schema }),
      });
    }
    return planned;
  }

  /**
   * Reads one table in key order (or one pass without a key). The last row read is held until the
   * next chunk shows whether it is the table's last, which decides its marker.
   */
  private async readTable(
    reader: SnapshotSqlClient, table: PlannedTable, tableCount: number, resumeAfter: readonly unknown[] | null,
    chunkRows: number, emitter: SnapshotEmitter, progress: SnapshotProgress,
  ): Promise<void> {
    const firstTable = table.index === 0;
    const lastTable = table.index === tableCount - 1;
    const keyOf = (row: SqlRow): unknown[] => table.keyColumns.map((c) => row[c]);
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
          return last && table.keyColumns.length > 0 ? withRowEmitted(state, table.id, keyOf(last)) : state;
        });
      }
      progress.rowsEmitted(table.id, batch.length);
    };

    if (table.keyColumns.length === 0) {
      // No key to page by: one streaming pass; after a crash this table is read again from its start.
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
      this.options.signal.throwIfAborted();
      const rows = await next;
      const done = rows.length < chunkRows;
      if (!done) next = read(keyOf(rows[rows.length - 1]!));
      await emit(rows, done);
      if (done) return;
    }
  }
}
