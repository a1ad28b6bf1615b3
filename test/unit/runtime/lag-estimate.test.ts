import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesAfter, coversEnd, expirySeconds, lagSeconds, retention } from '../../../src/runtime/lag-estimate.js';
import { GtidPosition } from '../../../src/source/gtid-position.js';

const pos = (text: string) => GtidPosition.parse(text);
const NOW = 1_700_000_100_000;

test('caught up means every domain of the server end is read', () => {
  const cases: Array<[string, string, boolean]> = [
    ['0-1-10', '0-1-10', true],
    ['0-1-11', '0-1-10', true],
    ['0-1-9', '0-1-10', false],
    ['0-1-10', '0-1-10,1-1-5', false], // a domain the connector has not read yet
    ['0-1-10,1-1-5', '0-1-10', true],
    ['', '', true], // a server without transactions
  ];
  for (const [read, end, expected] of cases) assert.equal(coversEnd(pos(read), pos(end)), expected, `${read} vs ${end}`);
});

test('lag: 0 when caught up, whatever the age of the last event (idle source)', () => {
  assert.equal(lagSeconds({ read: pos('0-1-10'), server: { end: pos('0-1-10') }, nowMs: NOW, lastEventMs: NOW - 3_600_000 }), 0);
});

test('lag: behind after an idle period counts from the last poll that saw nothing unread, not from the old last event', () => {
  const server = { end: pos('0-1-12'), caughtUpAtMs: NOW - 7000 };
  assert.equal(lagSeconds({ read: pos('0-1-10'), server, nowMs: NOW, lastEventMs: NOW - 3_600_000 }), 7);
  // and it keeps rising while nothing is read
  assert.equal(lagSeconds({ read: pos('0-1-10'), server, nowMs: NOW + 60_000, lastEventMs: NOW - 3_600_000 }), 67);
});

test('lag: a backlog (no caught-up poll since start) counts from the last event read', () => {
  assert.equal(lagSeconds({ read: pos('0-1-10'), server: { end: pos('0-1-500') }, nowMs: NOW, lastEventMs: NOW - 600_000 }), 600);
  // while working through it, the newer of the two bounds wins
  assert.equal(lagSeconds({ read: pos('0-1-10'), server: { end: pos('0-1-500'), caughtUpAtMs: NOW - 900_000 }, nowMs: NOW, lastEventMs: NOW - 2000 }), 2);
});

test('lag: nothing known yet reads 0, and clock skew never makes it negative', () => {
  assert.equal(lagSeconds({ read: pos('0-1-1'), server: { end: pos('0-1-2') }, nowMs: NOW }), 0);
  assert.equal(lagSeconds({ read: pos('0-1-1'), server: { end: pos('0-1-2') }, nowMs: NOW, lastEventMs: NOW + 5000 }), 0);
});

test('bytes behind add the rest of the read file and every later file', () => {
  const files = [{ name: 'mysql-bin.000001', size: 1000 }, { name: 'mysql-bin.000002', size: 500 }, { name: 'mysql-bin.000003', size: 300 }];
  assert.equal(bytesAfter(files, { file: 'mysql-bin.000003', pos: 300 }), 0);
  assert.equal(bytesAfter(files, { file: 'mysql-bin.000003', pos: 100 }), 200);
  assert.equal(bytesAfter(files, { file: 'mysql-bin.000001', pos: 400 }), 600 + 500 + 300);
  assert.equal(bytesAfter(files, { file: 'mysql-bin.000000', pos: 4 }), undefined);
});

test('retention: files kept, bytes before the stored position, seconds until expiry may purge it', () => {
  const files = [{ name: 'mysql-bin.000007', size: 1000 }, { name: 'mysql-bin.000008', size: 500 }, { name: 'mysql-bin.000009', size: 300 }];
  const stored = { file: 'mysql-bin.000008', pos: 120, tsSec: NOW / 1000 - 3600 };
  assert.deepEqual(retention({ files, stored, expireSeconds: 86_400, nowMs: NOW }), { files: 3, headroomBytes: 1120, headroomSeconds: 82_800 });
  assert.deepEqual(retention({ files, stored, expireSeconds: 0, nowMs: NOW }), { files: 3, headroomBytes: 1120, headroomSeconds: Infinity });
  assert.deepEqual(retention({ files, stored: { file: 'mysql-bin.000003', pos: 9 }, expireSeconds: 0, nowMs: NOW }), { files: 3, headroomBytes: 0, headroomSeconds: Infinity }, 'purged');
  assert.deepEqual(retention({ files, expireSeconds: 60, nowMs: NOW }), { files: 3 }, 'nothing stored yet');
  // an already-expired position reads negative: MariaDB purges at the next rotation
  assert.ok(retention({ files, stored: { ...stored, tsSec: NOW / 1000 - 200_000 }, expireSeconds: 86_400, nowMs: NOW }).headroomSeconds! < 0);
});

test('expiry: binlog_expire_logs_seconds first, then expire_logs_days (fractions allowed), 0 when neither', () => {
  assert.equal(expirySeconds({ binlog_expire_logs_seconds: '3600', expire_logs_days: '7' }), 3600);
  assert.equal(expirySeconds({ binlog_expire_logs_seconds: '0', expire_logs_days: '7' }), 604_800);
  assert.equal(expirySeconds({ expire_logs_days: '0.500000' }), 43_200);
  assert.equal(expirySeconds({}), 0);
});
