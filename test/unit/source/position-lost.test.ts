import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGtid, GtidPosition } from '../../../src/source/gtid-position.js';
import { positionLostError, purgedDomains } from '../../../src/source/position-lost.js';

const lost = (resume: string, oldest: string) =>
  purgedDomains(GtidPosition.parse(resume), GtidPosition.parse(oldest)).map((p) => `${p.domain}:${p.stored ? formatGtid(p.stored) : '-'}..${formatGtid(p.purgedUpTo)}`);

test('a domain is lost when its next transaction lies before the oldest binlog', () => {
  assert.deepEqual(lost('0-1-100', '0-1-100'), [], 'the oldest binlog starts right after the position');
  assert.deepEqual(lost('0-1-120', '0-1-100'), []);
  assert.deepEqual(lost('0-1-99', '0-1-100'), ['0:0-1-99..0-1-100']);
  // A domain the position lacks would be read from its start: gone once any of it was purged.
  assert.deepEqual(lost('0-1-100', '0-1-50,1-1-7'), ['1:-..1-1-7']);
  // A domain that began after the oldest binlog started is all there.
  assert.deepEqual(lost('0-1-100,2-1-5', '0-1-50'), []);
  // Sequences order a domain whichever server wrote them (failover inside a domain).
  assert.deepEqual(lost('0-2-300', '0-1-250'), []);
  assert.deepEqual(lost('0-1-18446744073709551614', '0-1-18446744073709551615'), ['0:0-1-18446744073709551614..0-1-18446744073709551615']);
  assert.deepEqual(lost('', ''), []);
});

test('the error names the missing position, the oldest one and the remedies', () => {
  const error = positionLostError({
    connector: 'inventory', topicPrefix: 'dbserver1', offsetsTopic: 'binlogd-offsets', server: '127.0.0.1:13316',
    stored: 'GTID position 0-1-99 (file mysql-bin.000001, pos 1234)',
    oldest: { file: 'mysql-bin.000004', gtids: '0-1-180' },
    purged: purgedDomains(GtidPosition.parse('0-1-99'), GtidPosition.parse('0-1-180')),
  });
  assert.equal(error.code, 'SOURCE_POSITION_LOST');
  assert.equal(error.retriable, false);
  for (const part of [
    'GTID position 0-1-99 (file mysql-bin.000001, pos 1234)', '127.0.0.1:13316',
    'domain 0: the transactions after 0-1-99 up to 0-1-180 were purged',
    'mysql-bin.000004', '0-1-180',
    'snapshot.mode=when_needed', 'DELETE /connectors/inventory/offsets',
    'tombstone (null value) for the key ["inventory",{"server":"dbserver1"}] to the offsets topic binlogd-offsets',
  ]) assert.ok(error.message.includes(part), `message names ${part}: ${error.message}`);
  const file = positionLostError({
    connector: 'c', topicPrefix: 'p', offsetsTopic: 't', server: 'h:1', stored: '(file old.000001, pos 4)',
    oldest: { file: 'mysql-bin.000004', gtids: '' }, purged: [], missingFile: 'old.000001',
  });
  assert.ok(file.message.includes('binlog file old.000001 is not on the server any more'), file.message);
  assert.ok(file.message.includes('GTID position (empty)'), file.message);
});
