import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { parseConnector, type ConnectorConfig } from '../../../src/config/index.js';
import { BinlogdError } from '../../../src/errors.js';
import { registry } from '../../../src/metrics/registry.js';
import { ConnectorSupervisor, type Session, type SessionHooks } from '../../../src/runtime/supervisor.js';

function config(name: string, extra: Record<string, string> = {}): ConnectorConfig {
  const result = parseConnector({
    name,
    config: {
      'database.hostname': 'h', 'database.user': 'u', 'database.password': 'p', 'database.server.id': '1', 'topic.prefix': name,
      'retriable.restart.connector.wait.ms': '10', ...extra,
    },
  });
  assert.ok(result.config, JSON.stringify(result.problems));
  return result.config;
}

/** Sessions whose start fails with the scripted errors in turn, then succeeds. */
class Script {
  starts = 0;
  stops = 0;
  failures: Array<(error: BinlogdError) => void> = [];
  constructor(private readonly startErrors: BinlogdError[] = []) {}
  factory = (_config: ConnectorConfig, hooks: SessionHooks): Session => {
    const error = this.startErrors[this.starts++];
    this.failures.push(hooks.onFailure);
    return {
      start: async () => { if (error) throw error; },
      stop: async () => { this.stops++; },
      summary: () => ({}),
    };
  };
  /** Reports a failure from the last session, as a running connector does. */
  fail(error: BinlogdError): void {
    this.failures[this.failures.length - 1]!(error);
  }
}

const logger = pino({ level: 'silent' });
const retriable = new BinlogdError('SOURCE_CONNECTION_LOST', 'lost', { retriable: true });
const fatal = new BinlogdError('SOURCE_POSITION_LOST', 'purged');

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), 'condition not reached');
}

test('starts RUNNING; pause, stop and resume end and begin sessions', async () => {
  const script = new Script();
  const s = new ConnectorSupervisor({ config: config('sup_a'), createSession: script.factory, logger });
  assert.equal(s.state, 'UNASSIGNED');
  await s.start();
  assert.equal(s.state, 'RUNNING');
  await s.setTarget('PAUSED');
  assert.equal(s.state, 'PAUSED');
  assert.equal(script.stops, 1);
  await s.setTarget('STOPPED');
  assert.equal(s.state, 'STOPPED');
  await s.setTarget('RUNNING');
  assert.equal(s.state, 'RUNNING');
  assert.equal(script.starts, 2, 'resume starts a new session from the stored offset');
  const text = await registry.metrics();
  assert.match(text, /binlogd_connector_up\{connector="sup_a"\} 1/);
  assert.match(text, /binlogd_connector_state\{connector="sup_a",state="RUNNING"\} 1/);
  assert.match(text, /binlogd_connector_state\{connector="sup_a",state="PAUSED"\} 0/);
  await s.close({ forget: true });
  assert.doesNotMatch(await registry.metrics(), /connector="sup_a"/);
});

test('a retriable failure restarts from the stored offset; a non-retriable one is FAILED with its trace', async () => {
  const script = new Script();
  const s = new ConnectorSupervisor({ config: config('sup_b'), createSession: script.factory, logger });
  await s.start();
  script.fail(retriable);
  await until(() => script.starts === 2 && s.state === 'RUNNING');
  script.fail(fatal);
  await until(() => s.state === 'FAILED');
  assert.match(s.status().trace ?? '', /^SOURCE_POSITION_LOST: purged/);
  assert.equal(script.starts, 2);
  const { restarting, done } = s.restart({ onlyFailed: true });
  assert.ok(restarting);
  await done;
  assert.equal(s.state, 'RUNNING');
  assert.equal(s.status().trace, undefined);
  await s.close({ forget: true });
});

test('errors.max.retries bounds the retries of a connector that keeps failing to start', async () => {
  const script = new Script([retriable, retriable, retriable, retriable]);
  const s = new ConnectorSupervisor({ config: config('sup_c', { 'errors.max.retries': '2' }), createSession: script.factory, logger });
  await s.start();
  assert.equal(s.state, 'FAILED');
  assert.equal(script.starts, 3, 'the first start and two retries');
  await s.close({ forget: true });
});

