// One connector's streaming path: binlog events → change records → serialized records → Kafka.
// Events queue up in arrival order and are processed synchronously wherever possible; the only
// waits are a table seen for the first time (metadata + schema registration) and a full sink.
// A queue over capacity pauses the binlog connection, so memory stays bounded.
import type { ConnectSchema, ConnectStruct } from '../connect/schema.js';
import { emitChange, processingTime, TransactionOrder, type ChangeRecord, type EnvelopeOptions } from '../envelope/change-events.js';
import { sourceStruct } from '../envelope/source-info.js';
import type { TableSchema } from '../envelope/table-schema.js';
import type { BinlogEvent, RawRow, TableMapEntry } from '../source/binlog-client.js';
import { PositionTracker, type ResumePoint } from '../offsets/position-tracker.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import { parseGtid } from '../source/gtid-position.js';

/** What the pipeline queues: binlog events, and records to send in turn (offset records). */
type QueuedEvent = BinlogEvent | { kind: 'record'; record: OutgoingRecord };

/** Serializes one table's keys and values; synchronous once prepared. */
export interface TableSerializer {
  key(value: ConnectStruct | null): Buffer | null;
  value(value: ConnectStruct | null): Buffer | null;
}

export interface RecordSerializer {
  /** Registers a table's key and value schemas (once) and returns its serializer. */
  prepare(topic: string, keySchema: ConnectSchema | null, valueSchema: ConnectSchema): Promise<TableSerializer>;
}

export interface OutgoingRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Readonly<Record<string, string | Buffer>>;
  /** Set only where the partition is prescribed (offset records). */
  partition?: number;
  /** The source offset reached once this record is acknowledged (last record of a rows event). */
  ackToken?: SourceOffset;
}

export interface RecordSink {
  /** Returns a promise when the sink is full: the caller waits before sending more. */
  send(record: OutgoingRecord): void | Promise<void>;
}

export interface TableResolver {
  /** The captured table's schemas, or null when filters exclude the table. */
  resolve(db: string, table: string, map: TableMapEntry): Promise<TableSchema | null>;
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
  serializer: RecordSerializer;
  sink: RecordSink;
  counters: PipelineCounters;
  /** max.queue.size: change events (rows) held before the binlog connection is paused. */
  queueCapacity: number;
  /** Where the binlog is read from: a GTID position, and what of its first transaction was emitted. */
  start: ResumePoint;
  pauseSource: () => void;
  resumeSource: () => void;
  onError: (error: unknown) => void;
}

interface TransactionState {
  gtid: string;
  serverId: number;
  order: TransactionOrder;
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
  private readonly tableSchemas = new Map<number, { schema: TableSchema; serializer: TableSerializer } | null>();
  private readonly records: ChangeRecord[] = [];
  private idleWaiters: Array<() => void> = [];
  private readonly positions: PositionTracker;

  constructor(private readonly options: StreamingPipelineOptions) {
    this.positions = new PositionTracker(options.start);
  }

  /** The GTID position after the last transaction whose events were all handed to the sink. */
  get position(): string {
    return this.positions.gtids;
  }

  /** Sends a record (an offset record) in turn with the change records: the sink has one sender. */
  sendInOrder(record: OutgoingRecord): void {
    this.push({ kind: 'record', record });
  }

  /**
   * After a lost connection: the open transaction's events will arrive again from its start.
   * Its rows already handed to the sink are then sent twice (at-least-once).
   */
  discardPartialTransaction(): void {
    this.transaction = null;
    this.positions.discardOpenTransaction();
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
    switch (event.kind) {
      case 'record':
        return this.options.sink.send(event.record);
      case 'rotate':
        this.file = event.file;
        // Table ids are per server run, and every binlog connection starts with a rotate: after a
        // server restart the tables are numbered anew and a cached id could name another table.
        this.tableSchemas.clear();
        return;
      case 'tablemap':
      case 'annotate':
        this.positions.eventDone();
        return;
      case 'gtid':
        this.options.counters.onEventRead(event.header.timestampMs);
        this.transaction = { gtid: event.gtid, serverId: event.serverId, order: new TransactionOrder(event.gtid) };
        this.positions.begin(parseGtid(event.gtid), event.serverId, this.file || event.header.file, event.header.position);
        return;
      case 'rows': {
        this.options.counters.onEventRead(event.header.timestampMs);
        if (!this.tableSchemas.has(event.tableId)) return this.loadTable(event).then(() => this.emitRows(event));
        return this.emitRows(event);
      }
      case 'xid':
        this.options.counters.onTransaction();
        this.commit();
        return;
      case 'query':
        // A transaction on a non-transactional engine ends with a COMMIT query instead of an XID.
        if (/^\s*COMMIT\b/i.test(event.sql)) return this.commit();
        if (/^\s*(BEGIN|ROLLBACK|SAVEPOINT)\b/i.test(event.sql)) return this.positions.eventDone();
        // A standalone group (DDL) has no XID; any DDL can change a table's columns or key.
        this.tableSchemas.clear();
        this.commit();
        return;
    }
  }

  private commit(): void {
    this.positions.commit();
    this.transaction = null;
  }

  private async loadTable(event: Extract<BinlogEvent, { kind: 'rows' }>): Promise<void> {
    const schema = await this.options.tables.resolve(event.table.parentSchema, event.table.tableName, event.table);
    const serializer = schema && await this.options.serializer.prepare(schema.topic, schema.keySchema, schema.envelopeSchema);
    this.tableSchemas.set(event.tableId, schema && serializer ? { schema, serializer } : null);
  }

  private emitRows(event: Extract<BinlogEvent, { kind: 'rows' }>): void | Promise<void> {
    const entry = this.tableSchemas.get(event.tableId);
    const emitted = this.positions.rowsAlreadyEmitted();
    if (!entry || emitted === 'all') {
      this.positions.eventDone();
      return;
    }
    const table = entry.schema;
    const { options } = this;
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
    });
    const rows = event.rows;
    for (let i = emitted; i < rows.length; i++) {
      const rowSource = i === 0 ? source : { ...source, row: i };
      const row = rows[i]!;
      if (event.op === 'u') {
        const pair = row as { before: RawRow; after: RawRow };
        emitChange(table, { op: 'u', before: pair.before, after: pair.after }, rowSource, context, records);
      } else if (event.op === 'c') {
        emitChange(table, { op: 'c', before: null, after: row as RawRow }, rowSource, context, records);
      } else {
        emitChange(table, { op: 'd', before: row as RawRow, after: null }, rowSource, context, records);
      }
    }
    options.counters.onChange(table.db, table.table, event.op, rows.length - emitted);
    const offset = this.positions.offsetAfterRows(rows.length, event.header.timestampMs);
    this.positions.eventDone();
    return this.send(records.splice(0), entry.serializer, offset);
  }

  private send(records: ChangeRecord[], serializer: TableSerializer, offset: SourceOffset | undefined): void | Promise<void> {
    const { sink } = this.options;
    const last = records.length - 1;
    for (let i = 0; i <= last; i++) {
      const record = records[i]!;
      const pending = sink.send({
        topic: record.topic,
        key: serializer.key(record.key),
        value: serializer.value(record.value),
        headers: record.headers,
        ...(i === last && offset ? { ackToken: offset } : {}),
      });
      if (pending) return pending.then(() => this.send(records.slice(i + 1), serializer, offset));
    }
  }
}

const YIELD_EVERY_ROWS = 500;

function weight(event: QueuedEvent): number {
  return event.kind === 'rows' ? event.rows.length : 1;
}
