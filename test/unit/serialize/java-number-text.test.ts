// Every line of the golden file is a value and the text Java 17's Double.toString / Float.toString
// gave for it (test/fixtures/java-number-text/GenerateGolden.java wrote it): the JsonConverter of
// Kafka Connect 3.9 on Java 17 writes FLOAT and DOUBLE fields with exactly these strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { javaDoubleText, javaFloatText } from '../../../src/serialize/java-number-text.js';

const GOLDEN = fileURLToPath(new URL('../../../../test/fixtures/java-number-text/golden.tsv', import.meta.url));

function goldenLines(kind: 'd' | 'f'): Array<{ value: number; text: string }> {
  const view = new DataView(new ArrayBuffer(8));
  return readFileSync(GOLDEN, 'utf8').split('\n').filter((line) => line.startsWith(`${kind}\t`)).map((line) => {
    const [, hex, text] = line.split('\t') as [string, string, string];
    if (kind === 'd') view.setBigUint64(0, BigInt(`0x${hex}`));
    else view.setUint32(0, Number.parseInt(hex, 16));
    return { value: kind === 'd' ? view.getFloat64(0) : view.getFloat32(0), text };
  });
}

for (const [kind, name, format] of [['d', 'Double.toString', javaDoubleText], ['f', 'Float.toString', javaFloatText]] as const) {
  test(`${name} of Java 17 for every golden value`, () => {
    const lines = goldenLines(kind);
    assert.ok(lines.length > 5000, 'the golden file has its values');
    const wrong = lines.filter(({ value, text }) => format(value) !== text).map(({ value, text }) => `${value}: ${format(value)} (Java: ${text})`);
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${lines.length} differ`);
  });
}

test('the texts JavaScript prints differently', () => {
  const cases: Array<[(v: number) => string, number, string]> = [
    [javaFloatText, -1.1754943508222875e-38, '-1.17549435E-38'],
    [javaFloatText, 1e10, '1.0E10'],
    [javaFloatText, 1.401298464324817e-45, '1.4E-45'],
    [javaDoubleText, 2e-3, '0.002'],
    [javaDoubleText, 1e-4, '1.0E-4'],
    [javaDoubleText, 1e7, '1.0E7'],
    [javaDoubleText, 9999999, '9999999.0'],
    [javaDoubleText, 2.82879384806159e17, '2.82879384806159008E17'],
    [javaDoubleText, Number.NaN, 'NaN'],
    [javaDoubleText, -Infinity, '-Infinity'],
    [javaDoubleText, -0, '-0.0'],
  ];
  for (const [format, value, text] of cases) assert.equal(format(value), text, String(value));
});
