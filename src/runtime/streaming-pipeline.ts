// One connector's streaming path: binlog events → change records → record path (transforms,
// converters: record-path.ts) → Kafka.
// Events queue up in arrival order and are processed synchronously wherever possible; the only
// waits are a table seen for the first time (metadata + schema registration) and a full sink.
// A queue over capacity pauses the binlog connection, so memory stays bounded.
import { emitChange, processingTime, TransactionOrder, type ChangeRecord, type EnvelopeOptions } from '../envelope/change-events.js';
import { sourceStruct } from '../envelope/source-info.js';
import type { TableSchema } from '../envelope/table-schema.js';
import type { BinlogEvent, EventHeader, RawRow, TableMap } from '../source/binlog-client.js';
import { PositionTracker, type ResumePoint } from '../offsets/position-tracker.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import { parseGtid } from '../source/gtid-position.js';
import { sourceOf, type GtidSourceFilter } from '../source/gtid-filter.js';
import type { EventOrigin } from './record-path.js';
import type { Operation } from '../config/events.js';
import type { SideRecords } from './side-records.js';
import type { StreamPoint, StreamSignals } from './stream-signals.js';

/**
 * What the pipeline queues: binlog events, records to send in turn (offset records), heartbeat
 * ticks, signal checks, and work the stream waits for (a blocking snapshot asked for through Kafka).
 */
type QueuedEvent = BinlogEvent | { kind: 'record'; record: OutgoingRecord } | { kind: 'heartbeat' } | { kind: 'signals' }
  | { kind: 'pause'; run: (at: StreamPoint) => Promise<void> };

/** Change records → outgoing records (transforms, converters, error policy: record-path.ts). */
export interface RecordConversion {
  /** Synchronous once the topics and schemas involved are prepared. */
  convert(records: readonly ChangeRecord[], origin: EventOrigin): OutgoingRecord[] | Promise<OutgoingRecord[]>;
  /** A row that could not become change records: throws to fail the connector, or returns to skip it. */
  eventFailed(error: unknown, origin: EventOrigin & { row: number }): void;
}

export interface OutgoingRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Readonly<Record<string, string | Buffer>>;
  /** Set only where the partition is prescribed (offset records, a transform's choice). */
  partition?: number;
  timestampMs?: number;
  /** The source offset reached once this record is acknowledged (last record of a rows event). */
  ackToken?: SourceOffset;
}

export interface RecordSink {
  /** Returns a promise when the sink is full: the caller waits before sending more. */
  send(record: OutgoingRecord): void | Promise<void>;
}

export interface TableResolver {
  /** The schemas of rows written with this TABLE_MAP, or null when filters exclude the table. */
  resolve(map: TableMap): Promise<TableSchema | null>;
  /** The same from the table's definition alone: a table read by a snapshot, or named by a statement (TRUNCATE). */
  resolveByName(db: string, table: string): Promise<TableSchema | null>;
}

export interface PipelineCounters {
  /** Once per rows event, with the number of rows. */
  onChange(db: string, table: string, op: string, rows: number): void;
  onTransaction(): void;
  onEventRead(timestampMs: number): void;
}

export interface StreamingPipelineOptions {
  envelope: EnvelopeOptions;
  tables: TableResolver;
  records: RecordConversion;
  sink: RecordSink;
  counters: PipelineCounters;
  /** max.queue.size: change events (rows) held before the binlog connection is paused. */
  queueCapacity: number;
  /** Where the binlog is read from: a GTID position, and what of its first transaction was emitted. */
  start: ResumePoint;
  /** gtid.source.* with gtid.source.filter.dml.events: rows of transactions from other sources are not emitted. */
  gtidSourceFilter?: GtidSourceFilter;
  pauseSource: () => void;
  resumeSource: () => void;
  onError: (error: unknown) => void;
  /** Transaction, schema change, truncate and heartbeat records. */
  side?: SideRecords;
  /** include.query: rows carry the statement of the ANNOTATE_ROWS event before them. */
  includeQuery?: boolean;
  /** skipped.operations: row operations not emitted. */
  skippedOperations?: ReadonlySet<Operation>;
  /**
   * The offsets-topic record storing an offset whose rows event's records were all dropped
   * (transforms, errors.tolerance=all without a dead letter topic), so the offset still advances.
   */
  offsetRecord?: (offset: SourceOffset) => OutgoingRecord;
  /** signal.data.collection: signal rows, incremental snapshot windows, its progress in offsets. */
  signals?: StreamSignals;
}

