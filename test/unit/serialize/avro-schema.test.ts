// Connect -> Avro must give the exact text Confluent's AvroData + Java Avro's Schema.toString() give, or
// the registry hands out ids different from Debezium's. Expected strings follow reference/debezium.md §2.4
// and AvroData.fromConnectSchema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ConnectSchema, field, optional, struct } from '../../../src/connect/schema.js';
import { buildAvroSchema, toAvroSchema, toAvroSchemaText } from '../../../src/serialize/avro-schema.js';
import {
  customersColumns, decimal, envelopeSchema, microTimestamp, S, SNAPSHOT_ALLOWED, snapshotEnum,
} from './fixtures.js';

const compact = (text: string): string => text.replace(/\n\s*/g, '');

const ENVELOPE = compact(`{"type":"record","name":"Envelope","namespace":"dbserver1.inventory.customers","fields":[
  {"name":"before","type":["null",{"type":"record","name":"Value","fields":[
    {"name":"id","type":"int"},
    {"name":"email","type":["null","string"],"default":null},
    {"name":"price","type":{"type":"bytes","scale":2,"precision":10,"connect.version":1,
      "connect.parameters":{"scale":"2","connect.decimal.precision":"10"},
      "connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}},
    {"name":"created","type":["null",{"type":"long","connect.version":1,"connect.name":"io.debezium.time.MicroTimestamp"}],"default":null}
    ],"connect.name":"dbserver1.inventory.customers.Value"}],"default":null},
  {"name":"after","type":["null","Value"],"default":null},
  {"name":"source","type":{"type":"record","name":"Source","namespace":"io.debezium.connector.mariadb","fields":[
    {"name":"version","type":"string"},{"name":"connector","type":"string"},{"name":"name","type":"string"},
    {"name":"ts_ms","type":"long"},
    {"name":"snapshot","type":[{"type":"string","connect.version":1,"connect.parameters":{"allowed":"${SNAPSHOT_ALLOWED}"},"connect.default":"false","connect.name":"io.debezium.data.Enum"},"null"],"default":"false"},
    {"name":"db","type":"string"},{"name":"sequence","type":["null","string"],"default":null},
    {"name":"ts_us","type":["null","long"],"default":null},{"name":"ts_ns","type":["null","long"],"default":null},
    {"name":"table","type":["null","string"],"default":null},{"name":"server_id","type":"long"},
    {"name":"gtid","type":["null","string"],"default":null},{"name":"file","type":"string"},
    {"name":"pos","type":"long"},{"name":"row","type":"int"},
    {"name":"thread","type":["null","long"],"default":null},{"name":"query","type":["null","string"],"default":null}],
    "connect.version":1,"connect.name":"io.debezium.connector.mariadb.Source"}},
  {"name":"transaction","type":["null",{"type":"record","name":"block","namespace":"event","fields":[
    {"name":"id","type":"string"},{"name":"total_order","type":"long"},{"name":"data_collection_order","type":"long"}],
    "connect.version":1,"connect.name":"event.block"}],"default":null},
  {"name":"op","type":"string"},
  {"name":"ts_ms","type":["null","long"],"default":null},{"name":"ts_us","type":["null","long"],"default":null},
  {"name":"ts_ns","type":["null","long"],"default":null}],
  "connect.version":2,"connect.name":"dbserver1.inventory.customers.Envelope"}`);

const KEY = '{"type":"record","name":"Key","namespace":"dbserver1.inventory.customers","fields":[{"name":"id","type":"int"}],'
  + '"connect.name":"dbserver1.inventory.customers.Key"}';

test('the Debezium MariaDB envelope value schema is byte-identical to the AvroConverter\'s', () => {
  const schema = envelopeSchema('dbserver1.inventory.customers', customersColumns);
  const built = buildAvroSchema(schema);
  assert.equal(built.text, ENVELOPE);
  // Nothing in this schema needs Java number formatting, so plain JSON agrees with the exact text.
  assert.equal(JSON.stringify(built.json), ENVELOPE);
});

test('the key schema is byte-identical to the AvroConverter\'s', () => {
  const key = struct('dbserver1.inventory.customers.Key', [field('id', S.int32)]);
  assert.equal(JSON.stringify(toAvroSchema(key)), KEY);
  assert.equal(toAvroSchemaText(key), KEY);
});

test('top-level primitives', () => {
  const cases: Array<[ConnectSchema, string]> = [
    [S.int8, '{"type":"int","connect.type":"int8"}'],
    [S.int16, '{"type":"int","connect.type":"int16"}'],
    [S.int32, '"int"'],
    [S.int64, '"long"'],
    [S.float32, '"float"'],
    [S.float64, '"double"'],
    [S.boolean, '"boolean"'],
    [S.string, '"string"'],
    [S.bytes, '"bytes"'],
    [optional(S.string), '["null","string"]'],
    [{ ...S.string, doc: 'a "doc"' }, '{"type":"string","connect.doc":"a \\"doc\\""}'],
  ];
  for (const [schema, expected] of cases) assert.equal(toAvroSchemaText(schema), expected, JSON.stringify(schema));
});

