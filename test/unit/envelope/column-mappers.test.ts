import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConnector } from '../../../src/config/index.js';
import { columnConverter } from '../../../src/decode/index.js';
import { applyColumnMappers, hasher, javaSerializedString } from '../../../src/envelope/column-mappers.js';
import { col } from '../decode/fixtures.js';

function rules(extra: Record<string, string>) {
  const { config, problems } = parseConnector({
    name: 'c',
    config: {
      'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'database.hostname': 'h', 'database.user': 'u',
      'database.password': 'p', 'database.server.id': '1', 'topic.prefix': 'p', ...extra,
    },
  });
  assert.ok(config, JSON.stringify(problems));
  return config.columns;
}

function mapped(extra: Record<string, string>, columnType: string, name = 'c') {
  const column = col(columnType, { name });
  const { schema, convert } = columnConverter(column);
  return applyColumnMappers(rules(extra), 'db', 't', column, { name, schema, convert });
}

test('hashes match Debezium 3.5 (values captured from the oracle)', () => {
  const v1 = hasher({ algorithm: 'SHA-256', salt: 'CzQMA0cB5K', version: 1 });
  assert.equal(v1('1234567890123456').slice(0, 16), '6f8597fcc695520c');
  assert.equal(v1('abcd').slice(0, 16), 'fd443b12c95bc33c');
  const v2 = hasher({ algorithm: 'sha-256', salt: 'salty', version: 2 });
  assert.equal(v2('hashme').slice(0, 10), '5b6904721d');
  assert.equal(v2('').slice(0, 10), '0237742265');
});

test('V1 hashes the Java serialization of the string (modified UTF-8)', () => {
  assert.deepEqual([...javaSerializedString('a\u0000é')], [0xac, 0xed, 0, 5, 0x74, 0, 5, 0x61, 0xc0, 0x80, 0xc3, 0xa9]);
  assert.equal(javaSerializedString('x'.repeat(70_000))[4], 0x7c);
});

test('mask: every value, NULL too, becomes the asterisks; the schema says masked', () => {
  const codec = mapped({ 'column.mask.with.3.chars': 'db\\.t\\.c' }, 'varchar(20)');
  assert.equal(codec.convert('secret'), '***');
  assert.equal(codec.convertsNull, true);
  assert.deepEqual(codec.schema.parameters, { masked: 'true' });
  // Non-text columns keep their values but get the parameter, as Debezium's MaskStrings does.
  const number = mapped({ 'column.mask.with.3.chars': 'db\\.t\\.c' }, 'int(11)');
  assert.equal(number.convert(5), 5);
  assert.deepEqual(number.schema.parameters, { masked: 'true' });
});

test('hash: shortened to the column length; NULL stays NULL', () => {
  const codec = mapped({ 'column.mask.hash.SHA-256.with.salt.CzQMA0cB5K': 'db\\.t\\.c' }, 'char(16)');
  assert.equal(codec.convert('1234567890123456'), '6f8597fcc695520c');
  assert.equal(codec.convert(null), null);
  assert.equal(mapped({ 'column.mask.hash.MD5.with.salt.s': 'db\\.t\\.c' }, 'text').convert('x')!.toString().length, 32);
});

test('truncate: only where the column may be longer; the first matching rule wins', () => {
  const codec = mapped({ 'column.truncate.to.4.chars': 'db\\.t\\.c', 'column.mask.with.2.chars': 'db\\.t\\.c' }, 'text');
  assert.equal(codec.convert('truncate me'), 'trun');
  assert.deepEqual(codec.schema.parameters, { truncateLength: '4' });
  const short = mapped({ 'column.truncate.to.4.chars': 'db\\.t\\.c' }, 'varchar(3)');
  assert.equal(short.schema.parameters, undefined);
});

test('propagate: source type, length, scale and name parameters, by column or by type; keys stay unmapped', () => {
  const decimal = mapped({ 'column.propagate.source.type': 'db\\.t\\.price' }, 'decimal(10,2)', 'price');
  assert.deepEqual(decimal.schema.parameters, {
    scale: '2', 'connect.decimal.precision': '10',
    '__debezium.source.column.type': 'DECIMAL', '__debezium.source.column.length': '10', '__debezium.source.column.scale': '2', '__debezium.source.column.name': 'price',
  });
  assert.equal(decimal.unmapped?.schema.parameters?.['__debezium.source.column.type'], undefined);
  const double = mapped({ 'datatype.propagate.source.type': '.+\\.DOUBLE' }, 'double');
  assert.deepEqual(double.schema.parameters, { '__debezium.source.column.type': 'DOUBLE', '__debezium.source.column.name': 'c' });
});

test('an unknown hash algorithm is a configuration error naming the supported ones', () => {
  const { problems } = parseConnector({
    name: 'c',
    config: {
      'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'database.hostname': 'h', 'database.user': 'u',
      'database.password': 'p', 'database.server.id': '1', 'topic.prefix': 'p', 'column.mask.hash.WHIRL.with.salt.x': 'a\\.b\\.c',
    },
  });
  assert.ok(problems.some((p) => p.severity === 'error' && /unknown hash algorithm WHIRL; expected one of MD5, SHA-1/.test(p.message)), JSON.stringify(problems));
});