interface TransactionState {
  gtid: string;
  serverId: number;
  order: TransactionOrder;
  /** From a GTID source the filter leaves out. */
  excluded: boolean;
}

export class StreamingPipeline {
  private queue: QueuedEvent[] = [];
  private head = 0;
  /** Rows (1 for other events) queued: Debezium's max.queue.size counts change events, not binlog events. */
  private queuedRows = 0;
  private draining = false;
  private sourcePaused = false;
  private failed = false;
  private file = '';
  private transaction: TransactionState | null = null;
  /** The statement of the last ANNOTATE_ROWS event in this transaction (include.query). */
  private query: string | null = null;
  /** Per table id, with the TABLE_MAP it was resolved for: rows written with another structure need their own. */
  private readonly tableSchemas = new Map<number, { map: TableMap; schema: TableSchema | null }>();
  private readonly records: ChangeRecord[] = [];
  private idleWaiters: Array<() => void> = [];
  private readonly positions: PositionTracker;
  /** Where the last finished transaction ended (after its XID/COMMIT), for committedOffset. */
  private committedAt: { file: string; pos: number; tsSec: number } | null = null;
  private read: { file: string; pos: number; timestampMs?: number } | undefined;

  constructor(private readonly options: StreamingPipelineOptions) {
    this.positions = new PositionTracker(options.start);
  }

  /** The GTID position after the last transaction whose events were all handed to the sink. */
  get position(): string {
    return this.positions.gtids;
  }

  /**
   * The offset right after the last finished transaction, as Debezium stores it between
   * transactions; what a pause or stop records when no change record carried a newer offset
   * (filtered tables, an idle connector), so resume neither skips nor repeats.
   */
  get committedOffset(): SourceOffset | undefined {
    const at = this.committedAt;
    if (!at || at.file === '') return undefined;
    return this.withProgress({ file: at.file, pos: at.pos, gtids: this.positions.gtids, ...(at.tsSec ? { ts_sec: at.tsSec } : {}) });
  }

  /**
   * Where the stream stands between transactions, for a signal check (checkSignals); the offset is
   * without the incremental snapshot's progress, which the task adds as it is then. Before the first
   * transaction since connecting, the connection's start (unless a partly emitted transaction is
   * still to come: no offset then).
   */
  private boundaryPoint(): StreamPoint {
    const at = this.committedAt ?? (this.positions.resumingInside ? null : this.read ?? null);
    const offset = at && at.file !== '' ? { file: at.file, pos: at.pos, gtids: this.positions.gtids } : undefined;
    return { offset, file: at?.file ?? this.file, pos: at?.pos ?? 0, gtid: null, serverId: 0, gtids: this.positions.gtids };
  }

  /** Sends a record (an offset record) in turn with the change records: the sink has one sender. */
  sendInOrder(record: OutgoingRecord): void {
    this.push({ kind: 'record', record });
  }

  /**
   * Queues a turn for signals.betweenTransactions in order with the events, so what it sends cannot
   * interleave with the stream's records. Reached inside a transaction it does nothing: that
   * transaction's end takes the turn (and an offset there never goes back behind rows already sent).
   */
  checkSignals(): void {
    this.push({ kind: 'signals' });
  }

  /**
   * Runs `run` once every event read so far was handled, at the position reached then; the events
   * read after wait for it (a full queue pauses the binlog connection meanwhile).
   */
  pauseFor(run: (at: StreamPoint) => Promise<void>): void {
    this.push({ kind: 'pause', run });
  }

  /** Queues a heartbeat: written in turn, at the position reached by then. */
  heartbeat(): void {
    this.push({ kind: 'heartbeat' });
  }

  /**
   * After a lost connection, once idle: the open transaction will arrive again from its start;
   * the returned point (also applied here) skips its events already handed to the sink.
   */
  prepareReconnect(): ResumePoint {
    this.transaction = null;
    return this.positions.reconnectPoint();
  }

