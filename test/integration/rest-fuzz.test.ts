// Seeded, bounded fuzzing of a running daemon's REST API: methods, paths (odd connector names, encoded
// slashes, dot segments), query strings, bodies (invalid JSON, wrong shapes, connector configs with
// junk and references) and auth headers. Every answer is a 2xx/3xx/4xx in Kafka Connect's shape,
// never a 5xx, a stack trace or a secret, and the daemon is still serving afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KNOWN_PROPERTIES } from '../../src/config/index.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { uniqueName } from '../support/stack-env.js';

const SEED = 20261207;
const RUNS = 400;
const TOKEN = 'fuzz-rest-token-91c2e7';
const DB_PASSWORD = 'fuzz-db-password-5d8a31';
// /proc/self/environ holds the environment the daemon started with, PATH among it.
const ENVIRONMENT_MARK = `PATH=${process.env['PATH'] ?? ''}`;
const SECRETS = [TOKEN, DB_PASSWORD, ENVIRONMENT_MARK];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const CONNECTOR_SUFFIXES = [
  '', '/config', '/status', '/pause', '/resume', '/stop', '/restart', '/restart?includeTasks=true&onlyFailed=false',
  '/offsets', '/topics', '/topics/reset', '/tasks', '/tasks/0/status', '/tasks/0/restart', '/tasks-config', '/tasks/x/status',
];

const segment = fc.oneof(
  fc.constantFrom('fuzz-a', 'fuzz-b', '.', '..', '%2F', '%2e%2e', '%00', '%', 'a%2Fb', ' ', '%20', 'x'.repeat(300), '💥', '{n}', 'null'),
  fc.string({ maxLength: 16 }).map(encodeURIComponent),
);

const path: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(segment, fc.constantFrom(...CONNECTOR_SUFFIXES)).map(([name, suffix]) => `/connectors/${name}${suffix}`) },
  { weight: 2, arbitrary: fc.constantFrom('/', '/connectors', '/connectors?expand=status', '/connectors?expand=info&expand=status', '/connectors?expand=%00',
    '/connector-plugins', '/connector-plugins?connectorsOnly=false', '/admin/loggers', '/admin/loggers/root', '/metrics', '/health', '/connectors/', '//connectors') },
  { weight: 2, arbitrary: fc.tuple(segment, fc.constantFrom('/config', '/config/validate', '')).map(([plugin, suffix]) => `/connector-plugins/${plugin}${suffix}`) },
  { weight: 1, arbitrary: fc.webPath() },
);

const configValue = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.constantFrom('${env:FUZZ_DB_PASSWORD}', '${file:/proc/self/environ}', '${env:BINLOGD_FUZZ_TOKEN}', '${env:NOPE}', '${file:/etc/hostname}', '127.0.0.1', '1', '0', '-1', 'true'),
  fc.jsonValue({ maxDepth: 1 }),
);
const connectorConfig = fc.dictionary(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...[...KNOWN_PROPERTIES].sort()) }, fc.string({ maxLength: 16 })),
  configValue, { maxKeys: 12 },
).map((config) => ({
  // Never a reachable server: a connector the fuzz creates must fail fast, not capture the shared MariaDB.
  'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'database.hostname': '127.0.0.1', 'database.user': 'fuzz',
  'database.password': '${env:FUZZ_DB_PASSWORD}', 'topic.prefix': 'fuzz', 'database.server.id': '1',
  ...config, 'database.port': '1',
}));

const body: fc.Arbitrary<{ raw?: string; json?: unknown } | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })),
  fc.constantFrom('{', '{"name":', 'null', '[]', '""', '{"name":"x","config":[]}', '\u0000', '{"__proto__":{"x":1}}').map((raw) => ({ raw })),
  fc.tuple(segment.map(decodeURIComponentSafely), connectorConfig).map(([name, config]) => ({ json: { name, config } })),
  connectorConfig.map((json) => ({ json })),
);

