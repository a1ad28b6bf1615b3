// The shape of one entry of the type table, and the small helpers the entries share.
import { BinlogdError } from '../errors.js';
import type { ConnectSchema, ConnectValue } from '../connect/schema.js';
import type { ColumnDescriptor } from '../source/column-descriptor.js';
import type { TypeHandlingModes } from './modes.js';

/** How one column (of a given type, under given modes) is represented in Kafka Connect terms. */
export interface ColumnType {
  /** The schema of the column as a required field without default; optionality and default are added per column. */
  readonly schema: ConnectSchema;
  /**
   * A non-null value as zongji (or mysql2, for the snapshot) yields it, to its Connect value.
   * Returns null for values Debezium reads as NULL (zero dates), undefined for values Debezium's
   * converter cannot represent (it then emits NULL, or fails the record for NOT NULL columns).
   */
  readonly convert: (raw: unknown) => ConnectValue | undefined;
  /** JdbcValueConverters.convertValue's fallback for a NOT NULL column without default that reads NULL;
   *  undefined when Debezium has none that fits the schema. */
  readonly fallback: ConnectValue | undefined;
  /** The column default from the DDL parser's default expression (see defaults.ts); undefined = none. */
  readonly parseDefault: (expression: string, nullable: boolean) => ConnectValue | undefined;
  /** zongji yields `undefined` for the ENUM index 0 (the '' of an invalid value), which is a value, not NULL. */
  readonly undefinedIsValue?: boolean;
}

export type ColumnTypeBuilder = (column: ColumnDescriptor, modes: TypeHandlingModes) => ColumnType;

/** A Debezium semantic or Connect logical type: `{type, name, version: 1}`. */
export function named(type: ConnectSchema['type'], name: string, parameters?: Record<string, string>): ConnectSchema {
  return parameters ? { type, optional: false, name, version: 1, parameters } : { type, optional: false, name, version: 1 };
}

export function plain(type: ConnectSchema['type']): ConnectSchema {
  return { type, optional: false };
}

export function noDefault(): undefined {
  return undefined;
}

/** The error for a raw value of an unexpected shape: a bug in the source, never data to skip. */
export function unexpected(column: ColumnDescriptor, raw: unknown): BinlogdError {
  const shape = raw === null ? 'null' : Buffer.isBuffer(raw) ? 'Buffer' : typeof raw;
  return new BinlogdError('SOURCE_DECODE', `column ${column.name} (${column.columnType}): cannot decode a ${shape} value`, {
    details: { column: column.name, columnType: column.columnType, valueType: shape },
  });
}

/** An integer value as zongji gives it: a Number, or an exact decimal string beyond 2^53. */
export function toBigInt(column: ColumnDescriptor, raw: unknown): bigint {
  if (typeof raw === 'number' || typeof raw === 'string' || typeof raw === 'bigint') {
    try {
      return BigInt(raw);
    } catch {
      throw unexpected(column, raw);
    }
  }
  throw unexpected(column, raw);
}
