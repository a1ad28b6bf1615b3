import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCoordinates, snapshotPointOf } from '../../../src/source/binlog-snapshot-point.js';
import { BinlogdError } from '../../../src/errors.js';

test('binlog coordinates order by file number, then offset', () => {
  const cases: Array<[string, number, string, number, number]> = [
    ['mysql-bin.000001', 100, 'mysql-bin.000001', 100, 0],
    ['mysql-bin.000001', 99, 'mysql-bin.000001', 100, -1],
    ['mysql-bin.000002', 4, 'mysql-bin.000001', 9000, 1],
    ['mysql-bin.999999', 4, 'mysql-bin.1000000', 4, -1], // the name widens past six digits
  ];
  for (const [fa, pa, fb, pb, expected] of cases) {
    assert.equal(compareCoordinates({ file: fa, pos: pa }, { file: fb, pos: pb }), expected, `${fa}:${pa} vs ${fb}:${pb}`);
  }
});

test('the snapshot point comes from SHOW STATUS LIKE Binlog_snapshot_%', () => {
  assert.deepEqual(snapshotPointOf([
    { Variable_name: 'Binlog_snapshot_file', Value: 'mysql-bin.000007' },
    { Variable_name: 'Binlog_snapshot_position', Value: '2820' },
  ]), { file: 'mysql-bin.000007', pos: 2820 });
});

test('no binlog behind the snapshot: an error naming read.only and log_bin', () => {
  for (const status of [[], [{ Variable_name: 'Binlog_snapshot_file', Value: '' }, { Variable_name: 'Binlog_snapshot_position', Value: '0' }]]) {
    assert.throws(() => snapshotPointOf(status), (error: unknown) => {
      assert.ok(error instanceof BinlogdError);
      assert.equal(error.code, 'SOURCE_SETTINGS');
      assert.match(error.message, /read\.only=true/);
      assert.match(error.message, /log_bin=ON/);
      return true;
    });
  }
});
