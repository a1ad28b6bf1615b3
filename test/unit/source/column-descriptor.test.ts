import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TableMapEntry } from '@vlasky/zongji';
import {
  describeColumn, describeColumns, enumLiterals, unescapeLiteral, type InformationSchemaColumn,
} from '../../../src/source/column-descriptor.js';

// INFORMATION_SCHEMA.COLUMNS rows as MariaDB 10.11 returns them (mysql2, default options).
const row = (overrides: Partial<InformationSchemaColumn> & Pick<InformationSchemaColumn, 'COLUMN_NAME' | 'COLUMN_TYPE' | 'DATA_TYPE'>): InformationSchemaColumn => ({
  ORDINAL_POSITION: 1, IS_NULLABLE: 'YES', COLUMN_DEFAULT: 'NULL', NUMERIC_PRECISION: null, NUMERIC_SCALE: null,
  DATETIME_PRECISION: null, CHARACTER_MAXIMUM_LENGTH: null, CHARACTER_SET_NAME: null, COLUMN_KEY: '', EXTRA: '', ...overrides,
});

const TABLE: InformationSchemaColumn[] = [
  row({ COLUMN_NAME: 'id', ORDINAL_POSITION: 1, IS_NULLABLE: 'NO', COLUMN_DEFAULT: null, COLUMN_TYPE: 'int(11)', DATA_TYPE: 'int',
    NUMERIC_PRECISION: 10, NUMERIC_SCALE: 0, COLUMN_KEY: 'PRI', EXTRA: 'auto_increment' }),
  row({ COLUMN_NAME: 'price', ORDINAL_POSITION: 2, IS_NULLABLE: 'NO', COLUMN_DEFAULT: '12.50', COLUMN_TYPE: 'decimal(10,2) unsigned',
    DATA_TYPE: 'decimal', NUMERIC_PRECISION: 10, NUMERIC_SCALE: 2 }),
  row({ COLUMN_NAME: 'at', ORDINAL_POSITION: '3', COLUMN_DEFAULT: 'current_timestamp(6)', COLUMN_TYPE: 'timestamp(6)', DATA_TYPE: 'timestamp',
    DATETIME_PRECISION: '6', EXTRA: 'on update current_timestamp(6)' }),
  row({ COLUMN_NAME: 'e', ORDINAL_POSITION: 4, COLUMN_DEFAULT: "'it''s'", COLUMN_TYPE: "enum('it''s','x,y','b\\\\s')", DATA_TYPE: 'enum',
    CHARACTER_MAXIMUM_LENGTH: 4, CHARACTER_SET_NAME: 'utf8mb4' }),
  row({ COLUMN_NAME: 'f', ORDINAL_POSITION: 5, COLUMN_TYPE: 'float(10,2)', DATA_TYPE: 'float', NUMERIC_PRECISION: 10, NUMERIC_SCALE: 2 }),
  row({ COLUMN_NAME: 'g', ORDINAL_POSITION: 6, COLUMN_TYPE: 'int(11)', DATA_TYPE: 'int', EXTRA: 'VIRTUAL GENERATED' }),
  row({ COLUMN_NAME: 'b', ORDINAL_POSITION: 7, COLUMN_TYPE: 'bit(12)', DATA_TYPE: 'bit', NUMERIC_PRECISION: 12 }),
];

test('an INFORMATION_SCHEMA row describes the column', () => {
  const [id, price, at, e, f, g, b] = describeColumns(null, TABLE);
  assert.deepEqual(id, {
    name: 'id', position: 1, type: 'int', columnType: 'int(11)', unsigned: false, nullable: false, length: 11,
    generated: false, autoIncrement: true, primaryKey: true,
  });
  assert.deepEqual(price, {
    name: 'price', position: 2, type: 'decimal', columnType: 'decimal(10,2) unsigned', unsigned: true, nullable: false,
    length: 10, precision: 10, scale: 2, defaultValue: '12.50', generated: false, autoIncrement: false, primaryKey: false,
  });
  assert.equal(at!.fsp, 6);
  assert.equal(at!.defaultValue, 'current_timestamp(6)');
  assert.equal(at!.position, 3);
  assert.deepEqual(e!.enumLiterals, ["it''s", 'x,y', 'b\\\\s']);
  assert.deepEqual(e!.enumValues, ["it's", 'x,y', 'b\\s']);
  assert.equal(e!.charset, 'utf8mb4');
  assert.equal(e!.length, undefined);
  assert.deepEqual([f!.length, f!.scale], [10, 2]);
  assert.equal(g!.generated, true);
  assert.equal(b!.length, 12);
  assert.equal(describeColumn(row({ COLUMN_NAME: 'x', COLUMN_TYPE: 'float', DATA_TYPE: 'float', NUMERIC_PRECISION: 12 })).scale, undefined);
});

