// The pipeline's schema cache per table id: rows written with another TABLE_MAP structure are
// resolved anew even when no DDL statement was read in between (one not written to the binlog, a
// table id reused), and rows with the same structure reuse the schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BinlogEvent, EventHeader, TableMap } from '../../../src/source/binlog-client.js';
import { StreamingPipeline } from '../../../src/runtime/streaming-pipeline.js';

const header = (position: number): EventHeader => ({ file: 'mysql-bin.000001', position, nextPosition: position + 10, timestampMs: 1_000 });

function tableMap(signature: string): TableMap {
  return { db: 'd', table: 't', columns: [{ name: 'id', columnType: 'int', charset: null, nullable: false }], primaryKey: ['id'], signature };
}

test('rows of another TABLE_MAP structure are resolved anew; the same structure reuses the schema', async () => {
  const resolved: string[] = [];
  const pipeline = new StreamingPipeline({
    envelope: { identity: { version: 'v', name: 'p' }, tombstonesOnDelete: true, provideTransactionMetadata: false, contextHeaders: {} },
    // null: filtered out, so no records are built; only the resolutions are counted here.
    tables: { resolve: async (map) => { resolved.push(map.signature); return null; }, resolveByName: async () => null },
    records: { convert: () => [], eventFailed: (error) => { throw error; } },
    sink: { send: () => undefined },
    counters: { onChange: () => undefined, onTransaction: () => undefined, onEventRead: () => undefined },
    queueCapacity: 100,
    start: { gtids: '' },
    pauseSource: () => undefined,
    resumeSource: () => undefined,
    onError: (error) => { throw error; },
  });
  let position = 4;
  const transaction = (map: TableMap): void => {
    const events: BinlogEvent[] = [
      { kind: 'gtid', header: header(position += 10), gtid: `0-1-${position}`, serverId: 1, standalone: false },
      { kind: 'tablemap' },
      { kind: 'rows', header: header(position += 10), op: 'c', tableId: 7, table: map, rows: [{ id: 1 }] },
      { kind: 'xid', header: header(position += 10) },
    ];
    for (const event of events) pipeline.push(event);
  };
  transaction(tableMap('before ALTER'));
  transaction(tableMap('before ALTER'));
  transaction(tableMap('after ALTER'));
  transaction(tableMap('after ALTER'));
  await pipeline.idle();
  assert.deepEqual(resolved, ['before ALTER', 'after ALTER']);
});
