// What Kafka Connect's JsonConverter (schemas.enable=true) writes for a Connect schema and value,
// as JSON.parse reads it back; so binlogd's schemas and values can be compared with the Debezium
// oracle's records (JsonConverter.asJsonSchema / convertToJson) with deepEqual.
import { DECIMAL_SCHEMA_NAME, type ConnectSchema, type ConnectValue } from '../../src/connect/schema.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const JSON_TYPE_NAMES: Record<ConnectSchema['type'], string> = {
  int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64',
  float32: 'float', float64: 'double',
  boolean: 'boolean', string: 'string', bytes: 'bytes',
  array: 'array', map: 'map', struct: 'struct',
};

/** JsonConverter.asJsonSchema, keys in the same order. */
export function toJsonConverterSchema(schema: ConnectSchema): { [key: string]: Json } {
  const out: { [key: string]: Json } = { type: JSON_TYPE_NAMES[schema.type] };
  if (schema.type === 'struct') out['fields'] = (schema.fields ?? []).map((f) => toJsonConverterField(f.name, f.schema));
  if (schema.type === 'array') out['items'] = toJsonConverterSchema(schema.items!);
  if (schema.type === 'map') {
    out['keys'] = toJsonConverterSchema(schema.keys!);
    out['values'] = toJsonConverterSchema(schema.values!);
  }
  out['optional'] = schema.optional;
  if (schema.name !== undefined) out['name'] = schema.name;
  if (schema.version !== undefined) out['version'] = schema.version;
  if (schema.doc !== undefined) out['doc'] = schema.doc;
  if (schema.parameters !== undefined) out['parameters'] = { ...schema.parameters };
  if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
    out['default'] = toJsonConverterPayload(schema.defaultValue, schema);
  }
  return out;
}

/** A struct field's schema as it appears in the parent's `fields` array. */
export function toJsonConverterField(name: string, schema: ConnectSchema): { [key: string]: Json } {
  return { ...toJsonConverterSchema(schema), field: name };
}

export interface PayloadOptions {
  /** JsonConverter's replace.null.with.default (default true): a null value of a schema with a
   *  default is written as the default. */
  replaceNullWithDefault?: boolean;
}

/** JsonConverter.convertToJson. int64 values become Numbers, as JSON.parse reads the oracle's records. */
export function toJsonConverterPayload(value: ConnectValue | undefined, schema: ConnectSchema, options: PayloadOptions = {}): Json {
  if (value === null || value === undefined) {
    if (schema.defaultValue !== undefined && schema.defaultValue !== null && options.replaceNullWithDefault !== false) {
      return toJsonConverterPayload(schema.defaultValue, schema, options);
    }
    if (schema.optional) return null;
    throw new Error(`null value for a required ${schema.type} schema ${schema.name ?? ''}`);
  }
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32': case 'float64':
      return expect(value, 'number');
    case 'int64':
      return Number(typeof value === 'bigint' ? value : expect(value, 'number'));
    case 'float32':
      return float32Json(expect(value, 'number'));
    case 'boolean':
      return expect(value, 'boolean');
    case 'string':
      return expect(value, 'string');
    case 'bytes':
      if (schema.name === DECIMAL_SCHEMA_NAME) {
        return decimalBytes(expect(value, 'string'), Number(schema.parameters?.['scale'] ?? 0)).toString('base64');
      }
      if (!Buffer.isBuffer(value)) throw new Error(`bytes value is not a Buffer: ${String(value)}`);
      return value.toString('base64');
    case 'array':
      if (!Array.isArray(value)) throw new Error('array value is not an array');
      return value.map((item) => toJsonConverterPayload(item, schema.items!, options));
    case 'map': {
      const entries = Object.entries(value as Record<string, ConnectValue>);
      if (schema.keys!.type === 'string') {
        return Object.fromEntries(entries.map(([k, v]) => [k, toJsonConverterPayload(v, schema.values!, options)]));
      }
      return entries.map(([k, v]) => [toJsonConverterPayload(k, schema.keys!, options), toJsonConverterPayload(v, schema.values!, options)]);
    }
    case 'struct': {
      const struct = value as Record<string, ConnectValue>;
      const out: { [key: string]: Json } = {};
      for (const f of schema.fields ?? []) out[f.name] = toJsonConverterPayload(struct[f.name], f.schema, options);
      return out;
    }
  }
}

function expect<T extends 'number' | 'boolean' | 'string'>(
  value: ConnectValue, type: T,
): T extends 'number' ? number : T extends 'boolean' ? boolean : string {
  if (typeof value !== type) throw new Error(`expected a ${type}, got ${typeof value}: ${String(value)}`);
  return value as never;
}

/**
 * A float32 as Jackson writes it (Float.toString: the shortest decimal that reads back as the same
 * float), then read as a double by JSON.parse: 3.14f is 3.14, not 3.140000104904175.
 */
export function float32Json(value: number): number {
  const f = Math.fround(value);
  if (!Number.isFinite(f)) return f;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** Connect's Decimal bytes: the unscaled value, two's complement, big-endian, minimal length (BigInteger.toByteArray). */
export function decimalBytes(text: string, scale: number): Buffer {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new Error(`not a decimal: ${text}`);
  const fraction = (match[3] ?? '').padEnd(scale, '0');
  if (fraction.length > scale) throw new Error(`${text} has more than ${scale} fraction digits`);
  let unscaled = BigInt((match[2] ?? '') + fraction || '0');
  if (match[1] === '-') unscaled = -unscaled;
  let length = 1;
  while (unscaled >= 1n << BigInt(8 * length - 1) || unscaled < -(1n << BigInt(8 * length - 1))) length++;
  let bits = BigInt.asUintN(8 * length, unscaled);
  const out = Buffer.alloc(length);
  for (let i = length - 1; i >= 0; i--, bits >>= 8n) out[i] = Number(bits & 0xffn);
  return out;
}
