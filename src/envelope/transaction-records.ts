// Transaction metadata records on `<topic.prefix>.transaction` (provide.transaction.metadata):
// Debezium's TransactionMetadataKey/Value (pipeline/txmetadata). BEGIN is written at the GTID
// event of every transaction, END at its XID or COMMIT (so a DDL, which has neither, gets a
// BEGIN only, as Debezium writes it), END with the per-table counts of the events written.
import { field, optional, struct, type ConnectSchema, type ConnectStruct } from '../connect/schema.js';

const string: ConnectSchema = { type: 'string', optional: false };
const int64: ConnectSchema = { type: 'int64', optional: false };

export const TRANSACTION_KEY_SCHEMA: ConnectSchema = struct('io.debezium.connector.common.TransactionMetadataKey', [
  field('id', string),
], { version: 1 });

const DATA_COLLECTION_SCHEMA: ConnectSchema = struct('event.collection', [
  field('data_collection', string),
  field('event_count', int64),
], { optional: true, version: 1 });

export const TRANSACTION_VALUE_SCHEMA: ConnectSchema = struct('io.debezium.connector.common.TransactionMetadataValue', [
  field('status', string),
  field('id', string),
  field('event_count', optional(int64)),
  field('data_collections', { type: 'array', optional: true, items: DATA_COLLECTION_SCHEMA }),
  field('ts_ms', int64),
], { version: 1 });

/** `<prefix><delimiter><topic.transaction>`. */
export function transactionTopic(prefix: string, delimiter: string, suffix: string): string {
  return `${prefix}${delimiter}${suffix}`;
}

export function transactionBegin(id: string, timestampMs: number): { key: ConnectStruct; value: ConnectStruct } {
  return {
    key: { id },
    value: { status: 'BEGIN', id, event_count: null, data_collections: null, ts_ms: BigInt(timestampMs) },
  };
}

export function transactionEnd(
  id: string, timestampMs: number, total: number, perCollection: ReadonlyMap<string, number>,
): { key: ConnectStruct; value: ConnectStruct } {
  return {
    key: { id },
    value: {
      status: 'END',
      id,
      event_count: BigInt(total),
      data_collections: javaHashMapOrder([...perCollection.keys()]).map((name) => ({
        data_collection: name, event_count: BigInt(perCollection.get(name)!),
      })),
      ts_ms: BigInt(timestampMs),
    },
  };
}

/**
 * The iteration order of a java.util.HashMap<String, …> filled with `keys` in this order: Debezium
 * lists END's data_collections from one (TransactionContext), so consumers see this order.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  // HashMap doubles its table when the size exceeds 0.75 of it; insertion order is kept per bucket.
  while (keys.length > capacity * 0.75) capacity *= 2;
  const buckets = new Map<number, string[]>();
  for (const key of keys) {
    const h = javaStringHash(key);
    const index = (h ^ (h >>> 16)) & (capacity - 1);
    const bucket = buckets.get(index) ?? [];
    bucket.push(key);
    buckets.set(index, bucket);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, bucket]) => bucket);
}

function javaStringHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}
