// The JsonConverter emulation the decode-vs-Debezium comparison relies on; expected texts are
// taken from the oracle's records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DECIMAL_SCHEMA_NAME, field, type ConnectSchema } from '../../../src/connect/schema.js';
import { decimalBytes, float32Json, toJsonConverterField, toJsonConverterPayload, toJsonConverterSchema } from '../../support/connect-json.js';

const bits: ConnectSchema = { type: 'bytes', optional: false, name: 'io.debezium.data.Bits', version: 1, parameters: { length: '12' }, defaultValue: Buffer.from([1, 10]) };

test('schemas: JsonConverter\'s type names and key order, defaults in payload form', () => {
  assert.equal(JSON.stringify(toJsonConverterField('b12', bits)),
    '{"type":"bytes","optional":false,"name":"io.debezium.data.Bits","version":1,"parameters":{"length":"12"},"default":"AQo=","field":"b12"}');
  const geometry: ConnectSchema = { type: 'struct', optional: true, name: 'io.debezium.data.geometry.Geometry', version: 1, doc: 'Geometry',
    fields: [field('wkb', { type: 'bytes', optional: false }), field('srid', { type: 'int32', optional: true })] };
  assert.equal(JSON.stringify(toJsonConverterSchema(geometry)),
    '{"type":"struct","fields":[{"type":"bytes","optional":false,"field":"wkb"},{"type":"int32","optional":true,"field":"srid"}],' +
    '"optional":true,"name":"io.debezium.data.geometry.Geometry","version":1,"doc":"Geometry"}');
  assert.deepEqual(toJsonConverterSchema({ type: 'float32', optional: true }), { type: 'float', optional: true });
  assert.deepEqual(toJsonConverterSchema({ type: 'float64', optional: false, defaultValue: 2.25 }), { type: 'double', optional: false, default: 2.25 });
});

test('payloads: int64 as numbers, bytes and Decimals as base64, float32 as Java prints it', () => {
  assert.equal(toJsonConverterPayload(-1n, { type: 'int64', optional: false }), -1);
  assert.equal(toJsonConverterPayload(Math.fround(3.14), { type: 'float32', optional: false }), 3.14);
  assert.equal(float32Json(Math.fround(-3.4e38)), -3.4e38);
  const decimal: ConnectSchema = { type: 'bytes', optional: false, name: DECIMAL_SCHEMA_NAME, version: 1, parameters: { scale: '2' } };
  assert.equal(toJsonConverterPayload('12345678.91', decimal), 'SZYC0w==');
  assert.equal(toJsonConverterPayload('-99999999.99', decimal), '/av0HAE=');
  assert.equal(decimalBytes('99999999999999999999', 0).toString('base64'), 'BWvHXi1jD///');
  assert.equal(decimalBytes('0.00', 2).toString('hex'), '00');
  assert.equal(decimalBytes('-1', 0).toString('hex'), 'ff');
  assert.equal(decimalBytes('128', 0).toString('hex'), '0080');
});

test('payloads: null becomes the schema default (replace.null.with.default), unless disabled', () => {
  const schema: ConnectSchema = { type: 'string', optional: true, defaultValue: 'dflt' };
  assert.equal(toJsonConverterPayload(null, schema), 'dflt');
  assert.equal(toJsonConverterPayload(null, schema, { replaceNullWithDefault: false }), null);
  assert.throws(() => toJsonConverterPayload(null, { type: 'string', optional: false }));
});
