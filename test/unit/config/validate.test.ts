import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorConfig } from '../../../src/config/connector.js';
import { loadConnectors } from '../../../src/config/load.js';
import { LOCAL_PROVIDERS } from '../../../src/config/providers.js';
import type { ServerChecker } from '../../../src/config/problems.js';
import { validateCommand } from '../../../src/config/validate.js';

const good = (name: string, extra: Record<string, string> = {}) => ({
  name,
  config: { 'database.hostname': 'h', 'database.user': 'u', 'database.password': '${env:PW}', 'database.server.id': '7', 'topic.prefix': name, ...extra },
});

function workspace(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-validate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function run(options: Omit<Parameters<typeof validateCommand>[0], 'write'>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await validateCommand({ ...options, write: (line) => lines.push(line) });
  return { code, out: lines.join('\n') };
}

test('a directory of connectors: every *.json, duplicate names are an error', (t) => {
  const dir = workspace(t);
  writeFileSync(join(dir, 'a.json'), JSON.stringify(good('a')));
  writeFileSync(join(dir, 'b.json'), JSON.stringify(good('b')));
  writeFileSync(join(dir, 'c.json'), JSON.stringify(good('a')));
  writeFileSync(join(dir, 'notes.txt'), 'not a connector');
  const result = loadConnectors([dir], { env: { PW: 'x' }, providers: LOCAL_PROVIDERS });
  assert.deepEqual(result.files, ['a.json', 'b.json', 'c.json'].map((f) => join(dir, f)));
  assert.deepEqual(result.connectors.map((c) => c.name), ['a', 'b']);
  const duplicate = result.problems.find((p) => p.severity === 'error')!;
  assert.equal(duplicate.file, join(dir, 'c.json'));
  assert.equal(duplicate.property, 'name');
  assert.match(duplicate.message, /a\.json/);
});

test('validate: exit 0 when valid, 1 when invalid, every problem printed with the file', async (t) => {
  const dir = workspace(t);
  writeFileSync(join(dir, 'good.json'), JSON.stringify(good('good', { 'tombstone.on.delete': 'false' })));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(good('bad', { 'snapshot.mode': 'schema_only', 'database.port': 'x' })));
  writeFileSync(join(dir, 'broken.json'), '{');

  const ok = await run({ paths: [join(dir, 'good.json')], env: { PW: 'x' } });
  assert.equal(ok.code, 0);
  assert.match(ok.out, /good\.json: warning: tombstone\.on\.delete = "false": unknown property; did you mean tombstones\.on\.delete\?/);
  assert.match(ok.out, /good\.json: valid \(1 warning\)/);

  const bad = await run({ paths: [join(dir, 'bad.json')], env: { PW: 'x' } });
  assert.equal(bad.code, 1);
  assert.match(bad.out, /bad\.json: error: snapshot\.mode = "schema_only": .*no_data/);
  assert.match(bad.out, /bad\.json: error: database\.port = "x": expected an integer from 1 to 65535/);
  assert.match(bad.out, /bad\.json: invalid \(2 errors\)/);

  const broken = await run({ paths: [join(dir, 'broken.json')], env: {} });
  assert.equal(broken.code, 1);
  assert.match(broken.out, /broken\.json: error: not valid JSON/);

  const missing = await run({ paths: [join(dir, 'none.json')], env: {} });
  assert.equal(missing.code, 1);
  assert.match(missing.out, /none\.json: error: file not found/);
});

test('validate uses the named providers of --config', async (t) => {
  const dir = workspace(t);
  mkdirSync(join(dir, 'secrets', 'db'), { recursive: true });
  writeFileSync(join(dir, 'secrets', 'db', 'pw'), 'p');
  writeFileSync(join(dir, 'c.json'), JSON.stringify(good('c', { 'database.password': '${vault:db:pw}' })));
  writeFileSync(join(dir, 'worker.json'), JSON.stringify({ kafka: { brokers: ['k:1'] }, schemaRegistry: { url: 'http://r' }, configProviders: { vault: { type: 'directory', path: join(dir, 'secrets') } } }));
  writeFileSync(join(dir, 'bad-worker.json'), JSON.stringify({ kafka: {} }));
  assert.equal((await run({ paths: [join(dir, 'c.json')], env: {} })).code, 1);
  assert.equal((await run({ paths: [join(dir, 'c.json')], workerFile: join(dir, 'worker.json'), env: {} })).code, 0);
  const badWorker = await run({ paths: [join(dir, 'c.json')], workerFile: join(dir, 'bad-worker.json'), env: {} });
  assert.equal(badWorker.code, 1);
  assert.match(badWorker.out, /bad-worker\.json: error: kafka\.brokers/);
  assert.match(badWorker.out, /bad-worker\.json: error: schemaRegistry/);
});

test('--check runs the injected server checker only on valid files', async (t) => {
  const dir = workspace(t);
  writeFileSync(join(dir, 'c.json'), JSON.stringify(good('c')));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(good('bad', { 'database.port': '0' })));
  const seen: ConnectorConfig[] = [];
  const passing: ServerChecker = async (connector) => {
    seen.push(connector);
    return [{ severity: 'warning', property: 'binlog_row_metadata', message: 'is MINIMAL; FULL is recommended' }];
  };
  const failing: ServerChecker = async () => [{ severity: 'error', message: 'the account lacks REPLICATION SLAVE' }];
  const throwing: ServerChecker = async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:1');
  };

  const passed = await run({ paths: [join(dir, 'c.json')], env: { PW: 'x' }, check: true, loadChecker: async () => passing });
  assert.equal(passed.code, 0);
  assert.equal(seen[0]?.database.password, 'x');
  assert.match(passed.out, /c\.json: warning: binlog_row_metadata: is MINIMAL/);
  assert.match(passed.out, /c\.json: server check passed \(1 warning\)/);

  const failed = await run({ paths: [join(dir, 'c.json')], env: { PW: 'x' }, check: true, loadChecker: async () => failing });
  assert.equal(failed.code, 1);
  assert.match(failed.out, /c\.json: error: the account lacks REPLICATION SLAVE/);
  assert.match(failed.out, /server check failed/);

  const thrown = await run({ paths: [join(dir, 'c.json')], env: { PW: 'x' }, check: true, loadChecker: async () => throwing });
  assert.equal(thrown.code, 1);
  assert.match(thrown.out, /ECONNREFUSED/);

  const unavailable = await run({ paths: [join(dir, 'c.json')], env: { PW: 'x' }, check: true, loadChecker: async () => undefined });
  assert.equal(unavailable.code, 1);
  assert.match(unavailable.out, /--check is not available in this build/);

  seen.length = 0;
  const invalid = await run({ paths: [join(dir, 'bad.json')], env: { PW: 'x' }, check: true, loadChecker: async () => passing });
  assert.equal(invalid.code, 1);
  assert.equal(seen.length, 0);
});
