// io.debezium.transforms.ExtractNewRecordState ("unwrap", reference §8.1): the envelope becomes its
// `after` row; deletes and tombstones are handled by `delete.tombstone.handling.mode` (or the legacy
// `drop.tombstones` + `delete.handling.mode` of Debezium ≤3.1); `add.fields` / `add.headers` copy
// envelope, source and transaction fields. Schemas change exactly as Debezium's (Kafka's
// ExtractField/InsertField and SchemaUtil.copySchemaBasics), so the AvroConverter registers the same.
import { z } from 'zod';
import type { ConnectField, ConnectSchema, ConnectStruct, ConnectValue } from '../connect/schema.js';
import { bool, optionalChoice, text, textOr } from '../config/values.js';
import {
  copySchemaBasics, fieldOf, getWithDefault, headerValue, isEnvelope, optionalBasics, SchemaCache,
  type ConnectRecord, type Transform, type TransformContext,
} from './record.js';

export const EXTRACT_NEW_RECORD_STATE = 'io.debezium.transforms.ExtractNewRecordState';

const MODES = ['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone', 'delete-to-tombstone'] as const;
type Mode = (typeof MODES)[number];

export const extractNewRecordStateOptions = z.object({
  'delete.tombstone.handling.mode': optionalChoice(MODES,
    'Deletes and tombstones: drop (both), tombstone (a delete becomes a null value; default), rewrite (the before row with __deleted=true), ' +
    'rewrite-with-tombstone (rewrite, tombstones kept), delete-to-tombstone (a delete becomes a tombstone without schema).'),
  'drop.tombstones': z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['true', 'false'], { error: 'expected true or false' }).optional())
    .describe('Legacy (Debezium ≤3.1): whether tombstones are dropped. Default true.'),
  'delete.handling.mode': optionalChoice(['none', 'drop', 'rewrite'], 'Legacy (Debezium ≤3.1): none (a delete becomes a null value), drop (default), rewrite (__deleted field).'),
  'route.by.field': text('A field of the row whose value becomes the topic.'),
  'add.fields': text('Envelope, source or transaction fields added to the value (op, table, source.ts_ms, field:newName …).'),
  'add.fields.prefix': textOr('__', 'Prefix of the added fields.'),
  'add.headers': text('Envelope, source or transaction fields added as headers.'),
  'add.headers.prefix': textOr('__', 'Prefix of the added headers.'),
  'drop.fields.header.name': text('Not supported by binlogd (it needs a header holding a list).'),
  'drop.fields.from.key': bool(false, 'With drop.fields.header.name.'),
  'drop.fields.keep.schema.compatible': bool(true, 'With drop.fields.header.name.'),
  'replace.null.with.default': bool(true, 'Whether rewritten rows write a column\'s default in place of null.'),
});

type Options = z.infer<typeof extractNewRecordStateOptions>;

/** The delete/tombstone handling the options ask for; the legacy pair maps as Debezium 3.1 did. */
export function handlingMode(options: Options): { mode: Mode; keepTombstones?: boolean } {
  const legacyDelete = options['delete.handling.mode'];
  const legacyTombstones = options['drop.tombstones'];
  if (options['delete.tombstone.handling.mode'] !== undefined || (legacyDelete === undefined && legacyTombstones === undefined)) {
    return { mode: options['delete.tombstone.handling.mode'] ?? 'tombstone' };
  }
  const keepTombstones = legacyTombstones === 'false';
  const mode: Mode = legacyDelete === 'rewrite' ? 'rewrite' : legacyDelete === 'none' ? 'tombstone' : 'drop';
  return { mode, keepTombstones };
}

/** `add.fields` / `add.headers` entries: `[struct.]field[:newName]` (AbstractExtractNewRecordState.FieldReference). */
interface FieldReference {
  struct: string | null;
  field: string;
  newField: string;
}

