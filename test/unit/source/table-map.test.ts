// The TABLE_MAP path: each MariaDB type as zongji prints it from the binlog metadata gives the same
// descriptor as INFORMATION_SCHEMA gives for the same column, once annotated by an agreeing
// definition; a definition that disagrees leaves the TABLE_MAP's own description and says where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeColumn, unescapeLiteral, type ColumnDescriptor, type InformationSchemaColumn } from '../../../src/source/column-descriptor.js';
import { annotateTableMap, describeTableMapColumn, differenceOf, escapeLiteral, type TableMap, type TableMapColumn } from '../../../src/source/table-map.js';

/** An INFORMATION_SCHEMA.COLUMNS row as MariaDB 10.11 prints it. */
function informationSchema(columnType: string, options: { nullable?: boolean; charset?: string | null; default?: string | null; extra?: string;
  comment?: string; key?: string } = {}): InformationSchemaColumn {
  const dataType = /^\w+/.exec(columnType)![0].toLowerCase();
  const args = /^\w+\((\d+)(?:,(\d+))?\)/.exec(columnType);
  const temporal = dataType === 'time' || dataType === 'datetime' || dataType === 'timestamp';
  return {
    COLUMN_NAME: 'c', ORDINAL_POSITION: 1, IS_NULLABLE: options.nullable === false ? 'NO' : 'YES',
    COLUMN_DEFAULT: options.default === undefined ? 'NULL' : options.default, COLUMN_TYPE: columnType, DATA_TYPE: dataType,
    NUMERIC_PRECISION: dataType === 'decimal' ? Number(args![1]) : null, NUMERIC_SCALE: dataType === 'decimal' ? Number(args![2] ?? 0) : null,
    DATETIME_PRECISION: temporal ? Number(args?.[1] ?? 0) : null, CHARACTER_SET_NAME: options.charset ?? null,
    COLUMN_KEY: options.key ?? '', EXTRA: options.extra ?? '', COLUMN_COMMENT: options.comment ?? '',
  };
}

interface Case {
  /** COLUMN_TYPE as INFORMATION_SCHEMA prints it. */
  defined: string;
  /** The type as zongji builds it from the TABLE_MAP metadata. */
  binlog: string;
  charset?: string;
  labels?: string[];
}

