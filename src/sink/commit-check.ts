// After a commit whose answer was lost (the broker went away while EndTxn was on the wire) the
// transaction may or may not be committed, and sending its records again could repeat them. Once a
// new producer registered the transactional.id, the coordinator has finished the old transaction
// either way (InitProducerId waits for a commit already prepared, and aborts an ongoing one), so
// the offsets topic tells: the transaction was committed exactly when the last committed offset
// record of this connector is the one the transaction carried. Offsets only move forward, so no
// earlier transaction carried the same value. Any other value than the last one this producer
// committed means another instance wrote meanwhile (transaction-feed.ts refuses to go on).
import type { KafkaAdmin, KafkaClient } from './kafka-client.js';
import type { TransferRecord } from './threaded-protocol.js';

export interface CommitCheckOptions {
  client: Pick<KafkaClient, 'readTopic'>;
  admin: Pick<KafkaAdmin, 'fetchTopicOffsets'>;
  /** The offset record the uncertain transaction carried (its partition is always set). */
  offset: TransferRecord;
  timeoutMs?: number;
}

function same(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * The last committed value (read_committed) under the key of `offset`, null for a tombstone,
 * undefined when there is none.
 */
export async function lastOffsetValue(options: CommitCheckOptions): Promise<Uint8Array | null | undefined> {
  const { offset } = options;
  const partition = offset.partition ?? 0;
  const ends = await options.admin.fetchTopicOffsets(offset.topic);
  const until = ends.filter((p) => p.partition === partition);
  let last: Uint8Array | null | undefined;
  await options.client.readTopic({
    topic: offset.topic,
    until,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    onRecord: (record) => {
      if (record.partition === partition && same(record.key, offset.key)) last = record.value;
    },
  });
  return last;
}

/** Whether `value` is the offset record value `last` (both may be absent). */
export function sameOffsetValue(last: Uint8Array | null | undefined, value: Uint8Array | null | undefined): boolean {
  if (last === undefined || value === undefined) return last === value;
  return same(last, value);
}
