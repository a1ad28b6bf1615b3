// The initial snapshot of one connector, run at start before streaming: decides by snapshot.mode
// and the stored offset whether to snapshot (snapshot-plan.ts), opens a consistent snapshot, reads
// every captured table in primary-key chunks (several tables at once up to snapshot.max.threads)
// and sends `op=r` records through the connector's record path (transforms, converters, error
// policy) and sink, the offset with each chunk. Streaming then starts from the snapshot's GTID position.
//
// After a crash the read view is gone: the remaining chunks are read from a new snapshot, while
// the records and the streaming start keep the FIRST snapshot's position. Streaming then re-applies
// every change committed since, so each row still ends in its latest state (see README, Snapshots).
import type { ResumePoint } from '../offsets/position-tracker.js';
import { parseOffset, type SourceOffset } from '../offsets/source-offset.js';
import { binlogStillHas, openConsistentSnapshot, type SnapshotPosition } from '../source/snapshot-reader.js';
import type { SnapshotSqlClient } from '../source/sql-client.js';
import { sleep } from './backoff.js';
import { SnapshotEmitter } from './snapshot-emitter.js';
import { DEFAULT_CHUNK_ROWS, planSnapshot, snapshotIncludes } from './snapshot-plan.js';
import { SnapshotProgress, type SnapshotProgressReport } from './snapshot-progress.js';
import { completedOffset, decodeSnapshotState, EMPTY_SNAPSHOT_STATE, snapshotOffset, type SnapshotState } from './snapshot-state.js';
import { planTables, readTables } from './snapshot-tables.js';
import type { RecordStages } from './record-stages.js';
import type { OutgoingRecord } from './streaming-pipeline.js';

export interface SnapshotPhaseOptions extends RecordStages {
  /** The connector's stored offset map, if any. */
  storedOffset: () => Promise<Record<string, unknown> | undefined>;
  signal: AbortSignal;
}

export interface SnapshotOutcome {
  /** Where streaming starts when a snapshot ran; undefined: from the stored offset as usual. */
  start?: ResumePoint;
  /** False for initial_only (and configuration_based without start.stream). */
  stream: boolean;
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
      const tables = await planTables(opened.readers[0]!, {
        config, resolver: this.options.tables, selects: snapshotIncludes(config.snapshot.includeCollections),
      });
      for (const t of tables) progress.addTable(t.id, t.estimatedRows, state.done.has(t.id));
      log.info({ position, tables: tables.length, resumed: resume !== undefined, readPosition: opened.position, threads: opened.readers.length },
        resume ? 'resuming the snapshot from its last emitted rows' : 'snapshot started');
      progress.start();
      const { envelope, records, sink, offsetRecord } = this.options;
      const emitter = this.emitter = new SnapshotEmitter({
        envelope, at: { file: position.file, pos: position.pos, serverId: 0, gtid: null }, records, sink, state, offsetRecord,
        offsetOf: (current) => snapshotOffset(position, current, Date.now()),
      });
      await readTables({ readers: opened.readers, tables, state, chunkRows: snap.fetchSize ?? DEFAULT_CHUNK_ROWS, maxBytes: config.queue.maxQueueSizeInBytes, emitter, progress, signal });
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
}
