import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONNECTOR_STATES, canMove, isTargetState, shouldRetry } from '../../../src/runtime/connector-state.js';

test('legal moves: sessions start from UNASSIGNED, failures retry through RESTARTING', () => {
  const cases: Array<[string, string, boolean]> = [
    ['UNASSIGNED', 'RUNNING', true],
    ['RUNNING', 'FAILED', true],
    ['FAILED', 'RESTARTING', true],
    ['RESTARTING', 'UNASSIGNED', true],
    ['PAUSED', 'UNASSIGNED', true],
    ['STOPPED', 'PAUSED', true],
    ['PAUSED', 'RUNNING', false],
    ['STOPPED', 'RUNNING', false],
    ['RESTARTING', 'RUNNING', false],
    ['FAILED', 'RUNNING', false],
  ];
  for (const [from, to, legal] of cases) assert.equal(canMove(from as never, to as never), legal, `${from} -> ${to}`);
  for (const state of CONNECTOR_STATES) assert.ok(canMove(state, state), `${state} stays`);
});

test('retries: only retriable errors, up to errors.max.retries (-1 without limit)', () => {
  assert.equal(shouldRetry(false, 0, { maxRetries: -1, waitMs: 0 }), false);
  assert.equal(shouldRetry(true, 1000, { maxRetries: -1, waitMs: 0 }), true);
  assert.equal(shouldRetry(true, 0, { maxRetries: 0, waitMs: 0 }), false);
  assert.equal(shouldRetry(true, 2, { maxRetries: 3, waitMs: 0 }), true);
  assert.equal(shouldRetry(true, 3, { maxRetries: 3, waitMs: 0 }), false);
});

test('target states are the three Connect accepts in initial_state', () => {
  assert.ok(isTargetState('PAUSED'));
  assert.ok(!isTargetState('FAILED'));
  assert.ok(!isTargetState('running'));
});
