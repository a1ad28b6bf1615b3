import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnConverter, rowConverter } from '../../../src/decode/column-converter.js';
import { BinlogdError } from '../../../src/errors.js';
import { col, hex, modes } from './fixtures.js';

test('NULL: null for nullable columns; for NOT NULL ones the default, else Debezium\'s fallback', () => {
  assert.equal(columnConverter(col('int(11)')).convert(null), null);
  assert.equal(columnConverter(col('int(11)', { nullable: false, default: '42' })).convert(null), 42);
  assert.equal(columnConverter(col('int(11)', { nullable: false })).convert(null), 0);
  assert.equal(columnConverter(col('varchar(10)', { nullable: false })).convert(null), '');
  assert.deepEqual(columnConverter(col('geometry', { nullable: false })).convert(null), { wkb: hex('010700000000000000'), srid: null });
  // A value absent from a partial row image arrives as undefined, like NULL.
  assert.equal(columnConverter(col('int(11)', { nullable: false, default: '7' })).convert(undefined), 7);
});

test('zero dates read as NULL: null when nullable, else the default or the epoch', () => {
  assert.equal(columnConverter(col('date')).convert('0000-00-00'), null);
  assert.equal(columnConverter(col('date', { nullable: false })).convert('0000-00-00'), 0);
  assert.equal(columnConverter(col('date', { nullable: false, default: "'2020-02-29'" })).convert('0000-00-00'), 18321);
  assert.equal(columnConverter(col('datetime(6)', { nullable: false })).convert('0000-00-00 00:00:00.000000'), 0n);
  assert.equal(columnConverter(col('datetime', { nullable: false }), modes({ timePrecisionMode: 'isostring' })).convert('0000-00-00 00:00:00'),
    '1970-01-01T00:00:00Z');
  // TIMESTAMP's zero is epoch second 0, a value: never NULL.
  assert.equal(columnConverter(col('timestamp(3)')).convert('0000-00-00 00:00:00.000'), '1970-01-01T00:00:00.000Z');
});

test('values the mode cannot represent are NULL in nullable columns and fail NOT NULL ones', () => {
  const connect = modes({ timePrecisionMode: 'connect' });
  assert.equal(columnConverter(col('time'), connect).convert('-01:00:00'), null);
  const notNull = columnConverter(col('time', { nullable: false, default: "'-12:34:56'" }), connect);
  assert.equal(notNull.schema.defaultValue, undefined);
  assert.throws(() => notNull.convert('-12:34:56'), (e: unknown) => e instanceof BinlogdError && e.code === 'SOURCE_DECODE');
  assert.throws(() => columnConverter(col('point', { nullable: false })).convert(null), { code: 'SOURCE_DECODE' });
});

test('malformed input is a SOURCE_DECODE error, not a silent NULL', () => {
  assert.throws(() => columnConverter(col('date')).convert('2023-02-30'), { code: 'SOURCE_DECODE' });
  assert.throws(() => columnConverter(col('date')).convert(new Date(0)), { code: 'SOURCE_DECODE' });
  assert.throws(() => columnConverter(col('bigint(20)')).convert({}), { code: 'SOURCE_DECODE' });
  // zongji's parsed geometry ({x, y}) has lost the SRID and the WKB.
  assert.throws(() => columnConverter(col('point')).convert({ x: 1, y: 2 }), { code: 'SOURCE_DECODE' });
});

test('ENUM index 0 (undefined from zongji) is the empty string, not NULL', () => {
  assert.equal(columnConverter(col("enum('a','b')", { nullable: false })).convert(undefined), '');
});

test('the snapshot\'s mysql2 forms convert like the binlog\'s zongji forms', () => {
  // [column, zongji value, mysql2 value (supportBigNumbers + bigNumberStrings + dateStrings, session time_zone UTC)]
  const pairs: Array<[string, unknown, unknown]> = [
    ['bigint(20) unsigned', 5, '5'],
    ['bigint(20)', -1, '-1'],
    ['int(10) unsigned', 4294967295, 4294967295],
    ['float', 3.140000104904175, 3.14],
    ['float(10,2)', 12345679, 12345678.91],
    ['decimal(10,2)', '12.50', '12.50'],
    ['binary(4)', hex('61620000'), hex('61620000')],
    ['timestamp(6)', '2024-06-15 12:34:56.000001', '2024-06-15 12:34:56.000001'],
    ['uuid', hex('a5a2d6f00c1e11eebe560242ac120002'), 'a5a2d6f0-0c1e-11ee-be56-0242ac120002'],
    ['year(4)', 2024, 2024],
  ];
  for (const [columnType, binlog, snapshot] of pairs) {
    const converter = columnConverter(col(columnType));
    assert.deepEqual(converter.convert(snapshot), converter.convert(binlog), columnType);
  }
});

test('rowConverter builds the row struct in column order', () => {
  const row = rowConverter([col('int(11)', { name: 'id', nullable: false }), col('varchar(10)', { name: 'name' }), col('datetime(6)', { name: 'at' })]);
  assert.deepEqual(row.fields.map((f) => [f.name, f.schema.type, f.schema.optional]), [['id', 'int32', false], ['name', 'string', true], ['at', 'int64', true]]);
  const struct = row.convert({ at: '1970-01-01 00:00:00.000001', name: null, id: 1 });
  assert.deepEqual(Object.keys(struct), ['id', 'name', 'at']);
  assert.deepEqual(struct, { id: 1, name: null, at: 1n });
});
