// Incremental snapshots with DBLog watermarks, as Debezium's AbstractIncrementalSnapshotChangeEventSource:
// a table is read in key (or surrogate-key) chunks while streaming goes on. For each chunk an
// open-window row is written to the signal table, the chunk is SELECTed, and a close-window row is written. The
// binlog brings both rows back in order with the writers' changes: a change streamed between the
// two (the window) supersedes the chunk's copy of that row, so at the close the chunk's other rows
// are emitted as `op=r` (source.snapshot `incremental`) at that point of the stream. Only one chunk
// is held at a time; the progress rides in every offset (incremental-state.ts).
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
import { maximumKey, readIncrementalChunk, watermarkData, writeWatermark, type ChunkQuery } from '../source/incremental-chunk-reader.js';
import { openSnapshotSqlClient, type SnapshotSqlClient, type SqlEndpoint, type SqlRow } from '../source/sql-client.js';
import { afterChunk, encodeIncrementalState, withCollections, withoutCollections, type IncrementalOffsetKeys, type IncrementalState } from './incremental-state.js';
import { chunkColumns, windowKey } from './incremental-keys.js';
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
}

/** What the streaming pipeline tells the incremental snapshot, and asks of it. */
export interface StreamSignals {
  isSignalTable(db: string, table: string): boolean;
  /** Inserted rows of the signal table; a close window emits its chunk before the stream goes on. */
  signalRows(rows: readonly RawRow[], at: StreamPoint): void | Promise<void>;
  /** Rows of a captured table as streamed (raw row images): they supersede the open chunk's copies. */
  rowsStreamed(table: TableSchema, op: 'c' | 'u' | 'd', rows: readonly unknown[]): void;
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
}

interface PreparedTable {
  id: string;
  query: ChunkQuery;
  schema: TableSchema;
  surrogateKey?: string;
}

interface Window {
  id: string;
  /** The table the chunk was read from; null until then, or when no table had rows left. */
  table: PreparedTable | null;
  rows: SqlRow[] | null;
  open: boolean;
  /** Row images streamed while the window was open, per table still to be read. */
  touched: Map<string, RawRow[]>;
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

  constructor(private readonly options: IncrementalSnapshotOptions) {
    this.signalTable = options.config.signals.dataCollection ?? '';
    this.chunkSize = options.config.signals.incrementalChunkSize;
    this.setState(options.initial);
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

  rowsStreamed(table: TableSchema, op: 'c' | 'u' | 'd', rows: readonly unknown[]): void {
    const window = this.window;
    // Which table the window reads is known only once its chunk is read: changes to any table
    // still to be read count (the window lasts one chunk read, so few rows are kept).
    if (!window?.open) return;
    const id = `${table.db}.${table.table}`;
    if (!this.state?.collections.some((c) => c.id === id)) return;
    const touched = window.touched.get(id) ?? [];
    window.touched.set(id, touched);
    for (const row of rows) {
      if (op === 'u') touched.push((row as { before: RawRow }).before, (row as { after: RawRow }).after);
      else touched.push(row as RawRow);
    }
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

  /**
   * One window, as Debezium's readChunk: the open watermark first, then the first table with rows
   * left gives the chunk. A table that cannot be read, or whose chunk comes back empty (read to its
   * end), gives way to the next one inside the same window; with none left the window closes empty.
   */
  private async readChunk(id: string): Promise<void> {
    const reader = (this.reader ??= await openSnapshotSqlClient(this.options.endpoint));
    const window: Window = { id, table: null, rows: null, open: false, touched: new Map() };
    this.window = window;
    const openedAt = new Date().toISOString();
    await writeWatermark(reader, this.signalTable, `${id}-open`, 'snapshot-window-open', watermarkData({ openWindowTimestamp: openedAt }));
    for (let state = this.state; state !== null; state = this.state) {
      const table = await this.prepare(reader, state.collections[0]!);
      if (this.stopped || this.state !== state) return this.retry(id);
      if (table === null) {
        this.setState(afterChunk(state, null));
        continue;
      }
      if (state.maxKey === null) {
        const max = await maximumKey(reader, table.query);
        if (this.stopped || this.state !== state) return this.retry(id);
        if (max === null) {
          this.tableDone(state, ' (no rows to read)');
          continue;
        }
        this.setState(state = { ...state, maxKey: max });
      }
      const rows = await readIncrementalChunk(reader, table.query, state.lastKey, state.maxKey!, this.chunkSize);
      if (this.stopped || this.state !== state) return this.retry(id);
      if (rows.length === 0) {
        this.tableDone(state, '');
        continue;
      }
      window.table = table;
      window.rows = rows;
      break;
    }
    const closedAt = new Date().toISOString();
    await writeWatermark(reader, this.signalTable, `${id}-close`, 'snapshot-window-close', watermarkData({ openWindowTimestamp: openedAt, closeWindowTimestamp: closedAt }));
  }

  /** The state changed (a signal) while the chunk was read: start over from the new state. */
  private retry(id: string): void {
    if (this.pendingClose === id) this.pendingClose = null;
    this.nextChunk();
  }

  private tableDone(state: IncrementalState, detail: string): void {
    const table = state.collections[0]!.id;
    this.options.log.info({ table }, `incremental snapshot: ${table} done${detail}`);
    this.setState(afterChunk(state, null));
  }

  /** The close-window row came back: the chunk's rows not streamed in the window are emitted here. */
  private closeWindow(at: StreamPoint): void | Promise<void> {
    const window = this.window;
    const state = this.state;
    this.window = null;
    this.pendingClose = null;
    if (!window?.rows || !window.table || !state || state.collections[0]?.id !== window.table.id) return this.nextChunk();
    const rows = window.rows;
    const table = window.table;
    this.setState(afterChunk(state, table.query.read.keyColumns.map((k) => rows[rows.length - 1]![k])));
    const { keyColumns } = table.query.read;
    const streamed = new Set((window.touched.get(table.id) ?? []).map((image) => windowKey(table.schema, keyColumns, image)));
    const survivors = rows.filter((row) => !streamed.has(windowKey(table.schema, keyColumns, row)));
    const ackToken = at.offset ? { ...at.offset, ...this.offsetKeys } : undefined;
    const sent = this.emit(table.schema, survivors, at, ackToken);
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
    const cached = this.prepared;
    if (cached?.id === collection.id && cached.query.filter === collection.filter && cached.surrogateKey === collection.surrogateKey) return cached;
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
    const keyColumns = chunkColumns(collection, schema, columns, log);
    if (keyColumns === null) return null;
    this.prepared = {
      id: collection.id, schema, ...(collection.surrogateKey ? { surrogateKey: collection.surrogateKey } : {}),
      query: { read: { db, table, columns, keyColumns }, ...(collection.filter ? { filter: collection.filter } : {}) },
    };
    return this.prepared;
  }
}
