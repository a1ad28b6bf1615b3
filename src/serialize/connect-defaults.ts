// Kafka Connect's Struct.get reads a null field as the field's default, and the AvroConverter
// (AvroData.fromConnectData) reads every field that way unless ignore.default.for.nullables=true.
// binlogd's structs keep a NULL column null, as Debezium's do; this applies the defaults where the
// converter would, compiled once per schema.
import type { ConnectSchema, ConnectStruct, ConnectValue } from '../connect/schema.js';

type Apply = (value: ConnectValue) => ConnectValue;

/** The value as Struct.get reads it at every depth; `undefined` when the schema has no default anywhere. */
export function defaultsApplier(schema: ConnectSchema): Apply | undefined {
  if (schema.type === 'struct') return structApplier(schema);
  if (schema.type === 'array' && schema.items) {
    const inner = defaultsApplier(schema.items);
    return inner && ((value) => Array.isArray(value) ? value.map((item) => item === null ? item : inner(item)) : value);
  }
  return undefined;
}

interface FieldStep {
  name: string;
  /** Written in place of a null. */
  fallback?: ConnectValue;
  /** Applied to a non-null value (a nested struct holding defaults). */
  inner?: Apply;
}

function structApplier(schema: ConnectSchema): Apply | undefined {
  const steps: FieldStep[] = [];
  for (const field of schema.fields ?? []) {
    const fallback = field.schema.defaultValue;
    const inner = defaultsApplier(field.schema);
    if ((fallback === undefined || fallback === null) && inner === undefined) continue;
    steps.push({ name: field.name, ...(fallback === undefined || fallback === null ? {} : { fallback }), ...(inner ? { inner } : {}) });
  }
  if (steps.length === 0) return undefined;
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) return value;
    const struct = value as ConnectStruct;
    let out = struct;
    for (const { name, fallback, inner } of steps) {
      const current = struct[name];
      const next = current === null || current === undefined ? (fallback ?? null) : inner ? inner(current) : current;
      if (next === current || (next === null && current === undefined)) continue;
      // Copied only when something changes: most rows have no null with a default.
      if (out === struct) out = { ...struct };
      out[name] = next;
    }
    return out;
  };
}