const auth = fc.oneof({ weight: 8, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
  fc.constantFrom(undefined, 'Bearer wrong', 'Bearer ', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, 'Basic !!!', TOKEN));

interface FuzzRequest {
  method: string;
  path: string;
  auth: string | undefined;
  body: { raw?: string; json?: unknown } | undefined;
}

function decodeURIComponentSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

test('REST API fuzz: every request gets a Connect-shaped answer below 500, no stack, no secret', { timeout: 300_000 }, async () => {
  const name = uniqueName('restfuzz');
  const daemon = await startBinlogd({
    name,
    // Every provider open, /proc/self/environ included, so that what is resolved must be hidden, not refused.
    worker: { http: { authToken: '${env:BINLOGD_FUZZ_TOKEN}' }, log: { level: 'debug' }, configProviders: { env: { type: 'env' }, file: { type: 'file' } } },
    env: { BINLOGD_FUZZ_TOKEN: TOKEN, FUZZ_DB_PASSWORD: DB_PASSWORD },
  });
  const failures: string[] = [];
  try {
    const request = fc.record({ method: fc.constantFrom(...METHODS), path, body, auth });
    // The references known to have leaked through status traces, then the fuzz, then every status again.
    const leaks = { 'database.hostname': '${file:/proc/self/environ}', 'database.user': '${env:BINLOGD_FUZZ_TOKEN}', 'database.password': '${env:FUZZ_DB_PASSWORD}' };
    const probes = Object.entries(leaks).map(([property, reference], i) => ({
      method: 'POST', path: '/connectors', auth: `Bearer ${TOKEN}`,
      body: { json: { name: `leak-${i}`, config: { 'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'database.hostname': '127.0.0.1',
        'database.port': '1', 'database.user': 'fuzz', 'database.server.id': String(1000 + i), 'topic.prefix': `leak${i}`, [property]: reference } } },
    }));
    const readBack = ['/connectors?expand=status&expand=info', ...probes.flatMap((_, i) => [`/connectors/leak-${i}/status`, `/connectors/leak-${i}`, `/connectors/leak-${i}/config`])]
      .map((p) => ({ method: 'GET', path: p, auth: `Bearer ${TOKEN}`, body: undefined }));
    const samples: FuzzRequest[] = [...probes, ...fc.sample(request, { seed: SEED, numRuns: RUNS }), ...readBack];
    for (const sample of samples) {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (sample.auth !== undefined) headers['Authorization'] = sample.auth;
      const payload = sample.body === undefined ? undefined : sample.body.raw ?? JSON.stringify(sample.body.json);
      if (payload !== undefined) headers['Content-Type'] = 'application/json';
      const what = `${sample.method} ${sample.path} ${payload?.slice(0, 200) ?? ''}`;
      let response: Response;
      try {
        response = await fetch(daemon.url + sample.path, { method: sample.method, headers, ...(payload !== undefined && sample.method !== 'GET' && sample.method !== 'HEAD' ? { body: payload } : {}) });
      } catch (error) {
        failures.push(`${what}: no answer (${(error as Error).message})`);
        continue;
      }
      const text = await response.text();
      if (response.status >= 500) failures.push(`${what}: ${response.status} ${text.slice(0, 300)}`);
      if (/\n\s+at .+:\d+:\d+/.test(text)) failures.push(`${what}: stack trace in the answer: ${text.slice(0, 300)}`);
      for (const secret of SECRETS) if (text.includes(secret)) failures.push(`${what}: a secret in the answer: ${text.slice(0, 300)}`);
      const json = response.headers.get('content-type')?.includes('application/json');
      if (response.status >= 400 && json && text !== '') {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        if (typeof parsed['message'] !== 'string' || parsed['error_code'] !== response.status) failures.push(`${what}: error body not in Connect's shape: ${text.slice(0, 300)}`);
      }
      if (daemon.child.exitCode !== null) {
        failures.push(`${what}: the daemon exited with ${daemon.child.exitCode}`);
        break;
      }
    }
    const health = await fetch(`${daemon.url}/health`).catch((error: Error) => ({ status: error.message }));
    failures.push(...(health.status === 200 ? [] : [`the daemon no longer serves: ${health.status}; ${daemon.stderr.join('').slice(-2000)}`]));
    const logText = daemon.logs.map((entry) => JSON.stringify(entry)).join('\n') + daemon.stderr.join('');
    for (const secret of SECRETS) if (logText.includes(secret)) failures.push(`a secret in the daemon's log: ${secret.slice(0, 12)}…`);
  } finally {
    await daemon.stop();
  }
  assert.deepEqual(failures, [], `${failures.length} of ${RUNS} requests failed:\n${failures.slice(0, 25).join('\n')}`);
});
