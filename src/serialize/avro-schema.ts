// Connect schema -> Avro schema, rule for rule as the Confluent AvroConverter's AvroData.fromConnectSchema
// does it with its defaults (connect.meta.data=true, enhanced.avro.schema.support=false), so the schema we
// register is byte-identical to the one Debezium registers and gets the same id. Pure; runs once per schema.

import { type ConnectSchema, type ConnectValue, DECIMAL_SCHEMA_NAME } from '../connect/schema.js';
import { BinlogdError } from '../errors.js';
import { JavaNumber, type JTree, type JsonValue, toJsonText, toPlainJson } from './avro-json.js';
import { type AvroField, type AvroNode, type AvroPrimitive, type AvroProps, type AvroRecord, renderAvro } from './avro-render.js';
import { decimalToBytes } from './decimal.js';

/** An Avro schema as JSON (a type name, a record/array/map object, or a union array). */
export type AvroSchemaJson = JsonValue;

export interface AvroSchemaDefinition {
  /** For avsc and for reading; int64 defaults beyond 2^53 are decimal strings here (JSON numbers cannot hold them). */
  readonly json: AvroSchemaJson;
  /** Exactly what Java's Schema.toString() gives: the text to register. */
  readonly text: string;
}

const NAMESPACE = 'io.confluent.connect.avro';
const DEFAULT_SCHEMA_NAME = 'ConnectDefault';
const MAP_ENTRY_TYPE_NAME = 'MapEntry';
const AVRO_RECORD_DOC_PROP = `${NAMESPACE}.record.doc`;
const AVRO_FIELD_DOC_PREFIX_PROP = `${NAMESPACE}.field.doc.`;
const AVRO_FIELD_DEFAULT_FLAG_PROP = `${NAMESPACE}.field.default`;
const DECIMAL_PRECISION_PARAM = 'connect.decimal.precision';
const DECIMAL_PRECISION_DEFAULT = 64;
const CONNECT_LOGICAL_TYPES: ReadonlyMap<string, string> = new Map([
  ['org.apache.kafka.connect.data.time', 'time-millis'],
  ['org.apache.kafka.connect.data.timestamp', 'timestamp-millis'],
  ['org.apache.kafka.connect.data.date', 'date'],
]);

export function buildAvroSchema(schema: ConnectSchema): AvroSchemaDefinition {
  const tree = renderAvro(fromConnect(schema, newContext(), false));
  return { json: toPlainJson(tree), text: toJsonText(tree) };
}

export function toAvroSchema(schema: ConnectSchema): AvroSchemaJson {
  return buildAvroSchema(schema).json;
}

export function toAvroSchemaText(schema: ConnectSchema): string {
  return buildAvroSchema(schema).text;
}

/** AvroData's FromConnectContext: reuse of equal schemas, struct names in progress, ConnectDefault numbering. */
interface Context {
  readonly schemaMap: Map<string, AvroNode>;
  readonly cycleReferences: Map<string, AvroRecord>;
  readonly keys: Map<ConnectSchema, string>;
  nameIndex: number;
}

function newContext(): Context {
  return { schemaMap: new Map(), cycleReferences: new Map(), keys: new Map(), nameIndex: 0 };
}

function fromConnect(schema: ConnectSchema, ctx: Context, ignoreOptional: boolean): AvroNode {
  // Only required schemas are reused: an optional one is a fresh union around the required one.
  const key = schema.optional ? undefined : connectKey(schema, ctx);
  if (key !== undefined) {
    const cached = ctx.schemaMap.get(key);
    if (cached !== undefined) return cached;
  }
  if (schema.type === 'struct' && schema.optional) {
    // The struct case builds its own union, always null first, and carries no metadata itself.
    return { kind: 'union', types: [primitive('null'), withCycle({ ...schema, optional: false }, ctx, false)] };
  }
  const base = baseSchema(schema, ctx);
  addConnectMetadata(base.props, schema);
  addLogicalType(base.props, schema);
  for (const [name, value] of Object.entries(schema.parameters ?? {})) {
    if (name.startsWith('avro')) addProp(base.props, name, value);
  }
  const result = ignoreOptional ? base : maybeOptional(schema, base);
  if (key !== undefined) ctx.schemaMap.set(key, result);
  return result;
}

