import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConnector, type ConnectorConfig } from '../../../src/config/connector.js';
import { formatProblem, type Problem } from '../../../src/config/problems.js';

const base: Record<string, string> = {
  'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
  'database.hostname': 'db.internal',
  'database.user': 'binlogd',
  'database.password': 'pw',
  'database.server.id': '5401',
  'topic.prefix': 'dbserver1',
};

function parse(config: Record<string, unknown>, file = 'c.json') {
  return parseConnector({ name: 'c1', config }, { file, env: {} });
}

function valid(config: Record<string, unknown>): ConnectorConfig {
  const result = parse(config);
  assert.deepEqual(result.problems.filter((p) => p.severity === 'error'), [], result.problems.map(formatProblem).join('\n'));
  assert.ok(result.config);
  return result.config;
}

const errorsOf = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');
const warningsOf = (problems: Problem[]) => problems.filter((p) => p.severity === 'warning');

test('a minimal connector gets Debezium defaults in camelCase sections', () => {
  const c = valid(base);
  assert.equal(c.name, 'c1');
  assert.equal(c.file, 'c.json');
  assert.equal(c.database.hostname, 'db.internal');
  assert.equal(c.database.port, 3306);
  assert.equal(c.database.serverId, 5401);
  assert.equal(c.database.ssl.mode, 'disable');
  assert.equal(c.database.connectTimeoutMs, 30000);
  assert.equal(c.database.keepAliveIntervalMs, 60000);
  assert.equal(c.topics.prefix, 'dbserver1');
  assert.equal(c.topics.heartbeatPrefix, '__debezium-heartbeat');
  assert.equal(c.topics.schemaNameAdjustmentMode, 'none');
  assert.deepEqual(c.filters.tableInclude, []);
  assert.equal(c.filters.ignoreBuiltin, true);
  assert.equal(c.types.decimalHandlingMode, 'precise');
  assert.equal(c.types.timePrecisionMode, 'adaptive_time_microseconds');
  assert.equal(c.types.bigintUnsignedHandlingMode, 'long');
  assert.equal(c.types.binaryHandlingMode, 'bytes');
  assert.equal(c.events.includeSchemaChanges, true);
  assert.equal(c.events.includeQuery, false);
  assert.equal(c.events.tombstonesOnDelete, true);
  assert.deepEqual([...c.events.skippedOperations], ['t']);
  assert.equal(c.events.provideTransactionMetadata, false);
  assert.equal(c.events.eventProcessingFailureHandlingMode, 'fail');
  assert.equal(c.heartbeat.intervalMs, 0);
  assert.equal(c.queue.maxBatchSize, 2048);
  assert.equal(c.queue.maxQueueSize, 8192);
  assert.equal(c.queue.maxQueueSizeInBytes, 0);
  assert.equal(c.snapshot.mode, 'initial');
  assert.equal(c.snapshot.lockingMode, 'minimal');
  assert.equal(c.delivery.exactlyOnce, true);
  assert.equal(c.delivery.exactlyOnceSupport, 'requested');
  assert.equal(c.connect.topicCreation.default.partitions, 1);
  assert.equal(c.connect.topicCreation.default.replicationFactor, -1);
  assert.deepEqual(c.transforms, []);
  assert.equal(c.raw['topic.prefix'], 'dbserver1');
  assert.equal(c.raw['name'], 'c1');
});

test('the parsed config is frozen', () => {
  const c = valid(base);
  assert.ok(Object.isFrozen(c));
  assert.ok(Object.isFrozen(c.database));
  assert.ok(Object.isFrozen(c.filters.tableInclude));
  assert.ok(Object.isFrozen(c.raw));
  assert.throws(() => {
    (c.database as { port: number }).port = 1;
  });
});

test('values may be strings, numbers or booleans; enums and booleans ignore case and spaces', () => {
  const c = valid({
    ...base,
    'database.port': 13306,
    'tombstones.on.delete': false,
    'include.query': ' TRUE ',
    'decimal.handling.mode': 'String',
    'max.batch.size': ' 100 ',
    'skipped.operations': 'none',
  });
  assert.equal(c.database.port, 13306);
  assert.equal(c.events.tombstonesOnDelete, false);
  assert.equal(c.events.includeQuery, true);
  assert.equal(c.types.decimalHandlingMode, 'string');
  assert.equal(c.queue.maxBatchSize, 100);
  assert.equal(c.events.skippedOperations.size, 0);
});

