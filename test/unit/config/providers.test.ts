import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnector } from '../../../src/config/connector.js';
import { formatProblem } from '../../../src/config/problems.js';
import { parseProperties } from '../../../src/config/properties-file.js';
import { hasReference, LOCAL_PROVIDERS, resolveProperties } from '../../../src/config/providers.js';
import { HIDDEN, isSecretName, redact, redactProperties } from '../../../src/config/secrets.js';

function tempTree(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-config-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('references resolve from env, whole files, properties files and directory providers', (t) => {
  const { dir, cleanup } = tempTree();
  t.after(cleanup);
  writeFileSync(join(dir, 'pw.txt'), 'file-secret\n');
  writeFileSync(join(dir, 'db.properties'), '# comment\nuser = cdc\npassword: p\\=q\\\n  rs\n');
  mkdirSync(join(dir, 'secrets', 'mariadb', 'debezium'), { recursive: true });
  writeFileSync(join(dir, 'secrets', 'mariadb', 'debezium', 'password'), 'dir-secret\r\n');
  const ctx = { env: { HOST: 'db.internal', PORT: '3307' }, providers: { ...LOCAL_PROVIDERS, secrets: { type: 'directory' as const, path: join(dir, 'secrets') } } };
  const cases: Array<[string, string]> = [
    ['${env:HOST}', 'db.internal'],
    ['${env:HOST}:${env:PORT}', 'db.internal:3307'],
    [`\${file:${join(dir, 'pw.txt')}}`, 'file-secret'],
    [`\${file:${join(dir, 'db.properties')}:user}`, 'cdc'],
    [`\${file:${join(dir, 'db.properties')}:password}`, 'p=qrs'],
    ['${secrets:mariadb/debezium:password}', 'dir-secret'],
    ['${secrets:mariadb/debezium/password}', 'dir-secret'],
    ['events.${routedByValue}', 'events.${routedByValue}'],
    ['plain', 'plain'],
  ];
  for (const [written, expected] of cases) {
    const result = resolveProperties({ p: written }, ctx);
    assert.deepEqual(result.problems, [], written);
    assert.equal(result.values['p'], expected, written);
    assert.equal(result.secretProperties.has('p'), hasReference(written), written);
  }
});

test('a reference that cannot be resolved names the property and the reference, never a value', (t) => {
  const { dir, cleanup } = tempTree();
  t.after(cleanup);
  writeFileSync(join(dir, 'db.properties'), 'user=cdc\n');
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'outside'), 'nope');
  const ctx = { env: {}, providers: { ...LOCAL_PROVIDERS, secrets: { type: 'directory' as const, path: join(dir, 'secrets') } } };
  const cases: Array<[string, RegExp]> = [
    ['${env:MISSING_VAR}', /environment variable MISSING_VAR is not set/],
    [`\${file:${join(dir, 'none.txt')}}`, /does not exist/],
    [`\${file:${join(dir, 'db.properties')}:password}`, /has no key password/],
    ['${vault:secret/db:password}', /config provider "vault" is not enabled \(enabled: env, file, secrets\); enable it in the worker config: "configProviders": \{"vault": /],
    ['${secrets:mariadb/debezium:password}', /does not exist/],
    ['${secrets:..:outside}', /points outside/],
    [`\${file:${dir}}`, /is a directory/],
  ];
  for (const [written, reason] of cases) {
    const result = resolveProperties({ 'database.hostname': written }, ctx);
    assert.equal(result.problems.length, 1, written);
    const problem = result.problems[0]!;
    assert.equal(problem.severity, 'error');
    assert.equal(problem.property, 'database.hostname');
    assert.ok(problem.message.includes(written), `${problem.message} names ${written}`);
    assert.match(problem.message, reason);
  }
});

test('unreadable secret files are reported as such', (t) => {
  if (process.getuid?.() === 0) return t.skip('root reads every file');
  const { dir, cleanup } = tempTree();
  t.after(cleanup);
  writeFileSync(join(dir, 'locked'), 'x');
  chmodSync(join(dir, 'locked'), 0o000);
  const result = resolveProperties({ p: `\${file:${join(dir, 'locked')}}` }, { env: {}, providers: LOCAL_PROVIDERS });
  assert.match(result.problems[0]!.message, /is not readable/);
});

test('a failed reference is one problem, not also a type error', () => {
  const result = parseConnector(
    { name: 'c', config: { 'database.hostname': 'h', 'database.user': 'u', 'database.server.id': '1', 'topic.prefix': 'p', 'database.port': '${env:NOPE}' } },
    { env: {}, providers: LOCAL_PROVIDERS },
  );
  assert.deepEqual(result.problems.map((p) => p.property), ['database.port']);
});

test('secret-looking names and referenced values are tracked and redacted', (t) => {
  const { dir, cleanup } = tempTree();
  t.after(cleanup);
  mkdirSync(join(dir, 'mariadb', 'debezium'), { recursive: true });
  writeFileSync(join(dir, 'mariadb', 'debezium', 'password'), 'S3cr3t!');
  const result = parseConnector(
    {
      name: 'c',
      config: {
        'database.hostname': '${env:DB_HOST}',
        'database.user': 'u',
        'database.password': '${secrets:mariadb/debezium:password}',
        'database.server.id': '1',
        'topic.prefix': 'p',
        'database.ssl.truststore.password': 'literal-pw',
        'key.converter.basic.auth.user.info': 'me:pw',
        'producer.override.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required;',
        'value.converter.bearer.auth.token': 'tok',
        'include.query': 'false',
      },
    },
    { env: { DB_HOST: 'db.internal' }, providers: { ...LOCAL_PROVIDERS, secrets: { type: 'directory', path: dir } } },
  );
  assert.ok(result.config, result.problems.map(formatProblem).join('\n'));
  const c = result.config;
  assert.equal(c.database.password, 'S3cr3t!');
  assert.equal(c.database.hostname, 'db.internal');
  const shown = redact(c);
  for (const name of [
    'database.hostname',
    'database.password',
    'database.ssl.truststore.password',
    'key.converter.basic.auth.user.info',
    'producer.override.sasl.jaas.config',
    'value.converter.bearer.auth.token',
  ]) {
    assert.equal(shown[name], HIDDEN, name);
  }
  assert.equal(shown['include.query'], 'false');
  assert.equal(shown['topic.prefix'], 'p');
  assert.ok(!JSON.stringify(shown).includes('S3cr3t!'));
});

test('redactProperties hides unresolved references and secret names in raw maps', () => {
  assert.deepEqual(redactProperties({ 'database.password': 'x', 'database.hostname': '${env:H}', 'route': 'events.${routedByValue}', n: 3 }), {
    'database.password': HIDDEN,
    'database.hostname': HIDDEN,
    route: 'events.${routedByValue}',
    n: '3',
  });
  assert.equal(isSecretName('schema.registry.basic.auth.user.info'), true);
  assert.equal(isSecretName('tombstones.on.delete'), false);
});

test('Java properties files: separators, comments, continuations and escapes', () => {
  const parsed = parseProperties(
    ['# c', '! c', 'a=1', 'b : 2', 'c 3', '  d=4  ', 'e=x\\', '   y', 'f=tab\\there', 'g=\\u0041', 'h\\=k=v', 'empty=', '# trailing \\', 'i=9'].join('\n'),
  );
  assert.deepEqual(Object.fromEntries(parsed), {
    a: '1',
    b: '2',
    c: '3',
    d: '4  ',
    e: 'xy',
    f: 'tab\there',
    g: 'A',
    'h=k': 'v',
    empty: '',
    i: '9',
  });
});