type BaseNode = Exclude<AvroNode, { kind: 'union' }>;

function baseSchema(schema: ConnectSchema, ctx: Context): BaseNode {
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32': return primitive('int');
    case 'int64': return primitive('long');
    case 'float32': return primitive('float');
    case 'float64': return primitive('double');
    case 'boolean': return primitive('boolean');
    case 'string': return primitive('string');
    case 'bytes': {
      const node = primitive('bytes');
      if (isDecimal(schema)) {
        node.props.set('scale', new JavaNumber('int', decimalScale(schema)));
        node.props.set('precision', new JavaNumber('int', decimalPrecision(schema)));
      }
      return node;
    }
    case 'array':
      return { kind: 'array', items: withCycle(part(schema, 'items'), ctx, false), props: new Map() };
    case 'map': {
      const keys = part(schema, 'keys');
      const values = part(schema, 'values');
      if (keys.type === 'string' && !keys.optional) {
        return { kind: 'map', values: withCycle(values, ctx, false), props: new Map() };
      }
      // Avro maps only have string keys; anything else is an array of key/value records.
      const [space, name] = schema.name === undefined ? [NAMESPACE, MAP_ENTRY_TYPE_NAME] : nameOrDefault(ctx, schema.name);
      const entry: AvroRecord = { kind: 'record', name, space, doc: null, fields: [], props: new Map() };
      if (schema.name !== undefined) entry.props.set('connect.internal.type', MAP_ENTRY_TYPE_NAME);
      entry.fields = [field(ctx, 'key', keys, null), field(ctx, 'value', values, null)];
      return { kind: 'array', items: entry, props: new Map() };
    }
    case 'struct': {
      const [space, name] = nameOrDefault(ctx, schema.name);
      const params = schema.parameters ?? {};
      const record: AvroRecord = { kind: 'record', name, space, doc: params[AVRO_RECORD_DOC_PROP] ?? null, fields: [], props: new Map() };
      if (schema.name !== undefined) ctx.cycleReferences.set(schema.name, record);
      record.fields = (schema.fields ?? []).map((f) =>
        field(ctx, f.name, f.schema, params[AVRO_FIELD_DOC_PREFIX_PROP + f.name] ?? null));
      return record;
    }
  }
}

function addConnectMetadata(props: AvroProps, schema: ConnectSchema): void {
  if (schema.doc !== undefined) props.set('connect.doc', schema.doc);
  if (schema.version !== undefined) props.set('connect.version', new JavaNumber('int', schema.version));
  const params = schema.parameters ?? {};
  const shown = Object.entries(params).filter(([name]) => name !== AVRO_FIELD_DEFAULT_FLAG_PROP);
  if (shown.length > 0) props.set('connect.parameters', new Map<string, JTree>(shown));
  if (hasDefault(schema) && params[AVRO_FIELD_DEFAULT_FLAG_PROP] === undefined) {
    props.set('connect.default', defaultFromConnect(schema, schema.defaultValue));
  }
  if (schema.name !== undefined) props.set('connect.name', schema.name);
  if (schema.type === 'int8' || schema.type === 'int16') props.set('connect.type', schema.type);
}

function addLogicalType(props: AvroProps, schema: ConnectSchema): void {
  if (schema.name === undefined) return;
  // Both the LogicalTypes.addToSchema path and the legacy property path end in one `logicalType`
  // property after the connect.* ones (the legacy path alone when scale is outside 0..precision).
  if (isDecimal(schema)) {
    addProp(props, 'logicalType', 'decimal');
    return;
  }
  const logical = CONNECT_LOGICAL_TYPES.get(schema.name.toLowerCase());
  if (logical !== undefined) addProp(props, 'logicalType', logical);
}