test('every handling mode value is accepted', () => {
  const modes: Array<[string, string[]]> = [
    ['decimal.handling.mode', ['precise', 'double', 'string']],
    ['time.precision.mode', ['adaptive_time_microseconds', 'connect', 'isostring', 'microseconds', 'nanoseconds']],
    ['bigint.unsigned.handling.mode', ['long', 'precise']],
    ['binary.handling.mode', ['bytes', 'base64', 'base64-url-safe', 'hex']],
    ['snapshot.mode', ['initial', 'initial_only', 'when_needed', 'no_data', 'always', 'recovery', 'configuration_based']],
    ['snapshot.locking.mode', ['minimal', 'extended', 'none']],
    ['exactly.once.support', ['requested', 'required', 'false']],
    ['event.processing.failure.handling.mode', ['fail', 'warn', 'skip', 'ignore']],
    ['schema.name.adjustment.mode', ['none', 'avro', 'avro_unicode']],
    ['field.name.adjustment.mode', ['none', 'avro', 'avro_unicode']],
  ];
  for (const [property, values] of modes) {
    for (const value of values) valid({ ...base, [property]: value });
  }
  assert.equal(valid({ ...base, 'exactly.once.support': 'false' }).delivery.exactlyOnce, false);
  assert.equal(valid({ ...base, 'exactly.once.support': 'required' }).delivery.exactlyOnce, true);
});

test('database.ssl.mode other than disable is refused: a file asking for TLS never gets a clear connection', () => {
  for (const mode of ['trust', 'verify-ca', 'verify-full']) {
    const errors = errorsOf(parse({ ...base, 'database.ssl.mode': mode }).problems);
    assert.deepEqual(errors.map((p) => p.property), ['database.ssl.mode'], mode);
    assert.match(errors[0]!.message, /cannot connect to MariaDB over TLS yet; set disable/);
  }
  const truststore = warningsOf(parse({ ...base, 'database.ssl.truststore': '/etc/ts.jks' }).problems);
  assert.deepEqual(truststore.map((p) => [p.property, p.message.startsWith('accepted, no effect: binlogd connects to MariaDB without TLS')]), [['database.ssl.truststore', true]]);
});

test('topic.naming.strategy: Debezium\'s two plain strategies are accepted, any other class is an error saying what to use', () => {
  for (const strategy of ['io.debezium.schema.SchemaTopicNamingStrategy', 'io.debezium.schema.DefaultTopicNamingStrategy', ' io.debezium.schema.DefaultTopicNamingStrategy ']) {
    assert.deepEqual(parse({ ...base, 'topic.naming.strategy': strategy }).problems, [], strategy);
  }
  const errors = errorsOf(parse({ ...base, 'topic.naming.strategy': 'io.debezium.schema.DefaultUnicodeTopicNamingStrategy' }).problems);
  assert.deepEqual(errors.map((p) => [p.property, p.value]), [['topic.naming.strategy', 'io.debezium.schema.DefaultUnicodeTopicNamingStrategy']]);
  assert.match(errors[0]!.message, /expected io\.debezium\.schema\.SchemaTopicNamingStrategy or io\.debezium\.schema\.DefaultTopicNamingStrategy .*RegexRouter/);
});

test('tasks.max above 1 is a warning: one binlog, one task', () => {
  assert.deepEqual(parse({ ...base, 'tasks.max': '1' }).problems, []);
  assert.deepEqual(warningsOf(parse({ ...base, 'tasks.max': '3' }).problems).map((p) => [p.property, p.message]), [['tasks.max', "the MariaDB connector runs one task (a binlog has one reader), as Debezium's does"]]);
});

test('database.initial.statements are split as Debezium does; the query timeout is kept', () => {
  const c = valid({ ...base, 'database.initial.statements': "SET SESSION wait_timeout=600;SET @a = 'x;;y'", 'database.query.timeout.ms': '5000' });
  assert.deepEqual(c.database.initialStatements, ['SET SESSION wait_timeout=600', "SET @a = 'x;y'"]);
  assert.equal(c.database.queryTimeoutMs, 5000);
});

