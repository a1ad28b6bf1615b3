// Incremental snapshots with DBLog watermarks, as Debezium's AbstractIncrementalSnapshotChangeEventSource:
// a table is read in key (or surrogate-key) chunks while streaming goes on. For each chunk an
// open-window row is written to the signal table, the chunk is SELECTed, and a close-window row is written. The
// binlog brings both rows back in order with the writers' changes: a change streamed between the
// two (the window) supersedes the chunk's copy of that row, so at the close the chunk's other rows
// are emitted as `op=r` (source.snapshot `incremental`) at that point of the stream. Only one chunk
// is held at a time; the progress rides in every offset (incremental-state.ts).
// With read.only=true nothing is written: each chunk is read at the exact binlog point of a
// consistent snapshot instead, and its window closes on the stream's GTID position (read-only-window.ts).
import { sendCarryingOffset } from './offset-carrier.js';
import { randomUUID } from 'node:crypto';
import type { ConnectStruct } from '../connect/schema.js';
import { processingTime, type ChangeRecord } from '../envelope/change-events.js';
import { sourceStruct } from '../envelope/source-info.js';
import type { TableSchema } from '../envelope/table-schema.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { RawRow } from '../source/binlog-client.js';
import { maximumKey, readIncrementalChunk, watermarkData, writeWatermark } from '../source/incremental-chunk-reader.js';
import { readAtSnapshotPoint, type BinlogCoordinates, type SnapshotChunk } from '../source/binlog-snapshot-point.js';
import { ReadOnlyWindow } from './read-only-window.js';
import { openSnapshotSqlClient, type SnapshotSqlClient, type SqlRow } from '../source/sql-client.js';
import { afterChunk, encodeIncrementalState, withCollections, withoutCollections, type IncrementalOffsetKeys, type IncrementalState } from './incremental-state.js';
import { StreamedRows, windowKey } from './incremental-keys.js';
import { prepareTable, preparedFor, type PreparedTable } from './incremental-tables.js';
import { parseSignal, type Signal } from './signals.js';
import type { RecordStages } from './record-stages.js';
import type { OutgoingRecord } from './streaming-pipeline.js';
import type { StreamPoint, StreamSignals, StreamView } from './stream-signals.js';

export interface IncrementalSnapshotOptions extends RecordStages {
  /** Stored progress (the resumed offset), if a snapshot was running. */
  initial: IncrementalState | null;
  onError: (error: unknown) => void;
  /** Runs a blocking snapshot (blocking-snapshot.ts); the stream waits for it. */
  blocking: (signal: Extract<Signal, { kind: 'execute-blocking-snapshot' }>, at: StreamPoint) => Promise<void>;
}

interface Window {
  id: string;
  /** The table the chunk was read from; null until then, or when no table had rows left. */
  table: PreparedTable | null;
  rows: SqlRow[] | null;
  /** Rows streamed now count: the open-window row came back, or (read.only=true) from the start. */
  open: boolean;
  streamed: StreamedRows;
  /** read.only=true: the chunk's snapshot point, against which the streamed rows are sorted out. */
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
    // Which table the window reads is known only once its chunk is read: changes to any table still to be read count.
    const id = `${table.db}.${table.table}`;
    if (window?.open && this.state?.collections.some((c) => c.id === id)) window.streamed.record(id, op, rows, at);
  }

  betweenTransactions(at: () => StreamPoint): void | Promise<void> {
    const read = this.readOnlyRead;
    if (read === null || read.id !== this.pendingClose) return;
    const point = at();
    // No position to store with the chunk yet (connected, no event read): the connection's first
    // rotate, or the next transaction, brings one; records without an offset would wait for it in
    // the sink anyway (exactly once), with nothing left to bring it on an idle server.
    if (point.offset === undefined || !read.window.reachedBy(point.gtids ?? '')) return;
    this.readOnlyRead = null;
    return this.closeWindow(point);
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

  /**
   * One window, as Debezium's readChunk: the open watermark first, then the first table with rows
   * left gives the chunk. A table that cannot be read, or whose chunk comes back empty (read to its
   * end), gives way to the next one inside the same window; with none left the window closes empty.
   */
  private async readChunk(id: string): Promise<void> {
    const reader = (this.reader ??= await openSnapshotSqlClient(this.options.endpoint));
    const readOnly = this.options.config.signals.readOnly ? new ReadOnlyWindow(this.lastRowsAt) : undefined;
    const window: Window = { id, table: null, rows: null, open: readOnly !== undefined, streamed: new StreamedRows(), ...(readOnly ? { readOnly } : {}) };
    this.window = window;
    const openedAt = new Date().toISOString();
    if (!readOnly) await writeWatermark(reader, this.signalTable, `${id}-open`, 'snapshot-window-open', watermarkData({ openWindowTimestamp: openedAt }));
    let snapshot: SnapshotChunk | null = null;
    for (let state = this.state; state !== null; state = this.state) {
      const collection = state.collections[0]!;
      const table = preparedFor(this.prepared, collection) ? this.prepared : (this.prepared = await prepareTable(reader, collection, this.options.tables, this.options.log));
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
      const { lastKey, maxKey } = state;
      const read = () => readIncrementalChunk(reader, table.query, lastKey, maxKey!, this.chunkSize);
      // read.only=true: each attempt at its own snapshot point; the one that gives the chunk settles the window.
      const rows = readOnly ? (snapshot = await readAtSnapshotPoint(reader, read)).rows : await read();
      if (this.stopped || this.state !== state) return this.retry(id);
      if (rows.length === 0) {
        this.tableDone(state, '');
        continue;
      }
      window.table = table;
      window.rows = rows;
      break;
    }
    if (readOnly) return this.awaitStream(window, readOnly, snapshot);
    const closedAt = new Date().toISOString();
    await writeWatermark(reader, this.signalTable, `${id}-close`, 'snapshot-window-close', watermarkData({ openWindowTimestamp: openedAt, closeWindowTimestamp: closedAt }));
  }

  /**
   * read.only=true: the chunk was read at a snapshot point; its window closes in the stream's order
   * (betweenTransactions), at once when the stream already passed the high watermark (an idle
   * server), or at the first point between transactions that passes it. No table had rows left: the
   * snapshot is over, with no window to close.
   */
  private awaitStream(window: Window, readOnly: ReadOnlyWindow, snapshot: SnapshotChunk | null): void {
    if (window.rows === null || snapshot === null) {
      if (this.window === window) this.window = null;
      return this.retry(window.id);
    }
    if (!readOnly.settle(snapshot.snapshotAt, snapshot.highWatermark)) {
      this.options.log.info({ table: window.table?.id }, 'incremental snapshot: the stream was past the chunk\'s snapshot point; reading it again');
      if (this.window === window) this.window = null;
      return this.retry(window.id);
    }
    this.readOnlyRead = { id: window.id, window: readOnly };
    this.stream!.checkSignals();
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
    const images = window.streamed.images(table.id, window.readOnly?.snapshotAt ?? undefined);
    const streamed = new Set(images.map((image) => windowKey(table.schema, keyColumns, image)));
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
}
