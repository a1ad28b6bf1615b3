import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectSchema } from '../../../src/connect/schema.js';
import { createJsonConverter, jsonString } from '../../../src/serialize/json-converter.js';
import { toJsonConverterSchema } from '../../support/connect-json.js';

const WITH_SCHEMAS = { schemasEnable: true, decimalFormat: 'BASE64', replaceNullWithDefault: true } as const;

test("FLOAT and DOUBLE fields as Jackson writes Java 17's toString, NaN and the infinities quoted", () => {
  const numbers: ConnectSchema = {
    type: 'struct', optional: false, fields: [
      { name: 'f', schema: { type: 'float32', optional: true } },
      { name: 'd', schema: { type: 'float64', optional: true } },
    ],
  };
  const convert = createJsonConverter({ ...WITH_SCHEMAS, schemasEnable: false });
  const cases: Array<[number, number, string]> = [
    [-1.1754943508222875e-38, 917044.1636815667, '{"f":-1.17549435E-38,"d":917044.1636815667}'],
    [1e10, 1e-4, '{"f":1.0E10,"d":1.0E-4}'],
    [Math.fround(0.1), 2.82879384806159e17, '{"f":0.1,"d":2.82879384806159008E17}'],
    [Number.NaN, -Infinity, '{"f":"NaN","d":"-Infinity"}'],
  ];
  for (const [f, d, text] of cases) assert.equal(convert(numbers, { f, d })!.toString(), text);
});

test("Jackson's string escapes: upper-case \\u00XX for control characters", () => {
  assert.equal(jsonString('a"b\\c\n\t'), '"a\\"b\\\\c\\n\\t"');
  assert.equal(jsonString('x\u0001y\u001f'), '"x\\u0001y\\u001F"');
  assert.equal(jsonString('héllo ✓ /'), '"héllo ✓ /"');
});

const schema: ConnectSchema = {
  type: 'struct', optional: false, name: 'p.db.t.Value', version: 2, fields: [
    { name: 'id', schema: { type: 'int64', optional: false } },
    { name: 'f', schema: { type: 'float32', optional: true } },
    { name: 'price', schema: { type: 'bytes', optional: false, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } } },
    { name: 'v', schema: { type: 'string', optional: false, defaultValue: 'none' } },
    { name: 'e', schema: { type: 'string', optional: true, name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'a,b' }, defaultValue: 'a' } },
    { name: 'bin', schema: { type: 'bytes', optional: true } },
    { name: 'tags', schema: { type: 'array', optional: true, items: { type: 'string', optional: true } } },
    { name: 'm', schema: { type: 'map', optional: true, keys: { type: 'string', optional: false }, values: { type: 'int32', optional: false } } },
  ],
};

test('schemas.enable=true: the schema as asJsonSchema writes it, the payload as convertToJson', () => {
  const convert = createJsonConverter(WITH_SCHEMAS);
  const bytes = convert(schema, { id: 9007199254740993n, f: 3.25, price: '-12.30', v: null, e: null, bin: Buffer.from([1, 2]), tags: ['x', null], m: { a: 1 } })!;
  const text = bytes.toString();
  assert.ok(text.startsWith('{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},'), text);
  assert.deepEqual(JSON.parse(text).schema, toJsonConverterSchema(schema), 'the schema as the test oracle helper (checked against Debezium) writes it');
  assert.ok(text.includes('"payload":{"id":9007199254740993,"f":3.25,"price":"+zI=","v":"none","e":"a","bin":"AQI=","tags":["x",null],"m":{"a":1}}'), text);
});

test('schemas.enable=false writes the payload alone; decimal.format=NUMERIC writes decimals as numbers', () => {
  const convert = createJsonConverter({ schemasEnable: false, decimalFormat: 'NUMERIC', replaceNullWithDefault: false });
  const out = convert(schema, { id: 1n, f: null, price: '0.50', v: 'x', e: null, bin: null, tags: null, m: null })!.toString();
  assert.equal(out, '{"id":1,"f":null,"price":0.50,"v":"x","e":null,"bin":null,"tags":null,"m":null}');
});

test('null: no schema and no value is a Kafka tombstone; a schema with a null value is an envelope with a null payload', () => {
  const convert = createJsonConverter(WITH_SCHEMAS);
  assert.equal(convert(null, null), null);
  assert.equal(convert({ ...schema, optional: true }, null)!.toString().endsWith(',"payload":null}'), true);
  assert.throws(() => convert(schema, { id: null }), /null value for field that is required/);
  assert.throws(() => convert(schema, { id: 'x' as never }), /Invalid type for INT64/);
});
