import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, editDistance } from '../../../src/config/closest.js';

test('edit distance', () => {
  const cases: Array<[string, string, number]> = [
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['tombstone.on.delete', 'tombstones.on.delete', 1],
    ['snapshot.mod', 'snapshot.mode', 1],
  ];
  for (const [a, b, d] of cases) {
    assert.equal(editDistance(a, b), d, `${a} / ${b}`);
    assert.equal(editDistance(b, a), d, `${b} / ${a}`);
  }
});

test('closest name within a third of the length, case-insensitive', () => {
  const known = ['tombstones.on.delete', 'table.include.list', 'table.exclude.list', 'snapshot.mode'];
  assert.equal(closestName('tombstone.on.delete', known), 'tombstones.on.delete');
  assert.equal(closestName('Table.Include.List', known), 'table.include.list');
  assert.equal(closestName('table.includ.lists', known), 'table.include.list');
  assert.equal(closestName('heartbeat.interval.ms', known), undefined);
  assert.equal(closestName('x', []), undefined);
});
