import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConnector } from '../../../src/config/index.js';
import { acceptedWithoutEffect, notYetApplied } from '../../../src/runtime/not-yet-applied.js';

function gaps(extra: Record<string, string>): string[] {
  const { config, problems } = parseConnector({
    name: 'c',
    config: {
      'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'database.hostname': 'h', 'database.user': 'u',
      'database.password': 'p', 'database.server.id': '1', 'topic.prefix': 'p', ...extra,
    },
  });
  assert.ok(config, JSON.stringify(problems));
  return notYetApplied(config);
}

test('a connector file using features binlogd does not apply yet is told so, one line each', () => {
  const all = gaps({
    'snapshot.mode': 'custom', 'snapshot.mode.custom.name': 'mine', 'transforms': 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': '(.*)', 'transforms.route.replacement': 'x.$1', 'heartbeat.interval.ms': '1000',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'exactly.once.support': 'false',
  });
  for (const expected of [/^snapshot\.mode=custom/, /^delivery is at-least-once/]) {
    assert.ok(all.some((line) => expected.test(line)), `${expected} in ${JSON.stringify(all, null, 1)}`);
  }
  // Transforms and converters are applied: no line for them.
  assert.ok(!all.some((line) => /transforms|converter/.test(line)), JSON.stringify(all));
});

test('what binlogd does apply raises nothing', () => {
  assert.deepEqual(gaps({
    'snapshot.mode': 'no_data', 'include.schema.changes': 'true', 'heartbeat.interval.ms': '1000', 'provide.transaction.metadata': 'true',
    'column.mask.with.4.chars': 'a\\.b\\.c', 'column.propagate.source.type': '.*', 'skipped.operations': 'none', 'include.query': 'true',
  }), []);
  for (const mode of ['initial', 'initial_only', 'when_needed', 'always', 'recovery']) {
    assert.deepEqual(gaps({ 'snapshot.mode': mode }), [], mode);
  }
});

test('schema.history.internal.* other than the topic is explained once, as having no effect', () => {
  const { config } = parseConnector({
    name: 'c',
    config: {
      'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'database.hostname': 'h', 'database.user': 'u',
      'database.password': 'p', 'database.server.id': '1', 'topic.prefix': 'p',
      'schema.history.internal.kafka.bootstrap.servers': 'kafka:9092', 'schema.history.internal.kafka.topic': 'schema-changes.inventory',
    },
  });
  const notes = acceptedWithoutEffect(config!);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /^schema\.history\.internal\.kafka\.bootstrap\.servers: binlogd keeps its own schema history/);
  assert.equal(config!.history.topic, 'schema-changes.inventory');
  assert.deepEqual(acceptedWithoutEffect({ ...config!, raw: {} }), []);
});

test('delivery is mentioned only when exactly-once is turned off, as the configured mode', () => {
  const lines = gaps({ 'snapshot.mode': 'no_data', 'include.schema.changes': 'false', 'exactly.once.support': 'false' });
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^delivery is at-least-once, as configured \(exactly\.once\.support=false\)/);
  for (const value of ['requested', 'required']) {
    assert.deepEqual(gaps({ 'snapshot.mode': 'no_data', 'include.schema.changes': 'false', 'exactly.once.support': value }), []);
  }
});
