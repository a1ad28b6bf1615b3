import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PositionTracker } from '../../../src/offsets/position-tracker.js';
import { formatOffset, parseOffset } from '../../../src/offsets/source-offset.js';
import { parseGtid } from '../../../src/source/gtid-position.js';

/** Walks a transaction: GTID, then table map + rows events of the given sizes, then commit. */
function transaction(tracker: PositionTracker, gtid: string, rowsEvents: number[], emit: (skip: number | 'all', offset: unknown) => void): void {
  tracker.begin(parseGtid(gtid), 1, 'mysql-bin.000003', 1000);
  for (const rows of rowsEvents) {
    tracker.eventDone(); // the table map
    const skip = tracker.rowsAlreadyEmitted();
    const offset = tracker.offsetAfterRows(rows, 1719990000999);
    tracker.eventDone();
    emit(skip, offset);
  }
  tracker.commit();
}

test('offsets inside a transaction point at its start, count its events, and the GTID set before it', () => {
  const tracker = new PositionTracker({ gtids: '0-1-10' });
  const offsets: unknown[] = [];
  transaction(tracker, '0-1-11', [3, 2], (_, offset) => offsets.push(offset));
  assert.deepEqual(offsets, [
    { file: 'mysql-bin.000003', pos: 1000, gtids: '0-1-10', event: 1, row: 3, server_id: 1, ts_sec: 1719990000 },
    { file: 'mysql-bin.000003', pos: 1000, gtids: '0-1-10', event: 3, row: 2, server_id: 1, ts_sec: 1719990000 },
  ]);
  assert.equal(tracker.gtids, '0-1-11', 'committed transactions join the set');
});

test('a restart skips the events and rows already emitted, in the first transaction only', () => {
  // Stopped after the first rows event (3 rows) of 0-1-11 was acknowledged.
  const tracker = new PositionTracker({ gtids: '0-1-10', event: 1, row: 3 });
  const skips: Array<number | 'all'> = [];
  transaction(tracker, '0-1-11', [3, 2], (skip) => skips.push(skip));
  transaction(tracker, '0-1-12', [4], (skip) => skips.push(skip));
  assert.deepEqual(skips, [3, 0, 0]);
});

test('a restart in the middle of a rows event skips only its emitted rows', () => {
  const tracker = new PositionTracker({ gtids: '0-1-10', event: 3, row: 1 });
  const skips: Array<number | 'all'> = [];
  transaction(tracker, '0-1-11', [3, 2], (skip) => skips.push(skip));
  assert.deepEqual(skips, ['all', 1]);
});

test("offset maps read and write in Debezium's shape, zero keys left out", () => {
  const text = formatOffset({ file: 'mysql-bin.000003', pos: 1512, gtids: '0-1-1043', event: 0, row: 0, server_id: 1, ts_sec: 1719990000 });
  assert.equal(text, '{"ts_sec":1719990000,"file":"mysql-bin.000003","pos":1512,"gtids":"0-1-1043","server_id":1}');
  assert.deepEqual(parseOffset(JSON.parse(text)), { file: 'mysql-bin.000003', pos: 1512, gtids: '0-1-1043', server_id: 1, ts_sec: 1719990000 });
  // What Kafka Connect + Debezium write; `snapshot` marks a snapshot in progress (`true` before 3.0.2).
  assert.deepEqual(parseOffset({ ts_sec: 1741301103, file: 'mysql-bin.000009', pos: 574318212, row: 1, server_id: 223344, event: 2, snapshot: 'INITIAL' }),
    { file: 'mysql-bin.000009', pos: 574318212, row: 1, server_id: 223344, event: 2, ts_sec: 1741301103, snapshot: 'INITIAL' });
  assert.equal(parseOffset({ file: 'f', pos: 4, snapshot: true }).snapshot, 'INITIAL');
  assert.equal(parseOffset({ file: 'f', pos: 4, transaction_id: 'x' }).snapshot, undefined);
  assert.throws(() => parseOffset({ pos: 4 }), /no binlog file/);
  assert.throws(() => parseOffset({ file: 'f', pos: -1 }), /pos is not a non-negative integer/);
});

