import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotEmitter, snapshotMarker, type SnapshotTable } from '../../../src/runtime/snapshot-emitter.js';
import { decodeSnapshotState, encodeSnapshotState, EMPTY_SNAPSHOT_STATE, withRowEmitted, withTableDone } from '../../../src/runtime/snapshot-state.js';
import type { OutgoingRecord } from '../../../src/runtime/streaming-pipeline.js';
import type { SourceOffset } from '../../../src/offsets/source-offset.js';
import type { ConnectStruct } from '../../../src/connect/schema.js';

test('markers as RelationalSnapshotChangeEventSource.setSnapshotMarker places them', () => {
  const m = (firstTable: boolean, lastTable: boolean, firstRow: boolean, lastRow: boolean) => snapshotMarker({ firstTable, lastTable, firstRow, lastRow });
  assert.equal(m(true, false, true, false), 'first');
  assert.equal(m(true, true, true, true), 'last');
  assert.equal(m(false, false, true, true), 'last_in_data_collection');
  assert.equal(m(false, false, true, false), 'first_in_data_collection');
  assert.equal(m(false, true, false, false), 'true');
  assert.equal(m(true, false, true, true), 'first', 'a one-row first table');
});

test('the snapshot state survives the offset as JSON, bytes included', () => {
  const state = withTableDone(withRowEmitted(withRowEmitted(EMPTY_SNAPSHOT_STATE, 'db.a', [1, 'x']), 'db.b', [Buffer.from([0, 255])]), 'db.a');
  const back = decodeSnapshotState(encodeSnapshotState(state));
  assert.deepEqual([...back.done], ['db.a']);
  assert.deepEqual(back.at.get('db.b'), [Buffer.from([0, 255])]);
  assert.equal(back.at.has('db.a'), false);
  assert.throws(() => decodeSnapshotState('{"done":[]}'), /not a binlogd snapshot state/);
});

test('the emitter holds the newest record back: the final one becomes last with the completed offset', async () => {
  const sent: OutgoingRecord[] = [];
  const values: ConnectStruct[] = [];
  const table = {
    schema: { db: 'db', table: 't', topic: 'p.db.t', row: (r: Record<string, unknown>) => ({ id: r['id'] }), key: (r: Record<string, unknown>) => ({ id: r['id'] }) },
    serializer: { key: () => Buffer.from('k'), value: (v: ConnectStruct | null) => { values.push(v!); return Buffer.from('v'); } },
  } as unknown as SnapshotTable;
  const position = { file: 'f', pos: 4, gtids: '0-1-9' };
  const emitter = new SnapshotEmitter({
    envelope: { identity: { version: 'x', name: 'p' }, tombstonesOnDelete: true, provideTransactionMetadata: false, contextHeaders: {} },
    position, sink: { send: (r) => { sent.push(r); } }, state: EMPTY_SNAPSHOT_STATE,
  });
  await emitter.emit(table, [{ id: 1 }, { id: 2 }], ['first', 'true'], (s) => withRowEmitted(s, 'db.t', [2]));
  assert.equal(sent.length, 1, 'the chunk\'s last record is held');
  await emitter.emit(table, [{ id: 3 }], ['last'], (s) => withTableDone(s, 'db.t'));
  await emitter.finish({ file: 'f', pos: 4, gtids: '0-1-9' });
  assert.equal(sent.length, 3);
  assert.deepEqual(values.map((v) => [(v['after'] as ConnectStruct)['id'], (v['source'] as ConnectStruct)['snapshot'], v['op']]), [[1, 'first', 'r'], [2, 'true', 'r'], [3, 'last', 'r']]);
  const tokens = sent.map((r) => r.ackToken as SourceOffset | undefined);
  assert.equal(tokens[0], undefined);
  assert.equal(tokens[1]!.snapshot, 'INITIAL');
  assert.deepEqual(decodeSnapshotState(tokens[1]!.snapshot_chunks!).at.get('db.t'), [2]);
  assert.deepEqual(tokens[2], { file: 'f', pos: 4, gtids: '0-1-9' }, 'the last record completes the snapshot');
});
