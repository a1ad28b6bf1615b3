import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as metrics from '../../../src/metrics/registry.js';
import { createLogger } from '../../../src/runtime/logger.js';
import { SnapshotProgress } from '../../../src/runtime/snapshot-progress.js';

async function series(name: string, connector: string): Promise<Record<string, number>> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name)!;
  const out: Record<string, number> = {};
  for (const v of metric.values) if (v.labels['connector'] === connector) out[String(v.labels['table'] ?? '')] = v.value;
  return out;
}

test('progress per table in the report and in metrics: rows against the estimate, remaining tables', async () => {
  const connector = 'progress-test';
  const progress = new SnapshotProgress(connector, { file: 'mariadb-bin.000001', pos: 4, gtids: '0-1-5' }, createLogger('error'));
  progress.addTable('db.a', 1000);
  progress.addTable('db.b', 50);
  progress.addTable('db.done', 7, true);
  progress.tableStarted('db.a');
  progress.rowsEmitted('db.a', 400);
  const report = progress.report();
  assert.equal(report.state, 'running');
  assert.equal(report.remainingTables, 2);
  assert.deepEqual(report.tables.map((t) => [t.table, t.state, t.rows, t.estimatedRows]), [
    ['db.a', 'running', 400, 1000], ['db.b', 'pending', 0, 50], ['db.done', 'done', 0, 7],
  ]);
  assert.deepEqual(await series('binlogd_snapshot_rows_total', connector), { 'db.a': 400 });
  assert.deepEqual(await series('binlogd_snapshot_estimated_rows', connector), { 'db.a': 1000, 'db.b': 50 });
  assert.deepEqual(await series('binlogd_snapshot_remaining_tables', connector), { '': 2 });
  progress.tableDone('db.a');
  progress.tableStarted('db.b');
  progress.rowsEmitted('db.b', 50);
  progress.tableDone('db.b');
  progress.finish('completed');
  assert.equal(progress.report().remainingTables, 0);
  assert.deepEqual(await series('binlogd_snapshot_remaining_tables', connector), { '': 0 });
});