test('pausing while waiting to retry ends the wait', async () => {
  const script = new Script([retriable, retriable]);
  const s = new ConnectorSupervisor({ config: config('sup_d', { 'retriable.restart.connector.wait.ms': '600000' }), createSession: script.factory, logger });
  const started = s.start();
  await until(() => s.state === 'RESTARTING');
  await s.setTarget('PAUSED');
  await started;
  assert.equal(s.state, 'PAUSED');
  assert.match(s.status().trace ?? 'none', /none/, 'no trace once paused');
  await s.close({ forget: true });
});

/** A session whose start hangs in its "snapshot" after reporting running, until released or stopped. */
function snapshotting() {
  let finish!: (error?: BinlogdError) => void;
  const state = { starts: 0, stops: 0 };
  const progress = { state: 'running' as 'running' | 'completed', position: { file: 'f', pos: 4, gtids: '0-1-1' }, remainingTables: 1, rows: 10, startedAt: '', tables: [] };
  const factory = (_config: ConnectorConfig, hooks: SessionHooks): Session => ({
    start: () => new Promise<void>((resolve, reject) => {
      state.starts++;
      hooks.onRunning();
      finish = (error) => (error ? reject(error) : resolve());
    }),
    stop: async () => { state.stops++; finish(); },
    summary: () => ({}),
    snapshotProgress: () => progress,
  });
  return { factory, state, progress, finish: (error?: BinlogdError) => finish(error) };
}

test('RUNNING while the session snapshots, with its progress; metrics agree; a pause stops the snapshot', async () => {
  const session = snapshotting();
  const s = new ConnectorSupervisor({ config: config('sup_e'), createSession: session.factory, logger });
  const started = s.start();
  await until(() => s.state === 'RUNNING');
  assert.equal(s.status().snapshot?.rows, 10);
  const text = await registry.metrics();
  assert.match(text, /binlogd_connector_up\{connector="sup_e"\} 1/);
  assert.match(text, /binlogd_connector_state\{connector="sup_e",state="RUNNING"\} 1/);
  assert.match(text, /binlogd_connector_state\{connector="sup_e",state="UNASSIGNED"\} 0/);
  await s.setTarget('PAUSED');
  await started;
  assert.equal(s.state, 'PAUSED');
  assert.ok(session.state.stops >= 1, 'the snapshotting session was stopped');
  assert.equal(s.status().snapshot, undefined);
  await s.close({ forget: true });
});

test('a snapshot that fails after RUNNING starts again (RESTARTING between); a finished one shows no progress', async () => {
  const session = snapshotting();
  const s = new ConnectorSupervisor({ config: config('sup_f'), createSession: session.factory, logger });
  void s.start();
  await until(() => s.state === 'RUNNING');
  session.finish(retriable);
  assert.equal(s.state, 'RUNNING', 'the failure is handled in turn');
  await until(() => session.state.starts === 2 && s.state === 'RUNNING');
  session.progress.state = 'completed';
  session.finish();
  await until(() => s.status().snapshot === undefined);
  assert.equal(s.state, 'RUNNING');
  await s.close({ forget: true });
});

test('a restart during the snapshot stops that session and starts a new one at once', async () => {
  const session = snapshotting();
  const s = new ConnectorSupervisor({ config: config('sup_g'), createSession: session.factory, logger });
  void s.start();
  await until(() => s.state === 'RUNNING');
  const { restarting, done } = s.restart();
  assert.ok(restarting);
  await until(() => session.state.starts === 2);
  assert.ok(session.state.stops >= 1, 'the snapshotting session stopped');
  assert.equal(s.state, 'RUNNING');
  session.finish();
  await done;
  assert.equal(s.state, 'RUNNING');
  await s.close({ forget: true });
});
