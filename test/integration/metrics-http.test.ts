// GET /metrics of a running daemon, as Prometheus scrapes it: the series SPEC lists carry the
// `connector` label, and binlogd_lag_seconds rises while the connector is paused over REST
// (PUT /connectors/{name}/pause) and writes go on, and returns to 0 once it resumed and caught up.
// Skipped in a build without the REST API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBinlogd } from '../support/binlogd-process.js';
import { readAvroTopic } from '../support/avro-topic.js';
import { connectAsRoot } from '../support/mariadb.js';
import { parsePrometheusText, sampleValue, type Sample } from '../support/prometheus-text.js';
import { uniqueName } from '../support/stack-env.js';

const DB = 'binlogd_test';
const WAIT_MS = 60_000;

/** Every per-connector series SPEC lists that a streaming connector has (snapshot series aside). */
const SPEC_SERIES = ['binlogd_connector_up', 'binlogd_lag_seconds', 'binlogd_behind_source_bytes', 'binlogd_transactions_total',
  'binlogd_end_to_end_seconds_count', 'binlogd_queue_events', 'binlogd_queue_capacity', 'binlogd_connected'];

async function waitFor<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

test('GET /metrics: SPEC series with the connector label; lag rises while paused over REST and returns to 0', { timeout: 300_000 }, async (t) => {
  const db = await connectAsRoot();
  const name = uniqueName('metricshttp');
  const table = `${DB}.${name}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
  const daemon = await startBinlogd({ name, config: { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data' } });
  const url = (daemon as unknown as { url?: string }).url;
  const labels = { connector: name };
  const call = async (method: string, path: string) => fetch(`${url}${path}`, { method });
  const scrape = async (): Promise<Sample[]> => {
    const response = await call('GET', '/metrics');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    return parsePrometheusText(await response.text());
  };
  const lag = async () => sampleValue(await scrape(), 'binlogd_lag_seconds', labels);
  const state = async () => ((await (await call('GET', `/connectors/${name}/status`)).json()) as { connector: { state: string } }).connector.state;
  const insert = async (from: number, to: number) => {
    for (let id = from; id <= to; id++) await db.query(`INSERT INTO ${table} VALUES (?, 'row')`, [id]);
  };
  try {
    if (url === undefined) {
      t.skip('this build has no REST API');
      return;
    }
    await insert(1, 10);
    await readAvroTopic(`${name}.${table}`, 10, WAIT_MS);
    await waitFor('lag 0', lag, (v) => v === 0);
    await waitFor('an end-to-end observation', scrape, (s) => (sampleValue(s, 'binlogd_end_to_end_seconds_count', labels) ?? 0) > 0);
    const samples = await scrape();
    for (const series of SPEC_SERIES) assert.notEqual(sampleValue(samples, series, labels), undefined, `${series}{connector="${name}"}`);
    assert.equal(sampleValue(samples, 'binlogd_connector_up', labels), 1);
    assert.equal(sampleValue(samples, 'binlogd_connector_state', { ...labels, state: 'RUNNING' }), 1);
    assert.equal(sampleValue(samples, 'binlogd_events_total', { ...labels, table, op: 'c' }), 10);
    assert.ok(samples.some((s) => s.name === 'process_resident_memory_bytes'), 'process default metrics');

    assert.equal((await call('PUT', `/connectors/${name}/pause`)).status, 202);
    await waitFor('PAUSED', state, (s) => s === 'PAUSED');
    await insert(11, 20);
    const first = (await waitFor('lag to rise while paused', lag, (v) => v !== undefined && v >= 3))!;
    await waitFor('lag to keep rising', lag, (v) => v !== undefined && v >= first + 2);
    assert.ok(sampleValue(await scrape(), 'binlogd_behind_source_bytes', labels)! > 0, 'bytes behind while paused');
    assert.equal(sampleValue(await scrape(), 'binlogd_connector_up', labels), 0);

    assert.equal((await call('PUT', `/connectors/${name}/resume`)).status, 202);
    await waitFor('RUNNING', state, (s) => s === 'RUNNING');
    await readAvroTopic(`${name}.${table}`, 20, WAIT_MS);
    await waitFor('lag back to 0', lag, (v) => v === 0);
    await waitFor('no bytes behind', async () => sampleValue(await scrape(), 'binlogd_behind_source_bytes', labels), (v) => v === 0);
  } finally {
    assert.equal(await daemon.stop(), 0);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});
