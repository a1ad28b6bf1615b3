import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '../../../src/config/problems.js';
import { HIDDEN, redactWorker } from '../../../src/config/secrets.js';
import { loadWorkerConfig, parseWorkerConfig } from '../../../src/config/worker.js';
import { repoRoot } from '../../support/stack-env.js';

const minimal = { kafka: { brokers: ['k1:9092'] }, schemaRegistry: { url: 'http://registry:8081' } };

test('the shipped worker configs are valid', () => {
  for (const file of [join(repoRoot, 'config', 'worker.json'), join(repoRoot, 'config', 'container', 'worker.json')]) {
    const result = loadWorkerConfig(file, { env: {} });
    assert.deepEqual(result.problems, [], file);
    assert.ok(result.config, file);
  }
});

test('defaults fill everything but brokers and the registry URL', () => {
  const { config, problems } = parseWorkerConfig(minimal, { env: {} });
  assert.deepEqual(problems, []);
  assert.deepEqual(config, {
    kafka: { brokers: ['k1:9092'], clientId: 'binlogd' },
    schemaRegistry: { url: 'http://registry:8081' },
    offsets: { topic: 'binlogd-offsets', partitions: 25, replicationFactor: -1 },
    http: { host: '127.0.0.1', port: 8083, allowUnauthenticated: false },
    log: { level: 'info' },
    configProviders: {},
  });
});

test('brokers may be a comma-separated string', () => {
  const { config } = parseWorkerConfig({ ...minimal, kafka: { brokers: 'a:1, b:2' } }, { env: {} });
  assert.deepEqual(config?.kafka.brokers, ['a:1', 'b:2']);
});

test('environment overrides win over the file', () => {
  const { config, problems } = parseWorkerConfig(minimal, {
    env: {
      BINLOGD_KAFKA_BROKERS: 'x:1,y:2',
      BINLOGD_SCHEMA_REGISTRY_URL: 'https://other:8081/apis/ccompat/v7',
      BINLOGD_HTTP_PORT: '9000',
      BINLOGD_LOG_LEVEL: 'DEBUG',
    },
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(config?.kafka.brokers, ['x:1', 'y:2']);
  assert.equal(config?.schemaRegistry.url, 'https://other:8081/apis/ccompat/v7');
  assert.equal(config?.http.port, 9000);
  assert.equal(config?.log.level, 'debug');
});

test('an override with a bad value names the variable', () => {
  const { config, problems } = parseWorkerConfig(minimal, { env: { BINLOGD_HTTP_PORT: 'eighty' } });
  assert.equal(config, undefined);
  assert.equal(problems[0]!.property, 'http.port');
  assert.equal(problems[0]!.value, 'eighty');
  assert.match(problems[0]!.message, /BINLOGD_HTTP_PORT/);
});

test('bad settings are all listed with the allowed values; unknown keys are warnings', () => {
  const { config, problems } = parseWorkerConfig(
    {
      kafka: { brokers: [], sasl: { mechanism: 'gssapi', username: 'u', password: 'hunter2' } },
      schemaRegistry: { url: 'ftp://x' },
      http: { port: 70000, authToken: '' },
      log: { level: 'loud' },
      offsets: { replicationFactor: 0 },
      configProviders: { secrets: { type: 'vault', path: '/x' } },
      metrics: {},
      kafkaa: {},
    },
    { file: 'w.json', env: {} },
  );
  assert.equal(config, undefined);
  const errors = problems.filter((p) => p.severity === 'error').map((p) => p.property).sort();
  assert.deepEqual(errors, [
    'configProviders.secrets.type',
    'http.authToken',
    'http.port',
    'kafka.brokers',
    'kafka.sasl.mechanism',
    'log.level',
    'offsets.replicationFactor',
    'schemaRegistry.url',
  ]);
  const byProperty = Object.fromEntries(problems.map((p) => [p.property, p]));
  assert.match(byProperty['kafka.sasl.mechanism']!.message, /plain, scram-sha-256, scram-sha-512/);
  assert.match(byProperty['log.level']!.message, /info/);
  assert.match(byProperty['http.port']!.message, /65535/);
  assert.equal(byProperty['http.authToken']!.value, HIDDEN);
  assert.equal(byProperty['kafkaa']!.severity, 'warning');
  assert.match(byProperty['kafkaa']!.message, /did you mean kafka\?/);
  assert.equal(byProperty['metrics']!.severity, 'warning');
  assert.ok(problems.every((p) => p.file === 'w.json'));
  assert.ok(!problems.map(formatProblem).join('\n').includes('hunter2'));
});

test('worker strings may hold references, including to its own directory providers', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'kafka-password'), 'sasl-pw\n');
  const { config, problems } = parseWorkerConfig(
    {
      ...minimal,
      kafka: { brokers: '${env:BROKERS}', sasl: { mechanism: 'scram-sha-512', username: 'cdc', password: '${secrets:kafka-password}' } },
      configProviders: { secrets: { type: 'directory', path: dir } },
      http: { authToken: '${env:TOKEN}' },
    },
    { env: { BROKERS: 'k:9092', TOKEN: 't0ken' } },
  );
  assert.deepEqual(problems, []);
  assert.equal(config?.kafka.sasl?.password, 'sasl-pw');
  assert.equal(config?.http.authToken, 't0ken');
  assert.deepEqual(config?.configProviders, { secrets: { type: 'directory', path: dir } });
  const shown = redactWorker(config!);
  assert.equal(shown.kafka.sasl?.password, HIDDEN);
  assert.equal(shown.http.authToken, HIDDEN);
  assert.equal(config?.kafka.sasl?.password, 'sasl-pw', 'redaction copies');
});

