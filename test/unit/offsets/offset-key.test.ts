// Vectors printed by the real Kafka Connect code (kafka-connect-json 3.9.1, jackson-core 2.16.2):
// the worker's internal JsonConverter (schemas.enable=false) on Arrays.asList(name, {"server":
// prefix}), as OffsetStorageWriter does, and Utils.toPositive(Utils.murmur2(key)) % 25.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  jacksonString,
  offsetKey,
  offsetValue,
  parseOffsetKey,
  parseOffsetValue,
} from '../../../src/offsets/offset-key.js';
import { partitionForKey } from '../../../src/sink/murmur2.js';

const KEYS: { name: string; server: string; hex: string; partitionOf25: number }[] = [
  {
    name: 'inventory-connector',
    server: 'dbserver1',
    hex: '5b22696e76656e746f72792d636f6e6e6563746f72222c7b22736572766572223a22646273657276657231227d5d',
    partitionOf25: 11,
  },
  { name: 'a"b\\c', server: 'x/y', hex: '5b22615c22625c5c63222c7b22736572766572223a22782f79227d5d', partitionOf25: 6 },
  {
    // BMP characters as raw UTF-8; the emoji as two escaped surrogates (Jackson's UTF8JsonGenerator).
    name: 'ünïcødé-€-😀',
    server: '日本',
    hex: '5b22c3bc6ec3af63c3b864c3a92de282ac2d5c75443833445c7544453030222c7b22736572766572223a22e697a5e69cac227d5d',
    partitionOf25: 18,
  },
  {
    // Short escapes where JSON has them, \u00XX in uppercase otherwise; DEL and U+2028 raw.
    name: 'ctl\u0001\u001f\b\t\n\f\r\u007f\u2028',
    server: 'p',
    hex: '5b2263746c5c75303030315c75303031465c625c745c6e5c665c727fe280a8222c7b22736572766572223a2270227d5d',
    partitionOf25: 0,
  },
  { name: '', server: '', hex: '5b22222c7b22736572766572223a22227d5d', partitionOf25: 12 },
  {
    // Lone surrogates are escaped one by one, like paired ones.
    name: 'lone\ud800x\udc00',
    server: 'aé😀',
    hex: '5b226c6f6e655c7544383030785c7544433030222c7b22736572766572223a2261c3a95c75443833445c7544453030227d5d',
    partitionOf25: 7,
  },
];

test('offsetKey writes the bytes Kafka Connect writes, landing in the same partition', () => {
  for (const k of KEYS) {
    const key = offsetKey(k.name, k.server);
    assert.equal(key.toString('hex'), k.hex, JSON.stringify(k.name));
    assert.equal(partitionForKey(key, 25), k.partitionOf25, JSON.stringify(k.name));
  }
});

test('parseOffsetKey reads back every key offsetKey writes', () => {
  for (const k of KEYS) {
    // Lone surrogates cannot survive UTF-8 in any JSON reader; their escapes can.
    assert.deepEqual(parseOffsetKey(offsetKey(k.name, k.server)), { connector: k.name, partition: { server: k.server } });
  }
});

test('parseOffsetKey accepts other connectors\' partitions and refuses what Connect would not write', () => {
  const other = Buffer.from('["jdbc-source",{"protocol":"1","table":"t"}]');
  assert.deepEqual(parseOffsetKey(other), { connector: 'jdbc-source', partition: { protocol: '1', table: 't' } });
  for (const text of ['', 'not json', '{}', '[]', '["a"]', '["a",{}, 1]', '[1,{}]', '["a",null]', '["a",[]]', '["a","s"]']) {
    assert.equal(parseOffsetKey(Buffer.from(text)), undefined, text);
  }
});

test('jacksonString differs from JSON.stringify only where Jackson does', () => {
  assert.equal(jacksonString('plain-name_1.2'), JSON.stringify('plain-name_1.2'));
  assert.equal(jacksonString('\u001f'), '"\\u001F"');
  assert.equal(jacksonString('😀'), '"\\uD83D\\uDE00"');
  assert.equal(jacksonString('é€'), '"é€"');
});

test('offsetValue writes compact JSON in key order, longs as digits', () => {
  // Printed by JsonConverter for a LinkedHashMap with these entries.
  const value = offsetValue({
    ts_sec: 1795256266,
    file: 'mysql-bin.000002',
    pos: 7100n,
    gtids: '0-1-34',
    row: 1,
    snapshot: true,
    d: 1.5,
    big: 9007199254740993n,
  });
  assert.equal(
    value.toString('utf8'),
    '{"ts_sec":1795256266,"file":"mysql-bin.000002","pos":7100,"gtids":"0-1-34","row":1,"snapshot":true,"d":1.5,"big":9007199254740993}',
  );
  assert.equal(offsetValue({}).toString(), '{}');
  assert.equal(offsetValue({ a: undefined, b: null }).toString(), '{"b":null}');
});

test('offsetValue refuses what Connect refuses (nested values) and what JSON cannot carry', () => {
  for (const bad of [{ a: { b: 1 } }, { a: [1] }, { a: Number.NaN }, { a: Infinity }]) {
    assert.throws(() => offsetValue(bad), { name: 'BinlogdError', code: 'INTERNAL' });
  }
});

test('parseOffsetValue returns objects only', () => {
  assert.deepEqual(parseOffsetValue('{"gtids":"0-1-5","pos":4}'), { gtids: '0-1-5', pos: 4 });
  for (const text of ['', '[]', 'null', '"x"', '{']) assert.equal(parseOffsetValue(text), undefined, text);
});
