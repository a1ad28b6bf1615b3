// Incremental snapshots with DBLog watermarks, as Debezium's AbstractIncrementalSnapshotChangeEventSource:
// a table is read in primary-key chunks while streaming goes on. For each chunk an open-window row
// is written to the signal table, the chunk is SELECTed, and a close-window row is written. The
// binlog brings both rows back in order with the writers' changes: a change streamed between the
// two (the window) supersedes the chunk's copy of that row, so at the close the chunk's other rows
// are emitted as `op=r` (source.snapshot `incremental`) at that point of the stream. Only one chunk
// is held at a time; the progress rides in every offset (incremental-state.ts).
// With read.only=true nothing is written: the chunk is read at an exact binlog point instead and
// the window closes on the stream's GTID position (read-only-window.ts).
import { sendCarryingOffset } from './offset-carrier.js';
import { randomUUID } from 'node:crypto';
import type { ConnectStruct } from '../connect/schema.js';
import type { ConnectorConfig } from '../config/index.js';
import { processingTime, type ChangeRecord, type EnvelopeOptions } from '../envelope/change-events.js';
import { sourceStruct } from '../envelope/source-info.js';
import type { TableSchema } from '../envelope/table-schema.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { RawRow } from '../source/binlog-client.js';
import { INFORMATION_SCHEMA_COLUMNS_QUERY } from '../source/column-descriptor.js';
import { maximumKey, readIncrementalChunk, writeWatermark, type ChunkQuery } from '../source/incremental-chunk-reader.js';
import { primaryKeyOf } from '../source/snapshot-reader.js';
import { readAtSnapshotPoint, type BinlogCoordinates } from '../source/binlog-snapshot-point.js';
import { ReadOnlyWindow } from './read-only-window.js';
import { openSnapshotSqlClient, type SnapshotSqlClient, type SqlEndpoint, type SqlRow } from '../source/sql-client.js';
import { afterChunk, encodeIncrementalState, withCollections, withoutCollections, type IncrementalOffsetKeys, type IncrementalState } from './incremental-state.js';
import type { Logger } from './logger.js';
import { parseSignal, type CollectionCondition, type Signal } from './signals.js';
import type { OutgoingRecord, RecordConversion, RecordSink, TableResolver } from './streaming-pipeline.js';

/** Where in the stream a signal-table rows event stands (its offset, for records emitted there). */
export interface StreamPoint {
  offset: SourceOffset | undefined;
  file: string;
  pos: number;
  gtid: string | null;
  serverId: number;
  /** The stream's GTID position there (after the transactions finished so far). */
  gtids?: string;
}

/** The stream as a read-only incremental snapshot needs it: a turn in its order. */
export interface StreamView {
  /** Calls betweenTransactions in the stream's order, at the next point between transactions. */
  checkSignals(): void;
}

/** What the streaming pipeline tells the incremental snapshot, and asks of it. */
export interface StreamSignals {
  isSignalTable(db: string, table: string): boolean;
  /** Inserted rows of the signal table; a close window emits its chunk before the stream goes on. */
  signalRows(rows: readonly RawRow[], at: StreamPoint): void | Promise<void>;
  /** Rows of a captured table as streamed (raw row images, at a rows event's position): they supersede the open chunk's copies. */
  rowsStreamed(table: TableSchema, op: 'c' | 'u' | 'd', rows: readonly unknown[], at: BinlogCoordinates): void;
  /**
   * The stream is between transactions (one just finished, or checkSignals asked): a read-only
   * window may close (emit its chunk) here. The point is built only when asked for.
   */
  betweenTransactions?(at: () => StreamPoint): void | Promise<void>;
  /** The snapshot's progress, added to every offset while it runs. */
  readonly offsetKeys: IncrementalOffsetKeys;
}

export interface IncrementalSnapshotOptions {
  config: ConnectorConfig;
  endpoint: SqlEndpoint;
  tables: TableResolver;
  records: RecordConversion;
  sink: RecordSink;
  envelope: EnvelopeOptions;
  offsetRecord: (offset: SourceOffset) => OutgoingRecord;
  log: Logger;
  /** Stored progress (the resumed offset), if a snapshot was running. */
  initial: IncrementalState | null;
  onError: (error: unknown) => void;
  /** Runs a blocking snapshot (blocking-snapshot.ts); the stream waits for it. */
  blocking: (signal: Extract<Signal, { kind: 'execute-blocking-snapshot' }>, at: StreamPoint) => Promise<void>;
}

