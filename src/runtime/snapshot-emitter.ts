// Snapshot rows → `op=r` records, sent one at a time through the connector's record path
// (transforms, converters, error policy) and sink, whichever table reader they come from. Like Debezium's BufferingSnapshotChangeRecordReceiver, the newest
// record is held back until the next one arrives, so the snapshot's final record can still be
// marked `last` and carry the completed offset (the one without the `snapshot` key).
import { sendCarryingOffset } from './offset-carrier.js';
import type { ConnectStruct } from '../connect/schema.js';
import { processingTime, type EnvelopeOptions } from '../envelope/change-events.js';
import { sourceStruct } from '../envelope/source-info.js';
import type { TableSchema } from '../envelope/table-schema.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { SnapshotState } from './snapshot-state.js';
import type { OutgoingRecord, RecordConversion, RecordSink } from './streaming-pipeline.js';

/** Debezium's SnapshotRecord values, as RelationalSnapshotChangeEventSource.setSnapshotMarker places them. */
export type SnapshotMarker = 'first' | 'first_in_data_collection' | 'true' | 'last_in_data_collection' | 'last';

export function snapshotMarker(at: { firstTable: boolean; lastTable: boolean; firstRow: boolean; lastRow: boolean }): SnapshotMarker {
  if (at.lastRow && at.lastTable) return 'last';
  if (at.firstRow && at.firstTable) return 'first';
  if (at.lastRow) return 'last_in_data_collection';
  if (at.firstRow) return 'first_in_data_collection';
  return 'true';
}

export interface SnapshotSource {
  file: string;
  pos: number;
  serverId: number;
  gtid: string | null;
}

export interface SnapshotTable {
  schema: TableSchema;
}

export interface SnapshotEmitterOptions {
  envelope: EnvelopeOptions;
  /**
   * What the records' source block names: the snapshot's binlog position (an initial snapshot), or
   * the signal's event, server and transaction (a blocking snapshot, as Debezium fills it in).
   */
  at: SnapshotSource;
  records: RecordConversion;
  sink: RecordSink;
  state: SnapshotState;
  /** The offset of the records up to a chunk's end, once `state` counts the chunk. */
  offsetOf: (state: SnapshotState) => SourceOffset;
  /** The offsets-topic record storing an offset whose record a transform or the error policy dropped. */
  offsetRecord: (offset: SourceOffset) => OutgoingRecord;
}

interface Held {
  table: SnapshotTable;
  key: ConnectStruct | null;
  value: ConnectStruct;
  ackToken?: SourceOffset;
}

export class SnapshotEmitter {
  private held: Held | null = null;
  private emitted = 0;
  private turn: Promise<void> = Promise.resolve();
  private state: SnapshotState;

  constructor(private readonly options: SnapshotEmitterOptions) {
    this.state = options.state;
  }

  /** Records handed to the sink so far (the held one included once it is sent). */
  get count(): number {
    return this.emitted;
  }

  /**
   * Emits one chunk's rows of a table with their markers (`table` may be absent when there are none). `advance` moves the snapshot state past
   * them; the resulting offset goes on the chunk's last record. Calls from concurrent readers are
   * serialized (the sink has one sender), and each state change happens in its turn, so an offset
   * never covers rows that are not yet ahead of it in the sink.
   */
  emit(table: SnapshotTable | undefined, rows: readonly Record<string, unknown>[], markers: readonly SnapshotMarker[], advance: (state: SnapshotState) => SnapshotState): Promise<void> {
    const run = this.turn.then(() => {
      this.state = advance(this.state);
      return this.emitNow(table, rows, markers, this.options.offsetOf(this.state));
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  /**
   * Sends `record` (an offsets-topic record) after everything emitted so far, so it never meets
   * the sink while a row is waiting to be taken.
   */
  sendInOrder(record: OutgoingRecord): Promise<void> {
    const run = this.turn.then(() => this.options.sink.send(record));
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** Resolves once everything emitted or queued so far was handed to the sink. */
  idle(): Promise<void> {
    return this.turn;
  }

  /** Sends the held record as it is (the snapshot stops before its end). */
  release(): Promise<void> {
    const run = this.turn.then(async () => {
      const held = this.held;
      if (!held) return;
      this.held = null;
      await this.send(held);
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** Sends the held record as the snapshot's `last`, carrying the completed offset. */
  finish(completed: SourceOffset): Promise<void> {
    const run = this.turn.then(async () => {
      const held = this.held;
      if (!held) return;
      this.held = null;
      const source = held.value['source'] as ConnectStruct;
      await this.send({ ...held, value: { ...held.value, source: { ...source, snapshot: 'last' } }, ackToken: completed });
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async emitNow(table: SnapshotTable | undefined, rows: readonly Record<string, unknown>[], markers: readonly SnapshotMarker[], ackToken: SourceOffset): Promise<void> {
    if (!table || rows.length === 0) return;
    const { envelope, at } = this.options;
    const time = processingTime();
    const schema = table.schema;
    // Debezium stamps snapshot rows with the time they were read; one stamp per chunk.
    const source = sourceStruct(envelope.identity, {
      timestampMs: Number(time.ms), db: schema.db, table: schema.table, serverId: at.serverId, gtid: at.gtid,
      file: at.file, pos: at.pos, row: 0,
    });
    // One source block per marker in the chunk (most rows share 'true').
    const sources = new Map<SnapshotMarker, ConnectStruct>();
    for (let i = 0; i < rows.length; i++) {
      const raw = rows[i]!;
      const marker = markers[i]!;
      let rowSource = sources.get(marker);
      if (!rowSource) sources.set(marker, rowSource = { ...source, snapshot: marker });
      const value: ConnectStruct = {
        before: null,
        after: schema.row(raw),
        source: rowSource,
        transaction: null,
        op: 'r',
        ts_ms: time.ms, ts_us: time.us, ts_ns: time.ns,
      };
      const next: Held = { table, key: schema.key(raw), value, ...(i === rows.length - 1 ? { ackToken } : {}) };
      const previous = this.held;
      this.held = next;
      if (previous) {
        const pending = this.send(previous);
        if (pending) await pending;
      }
    }
  }

  private send(held: Held): void | Promise<void> {
    const { schema } = held.table;
    const { at, records } = this.options;
    this.emitted++;
    const converted = records.convert(
      [{ topic: schema.topic, keySchema: schema.keySchema, key: held.key, valueSchema: schema.envelopeSchema, value: held.value, headers: this.options.envelope.contextHeaders }],
      { table: `${schema.db}.${schema.table}`, gtid: at.gtid, file: at.file, pos: at.pos },
    );
    const send = (out: OutgoingRecord[]) => sendCarryingOffset(this.options.sink, this.options.offsetRecord, out, held.ackToken);
    return Array.isArray(converted) ? send(converted) : converted.then(send);
  }
}
