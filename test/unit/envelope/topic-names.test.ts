import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collisionKey, sanitizeTopicName, topicNameProblem } from '../../../src/envelope/topic-names.js';
import { dataTopic } from '../../../src/envelope/table-schema.js';

test('sanitizeTopicName replaces what Kafka does not allow as Debezium does, and never cuts', () => {
  assert.equal(sanitizeTopicName('p.db.t$1 x'), 'p.db.t_1_x');
  assert.equal(sanitizeTopicName('p.db.tääble'), 'p.db.t__ble');
  assert.equal(sanitizeTopicName('.'), '_');
  assert.equal(sanitizeTopicName('..'), '__');
  const long = `${'p'.repeat(240)}.inventory.customers`;
  assert.equal(dataTopic('p'.repeat(240), 'inventory', 'customers'), long, 'kept whole: the record path refuses it');
});

test('topicNameProblem follows Kafka: 1-249 of [a-zA-Z0-9._-], not "." or ".."', () => {
  assert.equal(topicNameProblem('dbserver1.inventory.customers'), undefined);
  assert.equal(topicNameProblem('a'.repeat(249)), undefined);
  assert.match(topicNameProblem('a'.repeat(250))!, /is 250 characters long, over Kafka's limit of 249/);
  assert.match(topicNameProblem('')!, /is empty/);
  assert.match(topicNameProblem('..')!, /cannot be "\.\."/);
  assert.match(topicNameProblem('a b/c')!, /contains " ", "\/"/);
});

test('collisionKey: topics that differ only in "." versus "_" collide in Kafka', () => {
  assert.equal(collisionKey('p.a_b.c'), collisionKey('p.a.b_c'));
  assert.notEqual(collisionKey('p.a-b.c'), collisionKey('p.a_b.c'));
});
