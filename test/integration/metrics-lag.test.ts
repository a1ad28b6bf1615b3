// The metrics of a real connector against the real stack, scraped as Prometheus text: every
// per-connector series SPEC lists carries the `connector` label, and binlogd_lag_seconds tells the
// truth: 0 while idle, rising while the binlog reader is paused and writes go on, back to 0 (and
// no bytes behind) once it has caught up, and still rising after the connector's session stopped
// (a paused or stopped connector). Runs a connector in-process to pause its binlog reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { parseConnector, parseWorkerConfig } from '../../src/config/index.js';
import { registry } from '../../src/metrics/registry.js';
import { createLogger } from '../../src/runtime/logger.js';
import { createSummaryLogger } from '../../src/runtime/summary.js';
import { createOffsetStore } from '../../src/offsets/offset-store.js';
import { Connector } from '../../src/runtime/connector.js';
import { stopSourceLag } from '../../src/runtime/source-lag.js';
import { createRegistryClient } from '../../src/serialize/registry.js';
import { createAvroSerializer } from '../../src/serialize/serializer.js';
import { connectorDefaults } from '../support/binlogd-process.js';
import { readAvroTopic } from '../support/avro-topic.js';
import { connectAsRoot } from '../support/mariadb.js';
import { parsePrometheusText, sampleValue, type Sample } from '../support/prometheus-text.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';

const DB = 'binlogd_test';
/** The poll runs every 5 s; every wait below allows several polls on a busy machine. */
const WAIT_MS = 60_000;

async function scrape(): Promise<Sample[]> {
  return parsePrometheusText(await registry.metrics());
}

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