const ENVELOPE_FIELDS = new Set(['op', 'ts_ms', 'ts_us', 'ts_ns']);
const TRANSACTION_FIELDS = new Set(['id', 'total_order', 'data_collection_order']);

export function fieldReferences(prefix: string, list: string | undefined): FieldReference[] {
  if (!list) return [];
  return list.split(',').map((s) => s.trim()).filter((s) => s !== '').map((entry) => {
    const [path, alias, extra] = entry.split(':');
    if (extra !== undefined) throw new Error(`unexpected field name: ${entry}`);
    const parts = path!.split('.');
    const field = parts.length === 1 ? parts[0]! : parts[1]!;
    const struct = parts.length === 1
      ? (TRANSACTION_FIELDS.has(field) ? 'transaction' : ENVELOPE_FIELDS.has(field) ? null : 'source')
      : parts[0]!;
    const newField = prefix + (alias ?? (parts.length === 1 ? field : `${struct}_${field}`));
    return { struct, field, newField };
  });
}

function referencedField(envelope: ConnectSchema, ref: FieldReference): ConnectField | undefined {
  const parent = ref.struct === null ? envelope : fieldOf(envelope, ref.struct)?.schema;
  return fieldOf(parent, ref.field) ?? fieldOf(envelope, ref.field);
}

// Debezium reads the field with Struct.get, which gives a null field its default (a streamed row's
// source.snapshot reads "false").
function referencedValue(envelope: ConnectSchema, value: ConnectStruct, ref: FieldReference): ConnectValue {
  const read = (struct: ConnectStruct, schema: ConnectSchema | undefined): ConnectValue => {
    const found = fieldOf(schema, ref.field);
    return found ? getWithDefault(struct, found) : (struct[ref.field] ?? null);
  };
  if (ref.struct === null) return read(value, envelope);
  const parentSchema = fieldOf(envelope, ref.struct)?.schema;
  const parent = value[ref.struct] as ConnectStruct | null | undefined;
  if (parent === null || parent === undefined) return null;
  return fieldOf(parentSchema, ref.field) ? read(parent, parentSchema) : read(value, envelope);
}