/** Java Avro's addProp: a key already set keeps its place. */
function addProp(props: AvroProps, name: string, value: JTree): void {
  if (!props.has(name)) props.set(name, value);
}

function maybeOptional(schema: ConnectSchema, base: AvroNode): AvroNode {
  if (!schema.optional) return base;
  // With a default the union must start with the default's branch, so null goes second.
  return { kind: 'union', types: hasDefault(schema) ? [base, primitive('null')] : [primitive('null'), base] };
}

function withCycle(schema: ConnectSchema, ctx: Context, ignoreOptional: boolean): AvroNode {
  const seen = schema.name === undefined ? undefined : ctx.cycleReferences.get(schema.name);
  if (seen === undefined) return fromConnect(schema, ctx, ignoreOptional);
  return ignoreOptional ? seen : maybeOptional(schema, seen);
}

function field(ctx: Context, name: string, schema: ConnectSchema, doc: string | null): AvroField {
  let defaultValue: JTree | undefined;
  if (hasDefault(schema)) defaultValue = asFieldDefault(defaultFromConnect(schema, schema.defaultValue));
  else if (schema.optional) defaultValue = null;
  const type = fromConnect(schema, ctx, false);
  // Avro rejects a default that does not fit the (first union branch of the) type; AvroData then
  // keeps the field without a default.
  if (defaultValue !== undefined && !isValidDefault(type, defaultValue)) defaultValue = undefined;
  return { name, type, doc, defaultValue };
}

function nameOrDefault(ctx: Context, name: string | undefined): [string | null, string] {
  if (name === undefined) {
    ctx.nameIndex += 1;
    return [NAMESPACE, ctx.nameIndex > 1 ? `${DEFAULT_SCHEMA_NAME}${ctx.nameIndex}` : DEFAULT_SCHEMA_NAME];
  }
  const dot = name.lastIndexOf('.');
  if (dot < 0) return [null, name];
  const space = name.slice(0, dot);
  return [space === '' ? null : space, name.slice(dot + 1)];
}

/** AvroData.defaultValueFromConnect: the default as a Jackson tree typed by the Connect type. */
function defaultFromConnect(schema: ConnectSchema, value: ConnectValue | undefined): JTree {
  if (value === null || value === undefined) return null;
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32': return new JavaNumber('int', Number(value));
    case 'int64': return new JavaNumber('long', typeof value === 'bigint' ? value : BigInt(value as number));
    case 'float32': return new JavaNumber('float', Math.fround(Number(value)));
    case 'float64': return new JavaNumber('double', Number(value));
    case 'boolean': return value === true;
    case 'string': return String(value);
    case 'bytes': {
      const bytes = isDecimal(schema) ? decimalToBytes(String(value), decimalScale(schema)) : (value as Buffer);
      return bytes.toString('latin1');
    }
    case 'array': {
      const items = part(schema, 'items');
      return (value as ConnectValue[]).map((element) => defaultFromConnect(items, element));
    }
    case 'map': {
      const keys = part(schema, 'keys');
      const values = part(schema, 'values');
      const entries = Object.entries(value as Record<string, ConnectValue>);
      if (keys.type === 'string' && !keys.optional) {
        return new Map(entries.map(([k, v]) => [k, defaultFromConnect(values, v)]));
      }
      return entries.map(([k, v]) => [defaultFromConnect(keys, k), defaultFromConnect(values, v)]);
    }
    case 'struct': {
      const struct = value as Record<string, ConnectValue>;
      // Struct.get falls back to the field's own default when the value is null.
      return new Map((schema.fields ?? []).map((f) =>
        [f.name, defaultFromConnect(f.schema, struct[f.name] ?? f.schema.defaultValue)]));
    }
  }
}