  /** Called by the binlog client for every event, in binlog order. */
  readonly push = (event: QueuedEvent): void => {
    if (this.failed) return;
    this.queue.push(event);
    this.queuedRows += weight(event);
    if (!this.sourcePaused && this.queuedRows >= this.options.queueCapacity) {
      this.sourcePaused = true;
      this.options.pauseSource();
    }
    if (!this.draining) void this.drain();
  };

  /** File coordinates after the last event processed, and its header time (for lag metrics). */
  get lastRead(): { file: string; pos: number; timestampMs?: number } | undefined {
    return this.read;
  }

  /** Change events read but not yet handed to the sink. */
  get queuedEvents(): number {
    return this.queuedRows;
  }

  /** Resolves once every queued event has been handed to the sink. */
  idle(): Promise<void> {
    if (!this.draining && (this.failed || this.head === this.queue.length)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    let sinceYield = 0;
    try {
      while (this.head < this.queue.length) {
        // Hand the event loop to the Kafka client now and then: it sends sealed batches and reads
        // acknowledgements only between our turns, and the broker should work while we convert.
        if (sinceYield >= YIELD_EVERY_ROWS) {
          sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
        const event = this.queue[this.head]!;
        this.queue[this.head++] = undefined as unknown as QueuedEvent; // release it for GC
        const pending = this.process(event);
        if (pending) await pending;
        this.queuedRows -= weight(event);
        sinceYield += weight(event);
        if (this.sourcePaused && this.queuedRows <= this.options.queueCapacity / 2) {
          this.sourcePaused = false;
          this.options.resumeSource();
        }
      }
      this.queue = [];
      this.head = 0;
    } catch (error) {
      this.failed = true;
      this.options.onError(error);
    } finally {
      this.draining = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private process(event: QueuedEvent): void | Promise<void> {
    if (event.kind === 'rotate') this.read = { ...this.read, file: event.file, pos: event.position };
    else if ('header' in event) this.read = { file: this.file || event.header.file, pos: event.header.nextPosition, timestampMs: event.header.timestampMs };
    const side = this.options.side;
    if (side && event.kind !== 'gtid' && 'header' in event) side.eventRead(event.header.timestampMs);
    switch (event.kind) {
      case 'record':
        return this.options.sink.send(event.record);
      case 'heartbeat':
        return side?.heartbeat();
      case 'signals':
        if (this.transaction) return;
        return this.options.signals?.betweenTransactions?.(() => this.boundaryPoint());
      case 'pause':
        return event.run(this.streamPoint());
      case 'rotate':
        this.file = event.file;
        // Table ids are per server run, and every binlog connection starts with a rotate: after a
        // server restart the tables are numbered anew and a cached id could name another table.
        this.tableSchemas.clear();
        // The connection's first rotate names the file (zongji delivers it ~0.7 s after connecting):
        // a read-only window waiting on an idle server for a position to close at gets it here.
        if (this.transaction) return;
        return this.options.signals?.betweenTransactions?.(() => this.boundaryPoint());
      case 'annotate':
        if (this.options.includeQuery) this.query = event.statement;
        this.positions.eventDone();
        return;
      case 'tablemap':
        this.positions.eventDone();
        return;
      case 'gtid': {
        this.options.counters.onEventRead(event.header.timestampMs);
        const gtid = parseGtid(event.gtid);
        const filter = this.options.gtidSourceFilter;
        const excluded = filter !== undefined && !filter(sourceOf(gtid));
        this.transaction = { gtid: event.gtid, serverId: event.serverId, order: new TransactionOrder(event.gtid), excluded };
        this.positions.begin(gtid, event.serverId, this.file || event.header.file, event.header.position);
        this.query = null;
        // A transaction resumed in the middle had its BEGIN written before the restart.
        return excluded ? undefined : side?.begin(this.transaction, event.header, !this.positions.resumingInside);
      }
      case 'rows': {
        this.options.counters.onEventRead(event.header.timestampMs);
        if (!this.resolved(event)) return this.loadTable(event).then(() => this.emitRows(event));
        return this.emitRows(event);
      }
      case 'xid':
        this.options.counters.onTransaction();
        return this.commit(event.header);
      case 'query': {
        // A transaction on a non-transactional engine ends with a COMMIT query instead of an XID.
        if (/^\s*COMMIT\b/i.test(event.sql)) return this.commit(event.header);
        if (/^\s*(BEGIN|ROLLBACK|SAVEPOINT)\b/i.test(event.sql)) return this.positions.eventDone();
        // A standalone group (DDL) has no XID; any DDL can change a table's columns or key.
        this.tableSchemas.clear();
        const transaction = this.transaction;
        this.markCommitted(event.header);
        const written = side?.statement({ ...event, file: this.file || event.header.file }, transaction, this.offsetAfter(event.header, transaction));
        return written ? written.then(() => this.committed(event.header, transaction)) : this.committed(event.header, transaction);
      }
    }
  }

  private commit(header: EventHeader): void | Promise<void> {
    const transaction = this.transaction;
    this.markCommitted(header);
    const ended = this.options.side?.end(transaction?.excluded ? null : transaction, header, () => this.offsetAfter(header, transaction));
    return ended ? ended.then(() => this.committed(header, transaction)) : this.committed(header, transaction);
  }

  /** A transaction (or DDL) is finished: a read-only incremental snapshot's window may close here. */
  private committed(header: EventHeader, transaction: TransactionState | null): void | Promise<void> {
    // The offset without the snapshot's progress: the snapshot adds it as it is after emitting there.
    return this.options.signals?.betweenTransactions?.(() => ({
      offset: this.positionAfter(header, transaction), file: this.file || header.file, pos: header.position,
      gtid: transaction?.gtid ?? null, serverId: transaction?.serverId ?? 0, gtids: this.positions.gtids,
    }));
  }

  private markCommitted(header: EventHeader): void {
    this.committedAt = { file: this.file || header.file, pos: header.nextPosition, tsSec: Math.floor(header.timestampMs / 1000) };
    this.positions.commit();
    this.transaction = null;
  }

  /** Debezium's offset between transactions: after the event that finished one. */
  private offsetAfter(header: EventHeader, transaction: TransactionState | null): SourceOffset {
    return this.withProgress(this.positionAfter(header, transaction));
  }

  private positionAfter(header: EventHeader, transaction: TransactionState | null): SourceOffset {
    return {
      file: this.file || header.file,
      pos: header.nextPosition,
      gtids: this.positions.gtids,
      ...(transaction?.serverId ? { server_id: transaction.serverId } : {}),
      ts_sec: Math.floor(header.timestampMs / 1000),
    };
  }

  /** Where the stream stands between two events: inside a transaction, after its events handled so far. */
  private streamPoint(): StreamPoint {
    const transaction = this.transaction;
    const read = this.read;
    const inside = transaction ? this.positions.offsetAfterRows(0, read?.timestampMs ?? Date.now()) : undefined;
    const offset = inside ? this.withProgress(inside) : this.committedOffset;
    return { offset, file: read?.file ?? '', pos: read?.pos ?? 0, gtid: transaction?.gtid ?? null, serverId: transaction?.serverId ?? 0 };
  }

  /** A running incremental snapshot's progress rides in every offset, as in Debezium. */
  private withProgress(offset: SourceOffset): SourceOffset {
    const signals = this.options.signals;
    return signals?.offsetKeys.incremental_snapshot_collections ? { ...offset, ...signals.offsetKeys } : offset;
  }

  /** Rows inserted into the signal table are signals (the table need not be captured). */
  private signalRows(event: Extract<BinlogEvent, { kind: 'rows' }>, emitted: number | 'all'): void | Promise<void> {
    const signals = this.options.signals;
    if (!signals || emitted === 'all' || event.op !== 'c' || !signals.isSignalTable(event.table.db, event.table.table)) return;
    const rows = event.rows as RawRow[];
    return signals.signalRows(rows.slice(emitted), {
      offset: this.positions.offsetAfterRows(rows.length, event.header.timestampMs),
      file: this.file || event.header.file, pos: event.header.position,
      gtid: this.transaction?.gtid ?? null, serverId: this.transaction?.serverId ?? 0,
    });
  }

  private async loadTable(event: Extract<BinlogEvent, { kind: 'rows' }>): Promise<void> {
    const schema = await this.options.tables.resolve(event.table);
    this.tableSchemas.set(event.tableId, { map: event.table, schema });
  }

  private resolved(event: Extract<BinlogEvent, { kind: 'rows' }>): boolean {
    const cached = this.tableSchemas.get(event.tableId);
    return cached !== undefined && (cached.map === event.table || cached.map.signature === event.table.signature);
  }

  private emitRows(event: Extract<BinlogEvent, { kind: 'rows' }>): void | Promise<void> {
    const emitted = this.positions.rowsAlreadyEmitted();
    const signalled = this.signalRows(event, emitted);
    return signalled ? signalled.then(() => this.emitTableRows(event, emitted)) : this.emitTableRows(event, emitted);
  }

  private emitTableRows(event: Extract<BinlogEvent, { kind: 'rows' }>, emitted: number | 'all'): void | Promise<void> {
    const { options } = this;
    const table = this.tableSchemas.get(event.tableId)?.schema;
    if (!table || emitted === 'all' || this.transaction?.excluded || options.skippedOperations?.has(event.op)) {
      this.positions.eventDone();
      return;
    }
    options.signals?.rowsStreamed(table, event.op, event.rows, { file: this.file || event.header.file, pos: event.header.position });
    const transaction = this.transaction;
    const time = processingTime();
    const context = { time, transaction: transaction?.order ?? null, options: options.envelope };
    const records = this.records;
    records.length = 0;
    // One source block per event; rows differ only in `row` (BigInt conversions happen once).
    const source = sourceStruct(options.envelope.identity, {
      timestampMs: event.header.timestampMs,
      db: table.db,
      table: table.table,
      serverId: transaction?.serverId ?? 0,
      gtid: transaction?.gtid ?? null,
      file: this.file || event.header.file,
      pos: event.header.position,
      row: 0,
      query: this.query,
    });
    const rows = event.rows;
    const origin = { table: `${table.db}.${table.table}`, gtid: transaction?.gtid ?? null, file: this.file || event.header.file, pos: event.header.position };
    for (let i = emitted; i < rows.length; i++) {
      const rowSource = i === 0 ? source : { ...source, row: i };
      const row = rows[i]!;
      try {
        if (event.op === 'u') {
          const pair = row as { before: RawRow; after: RawRow };
          emitChange(table, { op: 'u', before: pair.before, after: pair.after }, rowSource, context, records);
        } else if (event.op === 'c') {
          emitChange(table, { op: 'c', before: null, after: row as RawRow }, rowSource, context, records);
        } else {
          emitChange(table, { op: 'd', before: row as RawRow, after: null }, rowSource, context, records);
        }
      } catch (error) {
        options.records.eventFailed(error, { ...origin, row: i });
      }
    }
    options.counters.onChange(table.db, table.table, event.op, rows.length - emitted);
    if (rows.length > emitted) options.side?.rowEmitted(rows.length - 1);
    // Converted before anything is sent: a record that fails (errors.tolerance=none) stops the
    // connector with none of its event's records written, so it resumes at that event.
    const converted = options.records.convert(records.splice(0), origin);
    const done = (outgoing: OutgoingRecord[]): void | Promise<void> => {
      const offset = this.positions.offsetAfterRows(rows.length, event.header.timestampMs);
      this.positions.eventDone();
      return this.send(outgoing, offset);
    };
    return Array.isArray(converted) ? done(converted) : converted.then(done);
  }

  private send(records: OutgoingRecord[], offset: SourceOffset | undefined): void | Promise<void> {
    const { sink, offsetRecord } = this.options;
    // Like any record, the offset-only one rides in the sink's transaction (exactly-once) or is
    // acknowledged with its ackToken for the periodic offset writer (at-least-once).
    if (records.length === 0 && offset && offsetRecord) records = [offsetRecord(offset)];
    const last = records.length - 1;
    for (let i = 0; i <= last; i++) {
      const record = records[i]!;
      const pending = sink.send(i === last && offset ? { ...record, ackToken: this.withProgress(offset) } : record);
      if (pending) return pending.then(() => this.send(records.slice(i + 1), offset));
    }
  }
}

const YIELD_EVERY_ROWS = 500;

function weight(event: QueuedEvent): number {
  return event.kind === 'rows' ? event.rows.length : 1;
}
