import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeTopics, resetActiveTopics, trackTopics } from '../../../src/runtime/active-topics.js';

test('active topics: written topics per connector, sorted, internal topics left out; reset empties', () => {
  const a = trackTopics('a', ['offsets', 'dlq']);
  const b = trackTopics('b', []);
  a.written([{ topic: 'p.db.t2' }, { topic: 'p.db.t2' }, { topic: 'offsets' }, { topic: 'dlq' }, { topic: 'p' }, { topic: 'p.db.t1' }]);
  b.written([{ topic: 'q' }]);
  assert.deepEqual(activeTopics('a'), ['p', 'p.db.t1', 'p.db.t2']);
  assert.deepEqual(activeTopics('b'), ['q']);
  assert.deepEqual(activeTopics('none'), []);
  resetActiveTopics('a');
  assert.deepEqual(activeTopics('a'), []);
  a.written([{ topic: 'p.db.t1' }]);
  assert.deepEqual(activeTopics('a'), ['p.db.t1']);
  resetActiveTopics('a');
  resetActiveTopics('b');
});
