// Where the main thread may end a transactional batch (threaded-sink.ts): right after a record
// carrying an ackToken, with the offset record of that token. The stored offset must cover exactly
// the records committed with it: the records of a rows event before its last one have no offset
// of their own, and committing them under an older offset would repeat them after a crash.
import type { OutRecord } from './batcher.js';
import type { BatchPacker, PackedBatch } from './record-packing.js';
import type { CommitMarker, TransferRecord } from './threaded-protocol.js';

/** The offset record as it crosses: exact-size copies, not views of Node's shared 8 KiB pool. */
function transferable(record: OutRecord): TransferRecord {
  const out: TransferRecord = {
    topic: record.topic,
    key: record.key === null ? null : new Uint8Array(record.key),
    value: record.value === null ? null : new Uint8Array(record.value),
  };
  if (record.partition !== undefined) out.partition = record.partition;
  return out;
}

export class TransactionCut {
  /** The packer's record and byte counts right after the last record with an ackToken; 0 = none. */
  private count = 0;
  private bytes = 0;
  private token: unknown;

  constructor(private readonly offsetRecord: (ackToken: unknown) => OutRecord) {}

  /** Whether the packed records hold a place to cut. */
  get marked(): boolean {
    return this.count > 0;
  }

  /** Call right after packer.add(record). */
  note(record: OutRecord, packer: BatchPacker): void {
    if (record.ackToken === undefined) return;
    this.count = packer.count;
    this.bytes = packer.bytes;
    this.token = record.ackToken;
  }

  /**
   * The records up to the mark (all of them when `all` or when none carried a token) and the
   * commit marker with the mark's offset record. Throws what offsetRecord throws, taking nothing.
   */
  take(packer: BatchPacker, all: boolean): { batch: PackedBatch; commit: CommitMarker } {
    const offset = this.count > 0 ? transferable(this.offsetRecord(this.token)) : null;
    const batch = all || this.count === 0 ? packer.take() : packer.take(this.count, this.bytes);
    this.count = 0;
    this.bytes = 0;
    this.token = undefined;
    return { batch, commit: { offset } };
  }
}
