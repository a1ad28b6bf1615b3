// Where the binlog reader stands, in Debezium's terms (BinlogOffsetContext): the GTID set of
// finished transactions, the start of the open one, and how many of its events were emitted. It
// yields the offset of each emitted rows event and, on a restart or a reconnect, what to skip so
// that a partly emitted transaction continues where it stopped.
import { formatGtid, GtidPosition, type Gtid } from '../source/gtid-position.js';
import type { SourceOffset } from './source-offset.js';

export interface ResumePoint {
  /** GTID set to ask the server for: the transactions after it arrive. */
  gtids: string;
  /** Events of the first transaction already emitted. */
  event?: number;
  /** Rows of its next rows event already emitted. */
  row?: number;
  /**
   * The GTID of the transaction `event`/`row` belong to, when known (a reconnect knows it; a
   * stored offset does not, and then, as in Debezium, the skip applies to the first transaction).
   */
  gtid?: string;
}

interface OpenTransaction {
  gtid: Gtid;
  serverId: number;
  file: string;
  pos: number;
}

interface Skip {
  event: number;
  row: number;
  gtid?: string;
}

export class PositionTracker {
  private completed: GtidPosition;
  private open: OpenTransaction | null = null;
  private eventsInTransaction = 0;
  private skip: Skip | null = null;
  /** The skip applies to the open transaction (set by begin()). */
  private skipping = false;

  constructor(start: ResumePoint) {
    this.completed = GtidPosition.parse(start.gtids);
    this.setSkip(start);
  }

  /** The GTID position after the last finished transaction. */
  get gtids(): string {
    return this.completed.toString();
  }

  /** A GTID event: a transaction (or a standalone DDL group) starts at `pos` in `file`. */
  begin(gtid: Gtid, serverId: number, file: string, pos: number): void {
    this.open = { gtid, serverId, file, pos };
    this.eventsInTransaction = 0;
    const skip = this.skip;
    this.skipping = skip !== null && (skip.gtid === undefined || skip.gtid === formatGtid(gtid));
  }

  /**
   * Before a rows event of the open transaction: how many of its rows were emitted before a
   * restart (skip them), or 'all' when the whole event was.
   */
  rowsAlreadyEmitted(): number | 'all' {
    const skip = this.skip;
    if (!skip || !this.skipping) return 0;
    if (this.eventsInTransaction < skip.event) return 'all';
    this.skip = null;
    this.skipping = false;
    return this.eventsInTransaction === skip.event ? skip.row : 0;
  }

  /** Whether the open transaction was partly emitted before a restart (its start was already written). */
  get resumingInside(): boolean {
    // Once a transaction began, only a skip bound to it counts (a reconnect's skip names its GTID).
    return this.open ? this.skipping : this.skip !== null;
  }

  /** After every event inside the transaction (table maps, annotations, rows). */
  eventDone(): void {
    if (this.open) this.eventsInTransaction += 1;
  }

  /** XID, COMMIT or the end of a standalone group: the transaction is finished. */
  commit(): void {
    if (this.open) this.completed = this.completed.with(this.open.gtid);
    this.open = null;
    // A skip bound to a GTID waits for that transaction; an unbound one is spent by the first.
    if (this.skipping || this.skip?.gtid === undefined) this.skip = null;
    this.skipping = false;
  }

  /**
   * A lost connection, once every event read was handed on: where to ask the server to continue.
   * The open transaction arrives again from its start; the point says how many of its events were
   * emitted (all rows of a rows event are emitted together), and this tracker skips them.
   */
  reconnectPoint(): ResumePoint {
    const gtids = this.gtids;
    let point: ResumePoint = { gtids };
    const pending = this.skip;
    if (pending && !(this.skipping && this.eventsInTransaction > pending.event)) {
      // The skip of the previous (re)start was not used up yet: it still describes what was emitted.
      point = { gtids, event: pending.event, row: pending.row, ...(pending.gtid ? { gtid: pending.gtid } : {}) };
      if (pending.gtid === undefined && this.skipping && this.open) point.gtid = formatGtid(this.open.gtid);
    } else if (this.open && this.eventsInTransaction > 0) {
      point = { gtids, event: this.eventsInTransaction, gtid: formatGtid(this.open.gtid) };
    }
    this.open = null;
    this.eventsInTransaction = 0;
    this.skipping = false;
    this.setSkip(point);
    return point;
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

  private setSkip(point: ResumePoint): void {
    this.skip = point.event || point.row ? { event: point.event ?? 0, row: point.row ?? 0, ...(point.gtid ? { gtid: point.gtid } : {}) } : null;
  }
}
