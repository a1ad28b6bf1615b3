// The plain description of one column that decode needs, built from INFORMATION_SCHEMA.COLUMNS and,
// when streaming, checked against and refined by the binlog's TABLE_MAP (binlog_row_metadata=FULL):
// the TABLE_MAP is what the row images were written with, so its names, signedness, charsets and
// ENUM/SET labels win; INFORMATION_SCHEMA adds what the binlog never carries (defaults, nullability,
// declared lengths, fractional-second precision). Pure: no zongji at runtime, no I/O.
import { BinlogdError } from '../errors.js';

/** MariaDB column types, as INFORMATION_SCHEMA.COLUMNS.DATA_TYPE names them. */
export const MARIADB_TYPES = [
  'tinyint', 'smallint', 'mediumint', 'int', 'bigint',
  'decimal', 'float', 'double', 'bit',
  'char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext',
  'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob',
  'json', 'enum', 'set',
  'date', 'time', 'datetime', 'timestamp', 'year',
  'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection',
  'uuid',
] as const;
// INET4/INET6 are left out on purpose: Debezium's MariaDB DDL parser rejects tables using them, so
// there is no Debezium representation to match; such tables fail to describe (SOURCE_DECODE).

export type MariaDbType = (typeof MARIADB_TYPES)[number];

export interface ColumnDescriptor {
  readonly name: string;
  /** 1-based ORDINAL_POSITION. */
  readonly position: number;
  readonly type: MariaDbType;
  /** COLUMN_TYPE as the server prints it, e.g. `decimal(10,2) unsigned`, `enum('a','b')`. */
  readonly columnType: string;
  readonly unsigned: boolean;
  readonly nullable: boolean;
  /** The first number in COLUMN_TYPE's parentheses: CHAR/BINARY/BIT length, FLOAT(M,D)'s M, display width. */
  readonly length?: number;
  /** DECIMAL precision (M). */
  readonly precision?: number;
  /** DECIMAL scale (D); also FLOAT(M,D)/DOUBLE(M,D)'s D, absent for a plain FLOAT/DOUBLE. */
  readonly scale?: number;
  /** Fractional-second precision of TIME/DATETIME/TIMESTAMP (0..6). */
  readonly fsp?: number;
  /** Character set of text, ENUM and SET columns; absent for binary ones. */
  readonly charset?: string;
  /** ENUM/SET labels in definition order, as stored (unescaped). */
  readonly enumValues?: readonly string[];
  /** The same labels as the server prints them inside the quotes of COLUMN_TYPE ('' and \\ escaped). */
  readonly enumLiterals?: readonly string[];
  /** COLUMN_DEFAULT exactly as INFORMATION_SCHEMA shows it (`'abc'`, `12.50`, `current_timestamp()`,
   *  `b'101'`); absent when the column has no default or defaults to NULL. */
  readonly defaultValue?: string;
  readonly generated: boolean;
  readonly autoIncrement: boolean;
  readonly primaryKey: boolean;
  /** COLUMN_COMMENT; absent when empty. */
  readonly comment?: string;
}

/** One row of INFORMATION_SCHEMA.COLUMNS (numbers may arrive as strings with bigNumberStrings). */
export interface InformationSchemaColumn {
  readonly COLUMN_NAME: string;
  readonly ORDINAL_POSITION: number | string;
  readonly IS_NULLABLE: string;
  readonly COLUMN_DEFAULT: string | null;
  readonly COLUMN_TYPE: string;
  readonly DATA_TYPE: string;
  readonly NUMERIC_PRECISION?: number | string | null;
  readonly NUMERIC_SCALE?: number | string | null;
  readonly DATETIME_PRECISION?: number | string | null;
  readonly CHARACTER_MAXIMUM_LENGTH?: number | string | null;
  readonly CHARACTER_SET_NAME?: string | null;
  readonly COLUMN_KEY?: string | null;
  readonly EXTRA?: string | null;
  readonly COLUMN_COMMENT?: string | null;
}

/** The part of zongji's TableMapEntry read here (structural, so no zongji import is needed). */
export interface TableMapColumns {
  readonly columnSchemas: ReadonlyArray<{
    readonly COLUMN_NAME?: unknown;
    readonly CHARACTER_SET_NAME?: unknown;
    readonly UNSIGNED?: unknown;
    readonly ENUM_VALUES?: unknown;
    readonly SET_VALUES?: unknown;
  }>;
}

/** The query whose rows describeColumns expects (parameters: schema, table). */
export const INFORMATION_SCHEMA_COLUMNS_QUERY =
  'SELECT COLUMN_NAME, ORDINAL_POSITION, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_TYPE, DATA_TYPE, NUMERIC_PRECISION, ' +
  'NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_MAXIMUM_LENGTH, CHARACTER_SET_NAME, COLUMN_KEY, EXTRA, COLUMN_COMMENT ' +
  'FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION';

const TYPES = new Set<string>(MARIADB_TYPES);

/**
 * Describes a table's columns in ordinal order. `tableMap` is zongji's entry for the rows being
 * decoded (null for snapshot reads); when given, it must describe the same columns as the
 * INFORMATION_SCHEMA rows, otherwise the table changed in between and the rows cannot be decoded safely.
 */
