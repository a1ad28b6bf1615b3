import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adjustYear, epochDay, fixedFraction, isoDate, isoDateTime, isoFraction, isoTimeOfDay, parseDate, parseDateTime, parseTime,
} from '../../../src/decode/temporal.js';
import * as temporal from '../../../src/decode/temporal.js';

test('epochDay matches the JavaScript calendar across MariaDB\'s date range, and isoDate inverts it', () => {
  for (const [y, m, d] of [[1970, 1, 1], [1969, 12, 31], [2000, 2, 29], [1000, 1, 1], [9999, 12, 31], [1, 1, 1], [1582, 10, 4], [2024, 3, 1]] as const) {
    const date = new Date(0);
    date.setUTCFullYear(y, m - 1, d);
    const expected = Math.floor(date.getTime() / 86_400_000);
    assert.equal(epochDay(y, m, d), expected, `${y}-${m}-${d}`);
    assert.equal(isoDate(expected), `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  }
  for (let day = -719_162; day < 2_932_897; day += 997) assert.equal(epochDay(...isoDate(day).split('-').map(Number) as [number, number, number]), day);
});

test('parseDate: zero parts are null, impossible dates undefined, two-digit years adjusted on request', () => {
  assert.equal(parseDate('2024-02-29', true), 19782);
  assert.equal(parseDate('0000-00-00', true), null);
  assert.equal(parseDate('2024-00-10', true), null);
  assert.equal(parseDate('2024-05-00', true), null);
  assert.equal(parseDate('0000-01-01', true), null);
  assert.equal(parseDate('2023-02-29', true), undefined);
  assert.equal(parseDate('2023-02-3x', true), undefined);
  assert.equal(parseDate('0069-01-01', true), epochDay(2069, 1, 1));
  assert.equal(parseDate('0070-01-01', true), 0);
  assert.equal(parseDate('0099-12-31', false), epochDay(99, 12, 31));
  assert.deepEqual([0, 69, 70, 99, 100, 1999].map(adjustYear), [2000, 2069, 1970, 1999, 100, 1999]);
});

test('parseDateTime reads date, time and up to six fraction digits', () => {
  assert.equal(parseDateTime('1969-12-31 23:59:59.999999', false), true);
  assert.deepEqual([temporal.parsedSeconds, temporal.parsedMicros], [-1, 999_999]);
  assert.equal(parseDateTime('2024-06-15T12:34:56.7', false), true);
  assert.deepEqual([temporal.parsedSeconds, temporal.parsedMicros], [1718454896, 700_000]);
  assert.equal(parseDateTime('2021-03-04', false), true);
  assert.deepEqual([temporal.parsedSeconds, temporal.parsedMicros], [1614816000, 0]);
  assert.equal(parseDateTime('0000-00-00 00:00:00.000', false), false);
  assert.equal(parseDateTime('2021-03-04 25:00:00', false), undefined);
});

test('parseTime covers MariaDB\'s TIME range, negative values and fractions', () => {
  const cases: Array<[string, number]> = [
    ['838:59:59', 3_020_399_000_000], ['-838:59:59.999999', -3_020_399_999_999], ['-00:00:00.000001', -1],
    ['-00:00:01.5', -1_500_000], ['12:34', 45_240_000_000], ['00:00:00', 0], ['1:02:03.45', 3_723_450_000],
  ];
  for (const [text, micros] of cases) {
    assert.equal(parseTime(text), true, text);
    assert.equal(temporal.parsedTimeMicros, micros, text);
  }
  assert.equal(parseTime('noon'), false);
});

test('ISO text: minimal fraction digits for Iso*, exactly fsp digits for ZonedTimestamp', () => {
  assert.equal(isoFraction(0), '');
  assert.equal(isoFraction(100_000), '.1');
  assert.equal(isoFraction(789_100), '.7891');
  assert.equal(isoFraction(1), '.000001');
  assert.equal(isoTimeOfDay(86_399_999_999), '23:59:59.999999');
  assert.equal(isoDateTime(-1, 999_999), '1969-12-31T23:59:59.999999');
  assert.equal(fixedFraction(500_000, 3), '.500');
  assert.equal(fixedFraction(1, 6), '.000001');
  assert.equal(fixedFraction(0, 0), '');
});
