// Connect key/value -> Confluent-framed Avro, as the AvroConverter does with TopicNameStrategy subjects
// `<topic>-key` / `<topic>-value`. All schema work (Avro JSON, registration, codec, wire header) happens
// once per (topic, ConnectSchema object); the per-record path is two map lookups and the encode itself.

import type { ConnectSchema, ConnectValue } from '../connect/schema.js';
import { BinlogdError } from '../errors.js';
import { type AvroCodec, createAvroCodec } from './avro-codec.js';
import { type AvroSchemaDefinition, buildAvroSchema } from './avro-schema.js';
import type { RegistryClient } from './registry.js';
import { frameHeader } from './wire-format.js';

export interface PreparedSchema {
  readonly subject: string;
  readonly schemaId: number;
  readonly avroSchema: AvroSchemaDefinition;
  /** Synchronous; `null` for a null value (a tombstone, or the key of a keyless table). */
  serialize(value: ConnectValue): Buffer | null;
}

export interface AvroSerializer {
  /** Registers (once) and returns the ready-to-use serializer for the key subject of `topic`. */
  prepareKey(topic: string, schema: ConnectSchema): Promise<PreparedSchema>;
  prepareValue(topic: string, schema: ConnectSchema): Promise<PreparedSchema>;
  serializeKey(topic: string, schema: ConnectSchema | null, value: ConnectValue): Promise<Buffer | null>;
  serializeValue(topic: string, schema: ConnectSchema | null, value: ConnectValue): Promise<Buffer | null>;
  /** The prepared serializer for a subject, without waiting; undefined until prepareKey/prepareValue resolved. */
  ready(kind: Kind, topic: string, schema: ConnectSchema): PreparedSchema | undefined;
}

export type Kind = 'key' | 'value';

interface Entry {
  prepared?: PreparedSchema;
  pending?: Promise<PreparedSchema>;
}

interface Compiled {
  readonly avroSchema: AvroSchemaDefinition;
  readonly codec: AvroCodec;
}

export function createAvroSerializer(registry: Pick<RegistryClient, 'registerText'>): AvroSerializer {
  // Keyed by schema object, then topic: no subject string is built per record. A schema object that is
  // no longer used (after a DDL change) is dropped with its entries.
  const entries: Record<Kind, WeakMap<ConnectSchema, Map<string, Entry>>> = { key: new WeakMap(), value: new WeakMap() };
  const compiled = new WeakMap<ConnectSchema, Compiled>();

  const compile = (schema: ConnectSchema): Compiled => {
    let found = compiled.get(schema);
    if (found === undefined) {
      const avroSchema = buildAvroSchema(schema);
      found = { avroSchema, codec: createAvroCodec(avroSchema.json) };
      compiled.set(schema, found);
    }
    return found;
  };

  const prepareNew = async (kind: Kind, topic: string, schema: ConnectSchema): Promise<PreparedSchema> => {
    const { avroSchema, codec } = compile(schema);
    const subject = `${topic}-${kind}`;
    const schemaId = await registry.registerText(subject, avroSchema.text);
    const header = frameHeader(schemaId);
    return {
      subject,
      schemaId,
      avroSchema,
      serialize: (value) => (value === null ? null : codec.encodeWithPrefix(header, value)),
    };
  };

  const prepare = (kind: Kind, topic: string, schema: ConnectSchema): Promise<PreparedSchema> => {
    let byTopic = entries[kind].get(schema);
    if (byTopic === undefined) {
      byTopic = new Map();
      entries[kind].set(schema, byTopic);
    }
    const entry = byTopic.get(topic);
    if (entry?.prepared !== undefined) return Promise.resolve(entry.prepared);
    if (entry?.pending !== undefined) return entry.pending;
    const fresh: Entry = {};
    const table = byTopic;
    fresh.pending = prepareNew(kind, topic, schema).then(
      (prepared) => {
        fresh.prepared = prepared;
        delete fresh.pending;
        return prepared;
      },
      (error: unknown) => {
        // Not remembered: the next record tries again (the registry may be back).
        if (table.get(topic) === fresh) table.delete(topic);
        throw error;
      },
    );
    table.set(topic, fresh);
    return fresh.pending;
  };

  const serialize = async (kind: Kind, topic: string, schema: ConnectSchema | null, value: ConnectValue): Promise<Buffer | null> => {
    if (value === null) return null;
    if (schema === null) throw new BinlogdError('INTERNAL', `a ${kind} for topic ${topic} has a value but no schema`);
    const ready = entries[kind].get(schema)?.get(topic)?.prepared;
    return (ready ?? await prepare(kind, topic, schema)).serialize(value);
  };

  return {
    prepareKey: (topic, schema) => prepare('key', topic, schema),
    prepareValue: (topic, schema) => prepare('value', topic, schema),
    serializeKey: (topic, schema, value) => serialize('key', topic, schema, value),
    serializeValue: (topic, schema, value) => serialize('value', topic, schema, value),
    ready: (kind, topic, schema) => entries[kind].get(schema)?.get(topic)?.prepared,
  };
}
