// Where each binlog event starts, from its header's end_log_pos. MariaDB 11.4+ with
// binlog_legacy_event_pos=OFF (its default) writes end_log_pos 0 into each event of a transaction
// that passed through the binlog cache (annotate, table map, rows); only the GTID and the commit
// events carry theirs. Such an event's own position is unknown: like Debezium, it gets its
// transaction's start (the GTID event) and the last next position known.

/** Header fields of one event as the binlog reader parsed them. */
export interface RawEventHeader {
  /** end_log_pos; 0 when the server left it out. */
  nextPosition: number;
  /** Body length, without the 19-byte header and the 4-byte checksum. */
  size: number;
}

export interface EventPosition {
  position: number;
  nextPosition: number;
}

// Event length = header (19) + body + CRC32 checksum (4, the server default).
const HEADER_AND_CHECKSUM = 19 + 4;

export class EventPositions {
  private transactionStart = 0;
  private lastNextPosition = 0;

  /** The position of an event; a GTID event also opens the transaction its followers belong to. */
  of(event: RawEventHeader, opensTransaction = false): EventPosition {
    if (event.nextPosition === 0) return { position: this.transactionStart, nextPosition: this.lastNextPosition };
    this.lastNextPosition = event.nextPosition;
    const position = event.nextPosition - event.size - HEADER_AND_CHECKSUM;
    if (opensTransaction) this.transactionStart = position;
    return { position, nextPosition: event.nextPosition };
  }
}
