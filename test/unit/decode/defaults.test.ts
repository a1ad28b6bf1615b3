import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultExpression, isZeroDateDefault, rescaleDecimal, roundedLong } from '../../../src/decode/defaults.js';

test('defaultExpression keeps what Debezium\'s DDL parser keeps of each COLUMN_DEFAULT form', () => {
  const cases: Array<[string | undefined, string | undefined]> = [
    [undefined, undefined],
    ["'abc'", 'abc'],
    ["'it''s'", "it''s"], // outer quotes only: escapes stay
    ["'a\\\\b''c'", "a\\\\b''c"],
    ["''", ''],
    ["'ab\\0\\0'", 'ab\\0\\0'],
    ["_utf8mb4'x'", 'x'],
    ["b'101'", '101'],
    ['-5', '-5'],
    ['12.50', '12.50'],
    ['1.5e3', '1.5e3'],
    ['0000', '0000'],
    ['current_timestamp()', '1970-01-01 00:00:00'],
    ['current_timestamp(6)', '1970-01-01 00:00:00'],
    ['(1 + 2)', undefined], // calculated defaults are no default
    ['uuid()', undefined],
  ];
  for (const [columnDefault, expected] of cases) assert.equal(defaultExpression(columnDefault), expected, String(columnDefault));
});

test('zero-date defaults', () => {
  assert.equal(isZeroDateDefault('0000-00-00', false), true);
  assert.equal(isZeroDateDefault('2020-00-05', false), true);
  assert.equal(isZeroDateDefault('0', true), true);
  assert.equal(isZeroDateDefault('0000-00-00 00:00:00.000', true), true);
  assert.equal(isZeroDateDefault('0000-00-00', true), false);
  assert.equal(isZeroDateDefault('2020-01-05', false), false);
});

test('rescaleDecimal is BigDecimal.setScale(HALF_UP).toPlainString()', () => {
  const cases: Array<[string, number, string | undefined]> = [
    ['12.5', 2, '12.50'], ['1.005', 2, '1.01'], ['-1.005', 2, '-1.01'], ['-0.001', 2, '0.00'], ['5', 0, '5'],
    ['2.5', 0, '3'], ['1e3', 1, '1000.0'], ['.5', 1, '0.5'], ['18446744073709551615', 0, '18446744073709551615'],
    ['1.000000000000000000000000000001', 30, '1.000000000000000000000000000001'], ['abc', 2, undefined], ['', 2, undefined],
  ];
  for (const [text, scale, expected] of cases) assert.equal(rescaleDecimal(text, scale), expected, `${text} @${scale}`);
});

test('roundedLong is Math.round(Double.parseDouble(text)) with Java\'s saturation', () => {
  assert.equal(roundedLong('-5'), -5n);
  assert.equal(roundedLong('1.5'), 2n);
  assert.equal(roundedLong('-1.5'), -1n);
  assert.equal(roundedLong('9007199254740993'), 9007199254740992n);
  assert.equal(roundedLong('18446744073709551615'), 9223372036854775807n);
  assert.equal(roundedLong('-99999999999999999999'), -9223372036854775808n);
  assert.equal(roundedLong('x'), undefined);
});
