// Change records shaped as the envelope stage makes them, for transform tests.
import type { ConnectSchema, ConnectStruct } from '../../../src/connect/schema.js';
import type { ConnectRecord } from '../../../src/transforms/record.js';

export const keySchema: ConnectSchema = { type: 'struct', optional: false, name: 'p.db.t.Key', fields: [{ name: 'id', schema: { type: 'int32', optional: false } }] };
export const rowSchema: ConnectSchema = {
  type: 'struct', optional: true, name: 'p.db.t.Value', fields: [
    { name: 'id', schema: { type: 'int32', optional: false } },
    { name: 'name', schema: { type: 'string', optional: true, defaultValue: 'none' } },
  ],
};
export const sourceSchema: ConnectSchema = {
  type: 'struct', optional: false, name: 'io.debezium.connector.mariadb.Source', version: 1, fields: [
    { name: 'db', schema: { type: 'string', optional: false } },
    { name: 'table', schema: { type: 'string', optional: true } },
    { name: 'ts_ms', schema: { type: 'int64', optional: false } },
    { name: 'row', schema: { type: 'int32', optional: false } },
  ],
};
export const envelopeSchema: ConnectSchema = {
  type: 'struct', optional: false, name: 'p.db.t.Envelope', version: 2, fields: [
    { name: 'before', schema: rowSchema },
    { name: 'after', schema: rowSchema },
    { name: 'source', schema: sourceSchema },
    { name: 'transaction', schema: { type: 'struct', optional: true, name: 'event.block', version: 1, fields: [{ name: 'id', schema: { type: 'string', optional: false } }] } },
    { name: 'op', schema: { type: 'string', optional: false } },
    { name: 'ts_ms', schema: { type: 'int64', optional: true } },
  ],
};

const source: ConnectStruct = { db: 'db', table: 't', ts_ms: 1000n, row: 0 };

export function change(op: 'c' | 'u' | 'd' | 'r', before: ConnectStruct | null, after: ConnectStruct | null, topic = 'p.db.t'): ConnectRecord {
  const row = (after ?? before)!;
  return {
    topic,
    keySchema,
    key: { id: row['id']! },
    valueSchema: envelopeSchema,
    value: { before, after, source, transaction: null, op, ts_ms: 2000n },
    headers: {},
  };
}

export function tombstone(id: number, topic = 'p.db.t'): ConnectRecord {
  return { topic, keySchema, key: { id }, valueSchema: null, value: null, headers: {} };
}
