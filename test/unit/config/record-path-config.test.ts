// Transforms, converters and error handling in a connector file: what is accepted, and the message
// for each bad value (it names the property and what is allowed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConnector } from '../../../src/config/connector.js';
import type { Problem } from '../../../src/config/problems.js';

const base: Record<string, string> = {
  'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'database.hostname': 'h', 'database.user': 'u',
  'database.password': 'p', 'database.server.id': '1', 'topic.prefix': 'p',
};

function problems(extra: Record<string, string>): Array<Pick<Problem, 'severity' | 'property' | 'message'>> {
  return parseConnector({ name: 'c', config: { ...base, ...extra } }, { env: {} }).problems.map(({ severity, property, message }) => ({ severity, property, message }));
}

const errors = (extra: Record<string, string>) => problems(extra).filter((p) => p.severity === 'error');

test('bad transform options are errors naming the property and the allowed values', () => {
  const unwrap = { 'transforms': 'u', 'transforms.u.type': 'io.debezium.transforms.ExtractNewRecordState' };
  assert.match(errors({ ...unwrap, 'transforms.u.delete.tombstone.handling.mode': 'delete' })[0]!.message, /drop, tombstone, rewrite, rewrite-with-tombstone, delete-to-tombstone/);
  assert.equal(errors({ ...unwrap, 'transforms.u.delete.tombstone.handling.mode': 'delete' })[0]!.property, 'transforms.u.delete.tombstone.handling.mode');
  assert.match(errors({ ...unwrap, 'transforms.u.delete.handling.mode': 'keep' })[0]!.message, /none, drop, rewrite/);
  const warnings = problems({ ...unwrap, 'transforms.u.add.feilds': 'op' }).filter((p) => p.severity === 'warning');
  assert.match(warnings[0]!.message, /did you mean transforms\.u\.add\.fields/);
  const router = { 'transforms': 'r', 'transforms.r.type': 'org.apache.kafka.connect.transforms.RegexRouter' };
  assert.deepEqual(errors(router).map((p) => [p.property, p.message]), [['transforms.r.regex', 'is required'], ['transforms.r.replacement', 'is required']]);
  assert.match(errors({ ...router, 'transforms.r.regex': '(', 'transforms.r.replacement': 'x' })[0]!.message, /not a valid regular expression/);
  const outbox = { 'transforms': 'o', 'transforms.o.type': 'io.debezium.transforms.outbox.EventRouter' };
  assert.match(errors({ ...outbox, 'transforms.o.table.fields.additional.placement': 'type:body' })[0]!.message, /"type:body": expected column:header\|envelope\|partition\[:alias\]/);
  assert.match(errors({ ...outbox, 'transforms.o.table.op.invalid.behavior': 'ignore' })[0]!.message, /warn, error, fatal/);
  assert.match(errors({ 'transforms': 'x', 'transforms.x.type': 'org.apache.kafka.connect.transforms.Flatten$Value' })[0]!.message, /is not a transform binlogd runs; supported: .*ExtractNewRecordState/);
  assert.match(errors({ 'transforms': 'x', 'transforms.x.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.x.regex': 'a', 'transforms.x.replacement': 'b',
    'transforms.x.predicate': 'p', 'predicates': 'p', 'predicates.p.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches' })[0]!.message, /pattern.*|is required/);
});

test('converters: Avro (default, own registry), JsonConverter with its options; anything else is an error', () => {
  const c = parseConnector({ name: 'c', config: { ...base,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable': 'false',
    'value.converter': 'io.confluent.connect.avro.AvroConverter', 'value.converter.schema.registry.url': 'http://registry:8081',
    'value.converter.basic.auth.credentials.source': 'USER_INFO', 'value.converter.basic.auth.user.info': 'me:secret' } }, { env: {} }).config!;
  assert.deepEqual(c.connect.converters.key, { class: 'org.apache.kafka.connect.json.JsonConverter', schemasEnable: false, decimalFormat: 'BASE64', replaceNullWithDefault: true });
  assert.deepEqual(c.connect.converters.value, { class: 'io.confluent.connect.avro.AvroConverter', registryUrl: 'http://registry:8081', auth: { username: 'me', password: 'secret' }, ignoreDefaultForNullables: false });
  assert.match(errors({ 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' })[0]!.message, /expected io\.confluent\.connect\.avro\.AvroConverter or org\.apache\.kafka\.connect\.json\.JsonConverter/);
  assert.equal(errors({ 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.decimal.format': 'TEXT' })[0]!.property, 'value.converter.decimal.format');
  assert.equal(errors({ 'value.converter.schema.registry.url': 'registry:8081' })[0]!.property, 'value.converter.schema.registry.url');
  assert.match(errors({ 'value.converter.value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy' })[0]!.message, /TopicNameStrategy/);
});

test('errors.* and the dead letter topic', () => {
  const c = parseConnector({ name: 'c', config: { ...base, 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'dlq.x', 'errors.deadletterqueue.context.headers.enable': 'true' } }, { env: {} }).config!;
  assert.deepEqual(c.connect.errors.deadLetterQueue, { topic: 'dlq.x', contextHeaders: true, replicationFactor: -1 });
  assert.equal(errors({ 'errors.deadletterqueue.topic.name': 'bad topic' })[0]!.property, 'errors.deadletterqueue.topic.name');
  assert.match(problems({ 'errors.deadletterqueue.topic.name': 'dlq' }).find((p) => p.severity === 'warning')!.message, /receives nothing while errors\.tolerance=none/);
  assert.match(errors({ 'errors.tolerance': 'some' })[0]!.message, /none, all/);
});
