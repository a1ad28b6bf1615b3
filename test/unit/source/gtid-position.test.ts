import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GtidPosition, parseGtid } from '../../../src/source/gtid-position.js';

test('parses, orders domains and keeps the newest GTID per domain', () => {
  assert.equal(GtidPosition.parse('1-2-77, 0-1-1042').toString(), '0-1-1042,1-2-77');
  assert.equal(GtidPosition.parse('0-1-5,0-2-9').toString(), '0-2-9');
  assert.equal(GtidPosition.parse('').toString(), '');
  assert.equal(GtidPosition.parse(null).isEmpty, true);
});

test('applies a transaction to its domain only', () => {
  const position = GtidPosition.parse('0-1-10,1-1-3').with(parseGtid('1-1-4'));
  assert.equal(position.toString(), '0-1-10,1-1-4');
});

test('covers compares 64-bit sequences exactly', () => {
  const position = GtidPosition.parse('0-1-18446744073709551614');
  assert.equal(position.covers(parseGtid('0-1-18446744073709551613')), true);
  assert.equal(position.covers(parseGtid('0-1-18446744073709551615')), false);
  assert.equal(position.covers(parseGtid('0-1-9')), true);
  assert.equal(position.covers(parseGtid('2-1-1')), false);
});

test('rejects text that is not a GTID', () => {
  assert.throws(() => parseGtid('3E11FA47-71CA-11E1-9E33-C80AA9429562:23'), /not a MariaDB GTID/);
});