const one = (schema: ConnectSchema): string => toAvroSchemaText(struct('t.R', [field('f', schema)]));
const inRecord = (fieldJson: string): string =>
  `{"type":"record","name":"R","namespace":"t","fields":[${fieldJson}],"connect.name":"t.R"}`;

const FIELD_CASES: Array<[string, ConnectSchema, string]> = [
  ['optional, no default', optional(S.int32), '{"name":"f","type":["null","int"],"default":null}'],
  ['optional with default: value branch first', { ...optional(S.string), defaultValue: 'x' },
    '{"name":"f","type":[{"type":"string","connect.default":"x"},"null"],"default":"x"}'],
  ['required with default', { ...S.int32, defaultValue: 5 }, '{"name":"f","type":{"type":"int","connect.default":5},"default":5}'],
  ['int8 optional with default', { ...optional(S.int8), defaultValue: 3 },
    '{"name":"f","type":[{"type":"int","connect.default":3,"connect.type":"int8"},"null"],"default":3}'],
  ['int16 required', S.int16, '{"name":"f","type":{"type":"int","connect.type":"int16"}}'],
  ['int64 default beyond 2^53 stays exact', { ...S.int64, defaultValue: 9223372036854775807n },
    '{"name":"f","type":{"type":"long","connect.default":9223372036854775807},"default":9223372036854775807}'],
  ['double default is written as Java writes a Double', { ...S.float64, defaultValue: 0 },
    '{"name":"f","type":{"type":"double","connect.default":0.0},"default":0.0}'],
  ['large double default uses Java exponent notation', { ...S.float64, defaultValue: 1e21 },
    '{"name":"f","type":{"type":"double","connect.default":1.0E21},"default":1.0E21}'],
  ['float default: Float.toString on the type, widened to double on the field', { ...optional(S.float32), defaultValue: 1.1 },
    '{"name":"f","type":[{"type":"float","connect.default":1.1},"null"],"default":1.100000023841858}'],
  ['boolean default', { ...S.boolean, defaultValue: true }, '{"name":"f","type":{"type":"boolean","connect.default":true},"default":true}'],
  ['bytes default as ISO-8859-1 text with Jackson escapes', { ...S.bytes, defaultValue: Buffer.from([0, 0xff, 0x22, 0x0a]) },
    '{"name":"f","type":{"type":"bytes","connect.default":"\\u0000\u00ff\\"\\n"},"default":"\\u0000\u00ff\\"\\n"}'],
  ['Decimal with precision', decimal(10, 2),
    '{"name":"f","type":{"type":"bytes","scale":2,"precision":10,"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"10"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}}'],
  ['Decimal without precision: 64', decimal(undefined, 3),
    '{"name":"f","type":{"type":"bytes","scale":3,"precision":64,"connect.version":1,"connect.parameters":{"scale":"3"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}}'],
  ['Decimal default as unscaled bytes', { ...decimal(5, 2), defaultValue: '-1.29' },
    '{"name":"f","type":{"type":"bytes","scale":2,"precision":5,"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"5"},"connect.default":"\u00ff\u007f","connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"},"default":"\u00ff\u007f"}'],
  ['Debezium MicroTimestamp, optional', optional(microTimestamp),
    '{"name":"f","type":["null",{"type":"long","connect.version":1,"connect.name":"io.debezium.time.MicroTimestamp"}],"default":null}'],
  ['Debezium Enum with allowed and default', snapshotEnum,
    `{"name":"f","type":[{"type":"string","connect.version":1,"connect.parameters":{"allowed":"${SNAPSHOT_ALLOWED}"},"connect.default":"false","connect.name":"io.debezium.data.Enum"},"null"],"default":"false"}`],
  ['Kafka Timestamp gets an Avro logicalType', { ...S.int64, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 },
    '{"name":"f","type":{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}}'],
  ['Kafka Date', { ...S.int32, name: 'org.apache.kafka.connect.data.Date', version: 1 },
    '{"name":"f","type":{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}}'],
  ['parameters keep their order', { ...S.string, parameters: { b: '1', a: '2', '__debezium.source.column.type': 'VARCHAR' } },
    '{"name":"f","type":{"type":"string","connect.parameters":{"b":"1","a":"2","__debezium.source.column.type":"VARCHAR"}}}'],
  ['array of float32 (FloatVector)', { type: 'array', optional: false, name: 'io.debezium.data.FloatVector', version: 1, items: S.float32 },
    '{"name":"f","type":{"type":"array","items":"float","connect.version":1,"connect.name":"io.debezium.data.FloatVector"}}'],
  ['optional array of optional strings', { type: 'array', optional: true, items: optional(S.string) },
    '{"name":"f","type":["null",{"type":"array","items":["null","string"]}],"default":null}'],
  ['map with string keys', { type: 'map', optional: false, keys: S.string, values: optional(S.string) },
    '{"name":"f","type":{"type":"map","values":["null","string"]}}'],
  ['map with other keys is an array of MapEntry', { type: 'map', optional: false, keys: S.int32, values: S.string },
    '{"name":"f","type":{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":"int"},{"name":"value","type":"string"}]}}}'],
  ['array default', { type: 'array', optional: false, items: S.float64, defaultValue: [1, 2.5] },
    '{"name":"f","type":{"type":"array","items":"double","connect.default":[1.0,2.5]},"default":[1.0,2.5]}'],
  ['struct without a namespace inside a namespaced one', struct('Plain', [field('a', S.int32)]),
    '{"name":"f","type":{"type":"record","name":"Plain","namespace":"","fields":[{"name":"a","type":"int"}],"connect.name":"Plain"}}'],
];

