import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnector } from '../../../src/config/connector.js';
import { formatProblem } from '../../../src/config/problems.js';
import { redact } from '../../../src/config/secrets.js';
import { inventoryConnector, outboxConnector } from './user-examples.js';

function secretsDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-secrets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'mariadb', 'debezium'), { recursive: true });
  writeFileSync(join(dir, 'mariadb', 'debezium', 'password'), 'secure_password\n');
  return dir;
}

for (const [label, document] of [['inventory', inventoryConnector], ['outbox', outboxConnector]] as const) {
  test(`the user's ${label} connector file validates unchanged, with warnings at most`, (t) => {
    const dir = secretsDir(t);
    const result = parseConnector(structuredClone(document), { file: `${label}.json`, env: {}, providers: { secrets: { type: 'directory', path: dir } } });
    const errors = result.problems.filter((p) => p.severity === 'error');
    assert.deepEqual(errors, [], result.problems.map(formatProblem).join('\n'));
    assert.ok(result.config);
    assert.equal(result.config.database.password, 'secure_password');
    assert.equal(redact(result.config)['database.password'], '[hidden]');
    assert.ok(!result.problems.map(formatProblem).join('\n').includes('secure_password'));
  });
}

test('what the inventory connector means', (t) => {
  const dir = secretsDir(t);
  const { config, problems } = parseConnector(structuredClone(inventoryConnector), { env: {}, providers: { secrets: { type: 'directory', path: dir } } });
  assert.ok(config);
  assert.equal(config.name, 'mariadb-inventory-connector');
  assert.equal(config.database.serverId, 184054);
  assert.equal(config.topics.prefix, 'dbserver');
  assert.ok(config.filters.tableInclude.some((r) => r.test('inventory.order_items')));
  assert.ok(!config.filters.tableInclude.some((r) => r.test('inventory.order_items_archive')));
  assert.ok(config.filters.gtidSourceIncludes[0]!.test('1'));
  assert.equal(config.heartbeat.intervalMs, 10000);
  assert.equal(config.connect.errors.tolerance, 'all');
  assert.deepEqual(config.transforms.map((x) => x.type), ['org.apache.kafka.connect.transforms.RegexRouter', 'io.debezium.transforms.ExtractNewRecordState']);
  // The ExtractNewRecordState options Debezium 3.2 removed are called out (binlogd applies them), and
  // the properties binlogd accepts without effect, nothing else.
  assert.deepEqual(config.connect.errors.deadLetterQueue, { topic: 'dlq.inventory', contextHeaders: true, replicationFactor: -1 });
  assert.equal(config.connect.converters.value.class, 'io.confluent.connect.avro.AvroConverter');
  assert.deepEqual(problems.map((p) => p.property).sort(), [
    'schema.history.internal.kafka.bootstrap.servers',
    'transforms.unwrap.delete.handling.mode',
    'transforms.unwrap.drop.tombstones',
  ]);
});

test('what the outbox connector means', (t) => {
  const dir = secretsDir(t);
  const { config, problems } = parseConnector(structuredClone(outboxConnector), { env: {}, providers: { secrets: { type: 'directory', path: dir } } });
  assert.ok(config);
  assert.equal(config.events.tombstonesOnDelete, false);
  assert.equal(config.transforms[0]!.options['route.topic.replacement'], 'events.${routedByValue}');
  assert.equal(config.database.serverIdDerived, true, 'the file has no database.server.id');
  assert.deepEqual(problems.map((p) => p.property), ['database.server.id']);
});

test('without the secrets provider the reference is an error naming it', () => {
  const { config, problems } = parseConnector(structuredClone(outboxConnector), { env: {} });
  assert.equal(config, undefined);
  const error = problems.find((p) => p.severity === 'error')!;
  assert.equal(error.property, 'database.password');
  assert.match(error.message, /\$\{secrets:mariadb\/debezium:password\}/);
  assert.match(error.message, /config provider "secrets" is not enabled/);
});