// Every type of MARIADB_TYPES; the binlog forms are those the integration test
// (table-map-vs-information-schema) saw from MariaDB 10.11 with binlog_row_metadata=FULL.
const CASES: Case[] = [
  { defined: 'tinyint(4)', binlog: 'tinyint' }, { defined: 'tinyint(3) unsigned', binlog: 'tinyint unsigned' }, { defined: 'tinyint(1)', binlog: 'tinyint' },
  { defined: 'smallint(6)', binlog: 'smallint' }, { defined: 'smallint(5) unsigned', binlog: 'smallint unsigned' },
  { defined: 'mediumint(9)', binlog: 'mediumint' }, { defined: 'mediumint(8) unsigned', binlog: 'mediumint unsigned' },
  { defined: 'int(11)', binlog: 'int' }, { defined: 'int(10) unsigned', binlog: 'int unsigned' }, { defined: 'int(5) unsigned zerofill', binlog: 'int unsigned' },
  { defined: 'bigint(20)', binlog: 'bigint' }, { defined: 'bigint(20) unsigned', binlog: 'bigint unsigned' },
  { defined: 'decimal(10,2)', binlog: 'decimal(10,2)' }, { defined: 'decimal(65,30)', binlog: 'decimal(65,30)' },
  { defined: 'decimal(10,2) unsigned', binlog: 'decimal(10,2) unsigned' },
  { defined: 'float', binlog: 'float' }, { defined: 'float(10,2)', binlog: 'float' },
  { defined: 'double', binlog: 'double' }, { defined: 'double(12,4)', binlog: 'double' },
  { defined: 'bit(1)', binlog: 'bit(1)' }, { defined: 'bit(64)', binlog: 'bit(64)' },
  { defined: 'char(10)', binlog: 'char(10)', charset: 'utf8mb4' }, { defined: 'varchar(100)', binlog: 'varchar(100)', charset: 'utf8mb4' },
  { defined: 'varchar(50)', binlog: 'varchar(50)', charset: 'latin1' },
  { defined: 'tinytext', binlog: 'tinytext', charset: 'utf8mb4' }, { defined: 'text', binlog: 'text', charset: 'utf8mb4' },
  { defined: 'mediumtext', binlog: 'mediumtext', charset: 'utf8mb4' }, { defined: 'longtext', binlog: 'longtext', charset: 'utf8mb4' },
  { defined: 'binary(8)', binlog: 'binary(8)' }, { defined: 'varbinary(20)', binlog: 'varbinary(20)' },
  { defined: 'tinyblob', binlog: 'tinyblob' }, { defined: 'blob', binlog: 'blob' }, { defined: 'mediumblob', binlog: 'mediumblob' },
  { defined: 'longblob', binlog: 'longblob' },
  // JSON: MariaDB's alias of LONGTEXT, printed as longtext both ways.
  { defined: "enum('a','b','c d')", binlog: "enum('a','b','c d')", charset: 'utf8mb4', labels: ['a', 'b', 'c d'] },
  { defined: "enum('it''s','x,y','b\\\\s')", binlog: "enum('it''s','x,y','b\\s')", charset: 'utf8mb4', labels: ["it's", 'x,y', 'b\\s'] },
  { defined: "set('x','y','z')", binlog: "set('x','y','z')", charset: 'utf8mb4', labels: ['x', 'y', 'z'] },
  { defined: 'date', binlog: 'date' }, { defined: 'time', binlog: 'time' }, { defined: 'time(3)', binlog: 'time(3)' },
  { defined: 'datetime', binlog: 'datetime' }, { defined: 'datetime(6)', binlog: 'datetime(6)' },
  { defined: 'timestamp', binlog: 'timestamp' }, { defined: 'timestamp(1)', binlog: 'timestamp(1)' }, { defined: 'year(4)', binlog: 'year' },
  { defined: 'geometry', binlog: 'geometry' }, { defined: 'point', binlog: 'point' }, { defined: 'linestring', binlog: 'linestring' },
  { defined: 'polygon', binlog: 'polygon' }, { defined: 'multipoint', binlog: 'multipoint' }, { defined: 'multilinestring', binlog: 'multilinestring' },
  { defined: 'multipolygon', binlog: 'multipolygon' }, { defined: 'geometrycollection', binlog: 'geomcollection' },
  { defined: 'uuid', binlog: 'binary(16)' },
];

const column = (c: Case, nullable = true): TableMapColumn => ({
  name: 'c', columnType: c.binlog, charset: c.charset ?? null, nullable, ...(c.labels ? { labels: c.labels } : {}),
});
const defined = (c: Case, options: Parameters<typeof informationSchema>[1] = {}): ColumnDescriptor =>
  describeColumn(informationSchema(c.defined, { charset: c.charset ?? null, ...options }));
const map = (columns: TableMapColumn[], primaryKey: string[] = []): TableMap & { columns: TableMapColumn[] } =>
  ({ db: 'd', table: 't', columns, primaryKey, signature: '' });

test('every type: TABLE_MAP + agreeing definition = INFORMATION_SCHEMA descriptor', () => {
  for (const c of CASES) {
    for (const nullable of [true, false]) {
      const expected = defined(c, { nullable, default: nullable ? 'NULL' : null, comment: 'note', extra: '' });
      const { columns, disagreements } = annotateTableMap(map([column(c, nullable)]), [expected]);
      assert.deepEqual(disagreements, [], `${c.defined} ${nullable ? 'NULL' : 'NOT NULL'}`);
      assert.deepEqual(columns[0], expected, c.defined);
    }
  }
});

test('every type: the TABLE_MAP alone describes the stored type, optionality and key', () => {
  for (const c of CASES) {
    const binlog = describeTableMapColumn(column(c, false), 3, ['c']);
    const expected = defined(c, { nullable: false, default: null });
    assert.equal(differenceOf(binlog, expected), undefined, c.defined);
    assert.deepEqual([binlog.position, binlog.nullable, binlog.primaryKey, binlog.defaultValue, binlog.comment], [3, false, true, undefined, undefined], c.defined);
  }
});

