import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approximateRowBytes, nextChunkRows, readerBudgetBytes } from '../../../src/runtime/chunk-budget.js';

test('a row\'s size: text and bytes by length, other values as a word, NULL as nothing', () => {
  assert.equal(approximateRowBytes({ a: 'x'.repeat(100), b: Buffer.alloc(50), c: 7, d: null, e: '12.50' }), 100 + 50 + 8 + 0 + 5);
});

test('the next snapshot chunk: the configured rows, fewer when rows that size would pass the byte budget, at least one', () => {
  const big = Array.from({ length: 4 }, () => ({ id: 1, body: 'x'.repeat(100_000) }));
  assert.equal(nextChunkRows(4096, 0, big), 4096, 'no byte bound');
  assert.equal(nextChunkRows(4096, 1_000_000, big), 9);
  assert.equal(nextChunkRows(4096, 10_000, big), 1, 'a row larger than the budget is read alone');
  assert.equal(nextChunkRows(4096, 10_000_000_000, big), 4096, 'never more than the configured rows');
  assert.equal(nextChunkRows(4096, 10_000, []), 1);
});

test('each snapshot reader gets its share of the bound, halved for the chunk read ahead', () => {
  assert.equal(readerBudgetBytes(0, 4), 0);
  assert.equal(readerBudgetBytes(1_000_000, 1), 500_000);
  assert.equal(readerBudgetBytes(1_000_000, 4), 125_000);
  assert.equal(readerBudgetBytes(3, 4), 1);
});
