// What the streaming pipeline and a running incremental snapshot tell each other: signal-table
// rows and captured rows as streamed, points between transactions (read.only=true windows close
// there), and the snapshot's progress that rides in every offset.
import type { TableSchema } from '../envelope/table-schema.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { RawRow } from '../source/binlog-client.js';
import type { BinlogCoordinates } from '../source/binlog-snapshot-point.js';
import type { IncrementalOffsetKeys } from './incremental-state.js';

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