interface PreparedTable {
  id: string;
  query: ChunkQuery;
  schema: TableSchema;
}

interface Window {
  id: string;
  table: PreparedTable;
  rows: SqlRow[] | null;
  open: boolean;
  /** Keys of rows streamed while the window was open. */
  touched: Set<string>;
  /** read.only=true: keys streamed with their positions, sorted out against the chunk's snapshot point. */
  readOnly?: ReadOnlyWindow;
}

export class IncrementalSnapshot implements StreamSignals {
  private state: IncrementalState | null = null;
  offsetKeys: IncrementalOffsetKeys = {};
  private paused = false;
  private started = false;
  private stopped = false;
  private window: Window | null = null;
  /** The chunk read whose close-window row is still to come back through the binlog. */
  private pendingClose: string | null = null;
  private reader: SnapshotSqlClient | null = null;
  private prepared: PreparedTable | null = null;
  private readonly signalTable: string;
  private readonly chunkSize: number;
  private stream: StreamView | null = null;
  /** read.only=true: the chunk read whose window closes once the stream passed its high watermark. */
  private readOnlyRead: { id: string; window: ReadOnlyWindow } | null = null;
  /** Where the last rows event of a captured table was streamed (binlog rotations and other events do not count). */
  private lastRowsAt: BinlogCoordinates | undefined;

  constructor(private readonly options: IncrementalSnapshotOptions) {
    this.signalTable = options.config.signals.dataCollection ?? '';
    this.chunkSize = options.config.signals.incrementalChunkSize;
    this.setState(options.initial);
  }

  /** read.only=true: the stream whose positions close the windows (set before start). */
  attachStream(stream: StreamView): void {
    this.stream = stream;
  }

  /** Streaming is connected: a stored snapshot continues with its next chunk. */
  start(): void {
    this.started = true;
    if (this.state) this.options.log.info({ tables: this.state.collections.map((c) => c.id) }, 'incremental snapshot: resuming after the last emitted chunk');
    this.nextChunk();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.reader?.close().catch(() => undefined);
    this.reader = null;
  }

  isSignalTable(db: string, table: string): boolean {
    return this.signalTable !== '' && `${db}.${table}` === this.signalTable;
  }

  signalRows(rows: readonly RawRow[], at: StreamPoint): void | Promise<void> {
    let pending: Promise<void> | undefined;
    for (const row of rows) {
      const signal = parseSignal(row['id'], row['type'], row['data']);
      pending = pending ? pending.then(() => this.apply(signal, at)) : this.apply(signal, at) ?? undefined;
    }
    return pending;
  }

  rowsStreamed(table: TableSchema, op: 'c' | 'u' | 'd', rows: readonly unknown[], at: BinlogCoordinates): void {
    this.lastRowsAt = at;
    const window = this.window;
    if (!(window?.open || window?.readOnly) || `${table.db}.${table.table}` !== window.table.id) return;
    for (const row of rows) {
      const images = op === 'u' ? [(row as { before: RawRow }).before, (row as { after: RawRow }).after] : [row as RawRow];
      for (const image of images) {
        if (window.readOnly) window.readOnly.record(keyText(table.key(image)), at);
        else window.touched.add(keyText(table.key(image)));
      }
    }
  }

  betweenTransactions(at: () => StreamPoint): void | Promise<void> {
    const read = this.readOnlyRead;
    if (read === null || read.id !== this.pendingClose) return;
    const point = at();
    if (!read.window.reachedBy(point.gtids ?? '')) return;
    this.readOnlyRead = null;
    return this.closeWindow(point, (key) => read.window.supersedes(key));
  }

