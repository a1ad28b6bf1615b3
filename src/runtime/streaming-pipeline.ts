// One connector's streaming path: binlog events → change records → serialized records → Kafka.
// Events queue up in arrival order and are processed synchronously wherever possible; the only
// waits are a table seen for the first time (metadata + schema registration) and a full sink.
// A queue over capacity pauses the binlog connection, so memory stays bounded.
import type { ConnectSchema, ConnectStruct } from '../connect/schema.js';
import { emitChange, processingTime, TransactionOrder, type ChangeRecord, type EnvelopeOptions } from '../envelope/change-events.js';
import type { TableSchema } from '../envelope/table-schema.js';
import type { BinlogEvent, RawRow, TableMapEntry } from '../source/binlog-client.js';

export interface RecordSerializer {
  /** Registers the schemas of a table once; afterwards key()/value() are synchronous. */
  prepare(topic: string, keySchema: ConnectSchema | null, valueSchema: ConnectSchema): Promise<void>;
  key(topic: string, schema: ConnectSchema | null, value: ConnectStruct | null): Buffer | null;
  value(topic: string, schema: ConnectSchema | null, value: ConnectStruct | null): Buffer | null;
}

export interface OutgoingRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface RecordSink {
  /** Returns a promise when the sink is full: the caller waits before sending more. */
  send(record: OutgoingRecord): void | Promise<void>;
}

export interface TableResolver {
  /** The captured table's schemas, or null when filters exclude the table. */
  resolve(db: string, table: string, map: TableMapEntry): Promise<TableSchema | null>;
  /** A DDL statement ran: cached table schemas may be stale. */
  invalidate(): void;
}

export interface PipelineCounters {
  onChange(db: string, table: string, op: string): void;
  onTransaction(): void;
  onEventRead(timestampMs: number): void;
}

export interface StreamingPipelineOptions {
  envelope: EnvelopeOptions;
  tables: TableResolver;
  serializer: RecordSerializer;
  sink: RecordSink;
  counters: PipelineCounters;
  /** max.queue.size: binlog events held before the connection is paused. */
  queueCapacity: number;
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
  private queue: BinlogEvent[] = [];
  private head = 0;
  private draining = false;
  private sourcePaused = false;
  private failed = false;
  private file = '';
  private transaction: TransactionState | null = null;
  private readonly tableSchemas = new Map<number, TableSchema | null>();
  private readonly records: ChangeRecord[] = [];
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: StreamingPipelineOptions) {}

  /** Called by the binlog client for every event, in binlog order. */
  readonly push = (event: BinlogEvent): void => {
    if (this.failed) return;
    this.queue.push(event);
    if (!this.sourcePaused && this.queue.length - this.head >= this.options.queueCapacity) {
      this.sourcePaused = true;
      this.options.pauseSource();
    }
    if (!this.draining) void this.drain();
  };

  get queuedEvents(): number {
    return this.queue.length - this.head;
  }

  /** Resolves once every queued event has been handed to the sink. */
  idle(): Promise<void> {
    if (!this.draining && this.queuedEvents === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.head < this.queue.length) {
        const event = this.queue[this.head]!;
        this.queue[this.head++] = undefined as unknown as BinlogEvent; // release it for GC
        const pending = this.process(event);
        if (pending) await pending;
        if (this.sourcePaused && this.queue.length - this.head <= this.options.queueCapacity / 2) {
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

  private process(event: BinlogEvent): void | Promise<void> {
    switch (event.kind) {
      case 'rotate':
        this.file = event.file;
        return;
      case 'gtid':
        this.options.counters.onEventRead(event.header.timestampMs);
        this.transaction = { gtid: event.gtid, serverId: event.serverId, order: new TransactionOrder(event.gtid) };
        return;
      case 'rows': {
        this.options.counters.onEventRead(event.header.timestampMs);
        if (!this.tableSchemas.has(event.tableId)) return this.loadTable(event).then(() => this.emitRows(event));
        return this.emitRows(event);
      }
      case 'xid':
        this.options.counters.onTransaction();
        this.transaction = null;
        return;
      case 'query':
        // A standalone group (DDL) has no XID; any DDL can change a table's columns or key.
        if (!/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT)\b/i.test(event.sql)) {
          this.tableSchemas.clear();
          this.options.tables.invalidate();
          this.transaction = null;
        }
        return;
      case 'annotate':
        return;
    }
  }

  private async loadTable(event: Extract<BinlogEvent, { kind: 'rows' }>): Promise<void> {
    const schema = await this.options.tables.resolve(event.table.parentSchema, event.table.tableName, event.table);
    if (schema) await this.options.serializer.prepare(schema.topic, schema.keySchema, schema.envelopeSchema);
    this.tableSchemas.set(event.tableId, schema);
  }

  private emitRows(event: Extract<BinlogEvent, { kind: 'rows' }>): void | Promise<void> {
    const table = this.tableSchemas.get(event.tableId);
    if (!table) return;
    const { options } = this;
    const transaction = this.transaction;
    const time = processingTime();
    const context = { time, transaction: transaction?.order ?? null, options: options.envelope };
    const records = this.records;
    records.length = 0;
    const position = {
      timestampMs: event.header.timestampMs,
      db: table.db,
      table: table.table,
      serverId: transaction?.serverId ?? 0,
      gtid: transaction?.gtid ?? null,
      file: this.file || event.header.file,
      pos: event.header.position,
      row: 0,
    };
    const rows = event.rows;
    for (let i = 0; i < rows.length; i++) {
      position.row = i;
      const row = rows[i]!;
      if (event.op === 'u') {
        const pair = row as { before: RawRow; after: RawRow };
        emitChange(table, { op: 'u', before: pair.before, after: pair.after }, position, context, records);
      } else if (event.op === 'c') {
        emitChange(table, { op: 'c', before: null, after: row as RawRow }, position, context, records);
      } else {
        emitChange(table, { op: 'd', before: row as RawRow, after: null }, position, context, records);
      }
      options.counters.onChange(table.db, table.table, event.op);
    }
    return this.send(records.splice(0));
  }

  private send(records: ChangeRecord[]): void | Promise<void> {
    const { serializer, sink } = this.options;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const pending = sink.send({
        topic: record.topic,
        key: serializer.key(record.topic, record.keySchema, record.key),
        value: serializer.value(record.topic, record.valueSchema, record.value),
        headers: record.headers,
      });
      if (pending) return pending.then(() => this.send(records.slice(i + 1)));
    }
  }
}
