// The REST status and metrics while an initial snapshot runs: RUNNING (as Kafka Connect shows a
// Debezium task during its snapshot) with the snapshot's progress in the status body, the metrics
// agreeing; a pause in the middle stops the snapshot, a resume continues it from its last chunk,
// so does a restart, and the topic ends with every row exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload } from '../support/avro-topic.js';
import { readTopicUntil, replayChanges } from '../support/change-replay.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { inState, rest, waitForStatus } from '../support/rest-client.js';

const DB = 'binlogd_test';
const ROWS = 200_000;

test('RUNNING with progress during the initial snapshot; metrics agree; pause, resume and restart mid-snapshot lose and repeat nothing', { timeout: 600_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('snap_status');
  const qualified = `${DB}.${table}`;
  const name = uniqueName('snaps');
  const topic = `${name}.${qualified}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${qualified} (id INT PRIMARY KEY, a VARCHAR(40), b BIGINT)`);
  await db.query(`INSERT INTO ${qualified} SELECT seq, CONCAT('value ', seq), seq * 7 FROM ${DB}.seq_1_to_${ROWS}`);
  await db.query(`ANALYZE TABLE ${qualified}`);
  const daemon = await startBinlogd({
    name, readyMessage: /^snapshot started/, timeoutMs: 120_000,
    config: { 'topic.prefix': name, 'snapshot.fetch.size': '2000', 'table.include.list': `${DB}\\.${table}` },
  });
  const metrics = async () => parsePrometheusText((await rest(daemon.url, 'GET', '/metrics')).text);
  try {
    const during = await waitForStatus(daemon.url, name, (s) => s.connector?.state === 'RUNNING' && s.snapshot?.rows > 0, { timeoutMs: 120_000 });
    assert.equal(during.tasks[0].state, 'RUNNING');
    assert.equal(during.type, 'source');
    assert.equal(during.snapshot.state, 'running');
    assert.equal(during.snapshot.remainingTables, 1);
    assert.match(during.snapshot.position.gtids, /^\d+-\d+-\d+/);
    const [progress] = during.snapshot.tables;
    assert.equal(progress.table, qualified);
    assert.equal(progress.state, 'running');
    assert.ok(progress.rows > 0 && progress.rows < ROWS, `rows done: ${progress.rows}`);
    assert.ok(progress.estimatedRows > ROWS / 2, `InnoDB's estimate: ${progress.estimatedRows}`);
    assert.ok(progress.rowsPerSecond >= 0 && (progress.etaSeconds === null || progress.etaSeconds >= 0), JSON.stringify(progress));
    const expanded = (await rest(daemon.url, 'GET', '/connectors?expand=status')).body[name].status;
    assert.equal(expanded.connector.state, 'RUNNING');
    assert.equal(expanded.snapshot.tables[0].table, qualified);
    const health = await rest(daemon.url, 'GET', '/health');
    assert.equal(health.status, 200, 'the worker has started: the snapshot is the connector\'s work');

    const running = await metrics();
    assert.equal(sampleValue(running, 'binlogd_connector_up', { connector: name }), 1);
    assert.equal(sampleValue(running, 'binlogd_connector_state', { connector: name, state: 'RUNNING' }), 1);
    assert.equal(sampleValue(running, 'binlogd_connector_state', { connector: name, state: 'UNASSIGNED' }), 0);
    assert.equal(sampleValue(running, 'binlogd_snapshot_remaining_tables', { connector: name }), 1);
    assert.ok((sampleValue(running, 'binlogd_snapshot_rows_total', { connector: name, table: qualified }) ?? 0) > 0);

    assert.equal((await rest(daemon.url, 'PUT', `/connectors/${name}/pause`)).status, 202);
    const paused = await waitForStatus(daemon.url, name, inState('PAUSED'), { timeoutMs: 30_000 });
    assert.equal(paused.tasks[0].state, 'PAUSED');
    assert.equal(paused.snapshot, undefined, 'no progress shown for a snapshot that does not run');
    const atPause = await metrics();
    assert.equal(sampleValue(atPause, 'binlogd_connector_up', { connector: name }), 0);
    assert.equal(sampleValue(atPause, 'binlogd_connector_state', { connector: name, state: 'PAUSED' }), 1);
    assert.equal(sampleValue(atPause, 'binlogd_connector_state', { connector: name, state: 'RUNNING' }), 0);

    assert.equal((await rest(daemon.url, 'PUT', `/connectors/${name}/resume`)).status, 202);
    await waitForStatus(daemon.url, name, (s) => s.connector?.state === 'RUNNING' && s.snapshot?.rows > 0, { timeoutMs: 60_000 });
    // A restart stops the snapshotting session at once; the next one continues the snapshot.
    const restarted = await rest(daemon.url, 'POST', `/connectors/${name}/restart?includeTasks=true`);
    assert.equal(restarted.status, 202);
    const resumes = () => daemon.logs.filter((l) => l['msg'] === 'resuming the snapshot from its last emitted rows').length;
    const deadline = Date.now() + 300_000;
    while (!daemon.logs.some((l) => l['msg'] === 'streaming') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(resumes(), 2, 'the resumed and the restarted session each continued the snapshot');
    const streaming = await waitForStatus(daemon.url, name, inState('RUNNING'));
    assert.equal(streaming.snapshot, undefined, 'no snapshot field once streaming');
    const after = await metrics();
    assert.equal(sampleValue(after, 'binlogd_connector_up', { connector: name }), 1);
    assert.equal(sampleValue(after, 'binlogd_snapshot_remaining_tables', { connector: name }), 0);

    const records = await readTopicUntil(topic, (r) => (asJsonPayload(r.value) as { source?: { snapshot?: string } } | null)?.source?.snapshot === 'last', ROWS, 300_000);
    const replay = replayChanges(records, (row) => String(row['id']));
    assert.equal(replay.snapshotRows, ROWS, 'every row once');
    assert.equal(records.length, ROWS, 'no record twice');
    console.log(`paused the snapshot after ${progress.rows} rows (${progress.rowsPerSecond} rows/s, ETA ${String(progress.etaSeconds)} s)`);
  } finally {
    assert.equal(await daemon.stop(), 0);
    await db.query(`DROP TABLE IF EXISTS ${qualified}`);
    await db.end();
  }
});
