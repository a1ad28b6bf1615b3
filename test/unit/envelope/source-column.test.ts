// Expected values are what Debezium 3.5 wrote in tableChanges for the same columns (oracle capture).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceColumn } from '../../../src/envelope/source-column.js';
import { col } from '../decode/fixtures.js';

const cases: Array<[string, Parameters<typeof col>[1], Partial<ReturnType<typeof sourceColumn>>]> = [
  ['int(11)', { nullable: false }, { jdbcType: 4, typeName: 'INT', length: 11, scale: null, charsetName: null, optional: false }],
  ['varchar(20)', { default: "'x'", charset: 'utf8mb4' }, { jdbcType: 12, typeName: 'VARCHAR', length: 20, charsetName: 'utf8mb4', defaultValueExpression: 'x' }],
  ['char(16)', {}, { jdbcType: 1, typeName: 'CHAR', length: 16 }],
  ['text', {}, { jdbcType: 12, typeName: 'TEXT', length: null }],
  ['decimal(10,2)', {}, { jdbcType: 3, typeName: 'DECIMAL', length: 10, scale: 2 }],
  ['decimal(5,0) unsigned', {}, { jdbcType: 3, typeName: 'DECIMAL UNSIGNED', length: 5, scale: 0 }],
  ["enum('a','b')", { default: "'a'" }, { jdbcType: 1, typeName: 'ENUM', length: 1, enumValues: ["'a'", "'b'"], defaultValueExpression: 'a' }],
  ["set('x','y')", {}, { jdbcType: 1, typeName: 'SET', length: 3, enumValues: ["'x'", "'y'"] }],
  ['timestamp(3)', { default: 'current_timestamp(3)' }, { jdbcType: 2014, typeName: 'TIMESTAMP', length: 3, defaultValueExpression: '1970-01-01 00:00:00' }],
  ['double', {}, { jdbcType: 8, typeName: 'DOUBLE', length: null, scale: null }],
  ['float(7,3)', {}, { jdbcType: 6, typeName: 'FLOAT', length: 7, scale: 3 }],
  ['datetime(6)', {}, { jdbcType: 93, length: 6 }],
  ['time', {}, { jdbcType: 92, length: null }],
  ['varbinary(10)', {}, { jdbcType: -3, length: 10, charsetName: null }],
  ['bit(3)', {}, { jdbcType: -7, length: 3 }],
  ['year(4)', {}, { jdbcType: 4, typeName: 'YEAR', length: 4 }],
  ['tinyint(1)', {}, { jdbcType: 5, typeName: 'TINYINT', length: 1 }],
  ['bigint(20)', {}, { jdbcType: -5, typeName: 'BIGINT', length: 20 }],
];

for (const [columnType, options, expected] of cases) {
  test(`${columnType} is described as Debezium's parser does`, () => {
    const actual = sourceColumn(col(columnType, options));
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(actual[key as keyof typeof actual], value, `${columnType}: ${key}`);
  });
}
