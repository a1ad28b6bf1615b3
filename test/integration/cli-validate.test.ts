// `binlogd validate` as users run it: the compiled CLI on real files, checking exit codes and output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStackEnv, repoRoot } from '../support/stack-env.js';
import { inventoryConnector, outboxConnector } from '../unit/config/user-examples.js';

const cli = join(repoRoot, 'dist', 'src', 'cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function binlogd(args: string[], env: Record<string, string> = {}): Promise<Run> {
  // A clean environment: only what the test gives, so the developer's shell cannot change results.
  const base = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: repoRoot, env: { ...base, ...env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

function workspace(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const stackEnv = { MARIADB_HOST: '127.0.0.1', MARIADB_PORT: '13306', MARIADB_PASSWORD: 'binlogd' };

test('the shipped example connector is valid', async () => {
  const run = await binlogd(['validate', 'connectors/inventory.json', '--config', 'config/worker.json'], stackEnv);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.stdout, 'connectors/inventory.json: valid\n');
});

test('a missing environment variable behind a reference makes the file invalid', async () => {
  const run = await binlogd(['validate', 'connectors/inventory.json'], { MARIADB_HOST: 'h', MARIADB_PASSWORD: 'p' });
  assert.equal(run.code, 1);
  assert.match(run.stdout, /connectors\/inventory\.json: error: database\.port = "\$\{env:MARIADB_PORT\}": cannot resolve \$\{env:MARIADB_PORT\}: environment variable MARIADB_PORT is not set/);
  assert.match(run.stdout, /connectors\/inventory\.json: invalid \(1 error\)/);
});

test('a bad file: every problem listed with file, property, value and what is allowed; exit 1', async (t) => {
  const dir = workspace(t);
  const file = join(dir, 'bad.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'bad',
      config: {
        'database.hostname': 'db',
        'database.user': 'u',
        'database.password': 'hunter2',
        'database.server.id': '1',
        'topic.prefix': 'bad prefix',
        'snapshot.mode': 'schema_only',
        'decimal.handling.mode': 'exact',
        'tombstone.on.delete': 'false',
      },
    }),
  );
  const run = await binlogd(['validate', file]);
  assert.equal(run.code, 1);
  const lines = run.stdout.trim().split('\n');
  assert.deepEqual(lines, [
    `${file}: error: topic.prefix = "bad prefix": expected letters, digits, ".", "_" and "-" only`,
    `${file}: error: snapshot.mode = "schema_only": expected one of initial, initial_only, when_needed, no_data, always, recovery, configuration_based, custom ("schema_only" was removed in Debezium 3.3; use no_data)`,
    `${file}: error: decimal.handling.mode = "exact": expected one of precise, double, string`,
    `${file}: warning: tombstone.on.delete = "false": unknown property; did you mean tombstones.on.delete?`,
    `${file}: invalid (3 errors, 1 warning)`,
  ]);
  assert.ok(!run.stdout.includes('hunter2'));
});

test("the users' two Debezium connector files validate unchanged with a directory secrets provider", async (t) => {
  const dir = workspace(t);
  mkdirSync(join(dir, 'secrets', 'mariadb', 'debezium'), { recursive: true });
  writeFileSync(join(dir, 'secrets', 'mariadb', 'debezium', 'password'), 'secure_password\n');
  mkdirSync(join(dir, 'connectors'));
  writeFileSync(join(dir, 'connectors', 'inventory.json'), JSON.stringify(inventoryConnector, null, 2));
  writeFileSync(join(dir, 'connectors', 'outbox.json'), JSON.stringify(outboxConnector, null, 2));
  writeFileSync(
    join(dir, 'worker.json'),
    JSON.stringify({
      kafka: { brokers: ['127.0.0.1:19092'] },
      schemaRegistry: { url: 'http://127.0.0.1:18081/apis/ccompat/v7' },
      configProviders: { secrets: { type: 'directory', path: join(dir, 'secrets') } },
    }),
  );
  const run = await binlogd(['validate', join(dir, 'connectors'), '--config', join(dir, 'worker.json')]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.doesNotMatch(run.stdout, /: error:/);
  assert.match(run.stdout, /inventory\.json: warning: transforms\.unwrap\.drop\.tombstones = "false": was removed in Debezium 3\.2/);
  assert.match(run.stdout, /outbox\.json: warning: database\.server\.id: not set; binlogd uses \d+/);
  assert.match(run.stdout, /inventory\.json: warning: schema\.history\.internal\.kafka\.bootstrap\.servers = "[^"]*": accepted, no effect: binlogd keeps its own schema history/);
  assert.doesNotMatch(run.stdout, /warning: schema\.history\.internal\.kafka\.topic =/, 'it names binlogd\'s own history topic');
  // The two options Debezium 3.2 removed (binlogd applies them) and the history's bootstrap servers,
  // accepted without effect; the dead letter topic is supported.
  assert.match(run.stdout, /inventory\.json: valid \(3 warnings\)/);
  assert.match(run.stdout, /outbox\.json: valid \(1 warning\)/);
  assert.ok(!run.stdout.includes('secure_password'));

  const withoutProvider = await binlogd(['validate', join(dir, 'connectors', 'outbox.json')]);
  assert.equal(withoutProvider.code, 1);
  assert.match(withoutProvider.stdout, /database\.password = "\[hidden\]": cannot resolve \$\{secrets:mariadb\/debezium:password\}: config provider "secrets" is not enabled/);
});

test('duplicate connector names in a directory are an error', async (t) => {
  const dir = workspace(t);
  const doc = { name: 'same', config: { 'database.hostname': 'h', 'database.user': 'u', 'database.server.id': '1', 'topic.prefix': 'p' } };
  writeFileSync(join(dir, 'a.json'), JSON.stringify(doc));
  writeFileSync(join(dir, 'b.json'), JSON.stringify(doc));
  const run = await binlogd(['validate', dir]);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /b\.json: error: name = "same": is also the name of the connector in .*a\.json/);
});

test('--check verifies the live server when this build has the checks, and says so when it has not', async (t) => {
  const stack = loadStackEnv();
  const dir = workspace(t);
  const file = join(dir, 'live.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'live-check',
      config: {
        'database.hostname': stack.mariadb.host,
        'database.port': String(stack.mariadb.port),
        'database.user': stack.mariadb.user,
        'database.password': '${env:DB_PASSWORD}',
        'database.server.id': '5999',
        'topic.prefix': 'livecheck',
        'database.include.list': 'binlogd_test',
      },
    }),
  );
  const run = await binlogd(['validate', file, '--check'], { DB_PASSWORD: stack.mariadb.password });
  const hasChecks = existsSync(join(repoRoot, 'dist', 'src', 'source', 'server-checks.js'));
  if (run.code === 0) {
    assert.ok(hasChecks);
    assert.match(run.stdout, /live\.json: server check passed/);
  } else {
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /--check is not available in this build/);
  }
});

test('usage errors exit 2; config-schema prints a JSON Schema', async () => {
  assert.equal((await binlogd(['validate'])).code, 2);
  assert.equal((await binlogd(['validate', 'x.json', '--bogus'])).code, 2);
  assert.equal((await binlogd(['validate', 'x.json', '--config'])).code, 2);
  const schema = await binlogd(['config-schema']);
  assert.equal(schema.code, 0);
  const parsed = JSON.parse(schema.stdout) as { properties: { config: { properties: Record<string, unknown> } } };
  assert.ok(parsed.properties.config.properties['snapshot.mode']);
  const worker = await binlogd(['config-schema', 'worker']);
  assert.equal(worker.code, 0);
  assert.ok(JSON.parse(worker.stdout));
});
