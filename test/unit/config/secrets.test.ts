import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnector } from '../../../src/config/connector.js';
import { resolveProperties } from '../../../src/config/providers.js';
import { HIDDEN, hideSecrets, hideSecretsIn, hideSecretsInLine, rememberSecret, shownSetting } from '../../../src/config/secrets.js';
import { SecretScan } from '../../support/secret-scan.js';

function tempTree(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-secrets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const base = { 'database.port': '3306', 'database.server.id': '1', 'topic.prefix': 'p' };

test('remembered secrets are hidden where they stand as a word, not inside other names, never in numbers', () => {
  rememberSecret('hunter2-pw');
  rememberSecret('cdcx');
  rememberSecret('1');
  rememberSecret('line-one-of-it\nline-two-of-it');
  assert.equal(hideSecrets("refused the login 'hunter2-pw'@'h'"), `refused the login '${HIDDEN}'@'h'`);
  assert.equal(hideSecrets('cdcx_orders cdcx-offsets cdcx. cdcx'), `cdcx_orders cdcx-offsets ${HIDDEN}. ${HIDDEN}`);
  assert.equal(hideSecrets('version 1'), 'version 1', 'values shorter than 4 characters are left alone');
  assert.equal(hideSecrets('got line-two-of-it'), `got ${HIDDEN}`, 'a line of a multi-line value');
  assert.deepEqual(hideSecretsIn({ trace: 'at hunter2-pw', n: 13306, list: ['cdcx'] }), { trace: `at ${HIDDEN}`, n: 13306, list: [HIDDEN] });
  rememberSecret('3306');
  const line = JSON.stringify({ pos: 3306, msg: 'cannot reach host:3306', port: 13306 }) + '\n';
  const hidden = hideSecretsInLine(line);
  assert.ok(hidden.endsWith('\n'));
  assert.deepEqual(JSON.parse(hidden), { pos: 3306, msg: `cannot reach host:${HIDDEN}`, port: 13306 }, 'numbers stay numbers, the line stays JSON');
  assert.equal(hideSecretsInLine('{"msg":"nothing here"}\n'), '{"msg":"nothing here"}\n');
});

test('values resolved from references are remembered, and messages name the setting instead', () => {
  resolveProperties({ 'database.hostname': '${env:SECRET_HOST_X}' }, { env: { SECRET_HOST_X: 'db-secret-host.internal' }, providers: { env: { type: 'env' } } });
  assert.equal(hideSecrets('getaddrinfo ENOTFOUND db-secret-host.internal'), `getaddrinfo ENOTFOUND ${HIDDEN}`);
  assert.equal(shownSetting('database.user', 'u', '${env:U}', true), 'database.user (from ${env:U})');
  assert.equal(shownSetting('database.user', 'u', 'u', false), 'u');
  const { config } = parseConnector({ name: 'c', config: { ...base, 'database.hostname': '${env:H}', 'database.user': 'cdc' } }, { env: { H: 'hidden-host' }, providers: { env: { type: 'env' } } });
  assert.deepEqual(config?.database.shown, { hostname: 'database.hostname (from ${env:H})', user: 'cdc' });
});

test('a provider the worker config does not enable is refused, naming it and how to enable it', () => {
  for (const [written, provider] of [['${env:HOME}', 'env'], ['${file:/etc/hostname}', 'file'], ['${secrets:a:b}', 'secrets']] as const) {
    const { problems } = resolveProperties({ 'database.hostname': written }, { env: { HOME: '/root' } });
    assert.equal(problems.length, 1, written);
    assert.match(problems[0]!.message, new RegExp(`config provider "${provider}" is not enabled \\(enabled: none\\); enable it in the worker config: "configProviders": \\{"${provider}": \\{"type": `));
    assert.equal(problems[0]!.value, written, 'the reference is shown, never a value');
  }
});

test('the file provider keeps to its allowed paths: .. and symlinks cannot lead out', (t) => {
  const dir = tempTree(t);
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'secrets', 'pw'), 'allowed-secret\n');
  writeFileSync(join(dir, 'outside'), 'outside-secret');
  symlinkSync(join(dir, 'outside'), join(dir, 'secrets', 'link'));
  symlinkSync('/proc/self/environ', join(dir, 'secrets', 'environ'));
  const providers = { file: { type: 'file' as const, allowedPaths: [join(dir, 'secrets')] } };
  assert.equal(resolveProperties({ p: `\${file:${join(dir, 'secrets', 'pw')}}` }, { providers }).values['p'], 'allowed-secret');
  for (const path of ['/proc/self/environ', join(dir, 'outside'), join(dir, 'secrets', '..', 'outside'), join(dir, 'secrets', 'link'), join(dir, 'secrets', 'environ'), 'secrets/pw']) {
    const { problems } = resolveProperties({ 'database.user': `\${file:${path}}` }, { providers });
    assert.equal(problems.length, 1, path);
    assert.match(problems[0]!.message, /is outside the allowed paths of config provider "file" .*configProviders\.file\.allowedPaths/, path);
    assert.doesNotMatch(problems[0]!.message, /outside-secret/);
  }
});

