import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BinlogEvent } from '../../../src/source/binlog-client.js';
import { StreamingPipeline, type OutgoingRecord, type StreamingPipelineOptions } from '../../../src/runtime/streaming-pipeline.js';

/**
 * A pipeline whose sink holds the first record until `release`, so what is pushed after it queues
 * up; rows events are of a table that is not captured, so once released they drain at once.
 */
function blockedPipeline(bounds: { rows: number; bytes: number }) {
  let release!: () => void;
  const calls: string[] = [];
  const pipeline = new StreamingPipeline({
    queueCapacity: bounds.rows,
    queueCapacityBytes: bounds.bytes,
    start: { gtids: '' },
    tables: { resolve: async () => null },
    sink: { send: () => new Promise<void>((resolve) => { release = resolve; }) },
    counters: { onChange: () => undefined, onTransaction: () => undefined, onEventRead: () => undefined },
    pauseSource: () => calls.push('pause'),
    resumeSource: () => calls.push('resume'),
    onError: (error: unknown) => { throw error; },
  } as unknown as StreamingPipelineOptions);
  pipeline.push({ kind: 'record', record: {} as OutgoingRecord });
  let position = 4;
  const rows = (count: number, bytes: number): BinlogEvent => {
    const header = { file: 'b.000001', position, nextPosition: position + bytes, timestampMs: 0 };
    position += bytes;
    return { kind: 'rows', header, op: 'c', tableId: 1, table: { parentSchema: 'd', tableName: 't' } as never, rows: Array.from({ length: count }, () => ({})), missingColumns: [] };
  };
  return { pipeline, calls, rows, release: () => release() };
}

test('max.queue.size.in.bytes: reading pauses once the queued binlog bytes reach the bound, though the count is far off', async () => {
  const { pipeline, calls, rows, release } = blockedPipeline({ rows: 8192, bytes: 10_000 });
  pipeline.push(rows(1, 4_000));
  pipeline.push(rows(1, 4_000));
  assert.deepEqual(calls, []);
  assert.equal(pipeline.queuedEventBytes, 8_000);
  pipeline.push(rows(1, 4_000));
  assert.deepEqual(calls, ['pause']);
  assert.equal(pipeline.queuedEventBytes, 12_000);
  release();
  await pipeline.idle();
  assert.deepEqual(calls, ['pause', 'resume'], 'reading resumes once below half of both bounds');
  assert.equal(pipeline.queuedEventBytes, 0);
});

test('max.queue.size.in.bytes=0 bounds by count only; the count bound still pauses', async () => {
  const { pipeline, calls, rows, release } = blockedPipeline({ rows: 10, bytes: 0 });
  pipeline.push(rows(3, 5_000_000));
  assert.deepEqual(calls, []);
  pipeline.push(rows(6, 100));
  assert.deepEqual(calls, ['pause'], '1 record + 9 rows reach max.queue.size=10');
  release();
  await pipeline.idle();
  assert.deepEqual(calls, ['pause', 'resume']);
});

test('a single event larger than the byte bound is still read, alone', async () => {
  const { pipeline, calls, rows, release } = blockedPipeline({ rows: 8192, bytes: 1_000 });
  pipeline.push(rows(1, 50_000));
  assert.deepEqual(calls, ['pause']);
  release();
  await pipeline.idle();
  assert.deepEqual(calls, ['pause', 'resume']);
});
