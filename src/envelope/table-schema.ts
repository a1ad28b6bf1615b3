// Debezium's per-table schemas (TableSchemaBuilder + SchemaFactory.datatypeEnvelopeSchema): the key
// struct, the row struct used by `before`/`after`, and the envelope around them (version 2, the
// 2.7+ field order with `transaction` before `op`).
import { field, struct, type ConnectSchema, type ConnectStruct, type ConnectValue } from '../connect/schema.js';
import { SOURCE_SCHEMA } from './source-info.js';
import { sanitizeTopicName } from './topic-names.js';

/** One captured column: its Connect schema and how a raw binlog value becomes a Connect value. */
export interface ColumnCodec {
  readonly name: string;
  readonly schema: ConnectSchema;
  readonly convert: (raw: unknown) => ConnectValue;
  /** The column before column mappers (masking, truncation…): Debezium builds key fields without them. */
  readonly unmapped?: ColumnCodec;
  /** The converter also decides what NULL becomes (a mask replaces NULL too). */
  readonly convertsNull?: boolean;
}

export const TRANSACTION_BLOCK_SCHEMA: ConnectSchema = struct('event.block', [
  field('id', { type: 'string', optional: false }),
  field('total_order', { type: 'int64', optional: false }),
  field('data_collection_order', { type: 'int64', optional: false }),
], { optional: true, version: 1 });

const optionalInt64: ConnectSchema = { type: 'int64', optional: true };

export interface TableSchema {
  readonly db: string;
  readonly table: string;
  readonly topic: string;
  /** null for a table without a primary key (Debezium writes a null key then). */
  readonly keySchema: ConnectSchema | null;
  readonly rowSchema: ConnectSchema;
  readonly envelopeSchema: ConnectSchema;
  /** Raw binlog row → `before`/`after` struct. */
  row(raw: Record<string, unknown>): ConnectStruct;
  /** Raw binlog row → key struct; null when the table has no key. */
  key(raw: Record<string, unknown>): ConnectStruct | null;
}

/**
 * Debezium's DefaultTopicNamingStrategy: characters Kafka does not allow become `_`. A name over
 * Kafka's length limit is kept whole (Debezium cuts it): the record path refuses it, after the
 * transforms had their chance to rename it.
 */
export function dataTopic(prefix: string, db: string, table: string): string {
  return sanitizeTopicName(`${prefix}.${db}.${table}`);
}

export function buildTableSchema(options: {
  topicPrefix: string;
  db: string;
  table: string;
  columns: readonly ColumnCodec[];
  /** Key column names in key order; empty for no key. */
  keyColumns: readonly string[];
}): TableSchema {
  const { db, table, columns } = options;
  const topic = dataTopic(options.topicPrefix, db, table);
  const rowSchema = struct(`${topic}.Value`, columns.map((c) => field(c.name, c.schema)), { optional: true });
  const keyCodecs = options.keyColumns.map((name) => {
    const found = columns.find((c) => c.name === name);
    if (!found) throw new Error(`key column ${name} is not a captured column of ${db}.${table}`);
    const codec = found.unmapped ?? found;
    // Key columns are never optional in the key struct (a PRIMARY KEY column is NOT NULL).
    return { ...codec, schema: { ...codec.schema, optional: false } };
  });
  const keySchema = keyCodecs.length === 0 ? null
    : struct(`${topic}.Key`, keyCodecs.map((c) => field(c.name, c.schema)));
  const envelopeSchema = struct(`${topic}.Envelope`, [
    field('before', rowSchema),
    field('after', rowSchema),
    field('source', SOURCE_SCHEMA),
    field('transaction', TRANSACTION_BLOCK_SCHEMA),
    field('op', { type: 'string', optional: false }),
    field('ts_ms', optionalInt64),
    field('ts_us', optionalInt64),
    field('ts_ns', optionalInt64),
  ], { version: 2 });
  return {
    db, table, topic, keySchema, rowSchema, envelopeSchema,
    row: structBuilder(columns),
    key: keyCodecs.length === 0 ? () => null : structBuilder(keyCodecs),
  };
}

function structBuilder(codecs: readonly ColumnCodec[]): (raw: Record<string, unknown>) => ConnectStruct {
  const names = codecs.map((c) => c.name);
  const converters = codecs.map((c) => c.convert);
  // A NOT NULL column can still arrive as null (a zero date): its converter decides the value.
  const nullable = codecs.map((c) => c.schema.optional && !c.convertsNull);
  // A NULL stays null here, as in Debezium's Struct: the converters decide whether a field's default
  // is written in its place (replace.null.with.default, ignore.default.for.nullables).
  const count = codecs.length;
  return (raw) => {
    const out: ConnectStruct = {};
    for (let i = 0; i < count; i++) {
      const name = names[i]!;
      const value = raw[name];
      out[name] = (value === null || value === undefined) && nullable[i] ? null : converters[i]!(value);
    }
    return out;
  };
}
