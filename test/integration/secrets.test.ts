// Secrets never leave binlogd: a connector created over REST whose host or user comes from a
// `${file:…}` or `${env:…}` reference fails with a trace naming the setting, and neither its status,
// any other REST answer nor any log line shows the resolved value, the REST token or the process
// environment. Providers exist only when the worker config enables them, within their allowed
// paths; HEAD /health is open like GET; names "." and ".." are refused; the REST API does not
// listen beyond loopback without a token unless told to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorDefaults, startBinlogd } from '../support/binlogd-process.js';
import { rest, type RestAnswer } from '../support/rest-client.js';
import { SecretScan } from '../support/secret-scan.js';
import { loadStackEnv, repoRoot, uniqueName } from '../support/stack-env.js';

const hasTrace = (status: any): boolean => typeof status?.connector?.trace === 'string';

async function waitForTrace(api: string, name: string, token: string, record: (path: string, answer: RestAnswer) => void): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const path = `/connectors/${name}/status`;
    const answer = await rest(api, 'GET', path, { token });
    record(path, answer);
    if (answer.status === 200 && hasTrace(answer.body)) return answer.body.connector.trace as string;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} never showed a trace`);
}

test('values from ${file:} and ${env:} references never show in status traces, REST answers or logs', { timeout: 180_000 }, async (t) => {
  const token = `tok-${randomBytes(12).toString('hex')}`;
  const secretUser = `user-${randomBytes(6).toString('hex')}`;
  const secretHost = `host-${randomBytes(6).toString('hex')}.invalid`;
  const name = uniqueName('secrets');
  const daemon = await startBinlogd({
    name,
    worker: {
      http: { authToken: '${env:BINLOGD_TEST_TOKEN}' },
      // The original report's setup: file without allowed paths, env without an allowlist.
      configProviders: { file: { type: 'file' }, env: { type: 'env' } },
    },
    env: { BINLOGD_TEST_TOKEN: token, BINLOGD_TEST_SECRET_USER: secretUser, BINLOGD_TEST_SECRET_HOST: secretHost },
  });
  t.after(() => daemon.stop());
  const api = daemon.url;
  const scan = new SecretScan()
    .add('REST token', token)
    .add('user from ${env:}', secretUser)
    .add('host from ${env:}', secretHost)
    .add('the daemon environment', readFileSync(`/proc/${daemon.child.pid}/environ`, 'utf8'));
  const record = (path: string, answer: RestAnswer): void => void scan.capture(path, answer.text);
  const call = async (method: string, path: string, body?: unknown): Promise<RestAnswer> => {
    const answer = await rest(api, method, path, { token, ...(body === undefined ? {} : { body }) });
    record(`${method} ${path}`, answer);
    return answer;
  };
  const base = { ...connectorDefaults(), 'database.password': 'wrong-password', 'snapshot.mode': 'no_data', 'errors.max.retries': '0' };
  const connectors = {
    environ: { ...base, 'database.hostname': '${file:/proc/self/environ}', 'topic.prefix': `${name}_a` },
    user: { ...base, 'database.user': '${env:BINLOGD_TEST_SECRET_USER}', 'topic.prefix': `${name}_b` },
    host: { ...base, 'database.hostname': '${env:BINLOGD_TEST_SECRET_HOST}', 'topic.prefix': `${name}_c` },
  };
  for (const [suffix, config] of Object.entries(connectors)) {
    assert.equal((await call('POST', '/connectors', { name: `${name}-${suffix}`, config })).status, 201, suffix);
  }
  const traces = {
    environ: await waitForTrace(api, `${name}-environ`, token, record),
    user: await waitForTrace(api, `${name}-user`, token, record),
    host: await waitForTrace(api, `${name}-host`, token, record),
  };
  assert.match(traces.environ, /database\.hostname \(from \$\{file:\/proc\/self\/environ\}\), port \d+/);
  assert.match(traces.user, /MariaDB refused the login of database\.user \(from \$\{env:BINLOGD_TEST_SECRET_USER\}\) at /);
  assert.match(traces.host, /cannot reach MariaDB at database\.hostname \(from \$\{env:BINLOGD_TEST_SECRET_HOST\}\), port \d+ \(ENOTFOUND\)/);

  for (const path of ['/connectors?expand=status&expand=info', `/connectors/${name}-environ`, `/connectors/${name}-environ/config`, `/connectors/${name}-user/tasks`, `/connectors/${name}-host/tasks/0/status`]) {
    assert.equal((await call('GET', path)).status, 200, path);
  }
  assert.equal((await call('PUT', '/connector-plugins/MariaDbConnector/config/validate', { name: 'v', ...connectors.environ })).status, 200);
  for (const suffix of Object.keys(connectors)) assert.equal((await call('DELETE', `/connectors/${name}-${suffix}`)).status, 204);
  await daemon.stop();
  scan.captureLogs(daemon.logs, daemon.stderr);
  assert.ok(daemon.logs.some((line) => line['level'] === 50 || line['level'] === 40), 'the failures were logged');
  scan.assertClean();
});

test('providers only when enabled and within allowed paths; HEAD /health open; names . and .. refused', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-secrets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'outside'), 'outside-secret-value');
  symlinkSync(join(dir, 'outside'), join(dir, 'secrets', 'link'));
  const token = `tok-${randomBytes(12).toString('hex')}`;
  const name = uniqueName('providers');
  const daemon = await startBinlogd({
    name,
    worker: { http: { authToken: token }, configProviders: { file: { type: 'file', allowedPaths: [join(dir, 'secrets')] } } },
  });
  t.after(() => daemon.stop());
  const scan = new SecretScan().add('REST token', token).add('file outside the allowed paths', 'outside-secret-value');
  const create = async (connector: string, config: Record<string, string>): Promise<RestAnswer> => {
    const answer = await rest(daemon.url, 'POST', '/connectors', { token, body: { name: connector, config: { ...connectorDefaults(), 'topic.prefix': name, ...config } } });
    scan.capture(`POST ${connector}`, answer.text);
    return answer;
  };
  const refused: Array<[string, Record<string, string>, RegExp]> = [
    [`${name}-env`, { 'database.password': '${env:BINLOGD_TEST_TOKEN}' }, /database\.password = "\[hidden\]": cannot resolve \$\{env:BINLOGD_TEST_TOKEN\}: config provider "env" is not enabled \(enabled: file\); enable it in the worker config: "configProviders": \{"env": /],
    [`${name}-environ`, { 'database.hostname': '${file:/proc/self/environ}' }, /is outside the allowed paths of config provider "file"/],
    [`${name}-dotdot`, { 'database.hostname': `\${file:${join(dir, 'secrets', '..', 'outside')}}` }, /is outside the allowed paths/],
    [`${name}-symlink`, { 'database.hostname': `\${file:${join(dir, 'secrets', 'link')}}` }, /is outside the allowed paths/],
    ['.', {}, /name = "\.": cannot be "\." or "\.\."/],
    ['..', {}, /name = "\.\.": cannot be "\." or "\.\."/],
  ];
  for (const [connector, config, message] of refused) {
    const answer = await create(connector, config);
    assert.equal(answer.status, 400, `${connector}: ${answer.text}`);
    assert.deepEqual(Object.keys(answer.body).sort(), ['error_code', 'message']);
    assert.match(answer.body.message, message);
  }
  assert.deepEqual((await rest(daemon.url, 'GET', '/connectors', { token })).body, []);

  const head = await fetch(`${daemon.url}/health`, { method: 'HEAD' });
  const get = await fetch(`${daemon.url}/health`);
  assert.equal(head.status, get.status, 'HEAD /health answers like GET, without the token');
  assert.equal(await head.text(), '');
  assert.equal((await fetch(`${daemon.url}/connectors`, { method: 'HEAD' })).status, 401);
  await daemon.stop();
  scan.captureLogs(daemon.logs, daemon.stderr);
  scan.assertClean();
});

async function runWorker(worker: Record<string, unknown>, until: RegExp): Promise<{ code: number | null; stderr: string; logs: Array<Record<string, unknown>> }> {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-secrets-'));
  try {
    writeFileSync(join(dir, 'worker.json'), JSON.stringify(worker));
    const child = spawn(process.execPath, [join(repoRoot, 'dist/src/cli.js'), 'run', '--config', join(dir, 'worker.json')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BINLOGD_HTTP_PORT: '' } });
    let stdout = '';
    let stderr = '';
    let stopping = false;
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Once started (signal handlers in place), stop it the way operators do.
      if (!stopping && until.test(stdout)) {
        stopping = true;
        setTimeout(() => child.kill('SIGTERM'), 500);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    const logs = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    return { code, stderr, logs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('beyond loopback without a token the REST API is refused, unless allowUnauthenticated, which warns', { timeout: 90_000 }, async () => {
  const stack = loadStackEnv();
  const base = { kafka: { brokers: stack.kafkaBrokers }, schemaRegistry: { url: stack.schemaRegistryUrl } };
  const refused = await runWorker({ ...base, http: { host: '0.0.0.0', port: 0 } }, /REST API listening/);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /http\.host = "0\.0\.0\.0": listens beyond loopback without http\.authToken.*set http\.authToken, listen on 127\.0\.0\.1, or set http\.allowUnauthenticated: true/);
  assert.match(refused.stderr, /not started/);

  const typo = await runWorker({ ...base, http: { host: '0.0.0.0', port: 0, authTokn: 'x' } }, /REST API listening/);
  assert.equal(typo.code, 1, 'a misspelt authToken stops the start');
  assert.match(typo.stderr, /http\.authTokn.*did you mean http\.authToken\?/);

  const opened = await runWorker({ ...base, http: { host: '0.0.0.0', port: 0, allowUnauthenticated: true } }, /"msg":"starting"/);
  assert.equal(opened.code, 0, opened.stderr);
  const warning = opened.logs.find((line) => line['level'] === 40 && /REST API listens beyond loopback WITHOUT authentication/.test(String(line['msg'])));
  assert.ok(warning, JSON.stringify(opened.logs));
});
