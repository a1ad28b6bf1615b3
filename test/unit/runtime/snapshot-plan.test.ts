import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderTables, planSnapshot, snapshotIncludes } from '../../../src/runtime/snapshot-plan.js';
import type { SnapshotConfig } from '../../../src/config/index.js';
import type { SourceOffset } from '../../../src/offsets/source-offset.js';

const config = (mode: SnapshotConfig['mode'], based: Partial<SnapshotConfig['configurationBased']> = {}) => ({
  mode,
  configurationBased: { snapshotData: false, snapshotSchema: false, startStream: false, snapshotOnSchemaError: false, snapshotOnDataError: false, ...based },
}) as SnapshotConfig;

const done: SourceOffset = { file: 'f', pos: 4, gtids: '0-1-5' };
const midway: SourceOffset = { ...done, snapshot: 'INITIAL', snapshot_chunks: '{"v":1,"done":[],"at":{}}' };
const debeziumMidway: SourceOffset = { ...done, snapshot: 'INITIAL' };
const blockingMidway: SourceOffset = { ...done, event: 2, row: 1, snapshot: 'BLOCKING' };

test('snapshot.mode decides by the stored offset, as Debezium\'s snapshotters do', () => {
  const available = () => true;
  const gone = () => false;
  const cases: Array<[SnapshotConfig, SourceOffset | undefined, () => boolean, string, boolean]> = [
    [config('initial'), undefined, available, 'fresh', true],
    [config('initial'), done, available, 'none', true],
    [config('initial'), midway, available, 'resume', true],
    [config('initial'), debeziumMidway, available, 'fresh', true],
    [config('initial'), blockingMidway, available, 'none', true],
    [config('when_needed'), blockingMidway, gone, 'fresh', true],
    [config('initial_only'), undefined, available, 'fresh', false],
    [config('initial_only'), done, available, 'none', false],
    [config('when_needed'), done, available, 'none', true],
    [config('when_needed'), done, gone, 'fresh', true],
    [config('when_needed'), undefined, gone, 'fresh', true],
    [config('always'), done, available, 'fresh', true],
    [config('no_data'), undefined, available, 'none', true],
    [config('recovery'), done, available, 'none', true],
    [config('configuration_based', { snapshotData: true, startStream: true }), undefined, available, 'fresh', true],
    [config('configuration_based', { snapshotData: false, startStream: true, snapshotOnDataError: true }), done, gone, 'fresh', true],
    [config('configuration_based', { snapshotData: true }), done, available, 'none', false],
  ];
  for (const [c, stored, availability, snapshot, stream] of cases) {
    assert.deepEqual(planSnapshot(c, stored, availability), { snapshot, stream }, `${c.mode} ${JSON.stringify(stored)}`);
  }
});

test('tables are read in table.include.list order, then by name, or by row count', () => {
  const tables = [
    { db: 'b', table: 'x', estimatedRows: 5 }, { db: 'a', table: 'z', estimatedRows: 1 }, { db: 'a', table: 'y', estimatedRows: 9 },
  ];
  const names = (list: typeof tables) => list.map((t) => `${t.db}.${t.table}`);
  assert.deepEqual(names(orderTables(tables, [], 'disabled')), ['a.y', 'a.z', 'b.x']);
  assert.deepEqual(names(orderTables(tables, [/b\..*/, /a\.z/], 'disabled')), ['b.x', 'a.z', 'a.y']);
  assert.deepEqual(names(orderTables(tables, [], 'descending')), ['a.y', 'b.x', 'a.z']);
  assert.deepEqual(names(orderTables(tables, [], 'ascending')), ['a.z', 'b.x', 'a.y']);
});

test('snapshot.include.collection.list matches whole names', () => {
  const included = snapshotIncludes([/db\.orders/]);
  assert.equal(included('db', 'orders'), true);
  assert.equal(included('db', 'orders_old'), false);
  assert.equal(snapshotIncludes([])('x', 'y'), true);
});
