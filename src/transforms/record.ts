// The record every transform reads and returns: Kafka Connect's ConnectRecord (topic, partition,
// key and value with their schemas, headers, timestamp) over binlogd's Connect data model. Change
// records from the envelope stage are ConnectRecords as they are.
import type { ConnectField, ConnectSchema, ConnectStruct, ConnectValue } from '../connect/schema.js';
import { headerText } from '../envelope/change-events.js';

export interface ConnectRecord {
  readonly topic: string;
  /** Set only when a transform prescribes it (EventRouter's `:partition` placement). */
  readonly partition?: number;
  readonly keySchema: ConnectSchema | null;
  readonly key: ConnectValue;
  readonly valueSchema: ConnectSchema | null;
  readonly value: ConnectValue;
  /** Header values as SimpleHeaderConverter writes them (text), or bytes as they are. */
  readonly headers: Readonly<Record<string, string | Buffer>>;
  /** The Kafka record timestamp; unset means the producer's clock, as for Debezium's records. */
  readonly timestampMs?: number;
}

/** A transform: the record it becomes, or null to drop it (as a Connect SMT returning null). */
export type Transform = (record: ConnectRecord) => ConnectRecord | null;

/** What a transform may report while it runs (warnings Debezium logs). */
export interface TransformContext {
  warn(message: string, details?: Record<string, unknown>): void;
}

/** Thrown by a transform for a record it cannot handle: the error policy decides (errors.tolerance). */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}

/** Debezium's envelope check (SmtManager.isValidEnvelope): a struct schema named `*.Envelope`. */
export function isEnvelope(record: ConnectRecord): boolean {
  const name = record.valueSchema?.name;
  return record.value !== null && record.valueSchema?.type === 'struct' && name !== undefined && name.endsWith('.Envelope');
}

export function fieldOf(schema: ConnectSchema | null | undefined, name: string): ConnectField | undefined {
  return schema?.fields?.find((f) => f.name === name);
}

/** Kafka's SchemaUtil.copySchemaBasics: name, version, doc and parameters, but not optionality or default. */
export function copySchemaBasics(schema: ConnectSchema, fields: readonly ConnectField[]): ConnectSchema {
  return {
    type: 'struct',
    optional: false,
    ...(schema.name === undefined ? {} : { name: schema.name }),
    ...(schema.version === undefined ? {} : { version: schema.version }),
    ...(schema.doc === undefined ? {} : { doc: schema.doc }),
    ...(schema.parameters === undefined ? {} : { parameters: schema.parameters }),
    fields,
  };
}

/** A field schema as Debezium copies it into added fields: the same type, made optional, no default. */
export function optionalBasics(schema: ConnectSchema): ConnectSchema {
  const { defaultValue: _default, ...rest } = schema;
  return { ...rest, optional: true };
}

/** Struct.get: a null field value reads as the field schema's default, when it has one. */
export function getWithDefault(struct: ConnectStruct, field: ConnectField): ConnectValue {
  const value = struct[field.name] ?? null;
  return value === null && field.schema.defaultValue !== undefined ? field.schema.defaultValue : value;
}

/** SimpleHeaderConverter's text for a header value (Values.convertToString); strings as they are. */
export function headerValue(value: ConnectValue): string | Buffer {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value;
  return headerText(value);
}

/**
 * A cache keyed by schema object: transforms derive output schemas from input schemas once, and
 * return the same object every time, so the converters' per-schema caches stay warm.
 */
export class SchemaCache<K extends object, V> {
  private readonly map = new WeakMap<K, Map<string, V>>();

  get(schema: K, extra: string, build: () => V): V {
    let inner = this.map.get(schema);
    if (inner === undefined) {
      inner = new Map();
      this.map.set(schema, inner);
    }
    let value = inner.get(extra);
    if (value === undefined) {
      value = build();
      inner.set(extra, value);
    }
    return value;
  }
}
