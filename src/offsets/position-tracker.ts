// Where the binlog reader stands, in Debezium's terms (BinlogOffsetContext): the GTID set of
// finished transactions, the start of the open one, and how many of its events were emitted. It
// yields the offset of each emitted rows event and, on restart, what to skip so that a partly
// emitted transaction continues where it stopped.
import { GtidPosition, type Gtid } from '../source/gtid-position.js';
import type { SourceOffset } from './source-offset.js';

export interface ResumePoint {
  /** GTID set to ask the server for: the transactions after it arrive. */
  gtids: string;
  /** Events of the first transaction already emitted. */
  event?: number;
  /** Rows of its next rows event already emitted. */
  row?: number;
}

interface OpenTransaction {
  gtid: Gtid;
  serverId: number;
  file: string;
  pos: number;
}

export class PositionTracker {
  private completed: GtidPosition;
  private open: OpenTransaction | null = null;
  private eventsInTransaction = 0;
  private skip: { event: number; row: number } | null;

  constructor(start: ResumePoint) {
    this.completed = GtidPosition.parse(start.gtids);
    this.skip = start.event || start.row ? { event: start.event ?? 0, row: start.row ?? 0 } : null;
  }

  /** The GTID position after the last finished transaction. */
  get gtids(): string {
    return this.completed.toString();
  }

  /** A GTID event: a transaction (or a standalone DDL group) starts at `pos` in `file`. */
  begin(gtid: Gtid, serverId: number, file: string, pos: number): void {
    this.open = { gtid, serverId, file, pos };
    this.eventsInTransaction = 0;
  }

  /**
   * Before a rows event of the open transaction: how many of its rows were emitted before a
   * restart (skip them), or 'all' when the whole event was.
   */
  rowsAlreadyEmitted(): number | 'all' {
    const skip = this.skip;
    if (!skip) return 0;
    if (this.eventsInTransaction < skip.event) return 'all';
    this.skip = null;
    return this.eventsInTransaction === skip.event ? skip.row : 0;
  }

  /** Whether the open transaction was partly emitted before a restart (its start was already written). */
  get resumingInside(): boolean {
    return this.skip !== null;
  }

  /** After every event inside the transaction (table maps, annotations, rows). */
  eventDone(): void {
    if (this.open) this.eventsInTransaction += 1;
  }

  /** XID, COMMIT or the end of a standalone group: the transaction is finished. */
  commit(): void {
    if (this.open) this.completed = this.completed.with(this.open.gtid);
    this.open = null;
    this.skip = null;
  }

  /** A lost connection: the open transaction will be read again from its start. */
  discardOpenTransaction(): void {
    this.open = null;
  }

  /** The offset after all `rows` rows of the current rows event, whose header time is `timestampMs`. */
  offsetAfterRows(rows: number, timestampMs: number): SourceOffset | undefined {
    const open = this.open;
    if (!open) return undefined;
    return {
      file: open.file,
      pos: open.pos,
      gtids: this.gtids,
      event: this.eventsInTransaction,
      row: rows,
      server_id: open.serverId,
      ts_sec: Math.floor(timestampMs / 1000),
    };
  }
}
