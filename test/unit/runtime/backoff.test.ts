import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, sleep } from '../../../src/runtime/backoff.js';

test('delays grow exponentially up to the cap, scaled by jitter', () => {
  const top = { initialMs: 100, maxMs: 5000, random: () => 0.999999 };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 40].map((n) => backoffDelay(n, top)), [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  assert.equal(backoffDelay(3, { ...top, random: () => 0 }), 0);
  assert.equal(backoffDelay(3, { ...top, random: () => 0.5 }), 400);
});

test('sleep stops at once when aborted', async () => {
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(new Error('stop')), 10);
  await assert.rejects(sleep(60_000, controller.signal), /stop/);
  assert.ok(Date.now() - started < 5000);
});