/** Feeds `events` events of a transaction (each a table map then a rows event of `rows` rows, or one event) and returns the skips. */
function partly(tracker: PositionTracker, gtid: string, rowsEvents: number[]): Array<number | 'all'> {
  const skips: Array<number | 'all'> = [];
  tracker.begin(parseGtid(gtid), 1, 'mysql-bin.000003', 1000);
  for (const rows of rowsEvents) {
    tracker.eventDone();
    skips.push(tracker.rowsAlreadyEmitted());
    tracker.offsetAfterRows(rows, 0);
    tracker.eventDone();
  }
  return skips;
}

test('a reconnect inside a transaction skips the events already emitted, bound to that GTID', () => {
  const tracker = new PositionTracker({ gtids: '0-1-10' });
  partly(tracker, '0-1-11', [3, 2]);
  const point = tracker.reconnectPoint();
  assert.deepEqual(point, { gtids: '0-1-10', event: 4, gtid: '0-1-11' });
  // The server sends the transaction again from its GTID event; then the rest of it.
  const skips: Array<number | 'all'> = [];
  transaction(tracker, '0-1-11', [3, 2, 5], (skip) => skips.push(skip));
  assert.deepEqual(skips, ['all', 'all', 0]);
  assert.equal(tracker.gtids, '0-1-11');
});

test('a reconnect between transactions or before any rows event asks for the finished set only', () => {
  const tracker = new PositionTracker({ gtids: '0-1-10' });
  transaction(tracker, '0-1-11', [1], () => undefined);
  assert.deepEqual(tracker.reconnectPoint(), { gtids: '0-1-11' });
  tracker.begin(parseGtid('0-1-12'), 1, 'f', 4);
  assert.deepEqual(tracker.reconnectPoint(), { gtids: '0-1-11' });
});

test('a bound skip waits for its transaction; others arriving first are emitted whole', () => {
  const tracker = new PositionTracker({ gtids: '0-1-10,1-1-5' });
  partly(tracker, '0-1-11', [2]);
  tracker.reconnectPoint();
  const skips: Array<number | 'all'> = [];
  transaction(tracker, '1-1-6', [4], (skip) => skips.push(skip));
  transaction(tracker, '0-1-11', [2, 3], (skip) => skips.push(skip));
  assert.deepEqual(skips, [0, 'all', 0]);
});

test('a reconnect before a restart skip was used keeps that skip', () => {
  const tracker = new PositionTracker({ gtids: '0-1-10', event: 3, row: 1 });
  // Reconnect before the transaction even began: nothing changed.
  assert.deepEqual(tracker.reconnectPoint(), { gtids: '0-1-10', event: 3, row: 1 });
  // Began, its first (already emitted) rows event skipped, then the connection broke.
  partly(tracker, '0-1-11', [3]);
  assert.deepEqual(tracker.reconnectPoint(), { gtids: '0-1-10', event: 3, row: 1, gtid: '0-1-11' });
  const skips: Array<number | 'all'> = [];
  transaction(tracker, '0-1-11', [3, 2], (skip) => skips.push(skip));
  assert.deepEqual(skips, ['all', 1]);
  // After the skip was used, a second reconnect counts what this run emitted.
  partly(tracker, '0-1-12', [1, 1]);
  assert.deepEqual(tracker.reconnectPoint(), { gtids: '0-1-11', event: 4, gtid: '0-1-12' });
});

test('a restart inside a transaction is known until that transaction is done', () => {
  const inside = new PositionTracker({ gtids: '0-1-5', event: 3, row: 1 });
  assert.equal(inside.resumingInside, true);
  inside.begin(parseGtid('0-1-6'), 1, 'f', 4);
  inside.commit();
  assert.equal(inside.resumingInside, false);
  assert.equal(new PositionTracker({ gtids: '0-1-5' }).resumingInside, false);
});
