// The codec must write the Avro binary Java writes for the same Connect value: exact int64, Connect's
// Decimal bytes, union branch indexes as the schema orders them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ConnectSchema, type ConnectValue, field, optional, struct } from '../../../src/connect/schema.js';
import { createAvroCodec } from '../../../src/serialize/avro-codec.js';
import { toAvroSchema } from '../../../src/serialize/avro-schema.js';
import { customersColumns, decimal, envelopeSchema, microTimestamp, S, snapshotEnum, sourceValue } from './fixtures.js';

const codecFor = (schema: ConnectSchema) => createAvroCodec(toAvroSchema(schema));

function roundTrip(schema: ConnectSchema, value: ConnectValue): Buffer {
  const codec = codecFor(schema);
  const body = codec.encode(value);
  assert.deepEqual(codec.decode(body), value);
  return body;
}

test('int64 extremes are exact, in Avro zig-zag varints', () => {
  const schema = struct('t.L', [field('min', S.int64), field('max', S.int64), field('neg1', S.int64), field('opt', optional(S.int64))]);
  const body = roundTrip(schema, { min: -(2n ** 63n), max: 2n ** 63n - 1n, neg1: -1n, opt: 2n ** 62n });
  assert.equal(body.toString('hex'),
    'ffffffffffffffffff01' // zig-zag(-2^63) = 2^64-1
    + 'feffffffffffffffff01' // zig-zag(2^63-1) = 2^64-2
    + '01' // -1
    + '02' + '808080808080808080' + '01'); // union branch 1, then 2^63 as a varint
});

test('longs beyond int64 and non-bigint longs are refused', () => {
  const codec = codecFor(struct('t.L', [field('v', S.int64)]));
  assert.throws(() => codec.encode({ v: 2n ** 63n }), { code: 'INTERNAL' });
  assert.throws(() => codec.encode({ v: 5 }), { code: 'INTERNAL' });
});

test('65-digit decimals round-trip exactly; bytes are the unscaled two\'s complement', () => {
  const schema = struct('t.D', [field('d', decimal(65, 30)), field('o', optional(decimal(65, 30))), field('small', decimal(10, 2))]);
  const big = '12345678901234567890123456789012345.678901234567890123456789012345';
  roundTrip(schema, { d: big, o: `-${big}`, small: '-12.30' });
  roundTrip(schema, { d: '0.000000000000000000000000000000', o: null, small: '0.00' });
  const body = codecFor(struct('t.D', [field('small', decimal(10, 2))])).encode({ small: '-12.30' });
  assert.equal(body.toString('hex'), '04fb32'); // length 2, then -1230 = 0xfb32
});

test('decimal text with fewer fraction digits is rescaled; more digits are refused', () => {
  const codec = codecFor(struct('t.D', [field('v', decimal(10, 2))]));
  assert.deepEqual(codec.decode(codec.encode({ v: '1.5' })), { v: '1.50' });
  assert.throws(() => codec.encode({ v: '1.555' }), { code: 'INTERNAL' });
});

test('optional values are plain: null or the value, in either union order', () => {
  const schema = struct('t.O', [
    field('nullFirst', optional(S.string)),
    field('withDefault', { ...optional(S.string), defaultValue: 'x' }),
    field('snapshot', snapshotEnum),
    field('ts', optional(microTimestamp)),
  ]);
  assert.equal(roundTrip(schema, { nullFirst: 'a', withDefault: 'b', snapshot: 'last', ts: 5n }).toString('hex'),
    '02' + '0261' + '00' + '0262' + '00' + '086c617374' + '02' + '0a');
  assert.equal(roundTrip(schema, { nullFirst: null, withDefault: null, snapshot: null, ts: null }).toString('hex'), '00020200');
});