test('filters compile to anchored, case-insensitive regexes; message.key.columns is parsed', () => {
  const c = valid({
    ...base,
    'database.include.list': 'inventory, shop_.*',
    'table.include.list': 'inventory.orders,inventory.items{1,2}',
    'column.exclude.list': 'inventory.orders.secret',
    'message.key.columns': 'inventory.orders:id,region; shop_.*\\.carts:cart_id',
  });
  assert.equal(c.filters.databaseInclude.length, 2);
  assert.ok(c.filters.databaseInclude[0]!.test('INVENTORY'));
  assert.ok(!c.filters.databaseInclude[0]!.test('inventory2'));
  assert.ok(c.filters.databaseInclude[1]!.test('shop_eu'));
  assert.equal(c.filters.tableInclude.length, 2, 'a comma inside {} does not split');
  assert.ok(c.filters.tableInclude[1]!.test('inventory.itemss'));
  assert.ok(c.filters.columnExclude[0]!.test('inventory.orders.secret'));
  assert.deepEqual(c.filters.messageKeyColumns.map((k) => k.columns), [['id', 'region'], ['cart_id']]);
  assert.ok(c.filters.messageKeyColumns[1]!.table.test('shop_fr.carts'));
});

interface BadCase {
  property: string;
  value: string | undefined;
  /** Words the message must contain (the allowed values). */
  mentions: string[];
  extra?: Record<string, string>;
}

const badCases: BadCase[] = [
  { property: 'database.port', value: 'abc', mentions: ['integer', '1', '65535'] },
  { property: 'database.port', value: '70000', mentions: ['65535'] },
  { property: 'database.server.id', value: '0', mentions: ['integer', '1'] },
  { property: 'database.server.id', value: '-3', mentions: ['integer'] },
  { property: 'database.hostname', value: undefined, mentions: ['required'] },
  { property: 'database.user', value: '  ', mentions: ['required'] },
  { property: 'topic.prefix', value: undefined, mentions: ['required'] },
  { property: 'topic.prefix', value: 'my prefix', mentions: ['letters', 'digits'] },
  { property: 'topic.prefix', value: 'a/b', mentions: ['letters'] },
  { property: 'decimal.handling.mode', value: 'exact', mentions: ['precise', 'double', 'string'] },
  { property: 'time.precision.mode', value: 'adaptive', mentions: ['adaptive_time_microseconds', 'no longer supported'] },
  { property: 'bigint.unsigned.handling.mode', value: 'bigint', mentions: ['long', 'precise'] },
  { property: 'binary.handling.mode', value: 'base32', mentions: ['base64-url-safe', 'hex'] },
  { property: 'snapshot.mode', value: 'schema_only', mentions: ['no_data', 'removed'] },
  { property: 'snapshot.mode', value: 'schema_only_recovery', mentions: ['recovery', 'removed'] },
  { property: 'snapshot.mode', value: 'sometimes', mentions: ['initial', 'when_needed', 'configuration_based'] },
  { property: 'snapshot.locking.mode', value: 'full', mentions: ['minimal', 'extended', 'none', 'custom'] },
  { property: 'snapshot.mode.custom.name', value: undefined, mentions: ['required', 'custom'], extra: { 'snapshot.mode': 'custom' } },
  { property: 'database.ssl.mode', value: 'verify_identity', mentions: ['verify-full'] },
  { property: 'include.schema.changes', value: 'yes', mentions: ['true or false'] },
  { property: 'tombstones.on.delete', value: '1', mentions: ['true or false'] },
  { property: 'skipped.operations', value: 'c,x', mentions: ['c (create)', 'x'] },
  { property: 'skipped.operations', value: 'none,d', mentions: ['none'] },
  { property: 'max.batch.size', value: '0', mentions: ['integer'] },
  { property: 'max.queue.size', value: '100', mentions: ['max.batch.size'] },
  { property: 'max.queue.size.in.bytes', value: '-1', mentions: ['>= 0'] },
  { property: 'heartbeat.interval.ms', value: '-5', mentions: ['>= 0'] },
  { property: 'database.exclude.list', value: 'tmp', mentions: ['database.include.list'], extra: { 'database.include.list': 'inventory' } },
  { property: 'table.exclude.list', value: 'a.b', mentions: ['table.include.list'], extra: { 'table.include.list': 'a.c' } },
  { property: 'column.exclude.list', value: 'a.b.c', mentions: ['column.include.list'], extra: { 'column.include.list': 'a.b.d' } },
  { property: 'gtid.source.excludes', value: '2', mentions: ['gtid.source.includes'], extra: { 'gtid.source.includes': '1' } },
  { property: 'table.include.list', value: 'inventory.(orders', mentions: ['regular expression'] },
  { property: 'message.key.columns', value: 'inventory.orders', mentions: ['<column>'] },
  { property: 'exactly.once.support', value: 'maybe', mentions: ['requested', 'required', 'false'] },
  { property: 'transaction.boundary', value: 'batch', mentions: ['poll', 'interval', 'connector'] },
  { property: 'topic.creation.default.replication.factor', value: '0', mentions: ['-1', 'positive'] },
  { property: 'connector.class', value: 'io.debezium.connector.mysql.MySqlConnector', mentions: ['MariaDbConnector'] },
  { property: 'errors.tolerance', value: 'some', mentions: ['none', 'all'] },
  { property: 'transforms.x.type', value: undefined, mentions: ['required'], extra: { transforms: 'x' } },
  { property: 'transforms.r.regex', value: undefined, mentions: ['required'], extra: { transforms: 'r', 'transforms.r.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.r.replacement': '$1' } },
  { property: 'transforms.t.predicate', value: 'nope', mentions: ['predicates'], extra: { transforms: 't', 'transforms.t.type': 'io.debezium.transforms.ExtractNewRecordState' } },
  { property: 'snapshot.select.statement.overrides.inventory.orders', value: undefined, mentions: ['required'], extra: { 'snapshot.select.statement.overrides': 'inventory.orders' } },
  { property: 'converters', value: 'boolean', mentions: [], extra: {} },
];

