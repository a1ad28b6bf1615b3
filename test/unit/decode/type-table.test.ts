// Walks the type table: every MariaDB type, under the modes that change it, with its schema, edge
// values (as zongji yields them) and defaults (as INFORMATION_SCHEMA prints them). The expected
// values are Debezium 3.5's, as observed through the oracle (test/integration/decode-vs-debezium).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DECIMAL_SCHEMA_NAME, type ConnectSchema, type ConnectValue } from '../../../src/connect/schema.js';
import { columnConverter } from '../../../src/decode/column-converter.js';
import { TYPE_TABLE } from '../../../src/decode/type-table.js';
import type { TypeHandlingModes } from '../../../src/decode/modes.js';
import { MARIADB_TYPES, type MariaDbType } from '../../../src/source/column-descriptor.js';
import { col, hex, modes, type ColumnOptions } from './fixtures.js';

interface Case {
  column: string;
  options?: ColumnOptions;
  modes?: Partial<TypeHandlingModes>;
  schema: Omit<ConnectSchema, 'optional'>;
  /** [zongji value, Connect value] */
  values?: Array<[unknown, ConnectValue]>;
  /** [COLUMN_DEFAULT, default value (undefined: none), nullable column?] */
  defaults?: Array<[string, ConnectValue | undefined, boolean?]>;
}

const S = (type: ConnectSchema['type'], name?: string, parameters?: Record<string, string>): Omit<ConnectSchema, 'optional'> =>
  name === undefined ? { type } : parameters ? { type, name, version: 1, parameters } : { type, name, version: 1 };
const decimalSchema = (precision: number, scale: number) =>
  S('bytes', DECIMAL_SCHEMA_NAME, { scale: String(scale), 'connect.decimal.precision': String(precision) });
const geometrySchema = { type: 'struct', name: 'io.debezium.data.geometry.Geometry', version: 1, doc: 'Geometry', fields: [
  { name: 'wkb', schema: { type: 'bytes', optional: false } }, { name: 'srid', schema: { type: 'int32', optional: true } }] } as const;
const pointSchema = { type: 'struct', name: 'io.debezium.data.geometry.Point', version: 1, doc: 'Geometry (POINT)', fields: [
  { name: 'x', schema: { type: 'float64', optional: false } }, { name: 'y', schema: { type: 'float64', optional: false } },
  { name: 'wkb', schema: { type: 'bytes', optional: true } }, { name: 'srid', schema: { type: 'int32', optional: true } }] } as const;

// MariaDB geometry values: 4-byte little-endian SRID, then WKB.
const POINT_1_2 = hex('00000000' + '0101000000000000000000f03f0000000000000040');
const POINT_4326 = hex('e6100000' + '0101000000000000000000f8bf0000000000000240');
const LINESTRING = hex('00000000' + '010200000002000000' + '0000000000000000'.repeat(2) + '000000000000f03f'.repeat(2));
const text = (column: string): Case => ({ column, schema: S('string'), values: [['héllo 🎉', 'héllo 🎉'], ['', '']],
  defaults: [["'it''s'", "it''s"], ["'a\\\\b'", 'a\\\\b'], ["''", ''], ['NULL', undefined]] });
const blob = (column: string): Case => ({ column, schema: S('bytes'), values: [[hex('00ff00'), hex('00ff00')], [hex(''), hex('')]],
  defaults: [["'xyz'", Buffer.from('xyz')]] });
const geometry = (column: string): Case => ({ column, schema: geometrySchema,
  values: [[LINESTRING, { wkb: LINESTRING.subarray(4), srid: null }], [POINT_4326, { wkb: POINT_4326.subarray(4), srid: 4326 }]] });