for (const [name, schema, expected] of FIELD_CASES) {
  test(`field: ${name}`, () => assert.equal(one(schema), inRecord(expected)));
}

const geometry = struct('io.debezium.data.geometry.Geometry', [
  field('wkb', S.bytes),
  field('srid', optional(S.int32)),
], { optional: true, version: 1, doc: 'Geometry' });

test('a named struct used twice is written once, then referenced by full name', () => {
  const text = toAvroSchemaText(struct('db.t.Value', [field('g1', geometry), field('g2', geometry), field('g3', { ...geometry, optional: false })]));
  assert.equal(text, '{"type":"record","name":"Value","namespace":"db.t","fields":['
    + '{"name":"g1","type":["null",{"type":"record","name":"Geometry","namespace":"io.debezium.data.geometry","fields":['
    + '{"name":"wkb","type":"bytes"},{"name":"srid","type":["null","int"],"default":null}],'
    + '"connect.doc":"Geometry","connect.version":1,"connect.name":"io.debezium.data.geometry.Geometry"}],"default":null},'
    + '{"name":"g2","type":["null","io.debezium.data.geometry.Geometry"],"default":null},'
    + '{"name":"g3","type":"io.debezium.data.geometry.Geometry"}],"connect.name":"db.t.Value"}');
});

test('a reference inside the same namespace is the short name', () => {
  const inner = struct('t.Inner', [field('a', S.int32)]);
  assert.equal(toAvroSchemaText(struct('t.R', [field('x', inner), field('y', inner)])),
    '{"type":"record","name":"R","namespace":"t","fields":['
    + '{"name":"x","type":{"type":"record","name":"Inner","fields":[{"name":"a","type":"int"}],"connect.name":"t.Inner"}},'
    + '{"name":"y","type":"Inner"}],"connect.name":"t.R"}');
});

test('unnamed structs are ConnectDefault, ConnectDefault2, ...; an equal one is reused', () => {
  const a: ConnectSchema = { type: 'struct', optional: false, fields: [field('a', S.int32)] };
  const b: ConnectSchema = { type: 'struct', optional: false, fields: [field('b', S.string)] };
  const aAgain: ConnectSchema = { type: 'struct', optional: false, fields: [field('a', S.int32)] };
  assert.equal(toAvroSchemaText(struct('t.R', [field('x', a), field('y', b), field('z', aAgain)])),
    '{"type":"record","name":"R","namespace":"t","fields":['
    + '{"name":"x","type":{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"a","type":"int"}]}},'
    + '{"name":"y","type":{"type":"record","name":"ConnectDefault2","namespace":"io.confluent.connect.avro","fields":[{"name":"b","type":"string"}]}},'
    + '{"name":"z","type":"io.confluent.connect.avro.ConnectDefault"}],"connect.name":"t.R"}');
});

test('two different structs with one name are refused, as Java Avro refuses them', () => {
  const first = struct('t.Same', [field('a', S.int32)]);
  const second = struct('t.Same', [field('b', S.int32)]);
  assert.throws(() => toAvroSchemaText(struct('t.R', [field('x', first), field('y', second)])), { code: 'INTERNAL' });
});

test('an optional struct with a default keeps null first and drops the invalid field default', () => {
  const withDefault: ConnectSchema = { ...struct('t.D', [field('a', S.int32)], { optional: true }), defaultValue: { a: 1 } };
  assert.equal(one(withDefault), inRecord('{"name":"f","type":["null",{"type":"record","name":"D","fields":[{"name":"a","type":"int"}],'
    + '"connect.default":{"a":1},"connect.name":"t.D"}]}'));
});