test('annotations follow the TABLE_MAP: its position, its key, the definition\'s default, comment and extras', () => {
  const definition = [
    describeColumn({ ...informationSchema('int(11)', { nullable: false, default: null, extra: 'auto_increment', key: 'PRI' }), COLUMN_NAME: 'id' }),
    describeColumn({ ...informationSchema('varchar(10)', { charset: 'utf8mb4', default: "'bee'", comment: 'the b' }), COLUMN_NAME: 'b', ORDINAL_POSITION: 2 }),
  ];
  const { columns, disagreements } = annotateTableMap(map([
    { name: 'b', columnType: 'varchar(10)', charset: 'utf8mb4', nullable: true },
    { name: 'id', columnType: 'int', charset: null, nullable: false },
  ], ['b']), definition);
  assert.deepEqual(disagreements, []);
  assert.deepEqual(columns.map((c) => [c.name, c.position, c.primaryKey, c.defaultValue, c.comment, c.autoIncrement, c.columnType]), [
    ['b', 1, true, "'bee'", 'the b', false, 'varchar(10)'],
    ['id', 2, false, undefined, undefined, true, 'int(11)'],
  ]);
});

test('a definition that disagrees: the TABLE_MAP\'s description, without annotations, and the column named', () => {
  const definition = [
    describeColumn({ ...informationSchema('varchar(20)', { charset: 'utf8mb4', default: "'x'" }), COLUMN_NAME: 'd' }),
    describeColumn({ ...informationSchema('bigint(20)'), COLUMN_NAME: 'c' }),
    describeColumn({ ...informationSchema('varchar(10)', { charset: 'utf8mb4', nullable: false, default: "'bee'" }), COLUMN_NAME: 'b' }),
    describeColumn({ ...informationSchema("enum('x','y','z')", { charset: 'utf8mb4', default: "'x'" }), COLUMN_NAME: 'e' }),
    describeColumn({ ...informationSchema('int(10) unsigned'), COLUMN_NAME: 'u' }),
    describeColumn({ ...informationSchema('datetime(3)'), COLUMN_NAME: 't' }),
    describeColumn({ ...informationSchema('decimal(10,3)'), COLUMN_NAME: 'm' }),
    describeColumn({ ...informationSchema('varchar(10)', { charset: 'latin1' }), COLUMN_NAME: 's' }),
  ];
  const { columns, disagreements } = annotateTableMap(map([
    { name: 'd', columnType: 'int', charset: null, nullable: true },
    { name: 'c', columnType: 'int', charset: null, nullable: true },
    { name: 'b', columnType: 'varchar(10)', charset: 'utf8mb4', nullable: true },
    { name: 'e', columnType: "enum('x','y')", charset: 'utf8mb4', nullable: true, labels: ['x', 'y'] },
    { name: 'u', columnType: 'int', charset: null, nullable: true },
    { name: 't', columnType: 'datetime(6)', charset: null, nullable: true },
    { name: 'm', columnType: 'decimal(10,2)', charset: null, nullable: true },
    { name: 's', columnType: 'varchar(10)', charset: 'utf8mb4', nullable: true },
    { name: 'gone', columnType: 'int', charset: null, nullable: false },
  ]), definition);
  assert.deepEqual(disagreements.map((d) => d.split(' ')[0]), ['d', 'c', 'b', 'e', 'u', 't', 'm', 's', 'gone']);
  assert.match(disagreements[0]!, /int in the binlog, varchar\(20\) in the definition/);
  assert.match(disagreements[2]!, /NULL in the binlog, NOT NULL in the definition/);
  assert.match(disagreements[8]!, /not in the table definition/);
  assert.deepEqual(columns.map((c) => [c.name, c.type, c.nullable, c.defaultValue]), [
    ['d', 'int', true, undefined], ['c', 'int', true, undefined], ['b', 'varchar', true, undefined], ['e', 'enum', true, undefined],
    ['u', 'int', true, undefined], ['t', 'datetime', true, undefined], ['m', 'decimal', true, undefined], ['s', 'varchar', true, undefined],
    ['gone', 'int', false, undefined],
  ]);
  assert.deepEqual(columns[3]!.enumValues, ['x', 'y']);
  assert.equal(columns[5]!.fsp, 6);
});

test('labels are printed as the server prints them in COLUMN_TYPE, and read back', () => {
  for (const label of ["it's", 'a\\b', 'x,y', 'nl\nx', '', 'tab\tstays']) assert.equal(unescapeLiteral(escapeLiteral(label)), label, JSON.stringify(label));
  assert.equal(escapeLiteral("it's a\\b"), "it''s a\\\\b");
});
