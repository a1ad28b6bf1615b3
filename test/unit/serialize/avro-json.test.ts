// Defaults are compared by Jackson node type and written with Java's number formatting; these cases pin
// our rendering to what Double.toString / Float.toString (JDK 19+) and Jackson's escaping produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JavaNumber, javaDoubleToString, javaFloatToString, javaQuote, toJsonText, toPlainJson,
} from '../../../src/serialize/avro-json.js';

test('Double.toString', () => {
  const cases: Array<[number, string]> = [
    [0, '0.0'], [-0, '-0.0'], [1, '1.0'], [-2.5, '-2.5'], [100, '100.0'], [0.001, '0.001'], [1e-4, '1.0E-4'],
    [9999999, '9999999.0'], [1e7, '1.0E7'], [12345678.9, '1.23456789E7'], [1.5e-10, '1.5E-10'], [0.1 + 0.2, '0.30000000000000004'],
    [Number.MAX_VALUE, '1.7976931348623157E308'], [5e-324, '4.9E-324'], [1e21, '1.0E21'], [123.456, '123.456'],
  ];
  for (const [value, text] of cases) assert.equal(javaDoubleToString(value), text, String(value));
});

test('Float.toString', () => {
  const cases: Array<[number, string]> = [
    [0, '0.0'], [1.1, '1.1'], [0.1, '0.1'], [-0.3, '-0.3'], [3.4028234663852886e38, '3.4028235E38'],
    [1.401298464324817e-45, '1.4E-45'], [16777216, '1.6777216E7'], [1234567, '1234567.0'], [3.14159, '3.14159'],
  ];
  for (const [value, text] of cases) assert.equal(javaFloatToString(value), text, String(value));
});

test('numbers by Java type, non-finite quoted as Jackson does', () => {
  assert.equal(toJsonText([new JavaNumber('int', 5), new JavaNumber('long', -(2n ** 63n)), new JavaNumber('double', 2),
    new JavaNumber('float', 0.5), new JavaNumber('double', Number.NaN)]), '[5,-9223372036854775808,2.0,0.5,"NaN"]');
  assert.deepEqual(toPlainJson([new JavaNumber('long', 2n ** 63n - 1n), new JavaNumber('long', 7n)]), ['9223372036854775807', 7]);
});

test('strings escaped as Jackson escapes them', () => {
  assert.equal(javaQuote('a"b\\c\n\t\r\b\f\u0001\u001f\u007f\u00e9'), '"a\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001F\u007f\u00e9"');
});

test('maps keep insertion order, even integer-like keys', () => {
  assert.equal(toJsonText(new Map([['b', 1 as unknown as null], ['2', null], ['1', true]]).set('b', null)), '{"b":null,"2":null,"1":true}');
});
