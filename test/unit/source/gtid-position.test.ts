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

test('coversAll compares every domain: a position passes another only when it is at or past it in each', () => {
  const cases: Array<[string, string, boolean]> = [
    ['0-1-10', '0-1-10', true],
    ['0-1-11', '0-1-10', true],
    ['0-1-9', '0-1-10', false],
    ['0-1-10,1-1-5', '0-1-10,1-1-6', false], // behind in one domain
    ['0-1-10,1-1-7', '0-1-10,1-1-6', true],
    ['0-1-10', '0-1-10,1-1-6', false], // a domain the other has, this one never saw
    ['0-1-10,1-1-6', '0-1-10', true], // an extra domain does not matter
    ['0-2-12', '0-1-11', true], // a new server in the same domain: the sequence decides
    ['0-1-100', '0-1-99', true], // numerically, not as text
    ['', '', true],
    ['0-1-1', '', true],
    ['', '0-1-1', false],
    ['0-1-18446744073709551615', '0-1-18446744073709551614', true], // 64-bit sequences
  ];
  for (const [stream, mark, expected] of cases) {
    assert.equal(GtidPosition.parse(stream).coversAll(GtidPosition.parse(mark)), expected, `${stream} covers ${mark}`);
  }
});