test('loading a missing or broken worker file is a problem, not a throw', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'broken.json'), '{"kafka": ');
  assert.match(loadWorkerConfig(join(dir, 'none.json')).problems[0]!.message, /not found/);
  assert.match(loadWorkerConfig(join(dir, 'broken.json')).problems[0]!.message, /not valid JSON/);
});

test('a misspelt key in a security section is an error naming the closest key, not a warning', () => {
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ http: { authTokn: 'x' } }, 'http.authTokn', /did you mean http\.authToken\?/],
    [{ kafka: { brokers: ['k:1'], sasl: { mechanism: 'plain', username: 'u', pasword: 'p' } } }, 'kafka.sasl.pasword', /did you mean kafka\.sasl\.password\?/],
    [{ kafka: { brokers: ['k:1'], ssl: { rejectUnauthorised: false } } }, 'kafka.ssl.rejectUnauthorised', /did you mean kafka\.ssl\.rejectUnauthorized\?/],
    [{ configProviders: { file: { type: 'file', allowedPath: ['/run/secrets'] } } }, 'configProviders.file.allowedPath', /did you mean configProviders\.file\.allowedPaths\?/],
  ];
  for (const [patch, property, message] of cases) {
    const { config, problems } = parseWorkerConfig({ ...minimal, ...patch }, { env: {} });
    assert.equal(config, undefined, property);
    const problem = problems.find((p) => p.property === property);
    assert.equal(problem?.severity, 'error', `${property}: ${problems.map(formatProblem).join('\n')}`);
    assert.match(problem.message, message);
    assert.match(problem.message, /refused so that a misspelt security setting cannot go unnoticed/);
  }
  const loose = parseWorkerConfig({ ...minimal, log: { levle: 'info' } }, { env: {} });
  assert.ok(loose.config, 'outside security sections an unknown key stays a warning');
});

test('authToken "" gets a precise message; the REST API beyond loopback needs a token or an explicit opt-out', () => {
  const empty = parseWorkerConfig({ ...minimal, http: { authToken: '' } }, { env: {} });
  assert.match(empty.problems.map(formatProblem).join('\n'), /http\.authToken.*is empty: remove http\.authToken to serve without a token \(loopback only\), or set a token/);
  const open = parseWorkerConfig({ ...minimal, http: { host: '0.0.0.0' } }, { env: {} });
  assert.equal(open.config, undefined);
  assert.match(open.problems.map(formatProblem).join('\n'), /http\.host = "0\.0\.0\.0": listens beyond loopback without http\.authToken.*set http\.authToken, listen on 127\.0\.0\.1, or set http\.allowUnauthenticated: true/);
  for (const http of [{ host: '0.0.0.0', authToken: 't' }, { host: '0.0.0.0', allowUnauthenticated: true }, { host: '::1' }, { host: 'localhost' }, {}]) {
    assert.ok(parseWorkerConfig({ ...minimal, http }, { env: {} }).config, JSON.stringify(http));
  }
});

test('config providers: declared ones only, a file provider without allowedPaths is a warning, worker references still resolve', () => {
  const { config, problems } = parseWorkerConfig({
    ...minimal,
    http: { authToken: '${env:TOKEN}' },
    configProviders: { file: { type: 'file' }, env: { type: 'env', allowlist: ['MARIADB_*'] } },
  }, { env: { TOKEN: 'worker-token' } });
  assert.equal(config?.http.authToken, 'worker-token', 'the worker file may read its own variables whatever connectors may');
  assert.deepEqual(problems.map((p) => [p.severity, p.property]), [['warning', 'configProviders.file']]);
  assert.match(problems[0]!.message, /set allowedPaths/);
  const relative = parseWorkerConfig({ ...minimal, configProviders: { file: { type: 'file', allowedPaths: ['run/secrets'] } } }, { env: {} });
  assert.match(relative.problems.map(formatProblem).join('\n'), /configProviders\.file\.allowedPaths\.0.*expected an absolute path/);
});