test('each bad property kind is an error naming the file, the property, the value and what is allowed', () => {
  for (const c of badCases) {
    const config: Record<string, string> = { ...base, ...c.extra };
    if (c.value === undefined) delete config[c.property];
    else config[c.property] = c.value;
    const result = parse(config, 'bad.json');
    const label = `${c.property}=${c.value}`;
    if (c.property === 'converters') {
      // a converter alias without its type
      assert.ok(errorsOf(result.problems).some((p) => p.property === 'boolean.type'), label);
      continue;
    }
    assert.equal(result.config, undefined, label);
    const problem = errorsOf(result.problems).find((p) => p.property === c.property);
    assert.ok(problem, `${label}: no error for the property in ${JSON.stringify(result.problems)}`);
    assert.equal(problem.file, 'bad.json');
    if (c.value !== undefined && !c.property.startsWith('transforms.') && !c.property.startsWith('snapshot.select')) {
      assert.equal(problem.value, c.value, label);
    }
    for (const word of c.mentions) assert.ok(problem.message.includes(word), `${label}: "${problem.message}" lacks "${word}"`);
  }
});

test('every problem is listed, not just the first', () => {
  const result = parse({
    ...base,
    'database.port': 'x',
    'snapshot.mode': 'bogus',
    'decimal.handling.mode': 'bogus',
    'topic.prefix': 'bad prefix',
    'max.queue.size': '1',
    'database.include.list': 'a',
    'database.exclude.list': 'b',
    'tombstone.on.delete': 'false',
  });
  const errored = errorsOf(result.problems).map((p) => p.property).sort();
  assert.deepEqual(errored, ['database.exclude.list', 'database.port', 'decimal.handling.mode', 'max.queue.size', 'snapshot.mode', 'topic.prefix']);
  assert.deepEqual(warningsOf(result.problems).map((p) => p.property), ['tombstone.on.delete']);
  assert.equal(result.problems[0]!.severity, 'error', 'errors come before warnings');
});

test('unknown properties are warnings naming the closest known property', () => {
  const cases: Array<[string, string | undefined]> = [
    ['tombstone.on.delete', 'tombstones.on.delete'],
    ['table.inclde.list', 'table.include.list'],
    ['snapshot.mod', 'snapshot.mode'],
    ['decimal.handling', 'decimal.handling.mode'],
    ['database.hostnme', 'database.hostname'],
    ['completely.different.thing', undefined],
  ];
  for (const [property, closest] of cases) {
    const result = parse({ ...base, [property]: 'x' });
    assert.ok(result.config, property);
    const warning = warningsOf(result.problems).find((p) => p.property === property);
    assert.ok(warning, property);
    if (closest) assert.ok(warning.message.includes(`did you mean ${closest}?`), `${property}: ${warning.message}`);
    else assert.ok(!warning.message.includes('did you mean'), warning.message);
  }
});

test('older Debezium names are warnings saying what replaced them', () => {
  const result = parse({ ...base, 'database.server.name': 'x', 'table.whitelist': 'a.b', 'database.history.kafka.topic': 'h' });
  const messages = Object.fromEntries(warningsOf(result.problems).map((p) => [p.property, p.message]));
  assert.match(messages['database.server.name']!, /topic\.prefix/);
  assert.match(messages['table.whitelist']!, /table\.include\.list/);
  assert.match(messages['database.history.kafka.topic']!, /schema\.history\.internal/);
});