export function describeColumns(
  tableMap: TableMapColumns | null | undefined,
  informationSchemaRows: readonly InformationSchemaColumn[],
): ColumnDescriptor[] {
  const rows = [...informationSchemaRows].sort((a, b) => toInt(a.ORDINAL_POSITION)! - toInt(b.ORDINAL_POSITION)!);
  const mapped = tableMap?.columnSchemas;
  if (mapped && mapped.length !== rows.length) {
    throw drift(`the binlog has ${mapped.length} columns, INFORMATION_SCHEMA ${rows.length}`);
  }
  return rows.map((row, i) => {
    const base = describeColumn(row);
    const binlog = mapped?.[i];
    if (!binlog) return base;
    if (typeof binlog.COLUMN_NAME === 'string' && binlog.COLUMN_NAME !== base.name) {
      throw drift(`column ${i + 1} is ${binlog.COLUMN_NAME} in the binlog but ${base.name} in INFORMATION_SCHEMA`);
    }
    const labels = base.type === 'enum' ? binlog.ENUM_VALUES : base.type === 'set' ? binlog.SET_VALUES : undefined;
    return {
      ...base,
      ...(typeof binlog.UNSIGNED === 'boolean' ? { unsigned: binlog.UNSIGNED } : {}),
      ...(typeof binlog.CHARACTER_SET_NAME === 'string' ? { charset: binlog.CHARACTER_SET_NAME } : {}),
      ...(isStringArray(labels) && labels.length === base.enumValues?.length ? { enumValues: labels } : {}),
    };
  });
}

/** One column from its INFORMATION_SCHEMA row alone (what the snapshot reader has). */
export function describeColumn(row: InformationSchemaColumn): ColumnDescriptor {
  const dataType = row.DATA_TYPE.toLowerCase();
  if (!TYPES.has(dataType)) {
    throw new BinlogdError('SOURCE_DECODE', `column ${row.COLUMN_NAME} has type ${row.COLUMN_TYPE}, which binlogd cannot decode`, {
      details: { column: row.COLUMN_NAME, columnType: row.COLUMN_TYPE },
    });
  }
  const type = dataType as MariaDbType;
  const columnType = row.COLUMN_TYPE;
  const lower = columnType.toLowerCase();
  const extra = (row.EXTRA ?? '').toLowerCase();
  const args = type === 'enum' || type === 'set' ? undefined : /^\w+\((\d+)(?:,(\d+))?\)/.exec(lower);
  const literals = type === 'enum' || type === 'set' ? enumLiterals(columnType) : undefined;
  const scale = type === 'decimal' ? toInt(row.NUMERIC_SCALE) : args?.[2] === undefined ? undefined : Number(args[2]);
  return {
    name: row.COLUMN_NAME,
    position: toInt(row.ORDINAL_POSITION)!,
    type,
    columnType,
    unsigned: /\bunsigned\b/.test(lower),
    nullable: row.IS_NULLABLE.toUpperCase() === 'YES',
    ...optionalNumber('length', args?.[1] === undefined ? undefined : Number(args[1])),
    ...optionalNumber('precision', type === 'decimal' ? toInt(row.NUMERIC_PRECISION) : undefined),
    ...optionalNumber('scale', scale),
    ...optionalNumber('fsp', type === 'time' || type === 'datetime' || type === 'timestamp' ? toInt(row.DATETIME_PRECISION) ?? 0 : undefined),
    ...(row.CHARACTER_SET_NAME ? { charset: row.CHARACTER_SET_NAME } : {}),
    ...(literals ? { enumLiterals: literals, enumValues: literals.map(unescapeLiteral) } : {}),
    ...(row.COLUMN_DEFAULT === null || row.COLUMN_DEFAULT === 'NULL' ? {} : { defaultValue: row.COLUMN_DEFAULT }),
    // MariaDB writes VIRTUAL GENERATED / STORED GENERATED (PERSISTENT in older releases) into EXTRA.
    generated: /\b(virtual|stored|persistent)\b/.test(extra),
    autoIncrement: extra.includes('auto_increment'),
    primaryKey: (row.COLUMN_KEY ?? '').toUpperCase() === 'PRI',
    ...(row.COLUMN_COMMENT ? { comment: row.COLUMN_COMMENT } : {}),
  };
}

/** The quoted items of `enum('a','it''s')` / `set(...)`, as printed (quotes stripped, escapes kept). */
export function enumLiterals(columnType: string): string[] {
  const open = columnType.indexOf('(');
  const items: string[] = [];
  let i = open + 1;
  while (i > 0 && i < columnType.length && columnType[i] === "'") {
    let j = i + 1;
    for (;;) {
      const c = columnType[j];
      if (c === undefined) return items;
      if (c === '\\') j += 2;
      else if (c === "'" && columnType[j + 1] === "'") j += 2;
      else if (c === "'") break;
      else j += 1;
    }
    items.push(columnType.slice(i + 1, j));
    i = j + 2; // past the closing quote and the comma (or the closing parenthesis)
  }
  return items;
}

// The escapes the server uses when it prints string literals into DDL (sql/sql_show.cc append_unescaped).
const BACKSLASH_ESCAPES: Readonly<Record<string, string>> = { '0': '\0', n: '\n', r: '\r', t: '\t', Z: '\x1a', b: '\b' };

/** A printed literal's content back to the stored string: `it''s` → `it's`, `a\\b` → `a\b`. */
export function unescapeLiteral(literal: string): string {
  if (!literal.includes("'") && !literal.includes('\\')) return literal;
  return literal.replace(/''|\\(.)/gs, (match, escaped: string | undefined) =>
    escaped === undefined ? "'" : BACKSLASH_ESCAPES[escaped] ?? escaped);
}

function drift(message: string): BinlogdError {
  // The table was altered between the binlog event and the metadata read; decoding now would
  // attach values to the wrong columns, so the caller must re-read the table's description.
  return new BinlogdError('SOURCE_DECODE', `table definition changed: ${message}`, { retriable: true });
}

function toInt(value: number | string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  return typeof value === 'number' ? value : Number.parseInt(value, 10);
}

function optionalNumber<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined || Number.isNaN(value) ? {} : { [key]: value }) as { [P in K]?: number };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
