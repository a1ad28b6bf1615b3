// Debezium's blocking snapshot (2.5+: execute-snapshot with "type":"blocking", run by
// ChangeEventSourceCoordinator.doBlockingSnapshot): streaming pauses at the signal, the listed
// tables are read as the initial snapshot reads them (`op=r`, source.snapshot first … last), and
// streaming resumes where it paused. The pause is the stream waiting on run(): the events after
// the signal stay queued, and a full queue pauses the binlog connection (streaming-pipeline.ts).
//
// Offsets: every snapshot record carries the stream's offset at the signal plus
// `snapshot: "BLOCKING"`; the last one carries that offset without the key, as Debezium marks a
// finished snapshot. The rows come from a read view opened after the pause, so a change committed
// between the signal and that view is in the snapshot rows and is streamed again after them, as
// in Debezium: each row still ends in its latest state. A failure (a bad filter, a table gone) is
// logged and streaming resumes, as in Debezium; so does a stop, which cuts the snapshot short.
import type { SourceOffset } from '../offsets/source-offset.js';
import { openConsistentSnapshot } from '../source/snapshot-reader.js';
import type { StreamPoint } from './stream-signals.js';
import type { CollectionCondition } from './signals.js';
import { SnapshotEmitter } from './snapshot-emitter.js';
import { DEFAULT_CHUNK_ROWS } from './snapshot-plan.js';
import { SnapshotProgress, type SnapshotProgressReport } from './snapshot-progress.js';
import { EMPTY_SNAPSHOT_STATE } from './snapshot-state.js';
import { planTables, readTables } from './snapshot-tables.js';
import type { RecordStages } from './record-stages.js';

export interface BlockingSnapshotOptions extends RecordStages {
  /** The connector stops: the snapshot ends after its current chunk. */
  signal: AbortSignal;
}

export interface BlockingRequest {
  id: string;
  collections: readonly CollectionCondition[];
}

export class BlockingSnapshot {
  private progressTracker: SnapshotProgress | null = null;

  constructor(private readonly options: BlockingSnapshotOptions) {}

  /** The running or last blocking snapshot's progress; null when none ran. */
  progress(): SnapshotProgressReport | null {
    return this.progressTracker?.report() ?? null;
  }

  /** Reads the requested tables; resolves when streaming may go on (also after a failure). */
  async run(request: BlockingRequest, at: StreamPoint): Promise<void> {
    const { log, signal } = this.options;
    const tables = request.collections.map((c) => c.id);
    if (!at.offset) {
      log.warn({ signal: request.id, tables }, 'blocking snapshot ignored: no stream position to pause at yet (no transaction streamed since the start); send it again once changes stream');
      return;
    }
    log.info({ signal: request.id, tables }, 'blocking snapshot requested: streaming pauses');
    try {
      await this.snapshot(request, at, at.offset);
    } catch (error) {
      if (signal.aborted) log.warn({ signal: request.id }, 'blocking snapshot stopped before its end: send the signal again to read the tables in full');
      else log.warn({ err: error, signal: request.id }, 'blocking snapshot failed; streaming resumes');
    }
  }

  private async snapshot(request: BlockingRequest, at: StreamPoint, resumeAt: SourceOffset): Promise<void> {
    const { config, log, signal } = this.options;
    const snap = config.snapshot;
    const opened = await openConsistentSnapshot({ endpoint: this.options.endpoint, readers: snap.maxThreads, globalLock: false, lockTimeoutMs: snap.lockTimeoutMs });
    const position = { file: at.file, pos: at.pos, gtids: resumeAt.gtids ?? '' };
    const progress = new SnapshotProgress(config.name, position, log);
    this.progressTracker = progress;
    try {
      // Debezium matches data-collections and additional-conditions as regular expressions.
      const matchers = request.collections.map((c) => ({ pattern: new RegExp(`^(?:${c.id})$`), filter: c.filter }));
      const tables = await planTables(opened.readers[0]!, {
        config, resolver: this.options.tables,
        selects: (db, table) => matchers.some((m) => m.pattern.test(`${db}.${table}`)),
        filterOf: (id) => matchers.find((m) => m.filter !== undefined && m.pattern.test(id))?.filter,
      });
      for (const t of tables) progress.addTable(t.id, t.estimatedRows);
      if (tables.length === 0) {
        log.warn({ signal: request.id, tables: request.collections.map((c) => c.id) }, 'blocking snapshot: no captured table matches data-collections; streaming resumes');
        progress.finish('completed');
        return;
      }
      log.info({ signal: request.id, tables: tables.map((t) => t.id), position: resumeAt, readPosition: opened.position }, 'blocking snapshot started');
      progress.start();
      const { envelope, records, sink, offsetRecord } = this.options;
      const emitter = new SnapshotEmitter({
        envelope, at: { file: at.file, pos: at.pos, serverId: at.serverId, gtid: at.gtid }, records, sink, state: EMPTY_SNAPSHOT_STATE, offsetRecord,
        offsetOf: () => ({ ...resumeAt, snapshot: 'BLOCKING' }),
      });
      await readTables({ readers: opened.readers, tables, state: EMPTY_SNAPSHOT_STATE, chunkRows: snap.fetchSize ?? DEFAULT_CHUNK_ROWS, maxBytes: config.queue.maxQueueSizeInBytes, emitter, progress, signal });
      await emitter.finish(resumeAt);
      progress.finish('completed');
      const report = progress.report();
      log.info({ signal: request.id, rows: report.rows, tables: report.tables.length, seconds: (Date.now() - Date.parse(report.startedAt)) / 1000 },
        'blocking snapshot completed: streaming resumes');
    } catch (error) {
      progress.finish('failed');
      throw error;
    } finally {
      await opened.close();
    }
  }
}
