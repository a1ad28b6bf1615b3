// Column descriptors for decode tests, built the way the source builds them: from an
// INFORMATION_SCHEMA.COLUMNS row as MariaDB 10.11 prints it.
import { describeColumn, type ColumnDescriptor, type InformationSchemaColumn } from '../../../src/source/column-descriptor.js';
import { DEFAULT_TYPE_HANDLING_MODES, type TypeHandlingModes } from '../../../src/decode/modes.js';

export interface ColumnOptions {
  nullable?: boolean;
  /** COLUMN_DEFAULT as INFORMATION_SCHEMA prints it, e.g. `'abc'`, `12.50`, `current_timestamp()`. */
  default?: string;
  charset?: string;
  name?: string;
}

/** A descriptor for `columnType` (e.g. `decimal(10,2) unsigned`, `datetime(6)`, `enum('a','b')`). */
export function col(columnType: string, options: ColumnOptions = {}): ColumnDescriptor {
  const dataType = /^\w+/.exec(columnType)![0].toLowerCase();
  const args = /^\w+\((\d+)(?:,(\d+))?\)/.exec(columnType);
  const temporal = dataType === 'time' || dataType === 'datetime' || dataType === 'timestamp';
  const textual = /char|text|enum|set/.test(dataType) || dataType === 'json';
  const row: InformationSchemaColumn = {
    COLUMN_NAME: options.name ?? 'c',
    ORDINAL_POSITION: 1,
    IS_NULLABLE: options.nullable === false ? 'NO' : 'YES',
    COLUMN_DEFAULT: options.default ?? (options.nullable === false ? null : 'NULL'),
    COLUMN_TYPE: columnType,
    DATA_TYPE: dataType,
    NUMERIC_PRECISION: dataType === 'decimal' ? Number(args?.[1] ?? 10) : null,
    NUMERIC_SCALE: dataType === 'decimal' ? Number(args?.[2] ?? 0) : null,
    DATETIME_PRECISION: temporal ? Number(args?.[1] ?? 0) : null,
    CHARACTER_MAXIMUM_LENGTH: null,
    CHARACTER_SET_NAME: textual ? options.charset ?? 'utf8mb4' : null,
    COLUMN_KEY: '',
    EXTRA: '',
  };
  return describeColumn(row);
}

export function modes(overrides: Partial<TypeHandlingModes> = {}): TypeHandlingModes {
  return { ...DEFAULT_TYPE_HANDLING_MODES, ...overrides };
}

export const hex = (text: string): Buffer => Buffer.from(text, 'hex');
