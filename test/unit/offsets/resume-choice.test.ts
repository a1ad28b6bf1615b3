import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileAnchored } from '../../../src/config/values.js';
import { chooseResume } from '../../../src/offsets/resume-choice.js';
import { gtidSourceFilter } from '../../../src/source/gtid-filter.js';

test('no stored offset: the current end of the binlog', () => {
  assert.deepEqual(chooseResume({ stored: undefined, serverEnd: '0-1-500' }), { kind: 'end', gtids: '0-1-500' });
});

test('an offset with a GTID set resumes by GTID with its event/row skip', () => {
  const stored = { file: 'mysql-bin.000003', pos: 1000, gtids: '0-1-10,1-2-5', event: 3, row: 1, server_id: 1 };
  assert.deepEqual(chooseResume({ stored, serverEnd: '0-1-500,1-2-9' }),
    { kind: 'gtid', gtids: '0-1-10,1-2-5', event: 3, row: 1, dropped: [], keptExcluded: [] });
});

test('gtid.source.* apply to the stored GTID set', () => {
  const filter = gtidSourceFilter({ includes: [compileAnchored('0-.*')], excludes: [] })!;
  const choice = chooseResume({ stored: { file: 'f', pos: 4, gtids: '0-1-10,7-3-2' }, serverEnd: '0-1-500', filter });
  assert.equal(choice.kind, 'gtid');
  assert.equal(choice.kind === 'gtid' && choice.gtids, '0-1-10');
});

test('an offset without gtids resumes from its file and position, with the same skip', () => {
  // As a Debezium without GTIDs wrote it (4.1's example seen in the wild).
  const stored = { file: 'mysql-bin.000009', pos: 574318212, row: 1, server_id: 223344, event: 2, ts_sec: 1741301103 };
  assert.deepEqual(chooseResume({ stored, serverEnd: '0-1-500' }), { kind: 'file', file: 'mysql-bin.000009', pos: 574318212, event: 2, row: 1 });
  assert.deepEqual(chooseResume({ stored: { file: 'mysql-bin.000001', pos: 4 }, serverEnd: '' }), { kind: 'file', file: 'mysql-bin.000001', pos: 4, event: 0, row: 0 });
});

test('a GTID set that is not MariaDB\'s is refused, naming it', () => {
  assert.throws(() => chooseResume({ stored: { file: 'f', pos: 4, gtids: '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5' }, serverEnd: '' }), /not a MariaDB GTID/);
});
