// Settling a commit whose answer was lost: committed exactly when the last committed record of the
// connector's key in its offsets partition is the offset record the transaction carried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastOffsetValue, sameOffsetValue } from '../../../src/sink/commit-check.js';
import type { ConsumedRecord, PartitionOffsets, ReadTopicOptions } from '../../../src/sink/kafka-client.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const offset = { topic: 'offsets', key: bytes('["c",{"server":"s"}]'), value: bytes('{"pos":7}'), partition: 2 };

function check(records: Array<[partition: number, key: string, value: string | null]>) {
  const reads: ReadTopicOptions[] = [];
  return {
    reads,
    committed: lastOffsetValue({
      offset,
      admin: { fetchTopicOffsets: async (): Promise<PartitionOffsets[]> => [0, 1, 2].map((partition) => ({ partition, low: 0n, high: 10n })) },
      client: {
        readTopic: async (options) => {
          reads.push(options);
          records.forEach(([partition, key, value], i) => {
            const record: ConsumedRecord = { partition, offset: BigInt(i), key: Buffer.from(key), value: value === null ? null : Buffer.from(value) };
            options.onRecord(record);
          });
        },
      },
    }).then((last) => sameOffsetValue(last, offset.value)),
  };
}

const KEY = '["c",{"server":"s"}]';

test('the last record of the key is the transaction\'s offset: committed', async () => {
  const { committed, reads } = check([[2, KEY, '{"pos":3}'], [2, '["other",{"server":"s"}]', '{"pos":9}'], [2, KEY, '{"pos":7}']]);
  assert.equal(await committed, true);
  assert.deepEqual(reads[0]!.until, [{ partition: 2, low: 0n, high: 10n }], 'only the key\'s partition is read');
});

test('an older offset last, or none: not committed', async () => {
  assert.equal(await check([[2, KEY, '{"pos":3}']]).committed, false);
  assert.equal(await check([]).committed, false);
  // The same key and value in another partition does not count.
  assert.equal(await check([[1, KEY, '{"pos":7}']]).committed, false);
});

test('a later tombstone (offsets reset) is not the transaction\'s offset', async () => {
  assert.equal(await check([[2, KEY, '{"pos":7}'], [2, KEY, null]]).committed, false);
});