  /** Signals also arrive from the Kafka channel; they are applied in the stream's order all the same. */
  apply(signal: Signal, at: StreamPoint): void | Promise<void> {
    const { log } = this.options;
    switch (signal.kind) {
      case 'snapshot-window-open':
        if (this.window && signal.id === `${this.window.id}-open`) this.window.open = true;
        return;
      case 'snapshot-window-close':
        if (this.pendingClose !== null && signal.id === `${this.pendingClose}-close`) return this.closeWindow(at);
        return;
      case 'execute-snapshot':
        log.info({ signal: signal.id, tables: signal.collections.map((c) => c.id) }, 'incremental snapshot requested');
        this.setState(withCollections(this.state, signal.id, signal.collections));
        this.nextChunk();
        return;
      case 'execute-blocking-snapshot':
        // This snapshot's progress stays in the offsets the blocking snapshot writes.
        return this.options.blocking(signal, { ...at, offset: at.offset && { ...at.offset, ...this.offsetKeys } });
      case 'stop-snapshot': {
        log.info({ signal: signal.id, tables: signal.collections }, 'incremental snapshot stopped');
        const current = this.state?.collections[0]?.id;
        this.setState(withoutCollections(this.state, signal.collections));
        if (this.window && this.state?.collections[0]?.id !== current) this.window = null;
        return;
      }
      case 'pause-snapshot':
        log.info({ signal: signal.id }, 'incremental snapshot paused');
        this.paused = true;
        return;
      case 'resume-snapshot':
        log.info({ signal: signal.id }, 'incremental snapshot resumed');
        this.paused = false;
        this.nextChunk();
        return;
      case 'ignored':
        log.warn({ signal: signal.id }, `signal ignored: ${signal.reason}`);
        return;
    }
  }

  private setState(state: IncrementalState | null): void {
    this.state = state && state.collections.length > 0 ? state : null;
    this.offsetKeys = encodeIncrementalState(this.state);
  }

  /** Starts reading the next chunk unless one is in flight; its rows come out at its close window. */
  private nextChunk(): void {
    if (!this.started || this.stopped || this.paused || this.pendingClose !== null || this.state === null) return;
    const id = randomUUID();
    this.pendingClose = id;
    this.readChunk(id).catch((error: unknown) => {
      if (!this.stopped) this.options.onError(error);
    });
  }

  private async readChunk(id: string): Promise<void> {
    const reader = (this.reader ??= await openSnapshotSqlClient(this.options.endpoint));
    const state = this.state!;
    const table = await this.prepare(reader, state.collections[0]!);
    if (this.stopped || this.state !== state) return this.retry(id);
    if (table === null) return this.skipTable(id, state);
    let max = state.maxKey;
    if (max === null) {
      max = await maximumKey(reader, table.query);
      if (max === null) return this.skipTable(id, state, 'no rows to read');
      this.setState({ ...state, maxKey: max });
    }
    const window: Window = { id, table, rows: null, open: false, touched: new Set() };
    this.window = window;
    if (this.options.config.signals.readOnly) return this.readChunkReadOnly(reader, window, max);
    await writeWatermark(reader, this.signalTable, `${id}-open`, 'snapshot-window-open', JSON.stringify({ openWindowTimestamp: new Date().toISOString() }));
    window.rows = await readIncrementalChunk(reader, table.query, this.state?.lastKey ?? null, max, this.chunkSize);
    await writeWatermark(reader, this.signalTable, `${id}-close`, 'snapshot-window-close', JSON.stringify({ closeWindowTimestamp: new Date().toISOString() }));
  }

  /**
   * read.only=true: the chunk is read at the snapshot point; the window closes in the stream's
   * order, at once when the stream already passed the high watermark (an idle server), or at the
   * first transaction end that passes it.
   */
  private async readChunkReadOnly(reader: SnapshotSqlClient, window: Window, max: readonly unknown[]): Promise<void> {
    const stream = this.stream!;
    const readOnly = (window.readOnly = new ReadOnlyWindow(this.lastRowsAt));
    const chunk = await readAtSnapshotPoint(reader, () => readIncrementalChunk(reader, window.table.query, this.state?.lastKey ?? null, max, this.chunkSize));
    if (!readOnly.settle(chunk.snapshotAt, chunk.highWatermark)) {
      this.options.log.info({ table: window.table.id }, 'incremental snapshot: the stream was past the chunk\'s snapshot point; reading it again');
      if (this.window === window) this.window = null;
      return this.retry(window.id);
    }
    window.rows = chunk.rows;
    this.readOnlyRead = { id: window.id, window: readOnly };
    stream.checkSignals();
  }

  /** The state changed (a signal) while the table was prepared: start over from the new state. */
  private retry(id: string): void {
    if (this.pendingClose === id) this.pendingClose = null;
    this.nextChunk();
  }

  private skipTable(id: string, state: IncrementalState, reason?: string): void {
    const table = state.collections[0]!.id;
    if (reason) this.options.log.info({ table }, `incremental snapshot: ${table} done (${reason})`);
    if (this.state === state) this.setState(afterChunk(state, null));
    this.retry(id);
  }