test('Kafka Connect and Debezium property families are accepted; only those without effect are warned, as such', () => {
  const result = parse({
    ...base,
    'schema.history.internal.kafka.topic': 'h',
    'schema.history.internal.kafka.bootstrap.servers': 'k:9092',
    'key.converter': 'io.confluent.connect.avro.AvroConverter',
    'key.converter.schema.registry.url': 'http://r:8081',
    'value.converter': 'io.confluent.connect.avro.AvroConverter',
    'value.converter.schema.registry.url': 'http://r:8081',
    'errors.log.enable': 'true',
    'errors.retry.timeout': '-1',
    'heartbeat.interval.ms': '1000',
    'heartbeat.action.query': 'SELECT 1',
    'topic.creation.default.cleanup.policy': 'compact',
    'topic.creation.groups': 'big',
    'topic.creation.big.include': 'dbserver1\\.inventory\\..*',
    'topic.creation.big.partitions': '6',
    'producer.override.linger.ms': '5',
    'config.action.reload': 'none',
    'column.mask.with.12.chars': 'inventory.customers.email',
    'column.truncate.to.20.chars': 'inventory.customers.note',
    'column.mask.hash.SHA-256.with.salt.pepper': 'inventory.customers.ssn',
    'converters': 'bool',
    'bool.type': 'io.debezium.connector.binlog.converters.TinyIntOneToBooleanConverter',
    'bool.selector': 'inventory.*',
    'signal.data.collection': 'inventory.signals',
    'signal.kafka.topic': 'signals',
    'offsets.storage.topic': 'own-offsets',
    'transaction.boundary': 'poll',
    'tasks.max': '1',
    'custom.metric.tags': 'env=prod',
  });
  assert.ok(result.problems.every((p) => p.severity === 'warning' && p.message.startsWith('accepted, no effect: ')), result.problems.map(formatProblem).join('\n'));
  assert.deepEqual(result.problems.map((p) => p.property), [
    'schema.history.internal.kafka.bootstrap.servers', 'errors.retry.timeout',
    'config.action.reload', 'converters', 'transaction.boundary', 'custom.metric.tags',
  ]);
  const c = result.config!;
  assert.equal(c.connect.topicCreation.default.configs['cleanup.policy'], 'compact');
  assert.equal(c.connect.topicCreation.groups[0]!.partitions, 6);
  assert.ok(c.connect.topicCreation.groups[0]!.include[0]!.test('dbserver1.inventory.orders'));
  assert.deepEqual(c.connect.producerOverrides, { 'linger.ms': '5' });
  assert.equal(c.columns.maskWithChars[0]!.length, 12);
  assert.equal(c.columns.truncateToChars[0]!.length, 20);
  assert.deepEqual([c.columns.maskHash[0]!.algorithm, c.columns.maskHash[0]!.salt], ['SHA-256', 'pepper']);
  assert.deepEqual(c.types.converters[0], {
    alias: 'bool',
    type: 'io.debezium.connector.binlog.converters.TinyIntOneToBooleanConverter',
    options: { selector: 'inventory.*' },
  });
  assert.equal(c.heartbeat.actionQuery, 'SELECT 1');
  assert.equal(c.delivery.offsetsTopic, 'own-offsets');
});

test('transforms and predicates are read in order with their options', () => {
  const c = valid({
    ...base,
    transforms: 'route, unwrap',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': '([^.]+)\\.([^.]+)\\.([^.]+)',
    'transforms.route.replacement': 'events.$3',
    'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
    'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite',
    'transforms.unwrap.predicate': 'notHeartbeat',
    'transforms.unwrap.negate': 'true',
    predicates: 'notHeartbeat',
    'predicates.notHeartbeat.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    'predicates.notHeartbeat.pattern': '__debezium-heartbeat.*',
  });
  assert.deepEqual(c.transforms.map((t) => t.alias), ['route', 'unwrap']);
  assert.deepEqual(c.transforms[0]!.options, { regex: '([^.]+)\\.([^.]+)\\.([^.]+)', replacement: 'events.$3' });
  assert.equal(c.transforms[1]!.negate, true);
  assert.deepEqual(c.transforms[1]!.predicate, {
    alias: 'notHeartbeat',
    type: 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    options: { pattern: '__debezium-heartbeat.*' },
  });
});

