// Decimal bytes must equal Java's BigDecimal.unscaledValue().toByteArray(): consumers rebuild the value
// from these bytes and the schema's scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decimalFromBytes, decimalToBytes, fromTwosComplementBytes, twosComplementBytes, unscaledValue,
} from '../../../src/serialize/decimal.js';

// BigInteger.valueOf(n).toByteArray() for each n.
const TO_BYTE_ARRAY: Array<[bigint, string]> = [
  [0n, '00'], [1n, '01'], [-1n, 'ff'], [127n, '7f'], [128n, '0080'], [-128n, '80'], [-129n, 'ff7f'],
  [255n, '00ff'], [256n, '0100'], [32767n, '7fff'], [32768n, '008000'], [-32768n, '8000'], [-32769n, 'ff7fff'],
  [2n ** 63n - 1n, '7fffffffffffffff'], [-(2n ** 63n), '8000000000000000'], [2n ** 63n, '008000000000000000'],
];

test('two\'s complement bytes match BigInteger.toByteArray', () => {
  for (const [n, hex] of TO_BYTE_ARRAY) {
    assert.equal(twosComplementBytes(n).toString('hex'), hex, String(n));
    assert.equal(fromTwosComplementBytes(Buffer.from(hex, 'hex')), n, hex);
  }
});

test('decimal text is rescaled to the schema scale without losing digits', () => {
  const cases: Array<[string, number, bigint]> = [
    ['-12.30', 2, -1230n], ['12.3', 2, 1230n], ['12.340', 2, 1234n], ['-0.05', 2, -5n], ['0', 3, 0n],
    ['1E+3', 0, 1000n], ['1.5e-1', 2, 15n], ['+7', 1, 70n], ['.5', 1, 5n], ['1200', -2, 12n],
  ];
  for (const [text, scale, unscaled] of cases) assert.equal(unscaledValue(text, scale), unscaled, `${text} @${scale}`);
  assert.throws(() => unscaledValue('12.345', 2), { code: 'INTERNAL' });
  assert.throws(() => unscaledValue('abc', 2), { code: 'INTERNAL' });
  assert.throws(() => unscaledValue('', 2), { code: 'INTERNAL' });
});

test('bytes read back as plain decimal text with exactly scale fraction digits', () => {
  const cases: Array<[string, number, string]> = [
    ['-12.30', 2, '-12.30'], ['0', 2, '0.00'], ['-0.05', 2, '-0.05'], ['5', 0, '5'], ['1200', -2, '1200'],
    ['0.000001', 6, '0.000001'],
  ];
  for (const [text, scale, back] of cases) assert.equal(decimalFromBytes(decimalToBytes(text, scale), scale), back);
});

test('65-digit decimals round-trip exactly', () => {
  const digits = '12345678901234567890123456789012345678901234567890123456789012345';
  for (const text of [`${digits.slice(0, 35)}.${digits.slice(35)}`, `-${digits.slice(0, 35)}.${digits.slice(35)}`, `-${digits}`]) {
    const scale = text.includes('.') ? 30 : 0;
    const bytes = decimalToBytes(text, scale);
    assert.equal(decimalFromBytes(bytes, scale), text);
    assert.equal(bytes.length, 27); // 65 decimal digits need 216 bits with the sign bit: 27 bytes.
  }
});

test('the fast path for short decimals agrees with the exact one', () => {
  const texts = ['0', '-0', '1', '-1', '127', '128', '-128', '-129', '999999999999999', '-999999999999999', '12.5', '-0.01',
    '+3.1', '.25', '9007199254740.99', '123456789012345', '1234567890123456', '0.000000000000001'];
  for (const text of texts) {
    for (const scale of [0, 2, 4, 15]) {
      let exact: string;
      try { exact = twosComplementBytes(unscaledValue(text, scale)).toString('hex'); } catch { exact = 'throws'; }
      let fast: string;
      try { fast = decimalToBytes(text, scale).toString('hex'); } catch { fast = 'throws'; }
      assert.equal(fast, exact, `${text} @${scale}`);
    }
  }
});