test('the env provider keeps to its allowlist; a directory provider refuses symlinks out of its directory', (t) => {
  const dir = tempTree(t);
  const env = { MARIADB_PASSWORD: 'pw-value', BINLOGD_TOKEN: 'token-value' };
  const providers = { env: { type: 'env' as const, allowlist: ['MARIADB_*', 'EXACT'] } };
  assert.equal(resolveProperties({ p: '${env:MARIADB_PASSWORD}' }, { env, providers }).values['p'], 'pw-value');
  const refused = resolveProperties({ p: '${env:BINLOGD_TOKEN}' }, { env, providers });
  assert.match(refused.problems[0]!.message, /environment variable BINLOGD_TOKEN is not in the allowlist of config provider "env"; add it to configProviders\.env\.allowlist/);
  writeFileSync(join(dir, 'outside'), 'x');
  mkdirSync(join(dir, 'base'));
  symlinkSync(join(dir, 'outside'), join(dir, 'base', 'escape'));
  const escaped = resolveProperties({ p: '${vault:escape}' }, { providers: { vault: { type: 'directory', path: join(dir, 'base') } } });
  assert.match(escaped.problems[0]!.message, /points outside/);
});

test('connector names "." and ".." are refused: URLs drop those segments', () => {
  for (const name of ['.', '..', ' .. ']) {
    const { config, problems } = parseConnector({ name, config: { ...base, 'database.hostname': 'h', 'database.user': 'u' } });
    assert.equal(config, undefined, name);
    assert.match(problems.find((p) => p.property === 'name')!.message, /cannot be "\." or "\.\."/);
  }
  assert.ok(parseConnector({ name: '...', config: { ...base, 'database.hostname': 'h', 'database.user': 'u' } }).config, '"..." is an ordinary name');
});

test('an invalid producer.override.max.request.size is an error, not a silent 1 MiB', () => {
  for (const value of ['abc', '0', '-5', '1.5', '', '2147483648']) {
    const { config, problems } = parseConnector({ name: 'c', config: { ...base, 'database.hostname': 'h', 'database.user': 'u', 'producer.override.max.request.size': value } });
    assert.equal(config, undefined, value);
    assert.match(problems.find((p) => p.property === 'producer.override.max.request.size')!.message, /expected a positive integer number of bytes/, value);
  }
  const ok = parseConnector({ name: 'c', config: { ...base, 'database.hostname': 'h', 'database.user': 'u', 'producer.override.max.request.size': '5242880' } });
  assert.equal(ok.config?.connect.producerOverrides['max.request.size'], '5242880');
});

test('the secret scan finds secrets as they are and JSON-escaped, and names them by label', () => {
  const scan = new SecretScan().add('token', 'tok-123456').add('environ', 'A=first-line-xx\0B=second-line-yy');
  scan.capture('log', JSON.stringify({ msg: 'with "tok-123456"' })).capture('body', { trace: 'x B=second-line-yy' }).capture('clean', 'nothing');
  const hits = scan.hits();
  assert.deepEqual(hits.map((h) => [h.secret, h.source]), [['token', 'log'], ['environ (a line of it)', 'body']]);
  assert.ok(hits.every((h) => !h.context.includes('tok-123456')), 'the report masks the secret');
  assert.throws(() => scan.assertClean(), /secrets leaked \(2 hits/);
});

test('passwords inside URLs are remembered, since URL settings are not named like secrets', () => {
  resolveProperties({ 'value.converter.schema.registry.url': 'http://cdc:url-pass%21@registry:8081,http://other:8081' });
  assert.equal(hideSecrets('fetch http://cdc:url-pass%21@registry:8081 failed'), `fetch http://cdc:${HIDDEN}@registry:8081 failed`);
  assert.equal(hideSecrets('password url-pass! refused'), `password ${HIDDEN} refused`);
  assert.equal(hideSecrets('http://registry:8081'), 'http://registry:8081');
});