test('metrics: every series with the connector label; lag rises while the reader is paused and returns to 0', { timeout: 300_000 }, async () => {
  const env = loadStackEnv();
  const db = await connectAsRoot();
  const name = uniqueName('metrics');
  const table = `${DB}.${name}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
  const logLines: string[] = [];
  const logger = createLogger('info', { destination: new Writable({ write(chunk, _e, done) { logLines.push(...String(chunk).split('\n').filter(Boolean)); done(); } }) as never });
  const worker = parseWorkerConfig({ kafka: { brokers: env.kafkaBrokers }, schemaRegistry: { url: env.schemaRegistryUrl } }, { env: {} }).config!;
  const connector = parseConnector({
    name, config: { ...connectorDefaults(), 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data' },
  }, { env: {} }).config!;
  // What the worker gives each connector.
  const kafka = { connection: { brokers: worker.kafka.brokers, clientId: 'metrics-test' }, log: () => undefined };
  const registryClient = createRegistryClient({ url: worker.schemaRegistry.url });
  const offsets = createOffsetStore({ kafka: kafka.connection, topic: worker.offsets.topic });
  const instance = new Connector(connector, { kafka, offsets, serializer: createAvroSerializer(registryClient), logger, version: 'test' });
  const labels = { connector: name };
  const lag = async () => sampleValue(await scrape(), 'binlogd_lag_seconds', labels);
  const behind = async () => sampleValue(await scrape(), 'binlogd_behind_source_bytes', labels);
  const insert = async (from: number, to: number) => {
    for (let id = from; id <= to; id++) await db.query(`INSERT INTO ${table} VALUES (?, 'row')`, [id]);
  };
  try {
    await instance.start();
    assert.equal(instance.state, 'RUNNING', instance.failure?.message);

    // Idle and caught up from the start.
    await waitFor('lag 0 at start', lag, (v) => v === 0);
    await insert(1, 20);
    await readAvroTopic(`${name}.${table}`, 20, WAIT_MS);
    await waitFor('lag 0 after the first writes', lag, (v) => v === 0);
    await waitFor('an end-to-end observation', scrape, (s) => (sampleValue(s, 'binlogd_end_to_end_seconds_count', labels) ?? 0) > 0);

    const samples = await scrape();
    for (const series of ['binlogd_lag_seconds', 'binlogd_behind_source_bytes', 'binlogd_transactions_total', 'binlogd_queue_events',
      'binlogd_queue_capacity', 'binlogd_connected', 'binlogd_binlog_retention_files', 'binlogd_stored_position_headroom_bytes',
      'binlogd_stored_position_headroom_seconds', 'binlogd_end_to_end_seconds_count', 'binlogd_end_to_end_seconds_sum']) {
      assert.notEqual(sampleValue(samples, series, labels), undefined, `${series}{connector="${name}"}`);
    }
    assert.equal(sampleValue(samples, 'binlogd_events_total', { ...labels, table, op: 'c' }), 20);
    assert.ok(sampleValue(samples, 'binlogd_transactions_total', labels)! >= 20);
    assert.equal(sampleValue(samples, 'binlogd_queue_events', labels), 0);
    assert.equal(sampleValue(samples, 'binlogd_queue_capacity', labels), 8192);
    assert.equal(sampleValue(samples, 'binlogd_connected', labels), 1);
    assert.equal(sampleValue(samples, 'binlogd_behind_source_bytes', labels), 0);
    assert.ok(sampleValue(samples, 'binlogd_binlog_retention_files', labels)! >= 1);
    assert.ok(sampleValue(samples, 'binlogd_stored_position_headroom_bytes', labels)! > 0);
    assert.ok(sampleValue(samples, 'binlogd_end_to_end_seconds_bucket', { ...labels, le: '+Inf' })! >= 1);
    assert.ok(samples.some((s) => s.name === 'process_cpu_seconds_total'), 'process default metrics');
    for (const sample of samples.filter((s) => s.name.startsWith('binlogd_'))) {
      assert.ok('connector' in sample.labels, `${sample.name} has the connector label`);
    }

    // Pause the binlog reader (what a full queue or PUT /pause does) while writes go on.
    const client = (instance as unknown as { client: { pause(): void; resume(): void } }).client;
    client.pause();
    await insert(21, 40);
    const first = (await waitFor('lag to rise while paused', lag, (v) => v !== undefined && v >= 3))!;
    const later = (await waitFor('lag to keep rising', lag, (v) => v !== undefined && v >= first + 2))!;
    assert.ok(later > first);
    assert.ok((await behind())! > 0, 'bytes behind while paused');

    client.resume();
    await readAvroTopic(`${name}.${table}`, 40, WAIT_MS);
    await waitFor('lag back to 0 once caught up', lag, (v) => v === 0);
    await waitFor('no bytes behind once caught up', behind, (v) => v === 0);

    // Idle for more than two polls: 0 although the last event gets older. (Waits rather than
    // asserts at once: other test runs may write to the shared server meanwhile.)
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    await waitFor('lag 0 while idle', lag, (v) => v === 0);
    await waitFor('no bytes behind while idle', behind, (v) => v === 0);

    // The periodic summary: counts, lag and position, from the same metrics.
    await createSummaryLogger(logger)([instance]);
    const summary = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'summary').at(-1)!;
    assert.equal(summary['connector'], name);
    assert.equal(summary['state'], 'RUNNING');
    assert.equal(summary['eventsTotal'], 40);
    assert.ok(Number(summary['transactions']) >= 40);
    assert.equal(summary['lagSeconds'], 0);
    assert.match(String(summary['position']), /^\d+-\d+-\d+/);

    // The session stops (PUT pause / stop, or a failure): the connector is still watched, its lag
    // rises with new writes and its stored position's retention stays visible.
    await instance.stop();
    await insert(41, 45);
    await waitFor('lag to rise while the session is stopped', lag, (v) => v !== undefined && v >= 3);
    const stopped = await scrape();
    assert.ok(sampleValue(stopped, 'binlogd_stored_position_headroom_bytes', labels)! > 0);
    assert.ok(sampleValue(stopped, 'binlogd_behind_source_bytes', labels)! > 0);
    assert.equal(sampleValue(stopped, 'binlogd_queue_events', labels), 0);
  } finally {
    await instance.stop();
    await stopSourceLag(name);
    registryClient.close();
    await offsets.close();
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
  // A deleted connector's lag and backlog series are gone rather than frozen.
  assert.equal(await lag(), undefined);
});
