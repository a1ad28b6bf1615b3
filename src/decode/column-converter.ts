// One column's schema and converter, built once per table from its descriptor and the modes, with
// Debezium's NULL handling (JdbcValueConverters.convertValue): NULL stays NULL for nullable columns;
// a NOT NULL column reading NULL (zero dates, partial row images) gets its default, else a fallback.
import { BinlogdError } from '../errors.js';
import type { ConnectField, ConnectSchema, ConnectStruct, ConnectValue } from '../connect/schema.js';
import type { ColumnDescriptor } from '../source/column-descriptor.js';
import { defaultExpression } from './defaults.js';
import { DEFAULT_TYPE_HANDLING_MODES, type TypeHandlingModes } from './modes.js';
import { TYPE_TABLE } from './type-table.js';

export interface ColumnConverter {
  readonly column: ColumnDescriptor;
  /** The field schema: optional when the column is nullable, with the column default if any. */
  readonly schema: ConnectSchema;
  /** zongji's (or mysql2's) value for this column, null for SQL NULL, to its Connect value. */
  readonly convert: (raw: unknown) => ConnectValue;
}

export function columnConverter(column: ColumnDescriptor, modes: TypeHandlingModes = DEFAULT_TYPE_HANDLING_MODES): ColumnConverter {
  const type = TYPE_TABLE[column.type](column, modes);
  const optional = column.nullable;
  const expression = defaultExpression(column.defaultValue);
  const defaultValue = expression === undefined ? undefined : type.parseDefault(expression, optional);
  const schema: ConnectSchema = {
    ...type.schema,
    optional,
    ...(defaultValue === undefined || defaultValue === null ? {} : { defaultValue }),
  };

  const ifNull = optional ? null : defaultValue ?? type.fallback;
  const unrepresentable = (raw: unknown): ConnectValue => {
    if (optional) return null;
    throw new BinlogdError('SOURCE_DECODE', `column ${column.name} (${column.columnType}) is NOT NULL but ${String(raw)} cannot be represented`, {
      details: { column: column.name, columnType: column.columnType, timePrecisionMode: modes.timePrecisionMode },
    });
  };
  const convert = type.convert;
  const undefinedIsValue = type.undefinedIsValue === true;

  return {
    column,
    schema,
    convert: (raw) => {
      if (raw === null || (raw === undefined && !undefinedIsValue)) return ifNull === undefined ? unrepresentable(raw) : ifNull;
      const value = convert(raw);
      if (value === null) return ifNull === undefined ? unrepresentable(raw) : ifNull;
      return value === undefined ? unrepresentable(raw) : value;
    },
  };
}

export interface RowConverter {
  /** The row struct's fields, in column order. */
  readonly fields: readonly ConnectField[];
  readonly columns: readonly ColumnConverter[];
  /** A row as zongji yields it (an object keyed by column name) to the row struct. */
  readonly convert: (row: Readonly<Record<string, unknown>>) => ConnectStruct;
}

/** Converters for all columns of a table, in order; build once per table (and per TABLE_MAP change). */
export function rowConverter(columns: readonly ColumnDescriptor[], modes: TypeHandlingModes = DEFAULT_TYPE_HANDLING_MODES): RowConverter {
  const converters = columns.map((column) => columnConverter(column, modes));
  const names = columns.map((column) => column.name);
  const fns = converters.map((c) => c.convert);
  return {
    fields: converters.map((c) => ({ name: c.column.name, schema: c.schema })),
    columns: converters,
    convert: (row) => {
      const struct: ConnectStruct = {};
      for (let i = 0; i < fns.length; i++) struct[names[i]!] = fns[i]!(row[names[i]!]);
      return struct;
    },
  };
}
