import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retain, takeRuns, type AckedRun } from '../../../src/sink/acked-runs.js';

const record = (topic: string, ackToken?: unknown) => ({ topic, key: null, value: null, ...(ackToken === undefined ? {} : { ackToken }) });

test('records of one topic up to one with an ackToken make one run; acknowledgements split runs', () => {
  const runs: AckedRun[] = [];
  for (const r of [record('a'), record('a'), record('a', 1), record('a'), record('b'), record('b', 2), record('b', 3), record('a')]) retain(runs, r);
  assert.deepEqual(runs, [
    { topic: 'a', count: 3, ackToken: 1 }, { topic: 'a', count: 1 }, { topic: 'b', count: 2, ackToken: 2 },
    { topic: 'b', count: 1, ackToken: 3 }, { topic: 'a', count: 1 },
  ]);
  assert.deepEqual(takeRuns(runs, 2), [{ topic: 'a', count: 2 }]);
  assert.deepEqual(takeRuns(runs, 3), [{ topic: 'a', count: 1, ackToken: 1 }, { topic: 'a', count: 1 }, { topic: 'b', count: 1 }]);
  assert.deepEqual(takeRuns(runs, 3), [{ topic: 'b', count: 1, ackToken: 2 }, { topic: 'b', count: 1, ackToken: 3 }, { topic: 'a', count: 1 }]);
  assert.deepEqual(runs, []);
});
