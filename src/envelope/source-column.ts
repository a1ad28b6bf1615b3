// A column as Debezium's MariaDB DDL parser describes it (io.debezium.relational.Column): JDBC type,
// upper-case type name, length, scale, charset, default expression. The schema change topic's
// `tableChanges` and the `__debezium.source.column.*` schema parameters both show it.
// Debezium parses `SHOW CREATE TABLE` text, which prints the same COLUMN_TYPE INFORMATION_SCHEMA
// shows (`int(11)`, `varchar(20)`), so the descriptor built from INFORMATION_SCHEMA gives the same
// lengths. (After a streamed `CREATE TABLE t (a INT)` Debezium parses the statement itself and has
// no length for `INT`: that case differs.)
import type { ColumnDescriptor, MariaDbType } from '../source/column-descriptor.js';

/** java.sql.Types values Debezium's MariaDB data type resolver assigns. */
const JDBC: Readonly<Record<MariaDbType, number>> = {
  bit: -7, tinyint: 5, smallint: 5, mediumint: 4, int: 4, bigint: -5,
  decimal: 3, float: 6, double: 8,
  char: 1, varchar: 12, tinytext: 12, text: 12, mediumtext: 12, longtext: 12, json: 12,
  binary: -2, varbinary: -3, tinyblob: 2004, blob: 2004, mediumblob: 2004, longblob: 2004,
  enum: 1, set: 1,
  date: 91, time: 92, datetime: 93, timestamp: 2014, year: 4,
  geometry: 1111, point: 1111, linestring: 1111, polygon: 1111, multipoint: 1111, multilinestring: 1111,
  multipolygon: 1111, geometrycollection: 1111,
  uuid: 1,
};

/** Types whose values are text with a character set (Debezium reports charsetName for them). */
const CHARACTER_TYPES = new Set<MariaDbType>(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'json', 'enum', 'set']);

export interface SourceColumn {
  readonly name: string;
  readonly jdbcType: number;
  /** Upper case, with ` UNSIGNED` as Debezium's parser appends it (`DECIMAL UNSIGNED`). */
  readonly typeName: string;
  readonly charsetName: string | null;
  readonly length: number | null;
  readonly scale: number | null;
  readonly position: number;
  readonly optional: boolean;
  readonly autoIncremented: boolean;
  /** Debezium's parser marks AUTO_INCREMENT columns generated (not computed columns). */
  readonly generated: boolean;
  readonly comment: string | null;
  readonly defaultValueExpression: string | null;
  /** ENUM/SET labels quoted as in the DDL (`'a'`). */
  readonly enumValues: readonly string[] | null;
}

export function sourceColumn(column: ColumnDescriptor): SourceColumn {
  const type = column.type;
  // SHOW CREATE TABLE prints JSON as longtext (MariaDB's JSON is an alias).
  const typeWord = type === 'json' ? 'longtext' : type;
  const labels = column.enumValues;
  return {
    name: column.name,
    jdbcType: JDBC[type],
    typeName: `${typeWord.toUpperCase()}${column.unsigned ? ' UNSIGNED' : ''}`,
    charsetName: CHARACTER_TYPES.has(type) ? column.charset ?? null : null,
    length: lengthOf(column),
    scale: type === 'decimal' || ((type === 'float' || type === 'double') && column.length !== undefined) ? column.scale ?? null : null,
    position: column.position,
    optional: column.nullable,
    autoIncremented: column.autoIncrement,
    generated: column.autoIncrement,
    comment: column.comment ?? null,
    defaultValueExpression: defaultValueExpression(column),
    enumValues: labels && (type === 'enum' || type === 'set') ? (column.enumLiterals ?? labels).map((l) => `'${l}'`) : null,
  };
}

function lengthOf(column: ColumnDescriptor): number | null {
  const labels = column.enumValues;
  // Debezium's parser sizes ENUM as its longest label and SET as all labels comma-joined.
  if (column.type === 'enum') return labels ? Math.max(0, ...labels.map((l) => l.length)) : null;
  if (column.type === 'set') return labels ? labels.join(',').length : null;
  if (column.type === 'decimal') return column.precision ?? null;
  if (column.type === 'time' || column.type === 'datetime' || column.type === 'timestamp') return column.fsp ? column.fsp : null;
  return column.length ?? null;
}

/** Debezium keeps a default as the parser read it: string literals unquoted, CURRENT_TIMESTAMP as the epoch. */
function defaultValueExpression(column: ColumnDescriptor): string | null {
  const value = column.defaultValue;
  if (value === undefined) return null;
  if (/^current_timestamp\b/i.test(value)) return '1970-01-01 00:00:00';
  const quoted = /^'(.*)'$/s.exec(value);
  if (quoted) return quoted[1]!.replace(/''/g, "'").replace(/\\(.)/gs, '$1');
  return value;
}