const CASES: Record<MariaDbType, Case[]> = {
  tinyint: [
    { column: 'tinyint(4)', schema: S('int16'), values: [[127, 127], [-128, -128]], defaults: [['-5', -5], ['1.5', 2]] },
    { column: 'tinyint(1)', schema: S('int16'), values: [[1, 1], [-1, -1]], defaults: [['1', 1]] },
    { column: 'tinyint(3) unsigned', schema: S('int16'), values: [[255, 255], [0, 0]], defaults: [['200', 200]] },
  ],
  smallint: [
    { column: 'smallint(6)', schema: S('int16'), values: [[32767, 32767], [-32768, -32768]], defaults: [['7', 7]] },
    { column: 'smallint(5) unsigned', schema: S('int32'), values: [[65535, 65535]], defaults: [['65000', 65000]] },
  ],
  mediumint: [
    { column: 'mediumint(9)', schema: S('int32'), values: [[8388607, 8388607], [-8388608, -8388608]], defaults: [['3', 3]] },
    { column: 'mediumint(8) unsigned', schema: S('int32'), values: [[16777215, 16777215]] },
  ],
  int: [
    { column: 'int(11)', schema: S('int32'), values: [[2147483647, 2147483647], [-2147483648, -2147483648]], defaults: [['42', 42]] },
    { column: 'int(10) unsigned', schema: S('int64'), values: [[4294967295, 4294967295n]], defaults: [['4000000000', 4000000000n]] },
    { column: 'int(5) unsigned zerofill', schema: S('int64'), values: [[42, 42n]] },
  ],
  bigint: [
    { column: 'bigint(20)', schema: S('int64'),
      values: [['9223372036854775807', 9223372036854775807n], ['-9223372036854775808', -9223372036854775808n], [-1, -1n]],
      defaults: [['-9000000000', -9000000000n], ['9007199254740993', 9007199254740992n]] },
    { column: 'bigint(20) unsigned', schema: S('int64'),
      values: [['18446744073709551615', -1n], ['9223372036854775808', -9223372036854775808n], [5, 5n]],
      // Math.round(Double.parseDouble(..)) saturates at Long.MAX_VALUE.
      defaults: [['18446744073709551615', 9223372036854775807n]] },
    { column: 'bigint(20) unsigned', modes: { bigintUnsignedHandlingMode: 'precise' }, schema: decimalSchema(20, 0),
      values: [['18446744073709551615', '18446744073709551615'], [0, '0']], defaults: [['18446744073709551615', '18446744073709551615']] },
  ],
  decimal: [
    { column: 'decimal(10,2)', schema: decimalSchema(10, 2), values: [['12345678.91', '12345678.91'], ['-0.50', '-0.50'], ['1.5', '1.50']],
      defaults: [['12.50', '12.50'], ['1.005', '1.01'], ['-1.005', '-1.01']] },
    { column: 'decimal(65,30)', schema: decimalSchema(65, 30),
      values: [['-12345678901234567890123456789012345.000000000000000000000000000001', '-12345678901234567890123456789012345.000000000000000000000000000001']] },
    { column: 'decimal(20,0) unsigned', schema: decimalSchema(20, 0), values: [['99999999999999999999', '99999999999999999999']] },
    { column: 'decimal(10,2)', modes: { decimalHandlingMode: 'string' }, schema: S('string'), values: [['0.00', '0.00']], defaults: [['12.5', '12.50']] },
    { column: 'decimal(65,0)', modes: { decimalHandlingMode: 'double' }, schema: S('float64'),
      values: [['99999999999999999999', 1e20], ['-1', -1]], defaults: [['12', 12]] },
  ],
  float: [
    { column: 'float', schema: S('float32'), values: [[3.140000104904175, Math.fround(3.14)], [-3.4e38, Math.fround(-3.4e38)], [3.14, Math.fround(3.14)]],
      defaults: [['1.5', 1.5], ['1.1', Math.fround(1.1)]] },
    // FLOAT(M,D) is FLOAT64 holding the float32 value, while its default is the literal as a double.
    { column: 'float(10,2)', schema: S('float64'), values: [[12345679, 12345679], [1.1, Math.fround(1.1)]], defaults: [['1.10', 1.1]] },
  ],
  double: [
    { column: 'double', schema: S('float64'), values: [[1.7976931348623157e308, 1.7976931348623157e308], [-2.2250738585072014e-308, -2.2250738585072014e-308]],
      defaults: [['2.25', 2.25]] },
    { column: 'double(12,4)', schema: S('float64'), values: [[12345678.1234, 12345678.1234]] },
  ],
  bit: [
    { column: 'bit(1)', schema: S('boolean'), values: [[hex('01'), true], [hex('00'), false]], defaults: [["b'1'", true], ["b'0'", false]] },
    { column: 'bit(12)', schema: S('bytes', 'io.debezium.data.Bits', { length: '12' }),
      values: [[hex('0a01'), hex('010a')], [hex('0000'), hex('0000')]], defaults: [["b'101000000001'", hex('010a')], ["b'1'", hex('0100')]] },
    { column: 'bit(64)', schema: S('bytes', 'io.debezium.data.Bits', { length: '64' }), values: [[hex('8000000000000001'), hex('0100000000000080')]] },
  ],
  char: [text('char(10)')],
  varchar: [text('varchar(100)'), { ...text('varchar(50)'), options: { charset: 'latin1' }, values: [['café ü', 'café ü']] }],
  tinytext: [text('tinytext')],
  text: [text('text')],
  mediumtext: [text('mediumtext')],
  // MariaDB's JSON: LONGTEXT with a json_valid CHECK; a plain string, as Debezium reports it.
  longtext: [text('longtext'), { column: 'longtext', schema: S('string'), values: [['{"a": [1, 2.5]}', '{"a": [1, 2.5]}']], defaults: [["'{}'", '{}']] }],
  binary: [
    { column: 'binary(8)', schema: S('bytes'), values: [[hex('0102'), hex('0102000000000000')], [hex('0102000000000000'), hex('0102000000000000')]],
      // The default's escaped text becomes bytes as is, unpadded: 'ab\0\0' is 61 62 5c 30 5c 30.
      defaults: [["'ab\\0\\0'", Buffer.from('ab\\0\\0')]] },
    { column: 'binary(4)', modes: { binaryHandlingMode: 'hex' }, schema: S('string'), values: [[hex('ab'), 'ab000000']], defaults: [["'ab'", '6162']] },
  ],
  varbinary: [
    blob('varbinary(20)'),
    { column: 'varbinary(20)', modes: { binaryHandlingMode: 'base64' }, schema: S('string'), values: [[hex('ff00'), '/wA=']] },
    { column: 'varbinary(20)', modes: { binaryHandlingMode: 'base64-url-safe' }, schema: S('string'), values: [[hex('ff00'), '_wA='], [hex('fbff'), '-_8=']] },
  ],
  tinyblob: [blob('tinyblob')],
  blob: [blob('blob'), { column: 'blob', modes: { binaryHandlingMode: 'hex' }, schema: S('string'), values: [[hex('00ff00'), '00ff00']] }],
  mediumblob: [blob('mediumblob')],
  longblob: [blob('longblob')],
  json: [{ column: 'json', schema: S('string', 'io.debezium.data.Json'), values: [['{"a":1}', '{"a":1}']] }],
  enum: [
    { column: "enum('a','b','c d')", schema: S('string', 'io.debezium.data.Enum', { allowed: 'a,b,c d' }),
      values: [['c d', 'c d'], [undefined, '']], defaults: [["'b'", 'b']] },
    // Debezium spells options from the DDL literal: '' unescaped, commas escaped, backslashes kept.
    { column: "enum('it''s','x,y','b\\\\s')", schema: S('string', 'io.debezium.data.Enum', { allowed: "it's,x\\,y,b\\\\s" }),
      values: [["it's", "it's"], ['x,y', 'x\\,y'], ['b\\s', 'b\\\\s']], defaults: [["'it''s'", "it''s"]] },
  ],
  set: [
    { column: "set('x','y','z')", schema: S('string', 'io.debezium.data.EnumSet', { allowed: 'x,y,z' }),
      values: [['x,z', 'x,z'], ['', '']], defaults: [["'x,y'", 'x,y']] },
    { column: "set('a''b','c')", schema: S('string', 'io.debezium.data.EnumSet', { allowed: "a'b,c" }), values: [["a'b,c", "a'b,c"]] },
  ],
  date: [
    { column: 'date', schema: S('int32', 'io.debezium.time.Date'),
      values: [['2024-02-29', 19782], ['1000-01-01', -354285], ['9999-12-31', 2932896], ['0050-06-15', 29385], ['0070-01-01', 0]],
      defaults: [["'2020-02-29'", 18321], ["'0000-00-00'", 0], ["'0000-00-00'", undefined, true], ["'0099-12-31'", 10956]] },
    { column: 'date', modes: { enableTimeAdjuster: false }, schema: S('int32', 'io.debezium.time.Date'), values: [['0070-01-01', -693960]] },
    { column: 'date', modes: { timePrecisionMode: 'connect' }, schema: S('int32', 'org.apache.kafka.connect.data.Date'), values: [['2024-02-29', 19782]] },
    { column: 'date', modes: { timePrecisionMode: 'isostring' }, schema: S('string', 'io.debezium.time.IsoDate'),
      values: [['2024-02-29', '2024-02-29Z'], ['0050-06-15', '2050-06-15Z']], defaults: [["'0000-00-00'", '1970-01-01Z']] },
  ],
  time: [
    { column: 'time', schema: S('int64', 'io.debezium.time.MicroTime'),
      values: [['838:59:59', 3020399000000n], ['-838:59:59', -3020399000000n], ['00:00:00', 0n]],
      defaults: [["'-12:34:56'", -45296000000n], ["'838:59:59.000000'", 3020399000000n]] },
    { column: 'time(6)', schema: S('int64', 'io.debezium.time.MicroTime'),
      values: [['123:45:56.789012', 445556789012n], ['-00:00:00.000001', -1n], ['-00:00:01.500000', -1500000n]] },
    { column: 'time(2)', schema: S('int64', 'io.debezium.time.MicroTime'), defaults: [["'26:03:04.50'", 93784500000n]] },
    { column: 'time(6)', modes: { timePrecisionMode: 'nanoseconds' }, schema: S('int64', 'io.debezium.time.NanoTime'),
      values: [['-00:00:00.000001', -1000n]] },
    // Kafka's Time holds a time of day only: other values are NULL (and fail NOT NULL columns).
    { column: 'time(6)', modes: { timePrecisionMode: 'connect' }, schema: S('int32', 'org.apache.kafka.connect.data.Time'),
      values: [['23:59:59.999999', 86399999], ['00:00:00.1', 100], ['-00:00:01.5', null], ['24:00:00', null]],
      defaults: [["'-12:34:56'", undefined], ["'12:34:56'", 45296000]] },
    { column: 'time(6)', modes: { timePrecisionMode: 'isostring' }, schema: S('string', 'io.debezium.time.IsoTime'),
      values: [['00:00:00.100000', '00:00:00.1Z'], ['23:59:59.999999', '23:59:59.999999Z'], ['-01:00:00', null]] },
  ],
  datetime: [
    { column: 'datetime', schema: S('int64', 'io.debezium.time.Timestamp'),
      values: [['9999-12-31 23:59:59', 253402300799000n], ['0000-00-00 00:00:00', null], ['0005-01-01 12:00:00', 1104580800000n]],
      defaults: [["'2021-03-04 05:06:07'", 1614834367000n], ['current_timestamp()', 0n], ['current_timestamp()', 0n, true],
        ["'0000-00-00 00:00:00'", 0n], ["'0000-00-00 00:00:00'", undefined, true]] },
    { column: 'datetime(3)', schema: S('int64', 'io.debezium.time.Timestamp'), values: [['1000-01-01 00:00:00.123', -30610223999877n]] },
    { column: 'datetime(6)', schema: S('int64', 'io.debezium.time.MicroTimestamp'),
      values: [['1969-12-31 23:59:59.999999', -1n], ['2024-06-15 12:34:56.123456', 1718454896123456n]],
      defaults: [["'2021-03-04 05:06:07.123456'", 1614834367123456n]] },
    { column: 'datetime(6)', modes: { timePrecisionMode: 'connect' }, schema: S('int64', 'org.apache.kafka.connect.data.Timestamp'),
      values: [['1969-12-31 23:59:59.999999', -1n]] },
    { column: 'datetime(3)', modes: { timePrecisionMode: 'microseconds' }, schema: S('int64', 'io.debezium.time.MicroTimestamp'),
      values: [['1000-01-01 00:00:00.123', -30610223999877000n]] },
    // NanoTimestamp wraps like a Java long outside 1677..2262.
    { column: 'datetime', modes: { timePrecisionMode: 'nanoseconds' }, schema: S('int64', 'io.debezium.time.NanoTimestamp'),
      values: [['9999-12-31 23:59:59', BigInt.asIntN(64, 253402300799n * 1_000_000_000n)]] },
    { column: 'datetime(4)', modes: { timePrecisionMode: 'isostring' }, schema: S('string', 'io.debezium.time.IsoTimestamp'),
      values: [['2024-06-15 12:34:56.7891', '2024-06-15T12:34:56.7891Z'], ['2024-01-01 00:00:00.0000', '2024-01-01T00:00:00Z']] },
  ],
  timestamp: [
    { column: 'timestamp', schema: S('string', 'io.debezium.time.ZonedTimestamp'),
      values: [['2038-01-19 03:14:07', '2038-01-19T03:14:07Z'], ['0000-00-00 00:00:00', '1970-01-01T00:00:00Z']],
      defaults: [['current_timestamp()', '1970-01-01T00:00:00Z'], ['current_timestamp()', undefined, true],
        ["'2022-01-02 03:04:05'", '2022-01-02T03:04:05Z'], ["'0000-00-00 00:00:00'", '1970-01-01T00:00:00Z']] },
    { column: 'timestamp(6)', modes: { timePrecisionMode: 'connect' }, schema: S('string', 'io.debezium.time.ZonedTimestamp'),
      values: [['2024-06-15 12:34:56.000001', '2024-06-15T12:34:56.000001Z'], ['0000-00-00 00:00:00.000000', '1970-01-01T00:00:00.000000Z']],
      // The epoch default carries no fraction; a literal default carries fsp digits.
      defaults: [['current_timestamp(6)', '1970-01-01T00:00:00Z'], ["'2022-01-02 03:04:05.500000'", '2022-01-02T03:04:05.500000Z']] },
    { column: 'timestamp(1)', schema: S('string', 'io.debezium.time.ZonedTimestamp'), values: [['2001-02-03 04:05:06.7', '2001-02-03T04:05:06.7Z']] },
  ],
  year: [{ column: 'year(4)', schema: S('int32', 'io.debezium.time.Year'), values: [[2155, 2155], [1900, 1900]], defaults: [['2024', 2024], ['0000', 2000]] }],
  geometry: [geometry('geometry')],
  point: [{ column: 'point', schema: pointSchema, values: [
    [POINT_1_2, { x: 1, y: 2, wkb: POINT_1_2.subarray(4), srid: null }],
    [POINT_4326, { x: -1.5, y: 2.25, wkb: POINT_4326.subarray(4), srid: 4326 }]] }],
  linestring: [geometry('linestring')],
  polygon: [geometry('polygon')],
  multipoint: [geometry('multipoint')],
  multilinestring: [geometry('multilinestring')],
  multipolygon: [geometry('multipolygon')],
  geometrycollection: [geometry('geometrycollection')],
  uuid: [{ column: 'uuid', schema: S('string', 'io.debezium.data.Uuid'),
    values: [[hex('a5a2d6f00c1e11eebe560242ac120002'), 'a5a2d6f0-0c1e-11ee-be56-0242ac120002'], ['A5A2D6F0-0C1E-11EE-BE56-0242AC120002', 'a5a2d6f0-0c1e-11ee-be56-0242ac120002']],
    defaults: [["'a5a2d6f0-0c1e-11ee-be56-0242ac120002'", undefined]] }],
};