test('transform option typos and removed options are warnings', () => {
  const result = parse({
    ...base,
    transforms: 'unwrap',
    'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
    'transforms.unwrap.add.field': 'op',
    'transforms.unwrap.drop.tombstones': 'false',
    'transforms.other.type': 'x',
  });
  assert.ok(result.config);
  const messages = Object.fromEntries(warningsOf(result.problems).map((p) => [p.property, p.message]));
  assert.match(messages['transforms.unwrap.add.field']!, /did you mean transforms\.unwrap\.add\.fields\?/);
  assert.match(messages['transforms.unwrap.drop.tombstones']!, /removed in Debezium 3\.2/);
  assert.match(messages['transforms.other.type']!, /not listed in transforms/);
});

test('a missing database.server.id is derived from the name, stably, with a warning', () => {
  const { 'database.server.id': _, ...withoutId } = base;
  const first = parse(withoutId);
  const second = parse(withoutId);
  assert.ok(first.config);
  assert.equal(first.config.database.serverId, second.config!.database.serverId);
  assert.ok(first.config.database.serverId >= 100000);
  assert.equal(first.config.database.serverIdDerived, true);
  assert.ok(warningsOf(first.problems).some((p) => p.property === 'database.server.id'));
  const other = parseConnector({ name: 'another', config: withoutId }, { env: {} });
  assert.notEqual(other.config!.database.serverId, first.config.database.serverId);
});

test('the document shape: name required, config.name must agree, flat maps accepted', () => {
  assert.ok(errorsOf(parseConnector({ config: base }).problems).some((p) => p.property === 'name'));
  assert.ok(errorsOf(parseConnector({ name: 'a', config: { ...base, name: 'b' } }).problems).some((p) => p.property === 'config.name'));
  assert.ok(errorsOf(parseConnector({ name: 'a/b', config: base }).problems).some((p) => p.property === 'name'));
  assert.ok(errorsOf(parseConnector([1, 2]).problems).length === 1);
  assert.ok(errorsOf(parseConnector({ name: 'a', config: 'x' }).problems).some((p) => p.property === 'config'));
  assert.ok(errorsOf(parseConnector({ name: 'a', config: { ...base, 'max.batch.size': [1] } }).problems).some((p) => p.property === 'max.batch.size'));
  const flat = parseConnector({ name: 'flat', ...base });
  assert.equal(flat.config?.name, 'flat');
  const fromRest = parseConnector({ name: 'r', config: base, tasks: [], type: 'source' });
  assert.deepEqual(fromRest.problems, []);
});

test('secret values never appear in problems', () => {
  const result = parse({ ...base, 'database.password': 'hunter2', 'database.ssl.keystore.password': 'hunter3', 'some.secret.thing': 'hunter4' });
  const text = result.problems.map(formatProblem).join('\n');
  assert.ok(!text.includes('hunter'), text);
  assert.equal(result.config!.database.password, 'hunter2');
  assert.ok(result.config!.secretProperties.has('database.password'));
});

test('topic names Kafka cannot take are refused at config time: a prefix leaving no room for tables, side topics over 249 characters, invalid delimiters', () => {
  const tooLong = errorsOf(parse({ ...base, 'topic.prefix': 'p'.repeat(246) }).problems);
  assert.equal(tooLong.length, 1);
  assert.equal(tooLong[0]!.property, 'topic.prefix');
  assert.match(tooLong[0]!.message, /is 246 characters: data topics \(<topic\.prefix>\.<db>\.<table>\) are limited to 249 characters/);
  valid({ ...base, 'topic.prefix': 'p'.repeat(240) });
  const transaction = errorsOf(parse({ ...base, 'topic.prefix': 'p'.repeat(240), 'provide.transaction.metadata': 'true' }).problems);
  assert.deepEqual(transaction.map((p) => p.property), ['topic.transaction']);
  assert.match(transaction[0]!.message, /makes the transaction metadata topic p+…, which is 252 characters long, over Kafka's limit of 249: shorten topic\.prefix or topic\.transaction/);
  const heartbeat = errorsOf(parse({ ...base, 'topic.prefix': 'p'.repeat(230), 'heartbeat.interval.ms': '1000' }).problems);
  assert.deepEqual(heartbeat.map((p) => p.property), ['topic.heartbeat.prefix']);
  const delimiter = errorsOf(parse({ ...base, 'topic.delimiter': '/' }).problems);
  assert.deepEqual(delimiter.map((p) => p.property), ['topic.delimiter']);
});
