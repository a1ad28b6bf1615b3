// The inverse of Kafka Connect's JsonConverter schema rendering: a Debezium record's `schema` JSON
// back into our ConnectSchema, so a test can ask "what Avro would the AvroConverter register for
// Debezium's schema?" and compare it with what binlogd registered.
import { DECIMAL_SCHEMA_NAME, type ConnectSchema, type ConnectType, type ConnectValue } from '../../src/connect/schema.js';

export interface JsonConverterSchema {
  type: string;
  optional?: boolean;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Record<string, string>;
  default?: unknown;
  field?: string;
  fields?: JsonConverterSchema[];
  items?: JsonConverterSchema;
  keys?: JsonConverterSchema;
  values?: JsonConverterSchema;
}

// JsonConverter names FLOAT32/FLOAT64 "float"/"double"; every other type keeps its Connect name.
const TYPE_NAMES: Record<string, ConnectType> = { float: 'float32', double: 'float64' };

export function fromJsonConverterSchema(json: JsonConverterSchema): ConnectSchema {
  const type = TYPE_NAMES[json.type] ?? (json.type as ConnectType);
  const schema: { -readonly [K in keyof ConnectSchema]: ConnectSchema[K] } = { type, optional: json.optional ?? false };
  if (json.name !== undefined) schema.name = json.name;
  if (json.version !== undefined) schema.version = json.version;
  if (json.doc !== undefined) schema.doc = json.doc;
  if (json.parameters !== undefined) schema.parameters = json.parameters;
  if (json.fields) schema.fields = json.fields.map((f) => ({ name: f.field!, schema: fromJsonConverterSchema(f) }));
  if (json.items) schema.items = fromJsonConverterSchema(json.items);
  if (json.keys) schema.keys = fromJsonConverterSchema(json.keys);
  if (json.values) schema.values = fromJsonConverterSchema(json.values);
  if (json.default !== undefined) schema.defaultValue = fromJsonValue(json.default, schema);
  return schema;
}

/** A JsonConverter payload value (int64 as number, bytes and Decimal as base64) as a ConnectValue. */
export function fromJsonValue(value: unknown, schema: ConnectSchema): ConnectValue {
  if (value === null || value === undefined) return null;
  if (schema.name === DECIMAL_SCHEMA_NAME) {
    const bytes = Buffer.from(String(value), 'base64');
    return decimalText(bytes, Number(schema.parameters?.['scale'] ?? 0));
  }
  switch (schema.type) {
    case 'int64': return BigInt(value as number);
    case 'bytes': return Buffer.from(String(value), 'base64');
    case 'struct': {
      const out: Record<string, ConnectValue> = {};
      for (const f of schema.fields ?? []) out[f.name] = fromJsonValue((value as Record<string, unknown>)[f.name], f.schema);
      return out;
    }
    case 'array': return (value as unknown[]).map((v) => fromJsonValue(v, schema.items!));
    default: return value as ConnectValue;
  }
}

function decimalText(bytes: Buffer, scale: number): string {
  let unscaled = bytes.length === 0 ? 0n : BigInt.asIntN(bytes.length * 8, BigInt('0x' + bytes.toString('hex')));
  const negative = unscaled < 0n;
  if (negative) unscaled = -unscaled;
  const digits = unscaled.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