test('the TABLE_MAP wins for signedness, charset and ENUM labels', () => {
  const tableMap: TableMapEntry = {
    parentSchema: 'db', tableName: 't',
    columnSchemas: [
      { COLUMN_NAME: 'id', COLUMN_TYPE: 'int', UNSIGNED: true, CHARACTER_SET_NAME: null, COLLATION_NAME: null, COLUMN_COMMENT: '' },
      { COLUMN_NAME: 'price', COLUMN_TYPE: 'decimal(10,2) unsigned', UNSIGNED: true, CHARACTER_SET_NAME: null, COLLATION_NAME: null, COLUMN_COMMENT: '' },
      { COLUMN_NAME: 'at', COLUMN_TYPE: 'timestamp(6)', CHARACTER_SET_NAME: null, COLLATION_NAME: null, COLUMN_COMMENT: '' },
      { COLUMN_NAME: 'e', COLUMN_TYPE: '', ENUM_VALUES: ["it's", 'x,y', 'b\\s'], CHARACTER_SET_NAME: 'latin1', COLLATION_NAME: null, COLUMN_COMMENT: '' },
      { COLUMN_NAME: 'f', COLUMN_TYPE: 'float', UNSIGNED: false, CHARACTER_SET_NAME: null, COLLATION_NAME: null, COLUMN_COMMENT: '' },
      { COLUMN_NAME: 'g', COLUMN_TYPE: 'int', UNSIGNED: false, CHARACTER_SET_NAME: null, COLLATION_NAME: null, COLUMN_COMMENT: '' },
      { COLUMN_NAME: 'b', COLUMN_TYPE: 'bit(12)', CHARACTER_SET_NAME: null, COLLATION_NAME: null, COLUMN_COMMENT: '' },
    ],
  };
  const [id, , , e] = describeColumns(tableMap, TABLE);
  assert.equal(id!.unsigned, true);
  assert.equal(e!.charset, 'latin1');
  assert.deepEqual(e!.enumValues, ["it's", 'x,y', 'b\\s']);
});

test('a TABLE_MAP that disagrees with INFORMATION_SCHEMA is a retriable SOURCE_DECODE', () => {
  const columnSchemas = TABLE.map((r) => ({ COLUMN_NAME: r.COLUMN_NAME }));
  assert.throws(() => describeColumns({ columnSchemas: columnSchemas.slice(1) }, TABLE), { code: 'SOURCE_DECODE', retriable: true });
  const renamed = columnSchemas.map((c, i) => (i === 2 ? { COLUMN_NAME: 'renamed' } : c));
  assert.throws(() => describeColumns({ columnSchemas: renamed }, TABLE), { code: 'SOURCE_DECODE', retriable: true });
});

test('types binlogd has no Debezium mapping for are refused', () => {
  assert.throws(() => describeColumn(row({ COLUMN_NAME: 'ip', COLUMN_TYPE: 'inet6', DATA_TYPE: 'inet6' })), { code: 'SOURCE_DECODE' });
});

test('ENUM/SET literals are split as printed and unescaped to the stored labels', () => {
  assert.deepEqual(enumLiterals("set('a','b c','')"), ['a', 'b c', '']);
  assert.deepEqual(enumLiterals("enum('a''b','c\\'d','x,y)')"), ["a''b", "c\\'d", 'x,y)']);
  assert.equal(unescapeLiteral("a''b"), "a'b");
  assert.equal(unescapeLiteral('a\\\\b\\0\\n'), 'a\\b\0\n');
  assert.equal(unescapeLiteral('plain'), 'plain');
});
