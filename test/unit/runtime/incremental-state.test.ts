import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterChunk, decodeIncrementalState, encodeIncrementalState, withCollections, withoutCollections, type IncrementalState } from '../../../src/runtime/incremental-state.js';
import { formatOffset, parseOffset } from '../../../src/offsets/source-offset.js';

const running: IncrementalState = {
  correlationId: 'ad-hoc-1',
  collections: [{ id: 'db.t', filter: "status='open'" }, { id: 'db.u', surrogateKey: 'seq' }],
  lastKey: [42, 'x', Buffer.from([1, 2])],
  maxKey: [900, 'z', Buffer.from([9])],
};

test('the state survives the offset: Debezium\'s collection keys plus binlogd\'s keys', () => {
  const keys = encodeIncrementalState(running);
  assert.deepEqual(JSON.parse(keys.incremental_snapshot_collections!), [
    { incremental_snapshot_collections_id: 'db.t', incremental_snapshot_collections_additional_condition: "status='open'", incremental_snapshot_collections_surrogate_key: null },
    { incremental_snapshot_collections_id: 'db.u', incremental_snapshot_collections_additional_condition: null, incremental_snapshot_collections_surrogate_key: 'seq' },
  ]);
  const text = formatOffset({ file: 'b.000001', pos: 4, gtids: '0-1-5', ...keys });
  const parsed = parseOffset(JSON.parse(text) as Record<string, unknown>);
  assert.deepEqual(decodeIncrementalState(parsed as unknown as Record<string, unknown>), running);
  assert.deepEqual(encodeIncrementalState(null), {});
  assert.equal(decodeIncrementalState({ file: 'f', pos: 4 }), null);
});

test('an offset Debezium wrote (no binlogd keys) restarts the first table', () => {
  const state = decodeIncrementalState({ incremental_snapshot_collections: '[{"incremental_snapshot_collections_id":"db.t"}]', incremental_snapshot_correlation_id: 'c' });
  assert.deepEqual(state, { correlationId: 'c', collections: [{ id: 'db.t' }], lastKey: null, maxKey: null });
  assert.throws(() => decodeIncrementalState({ incremental_snapshot_collections: '{}' }), /not a list/);
});

test('chunks, execute and stop move the state', () => {
  assert.deepEqual(afterChunk(running, [50, 'y', Buffer.from([3])]).lastKey, [50, 'y', Buffer.from([3])]);
  assert.deepEqual(afterChunk(running, null), { correlationId: 'ad-hoc-1', collections: [{ id: 'db.u', surrogateKey: 'seq' }], lastKey: null, maxKey: null });
  assert.deepEqual(withCollections(null, 's1', [{ id: 'db.a' }]).collections, [{ id: 'db.a' }]);
  const more = withCollections(running, 's2', [{ id: 'db.u' }, { id: 'db.v' }]);
  assert.deepEqual(more.collections.map((c) => c.id), ['db.t', 'db.u', 'db.v']);
  assert.equal(more.correlationId, 'ad-hoc-1');
  assert.equal(withoutCollections(running, []), null);
  assert.equal(withoutCollections(running, ['db.t', 'db.u']), null);
  assert.deepEqual(withoutCollections(running, ['db.u']), { ...running, collections: [running.collections[0]] });
  assert.deepEqual(withoutCollections(running, ['db.t']), { ...running, collections: [{ id: 'db.u', surrogateKey: 'seq' }], lastKey: null, maxKey: null });
});
