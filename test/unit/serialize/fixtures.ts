// Connect schemas shaped as Debezium builds them (reference/debezium.md §1.3, §1.4, §2.1), shared by the
// serializer tests and bench/avro-encode.ts.
import { type ConnectField, type ConnectSchema, field, optional, struct } from '../../../src/connect/schema.js';

export const S = {
  int8: { type: 'int8', optional: false },
  int16: { type: 'int16', optional: false },
  int32: { type: 'int32', optional: false },
  int64: { type: 'int64', optional: false },
  float32: { type: 'float32', optional: false },
  float64: { type: 'float64', optional: false },
  boolean: { type: 'boolean', optional: false },
  string: { type: 'string', optional: false },
  bytes: { type: 'bytes', optional: false },
} as const satisfies Record<string, ConnectSchema>;

export function decimal(precision: number | undefined, scale: number): ConnectSchema {
  return {
    type: 'bytes',
    optional: false,
    name: 'org.apache.kafka.connect.data.Decimal',
    version: 1,
    parameters: precision === undefined
      ? { scale: String(scale) }
      : { scale: String(scale), 'connect.decimal.precision': String(precision) },
  };
}

export const microTimestamp: ConnectSchema = { type: 'int64', optional: false, name: 'io.debezium.time.MicroTimestamp', version: 1 };

export const SNAPSHOT_ALLOWED = 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental';

export const snapshotEnum: ConnectSchema = {
  type: 'string',
  optional: true,
  name: 'io.debezium.data.Enum',
  version: 1,
  parameters: { allowed: SNAPSHOT_ALLOWED },
  defaultValue: 'false',
};

export const sourceSchema: ConnectSchema = struct('io.debezium.connector.mariadb.Source', [
  field('version', S.string),
  field('connector', S.string),
  field('name', S.string),
  field('ts_ms', S.int64),
  field('snapshot', snapshotEnum),
  field('db', S.string),
  field('sequence', optional(S.string)),
  field('ts_us', optional(S.int64)),
  field('ts_ns', optional(S.int64)),
  field('table', optional(S.string)),
  field('server_id', S.int64),
  field('gtid', optional(S.string)),
  field('file', S.string),
  field('pos', S.int64),
  field('row', S.int32),
  field('thread', optional(S.int64)),
  field('query', optional(S.string)),
], { version: 1 });

export const transactionSchema: ConnectSchema = struct('event.block', [
  field('id', S.string),
  field('total_order', S.int64),
  field('data_collection_order', S.int64),
], { optional: true, version: 1 });

/** The envelope Debezium builds for a table whose row struct is `<topic>.Value` with `columns`. */
export function envelopeSchema(topic: string, columns: readonly ConnectField[]): ConnectSchema {
  const row = struct(`${topic}.Value`, columns, { optional: true });
  return struct(`${topic}.Envelope`, [
    field('before', row),
    field('after', row),
    field('source', sourceSchema),
    field('transaction', transactionSchema),
    field('op', S.string),
    field('ts_ms', optional(S.int64)),
    field('ts_us', optional(S.int64)),
    field('ts_ns', optional(S.int64)),
  ], { version: 2 });
}

export const customersColumns: readonly ConnectField[] = [
  field('id', S.int32),
  field('email', optional(S.string)),
  field('price', decimal(10, 2)),
  field('created', optional(microTimestamp)),
];

export function sourceValue(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '3.5.0.Final', connector: 'mariadb', name: 'dbserver1', ts_ms: 1719990000000n, snapshot: 'false',
    db: 'inventory', sequence: null, ts_us: 1719990000000000n, ts_ns: 1719990000000000000n, table: 'customers',
    server_id: 1n, gtid: '0-1-1043', file: 'mariadb-bin.000003', pos: 1512n, row: 0, thread: null, query: null,
    ...overrides,
  };
}
