import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byLogicalTableRouterOptions, createByLogicalTableRouter } from '../../../src/transforms/by-logical-table-router.js';
import { compileWhole, javaReplacement } from '../../../src/transforms/java-regex.js';
import { createRegexRouter, regexRouterOptions } from '../../../src/transforms/regex-router.js';
import { change, envelopeSchema, tombstone } from './fixtures.js';

test('Java replacement syntax', () => {
  for (const [java, js] of [['events.$3', 'events.$3'], ['x.${name}', 'x.$<name>'], ['a\\$b', 'a$$b'], ['cost$', 'cost$$'], ['\\\\', '\\']]) {
    assert.equal(javaReplacement(java!), js, java);
  }
  assert.ok(compileWhole('(?i)ABC').test('abc'));
  assert.ok(!compileWhole('a').test('ab'), 'the whole name must match');
});

const regexCases: Array<[regex: string, replacement: string, topic: string, expected: string]> = [
  // The user's inventory connector: dbserver.inventory.orders → events.orders.
  ['([^.]+)\\.([^.]+)\\.([^.]+)', 'events.$3', 'dbserver.inventory.orders', 'events.orders'],
  ['([^.]+)\\.([^.]+)\\.([^.]+)', 'events.$3', 'dbserver.inventory', 'dbserver.inventory'],
  ['(?<p>[^.]+)\\..*', '${p}-all', 'a.b.c', 'a-all'],
  ['b', 'x', 'abc', 'abc'],
];

for (const [regex, replacement, topic, expected] of regexCases) {
  test(`RegexRouter ${regex} → ${replacement}: ${topic}`, () => {
    const route = createRegexRouter(regexRouterOptions.parse({ regex, replacement }));
    const record = { ...change('c', null, { id: 1, name: 'a' }), topic };
    const out = route(record)!;
    assert.equal(out.topic, expected);
    assert.equal(out.valueSchema, record.valueSchema, 'schemas are unchanged');
    assert.equal(out.key, record.key);
  });
}

test('ByLogicalTableRouter renames the schemas and adds the physical table to the key', () => {
  const route = createByLogicalTableRouter(byLogicalTableRouterOptions.parse({ 'topic.regex': '(.*)\\.db\\.t_?.*', 'topic.replacement': '$1.db.all' }), { warn: () => undefined });
  const out = route(change('u', { id: 1, name: null }, { id: 1, name: 'b' }))!;
  assert.equal(out.topic, 'p.db.all');
  assert.equal(out.keySchema!.name, 'p.db.all.Key');
  assert.deepEqual(out.keySchema!.fields!.map((f) => f.name), ['id', '__dbz__physicalTableIdentifier']);
  assert.deepEqual(out.key, { id: 1, __dbz__physicalTableIdentifier: 'p.db.t' });
  assert.equal(out.valueSchema!.name, 'p.db.all.Envelope');
  assert.equal(out.valueSchema!.version, envelopeSchema.version);
  const rowSchema = out.valueSchema!.fields!.find((f) => f.name === 'after')!.schema;
  assert.equal(rowSchema.name, 'p.db.all.Value');
  assert.equal(rowSchema.optional, true);
  // Struct.get: a null column with a default is copied as the default.
  assert.deepEqual((out.value as { before: unknown }).before, { id: 1, name: 'none' });
  const again = route(change('c', null, { id: 2, name: 'x' }))!;
  assert.equal(again.valueSchema, out.valueSchema);
  assert.equal(again.keySchema, out.keySchema);
  const grave = route(tombstone(1))!;
  assert.deepEqual([grave.topic, grave.value, grave.key], ['p.db.all', null, { id: 1, __dbz__physicalTableIdentifier: 'p.db.t' }]);
  const custom = createByLogicalTableRouter(byLogicalTableRouterOptions.parse({
    'topic.regex': '.*', 'topic.replacement': 'merged', 'key.field.name': 'shard', 'key.field.regex': '.*\\.(t)', 'key.field.replacement': 'table-$1',
  }), { warn: () => undefined });
  assert.deepEqual(custom(tombstone(1))!.key, { id: 1, shard: 'table-t' });
  const noKeyField = createByLogicalTableRouter(byLogicalTableRouterOptions.parse({ 'topic.regex': '.*', 'topic.replacement': 'merged', 'key.enforce.uniqueness': 'false' }), { warn: () => undefined });
  assert.deepEqual(noKeyField(tombstone(1))!.key, { id: 1 });
});

test('predicates: TopicNameMatches, HasHeaderKey, RecordIsTombstone, and negate', async () => {
  const { buildChain } = await import('../../../src/transforms/chain.js');
  const route = (predicate: { type: string; options: Record<string, string> }, negate = false) => buildChain([{
    alias: 'r', type: 'org.apache.kafka.connect.transforms.RegexRouter', options: { regex: '.*', replacement: 'routed' },
    predicate: { alias: 'p', ...predicate }, negate,
  }], { warn: () => undefined })[0]!.apply;
  const record = { ...change('c', null, { id: 1, name: 'a' }), headers: { marker: 'x' } };
  const topicIs = (r: ReturnType<ReturnType<typeof route>>) => r!.topic;
  assert.equal(topicIs(route({ type: 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', options: { pattern: 'p\\..*' } })(record)), 'routed');
  assert.equal(topicIs(route({ type: 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', options: { pattern: 'q\\..*' } })(record)), 'p.db.t');
  assert.equal(topicIs(route({ type: 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', options: { pattern: 'q\\..*' } }, true)(record)), 'routed');
  assert.equal(topicIs(route({ type: 'org.apache.kafka.connect.transforms.predicates.HasHeaderKey', options: { name: 'marker' } })(record)), 'routed');
  assert.equal(topicIs(route({ type: 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone', options: {} })(record)), 'p.db.t');
  assert.equal(topicIs(route({ type: 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone', options: {} })(tombstone(1))), 'routed');
});
