// org.apache.kafka.connect.json.JsonConverter, byte for byte: with schemas.enable=true each record is
// `{"schema":…,"payload":…}` (asJsonSchema / convertToJson, keys in Kafka's order), without it the
// payload alone. Numbers are written as Jackson writes Java 17's (1.0, 1.0E10, 1.17549435E-38), bytes
// and Connect decimals as base64 (decimal.format=BASE64) or decimals as numbers (NUMERIC), and a null
// in a field with a default is written as the default (replace.null.with.default=true). A schema's
// JSON text is built once per schema object.
import { DECIMAL_SCHEMA_NAME, type ConnectSchema, type ConnectValue } from '../connect/schema.js';
import { decimalToBytes } from './decimal.js';
import { javaDoubleText, javaFloatText } from './java-number-text.js';

export interface JsonConverterOptions {
  schemasEnable: boolean;
  decimalFormat: 'BASE64' | 'NUMERIC';
  replaceNullWithDefault: boolean;
}

/** A value the schema cannot hold: the record fails conversion (errors.tolerance decides). */
export class JsonConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataException';
  }
}

const TYPE_NAMES: Record<ConnectSchema['type'], string> = {
  int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64', float32: 'float', float64: 'double',
  boolean: 'boolean', string: 'string', bytes: 'bytes', array: 'array', map: 'map', struct: 'struct',
};

export function createJsonConverter(options: JsonConverterOptions): (schema: ConnectSchema | null, value: ConnectValue) => Buffer | null {
  const schemaTexts = new WeakMap<ConnectSchema, string>();
  const schemaText = (schema: ConnectSchema): string => {
    let text = schemaTexts.get(schema);
    if (text === undefined) {
      text = jsonSchema(schema, options);
      schemaTexts.set(schema, text);
    }
    return text;
  };
  return (schema, value) => {
    if (schema === null && value === null) return null;
    const payload = schema === null ? schemaless(value) : convert(schema, value, options);
    if (!options.schemasEnable) return Buffer.from(payload);
    return Buffer.from(`{"schema":${schema === null ? 'null' : schemaText(schema)},"payload":${payload}}`);
  };
}

/** JsonConverter.asJsonSchema as text. */
export function jsonSchema(schema: ConnectSchema, options: JsonConverterOptions, fieldName?: string): string {
  const parts = [`"type":"${TYPE_NAMES[schema.type]}"`];
  if (schema.type === 'struct') parts.push(`"fields":[${(schema.fields ?? []).map((f) => jsonSchema(f.schema, options, f.name)).join(',')}]`);
  if (schema.type === 'array') parts.push(`"items":${jsonSchema(schema.items!, options)}`);
  if (schema.type === 'map') parts.push(`"keys":${jsonSchema(schema.keys!, options)}`, `"values":${jsonSchema(schema.values!, options)}`);
  parts.push(`"optional":${schema.optional}`);
  if (schema.name !== undefined) parts.push(`"name":${jsonString(schema.name)}`);
  if (schema.version !== undefined) parts.push(`"version":${schema.version}`);
  if (schema.doc !== undefined) parts.push(`"doc":${jsonString(schema.doc)}`);
  if (schema.parameters !== undefined) {
    parts.push(`"parameters":{${Object.entries(schema.parameters).map(([k, v]) => `${jsonString(k)}:${jsonString(v)}`).join(',')}}`);
  }
  if (schema.defaultValue !== undefined && schema.defaultValue !== null) parts.push(`"default":${convert(schema, schema.defaultValue, options)}`);
  if (fieldName !== undefined) parts.push(`"field":${jsonString(fieldName)}`);
  return `{${parts.join(',')}}`;
}

/** JsonConverter.convertToJson as text. */
export function convert(schema: ConnectSchema, value: ConnectValue | undefined, options: JsonConverterOptions): string {
  if (value === null || value === undefined) {
    if (schema.defaultValue !== undefined && schema.defaultValue !== null && options.replaceNullWithDefault) return convert(schema, schema.defaultValue, options);
    if (schema.optional) return 'null';
    throw new JsonConversionError(`Conversion error: null value for field that is required and has no default value${schema.name ? ` (${schema.name})` : ''}`);
  }
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32':
      return String(expectNumber(value, schema));
    case 'int64':
      if (typeof value === 'bigint') return value.toString();
      return String(Math.trunc(expectNumber(value, schema)));
    case 'float32':
      return jacksonNumber(javaFloatText(expectNumber(value, schema)));
    case 'float64':
      return jacksonNumber(javaDoubleText(expectNumber(value, schema)));
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(schema, value);
      return value ? 'true' : 'false';
    case 'string':
      if (typeof value !== 'string') throw mismatch(schema, value);
      return jsonString(value);
    case 'bytes':
      if (schema.name === DECIMAL_SCHEMA_NAME) {
        if (typeof value !== 'string') throw mismatch(schema, value);
        if (options.decimalFormat === 'NUMERIC') return value;
        return `"${decimalToBytes(value, Number(schema.parameters?.['scale'] ?? 0)).toString('base64')}"`;
      }
      if (!Buffer.isBuffer(value)) throw mismatch(schema, value);
      return `"${value.toString('base64')}"`;
    case 'array':
      if (!Array.isArray(value)) throw mismatch(schema, value);
      return `[${value.map((item) => convert(schema.items!, item, options)).join(',')}]`;
    case 'map': {
      const entries = Object.entries(value as Record<string, ConnectValue>);
      if (schema.keys!.type === 'string') return `{${entries.map(([k, v]) => `${jsonString(k)}:${convert(schema.values!, v, options)}`).join(',')}}`;
      return `[${entries.map(([k, v]) => `[${convert(schema.keys!, k, options)},${convert(schema.values!, v, options)}]`).join(',')}]`;
    }
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) throw mismatch(schema, value);
      const struct = value as Record<string, ConnectValue>;
      return `{${(schema.fields ?? []).map((f) => `${jsonString(f.name)}:${convert(f.schema, struct[f.name], options)}`).join(',')}}`;
    }
  }
}

/** A value with no schema (schemas.enable=false or a schemaless record): its natural JSON. */
function schemaless(value: ConnectValue): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : jacksonNumber(javaDoubleText(value));
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value)) return `"${value.toString('base64')}"`;
  if (Array.isArray(value)) return `[${value.map(schemaless).join(',')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${jsonString(k)}:${schemaless(v)}`).join(',')}}`;
}

function expectNumber(value: ConnectValue, schema: ConnectSchema): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw mismatch(schema, value);
}

function mismatch(schema: ConnectSchema, value: ConnectValue): JsonConversionError {
  const kind = Buffer.isBuffer(value) ? 'bytes' : Array.isArray(value) ? 'array' : typeof value;
  return new JsonConversionError(`Invalid type for ${schema.type.toUpperCase()}${schema.name ? ` (${schema.name})` : ''}: ${kind}`);
}

/** Jackson's string escaping: JSON.stringify's, but \u00XX escapes in upper case. */
export function jsonString(text: string): string {
  const quoted = JSON.stringify(text);
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u0007\u000b\u000e-\u001f]/.test(text)) return quoted;
  let out = '"';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += code < 0x20 && !'\b\t\n\f\r'.includes(c) ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(c).slice(1, -1);
  }
  return `${out}"`;
}

/** Jackson writes a float or double with Java's toString, and quotes NaN and the infinities (QUOTE_NON_NUMERIC_NUMBERS). */
function jacksonNumber(text: string): string {
  return text === 'NaN' || text.endsWith('Infinity') ? `"${text}"` : text;
}