  /** The close-window row came back: the chunk's rows not streamed in the window are emitted here. */
  private closeWindow(at: StreamPoint, superseded?: (key: string) => boolean): void | Promise<void> {
    const window = this.window;
    const state = this.state;
    this.window = null;
    this.pendingClose = null;
    if (!window?.rows || !state || state.collections[0]?.id !== window.table.id) return this.nextChunk();
    const rows = window.rows;
    const { keyColumns } = window.table.query.read;
    const done = rows.length < this.chunkSize;
    this.setState(afterChunk(state, done ? null : keyColumns.map((k) => rows[rows.length - 1]![k])));
    if (done) this.options.log.info({ table: window.table.id }, `incremental snapshot: ${window.table.id} done`);
    const schema = window.table.schema;
    const stale = superseded ?? ((key: string) => window.touched.has(key));
    const survivors = rows.filter((row) => !stale(keyText(schema.key(row))));
    const ackToken = at.offset ? { ...at.offset, ...this.offsetKeys } : undefined;
    const sent = this.emit(schema, survivors, at, ackToken);
    if (!sent) return this.nextChunk();
    return sent.then(() => this.nextChunk());
  }

  private emit(schema: TableSchema, rows: readonly SqlRow[], at: StreamPoint, ackToken: SourceOffset | undefined): void | Promise<void> {
    const { envelope, records } = this.options;
    const time = processingTime();
    const source = sourceStruct(envelope.identity, {
      timestampMs: Number(time.ms), db: schema.db, table: schema.table, serverId: at.serverId, gtid: at.gtid, file: at.file, pos: at.pos, row: 0,
    });
    const marked: ConnectStruct = { ...source, snapshot: 'incremental' };
    const changes: ChangeRecord[] = rows.map((raw) => ({
      topic: schema.topic, keySchema: schema.keySchema, key: schema.key(raw), valueSchema: schema.envelopeSchema,
      value: { before: null, after: schema.row(raw), source: marked, transaction: null, op: 'r', ts_ms: time.ms, ts_us: time.us, ts_ns: time.ns },
      headers: envelope.contextHeaders,
    }));
    const converted = records.convert(changes, { table: `${schema.db}.${schema.table}`, gtid: at.gtid, file: at.file, pos: at.pos });
    const send = (out: OutgoingRecord[]) => sendCarryingOffset(this.options.sink, this.options.offsetRecord, out, ackToken);
    return Array.isArray(converted) ? send(converted) : converted.then(send);
  }

  /** The table's columns, key and schemas; null (with a warning) when it cannot be snapshotted. */
  private async prepare(reader: SnapshotSqlClient, collection: CollectionCondition): Promise<PreparedTable | null> {
    if (this.prepared?.id === collection.id && this.prepared.query.filter === collection.filter) return this.prepared;
    const { log, tables } = this.options;
    const dot = collection.id.indexOf('.');
    const db = collection.id.slice(0, dot);
    const table = collection.id.slice(dot + 1);
    const columns = dot <= 0 ? [] : (await reader.query(INFORMATION_SCHEMA_COLUMNS_QUERY, [db, table]))
      .map((r) => ({ name: String(r['COLUMN_NAME']), type: String(r['DATA_TYPE']).toLowerCase() }));
    if (columns.length === 0) {
      log.warn({ table: collection.id }, `incremental snapshot: skipping ${collection.id}: no such table (name it as <database>.<table>)`);
      return null;
    }
    const schema = await tables.resolve(db, table, { parentSchema: db, tableName: table, columnSchemas: columns.map((c) => ({ COLUMN_NAME: c.name })) });
    if (!schema) {
      log.warn({ table: collection.id }, `incremental snapshot: skipping ${collection.id}: the connector does not capture it (table.include.list / table.exclude.list)`);
      return null;
    }
    const keyColumns = await primaryKeyOf(reader, db, table);
    if (keyColumns.length === 0) {
      log.warn({ table: collection.id }, `incremental snapshot: skipping ${collection.id}: it has no primary key to read it in chunks by`);
      return null;
    }
    this.prepared = { id: collection.id, schema, query: { read: { db, table, columns, keyColumns }, ...(collection.filter ? { filter: collection.filter } : {}) } };
    return this.prepared;
  }
}

/** A key struct as comparable text: the same key read by SELECT and from the binlog gives the same text. */
function keyText(key: ConnectStruct | null): string {
  return JSON.stringify(key, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}