export function createExtractNewRecordState(options: Options, context: TransformContext): Transform {
  const { mode, keepTombstones } = handlingMode(options);
  const rewrite = mode === 'rewrite' || mode === 'rewrite-with-tombstone';
  const addFields = fieldReferences(options['add.fields.prefix'], options['add.fields']);
  const addHeaders = fieldReferences(options['add.headers.prefix'], options['add.headers']);
  const routeBy = options['route.by.field'];
  const replaceNull = options['replace.null.with.default'];
  const deletedSchemas = new SchemaCache<ConnectSchema, ConnectSchema>();
  const requiredSchemas = new SchemaCache<ConnectSchema, ConnectSchema>();
  // Debezium's unwrapped rows carry the row struct's own schema, which is required (the envelope's
  // before/after fields are its optional variant); seen in Debezium 3.5's JsonConverter output.
  const required = (schema: ConnectSchema): ConnectSchema => (schema.optional ? requiredSchemas.get(schema, '', () => ({ ...schema, optional: false })) : schema);
  const addedSchemas = new SchemaCache<ConnectSchema, ConnectSchema>();
  if (options['drop.fields.header.name'] !== undefined) context.warn('ExtractNewRecordState drop.fields.header.name is not supported and is ignored');

  /** Kafka's InsertField.Value with static field `__deleted` (an optional string). */
  const withDeleted = (schema: ConnectSchema, row: ConnectStruct, deleted: 'true' | 'false'): { schema: ConnectSchema; value: ConnectStruct } => {
    const out = deletedSchemas.get(schema, '', () => copySchemaBasics(schema, [
      ...schema.fields!, { name: '__deleted', schema: { type: 'string', optional: true } },
    ]));
    const value: ConnectStruct = {};
    for (const f of schema.fields!) value[f.name] = replaceNull ? getWithDefault(row, f) : (row[f.name] ?? null);
    value['__deleted'] = deleted;
    return { schema: out, value };
  };

  const withAddedFields = (record: ConnectRecord, envelope: ConnectSchema, original: ConnectStruct): ConnectRecord => {
    if (addFields.length === 0) return record;
    const schema = record.valueSchema!;
    const op = String(original['op']);
    const present = addFields.filter((ref) => referencedField(envelope, ref) !== undefined);
    const out = addedSchemas.get(schema, `${op}\u0000${envelope.name ?? ''}`, () => copySchemaBasics(schema, [
      ...schema.fields!, ...present.map((ref) => ({ name: ref.newField, schema: optionalBasics(referencedField(envelope, ref)!.schema) })),
    ]));
    const row = record.value as ConnectStruct;
    const value: ConnectStruct = {};
    for (const f of schema.fields!) value[f.name] = row[f.name] ?? null;
    for (const ref of present) value[ref.newField] = referencedValue(envelope, original, ref);
    return { ...record, valueSchema: out, value };
  };

  const headersFor = (record: ConnectRecord): ConnectRecord['headers'] => {
    const headers: Record<string, string | Buffer> = { ...record.headers };
    const envelope = record.valueSchema;
    const value = record.value as ConnectStruct | null;
    for (const ref of addHeaders) {
      if (value === null || envelope === null) {
        if (ref.field === 'op') headers[ref.newField] = 'd';
        continue;
      }
      if (referencedField(envelope, ref) === undefined) continue;
      const v = referencedValue(envelope, value, ref);
      // A null header value has no Kafka representation here; Connect would write a null header.
      if (v !== null) headers[ref.newField] = headerValue(v);
    }
    return headers;
  };

  const route = (record: ConnectRecord, row: ConnectStruct | null): ConnectRecord => {
    if (routeBy === undefined || row === null) return record;
    const topic = row[routeBy];
    return typeof topic === 'string' && topic.trim() !== '' ? { ...record, topic } : record;
  };

  return (input) => {
    const tombstone = input.value === null;
    const envelopeRecord = !tombstone && isEnvelope(input);
    const record = (envelopeRecord || tombstone) && addHeaders.length > 0 ? { ...input, headers: headersFor(input) } : input;
    if (tombstone) {
      if (keepTombstones !== undefined) return keepTombstones ? record : null;
      return mode === 'rewrite-with-tombstone' ? record : null;
    }
    if (!envelopeRecord) return record;
    const envelope = record.valueSchema!;
    const value = record.value as ConnectStruct;
    const afterField = fieldOf(envelope, 'after')!;
    const beforeField = fieldOf(envelope, 'before')!;
    const after = (value['after'] ?? null) as ConnectStruct | null;
    const before = (value['before'] ?? null) as ConnectStruct | null;
    if (after === null && before === null) return null; // truncate: dropped, as Debezium does
    if (after === null) {
      let deleted: ConnectRecord;
      switch (mode) {
        case 'drop':
          return null;
        case 'tombstone':
          deleted = { ...record, valueSchema: afterField.schema, value: null };
          break;
        case 'delete-to-tombstone':
          deleted = { ...record, valueSchema: null, value: null };
          break;
        default: {
          const rewritten = withDeleted(beforeField.schema, before!, 'true');
          deleted = { ...record, valueSchema: rewritten.schema, value: rewritten.value };
        }
      }
      deleted = route(deleted, before);
      return deleted.value === null ? deleted : withAddedFields(deleted, envelope, value);
    }
    let unwrapped: ConnectRecord = { ...record, valueSchema: required(afterField.schema), value: after };
    if (rewrite) {
      const rewritten = withDeleted(afterField.schema, after, 'false');
      unwrapped = { ...unwrapped, valueSchema: rewritten.schema, value: rewritten.value };
    }
    return withAddedFields(route(unwrapped, after), envelope, value);
  };
}