test('every primitive, arrays, maps and a reused named struct', () => {
  const geometry = struct('io.debezium.data.geometry.Geometry', [field('wkb', S.bytes), field('srid', optional(S.int32))],
    { optional: true, version: 1, doc: 'Geometry' });
  const schema = struct('t.All', [
    field('i8', S.int8), field('i16', S.int16), field('i32', S.int32), field('f32', S.float32), field('f64', S.float64),
    field('b', S.boolean), field('s', S.string), field('bytes', S.bytes),
    field('arr', { type: 'array', optional: false, items: optional(S.int64) }),
    field('map', { type: 'map', optional: true, keys: S.string, values: S.string }),
    field('g1', geometry), field('g2', geometry),
  ]);
  roundTrip(schema, {
    i8: -128, i16: 32767, i32: -2147483648, f32: 1.5, f64: -1e300, b: true, s: 'héllo', bytes: Buffer.from([0, 255]),
    arr: [1n, null, -(2n ** 63n)], map: { a: 'x', b: '' }, g1: { wkb: Buffer.from('0101', 'hex'), srid: 4326 }, g2: null,
  });
});

test('encodeWithPrefix writes the prefix and the body in one buffer', () => {
  const codec = codecFor(struct('t.K', [field('id', S.int32)]));
  assert.equal(codec.encodeWithPrefix(Buffer.from('0000000007', 'hex'), { id: 1 }).toString('hex'), '000000000702');
});

test('a record larger than the scratch buffer is encoded whole', () => {
  const codec = codecFor(struct('t.Big', [field('s', S.string)]));
  const s = 'x'.repeat(200_000);
  assert.deepEqual(codec.decode(codec.encode({ s })), { s });
});

test('a full Debezium envelope round-trips', () => {
  const schema = envelopeSchema('dbserver1.inventory.customers', customersColumns);
  const row = { id: 1004, email: 'annek@noanswer.org', price: '19.99', created: 1719990000123456n };
  roundTrip(schema, {
    before: row, after: { ...row, email: null }, source: sourceValue() as ConnectValue,
    transaction: { id: '0-1-1043', total_order: 1n, data_collection_order: 1n }, op: 'u',
    ts_ms: 1719990000123n, ts_us: 1719990000123456n, ts_ns: 1719990000123456789n,
  });
});

test('a value that does not fit names the path', () => {
  const codec = codecFor(struct('t.P', [field('inner', struct('t.I', [field('n', S.int32)]))]));
  assert.throws(() => codec.encode({ inner: { n: 'no' } }), (error: { code?: string; details?: { paths?: string[] } }) =>
    error.code === 'INTERNAL' && error.details?.paths?.[0] === 'inner.n');
});

test('schema defaults (long beyond 2^53, decimal, bytes, float) are usable by the codec', () => {
  const codec = codecFor(struct('t.R', [
    field('plain', struct('Plain', [field('a', S.int32)])),
    field('dbl', { ...S.float64, defaultValue: 0 }),
    field('flt', { ...optional(S.float32), defaultValue: 1.5 }),
    field('lng', { ...S.int64, defaultValue: 2n ** 63n - 1n }),
    field('byt', { ...S.bytes, defaultValue: Buffer.from([0, 255]) }),
    field('dec', { ...optional(decimal(5, 2)), defaultValue: '-1.29' }),
    field('i8', { ...S.int8, defaultValue: 3 }),
  ]));
  // A field left out is written with its default, as avsc fills records.
  assert.deepEqual(codec.decode(codec.encode({ plain: { a: 1 } })), {
    plain: { a: 1 }, dbl: 0, flt: 1.5, lng: 2n ** 63n - 1n, byt: Buffer.from([0, 255]), dec: '-1.29', i8: 3,
  });
});

test('a source block written again as the same object, or after another, gives the bytes a fresh codec gives', () => {
  const schema = envelopeSchema('dbserver1.inventory.customers', customersColumns);
  const shared = sourceValue({ snapshot: 'true' });
  const other = sourceValue({ snapshot: 'last', ts_ns: 1719990000000000001n });
  const envelope = (id: number, source: Record<string, unknown>) => ({
    before: null, after: { id, email: null, price: '1.00', created: null }, source,
    transaction: null, op: 'r', ts_ms: 1719990000001n, ts_us: 1719990000001000n, ts_ns: 1719990000001000000n,
  }) as ConnectValue;
  const codec = codecFor(schema);
  const values = [envelope(1, shared), envelope(2, shared), envelope(3, other), envelope(4, shared), envelope(5, shared)];
  for (const value of values) {
    const body = codec.encode(value);
    assert.deepEqual(body, codecFor(schema).encode(value));
    assert.deepEqual(codec.decode(body), value);
  }
});