/** JacksonUtils.toObject then toJsonNode, which the Avro Field constructor applies: floats widen to doubles. */
function asFieldDefault(tree: JTree): JTree {
  if (tree instanceof JavaNumber) return tree.kind === 'float' ? new JavaNumber('double', tree.value) : tree;
  if (Array.isArray(tree)) return tree.map(asFieldDefault);
  if (tree instanceof Map) return new Map([...tree].map(([k, v]) => [k, asFieldDefault(v)]));
  return tree;
}

/** Schema.isValidDefault of Java Avro (unions: the first branch). */
function isValidDefault(type: AvroNode, value: JTree | undefined): boolean {
  if (value === undefined) return false;
  switch (type.kind) {
    case 'union': return type.types[0] !== undefined && isValidDefault(type.types[0], value);
    case 'array': return Array.isArray(value) && value.every((v) => isValidDefault(type.items, v));
    case 'map': return value instanceof Map && [...value.values()].every((v) => isValidDefault(type.values, v));
    case 'record':
      return value instanceof Map
        && type.fields.every((f) => isValidDefault(f.type, value.has(f.name) ? value.get(f.name) : f.defaultValue));
    case 'primitive':
      switch (type.type) {
        case 'null': return value === null;
        case 'boolean': return typeof value === 'boolean';
        case 'string': case 'bytes': return typeof value === 'string';
        case 'int': return value instanceof JavaNumber && value.kind === 'int';
        case 'long': return value instanceof JavaNumber && (value.kind === 'int' || value.kind === 'long');
        case 'float': case 'double': return value instanceof JavaNumber;
      }
  }
}

function primitive(type: AvroPrimitive['type']): AvroPrimitive {
  return { kind: 'primitive', type, props: new Map() };
}

function hasDefault(schema: ConnectSchema): boolean {
  return schema.defaultValue !== undefined && schema.defaultValue !== null;
}

function isDecimal(schema: ConnectSchema): boolean {
  return schema.type === 'bytes' && schema.name !== undefined && schema.name.toLowerCase() === DECIMAL_SCHEMA_NAME.toLowerCase();
}

export function decimalScale(schema: ConnectSchema): number {
  const scale = Number.parseInt(schema.parameters?.scale ?? '', 10);
  if (!Number.isInteger(scale)) throw new BinlogdError('INTERNAL', `Decimal schema ${schema.name} has no integer "scale" parameter`);
  return scale;
}

function decimalPrecision(schema: ConnectSchema): number {
  const text = schema.parameters?.[DECIMAL_PRECISION_PARAM];
  return text === undefined ? DECIMAL_PRECISION_DEFAULT : Number.parseInt(text, 10);
}

function part(schema: ConnectSchema, name: 'items' | 'keys' | 'values'): ConnectSchema {
  const inner = schema[name];
  if (inner === undefined) throw new BinlogdError('INTERNAL', `${schema.type} schema ${schema.name ?? ''} has no ${name} schema`);
  return inner;
}

/** Structural identity, as ConnectSchema.equals sees it (parameters compared as an unordered map). */
function connectKey(schema: ConnectSchema, ctx: Context): string {
  const memo = ctx.keys.get(schema);
  if (memo !== undefined) return memo;
  const params = Object.entries(schema.parameters ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = JSON.stringify([
    schema.type, schema.optional, schema.name ?? null, schema.version ?? null, schema.doc ?? null, params,
    schema.defaultValue === undefined ? null : JSON.stringify(schema.defaultValue, (_k, v: unknown) =>
      (typeof v === 'bigint' ? `${v}n` : v)),
    schema.fields?.map((f) => [f.name, connectKey(f.schema, ctx)]) ?? null,
    schema.items === undefined ? null : connectKey(schema.items, ctx),
    schema.keys === undefined ? null : connectKey(schema.keys, ctx),
    schema.values === undefined ? null : connectKey(schema.values, ctx),
  ]);
  ctx.keys.set(schema, key);
  return key;
}
