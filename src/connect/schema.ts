// Kafka Connect's data model, which Debezium's records are expressed in. Every stage between decode
// and serialize speaks it, so binlogd's schemas can be compared with Debezium's one to one and turned
// into Avro exactly as the Confluent AvroConverter turns Debezium's.

export type ConnectType =
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'float32' | 'float64'
  | 'boolean' | 'string' | 'bytes'
  | 'array' | 'map' | 'struct';

export interface ConnectSchema {
  readonly type: ConnectType;
  readonly optional: boolean;
  /** Logical or record name, e.g. `io.debezium.time.MicroTimestamp` or `dbserver1.inventory.customers.Value`. */
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /** The default, in the value representation below; `undefined` when there is none. */
  readonly defaultValue?: ConnectValue;
  /** struct only, in order. */
  readonly fields?: readonly ConnectField[];
  /** array only. */
  readonly items?: ConnectSchema;
  /** map only. */
  readonly keys?: ConnectSchema;
  readonly values?: ConnectSchema;
}

export interface ConnectField {
  readonly name: string;
  readonly schema: ConnectSchema;
}

/**
 * A value of some ConnectSchema:
 * - int8, int16, int32, float32, float64: number
 * - int64: bigint (ts_ns and 64-bit columns exceed 2^53)
 * - boolean, string: as is; bytes: Buffer
 * - `org.apache.kafka.connect.data.Decimal` (type bytes): the exact decimal text, e.g. `-12.30`;
 *   the serializer turns it into the unscaled two's-complement bytes Connect writes
 * - struct: a plain object with one property per field; array: an array; map: a plain object
 * - null: absent (optional schemas only)
 */
export type ConnectValue =
  | null | boolean | number | bigint | string | Buffer
  | ConnectValue[]
  | { [field: string]: ConnectValue };

export type ConnectStruct = { [field: string]: ConnectValue };

export const DECIMAL_SCHEMA_NAME = 'org.apache.kafka.connect.data.Decimal';

export function optional(schema: ConnectSchema): ConnectSchema {
  return schema.optional ? schema : { ...schema, optional: true };
}

export function struct(
  name: string,
  fields: readonly ConnectField[],
  options: { optional?: boolean; version?: number; doc?: string } = {},
): ConnectSchema {
  return {
    type: 'struct',
    optional: options.optional ?? false,
    name,
    fields,
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.doc === undefined ? {} : { doc: options.doc }),
  };
}

export function field(name: string, schema: ConnectSchema): ConnectField {
  return { name, schema };
}
