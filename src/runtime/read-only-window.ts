// One chunk window of a read-only incremental snapshot (read.only=true), without watermark rows:
// the chunk is read at an exact binlog point (source/binlog-snapshot-point.ts), so a row the stream
// changed after that point must not come out of the chunk (the stream carries its newer state),
// and a row changed at or before it is in the chunk as changed. The rows streamed while the chunk
// is read (of every table still to be read: incremental-keys.ts' StreamedRows) are kept with where
// they were streamed, and sorted out once the point is known. The chunk comes out once the
// stream's GTID position covers the high watermark (@@gtid_binlog_pos taken with the snapshot):
// every transaction up to the snapshot point is then streamed. Pure.
import { compareCoordinates, type BinlogCoordinates } from '../source/binlog-snapshot-point.js';
import { GtidPosition } from '../source/gtid-position.js';

export class ReadOnlyWindow {
  private point: BinlogCoordinates | null = null;
  private highWatermark: GtidPosition | null = null;

  /** `streamAt`: where the last rows event the stream handled before the window opened stood (none yet: undefined). */
  constructor(private readonly streamAt: BinlogCoordinates | undefined) {}

  /** Where the chunk was read (once settled): rows streamed from there on supersede its copies. */
  get snapshotAt(): BinlogCoordinates | null {
    return this.point;
  }

  /**
   * The chunk was read at `snapshotAt`. False when the stream had already processed events after
   * that point before the window opened (an event can reach the binlog reader a moment before its
   * commit is visible): their rows were not recorded, so the chunk must be read again.
   */
  settle(snapshotAt: BinlogCoordinates, highWatermark: string): boolean {
    if (this.streamAt && compareCoordinates(this.streamAt, snapshotAt) >= 0) return false;
    this.point = snapshotAt;
    this.highWatermark = GtidPosition.parse(highWatermark);
    return true;
  }

  /**
   * Whether the stream, at GTID position `streamGtids`, has passed the high watermark. GTID
   * positions move only with transactions, so with no write since the snapshot the stream's
   * position equals the watermark: asked right after the chunk is read (in stream order), an idle
   * server closes the window at once. Debezium waits for a heartbeat or the next transaction
   * instead; polling the server's binlog end would not help either, as it says nothing about what
   * the stream has processed.
   */
  reachedBy(streamGtids: string): boolean {
    return this.highWatermark !== null && GtidPosition.parse(streamGtids).coversAll(this.highWatermark);
  }
}