test('every MariaDB type has a row in the type table and cases here', () => {
  assert.deepEqual(Object.keys(TYPE_TABLE).sort(), [...MARIADB_TYPES].sort());
  for (const type of MARIADB_TYPES) assert.ok(CASES[type].length > 0, type);
});

for (const type of MARIADB_TYPES) {
  for (const c of CASES[type]) {
    const label = `${c.column}${c.modes ? ' ' + JSON.stringify(c.modes) : ''}`;
    test(`${type}: ${label}`, () => {
      const nullable = columnConverter(col(c.column, c.options), modes(c.modes));
      const { optional, defaultValue, ...schema } = nullable.schema;
      assert.deepEqual(schema, c.schema, 'schema');
      assert.equal(optional, true);
      assert.equal(defaultValue, undefined);
      assert.equal(nullable.convert(null), null);
      for (const [raw, expected] of c.values ?? []) assert.deepEqual(nullable.convert(raw), expected, `value ${String(raw)}`);
      for (const [columnDefault, expected, isNullable] of c.defaults ?? []) {
        const converter = columnConverter(col(c.column, { ...c.options, nullable: isNullable ?? false, default: columnDefault }), modes(c.modes));
        assert.deepEqual(converter.schema.defaultValue, expected, `default ${columnDefault}`);
      }
    });
  }
}
