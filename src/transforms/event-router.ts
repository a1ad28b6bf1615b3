// io.debezium.transforms.outbox.EventRouter (reference §8.2): each insert into an outbox table
// becomes an event on a topic named after a column (`route.by.field` through
// `route.topic.regex`/`replacement`), keyed by `table.field.event.key`, with the event id in header
// `id`, additional columns placed in headers, the value envelope or the partition, and the payload
// column (optionally expanded from JSON text) as the value. Deletes and tombstones are dropped,
// updates are unexpected (`table.op.invalid.behavior`).
import { z } from 'zod';
import { field, type ConnectSchema, type ConnectStruct, type ConnectValue } from '../connect/schema.js';
import { bool, choice, text, textOr } from '../config/values.js';
import { jsonToConnect } from './json-payload.js';
import { compileWhole, javaReplacement, routeWhole } from './java-regex.js';
import { fieldOf, getWithDefault, headerValue, isEnvelope, SchemaCache, TransformError, type ConnectRecord, type Transform, type TransformContext } from './record.js';

export const EVENT_ROUTER = 'io.debezium.transforms.outbox.EventRouter';

const PLACEMENTS = ['header', 'envelope', 'partition'] as const;

/** `table.fields.additional.placement`: `column:header|envelope|partition[:alias]`, comma separated. */
const placements = z
  .preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().optional())
  .transform((value, ctx) => {
    const out: Array<{ field: string; placement: (typeof PLACEMENTS)[number]; alias: string }> = [];
    for (const entry of (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const [column, placement, alias, extra] = entry.split(':').map((s) => s.trim());
      if (!column || !placement || extra !== undefined || !(PLACEMENTS as readonly string[]).includes(placement.toLowerCase())) {
        ctx.addIssue({ code: 'custom', message: `"${entry}": expected column:header|envelope|partition[:alias]` });
        continue;
      }
      out.push({ field: column, placement: placement.toLowerCase() as (typeof PLACEMENTS)[number], alias: alias || column });
    }
    return out;
  })
  .describe('Extra outbox columns: column:header[:alias], column:envelope[:alias] or column:partition, comma separated.');

export const eventRouterOptions = z.object({
  'table.field.event.id': textOr('id', 'Column holding the event id (header "id").'),
  'table.field.event.key': textOr('aggregateid', 'Column holding the event key.'),
  'table.field.event.type': textOr('type', 'Column holding the event type (emitted only through additional placement).'),
  'table.field.event.payload': textOr('payload', 'Column holding the event payload (the value).'),
  'table.field.event.timestamp': text('Column holding the event time (a Timestamp, MicroTimestamp or NanoTimestamp); default: the envelope ts_ms.'),
  'table.field.event.schema.version': text('Column holding the value schema version.'),
  'table.fields.additional.placement': placements,
  'table.fields.additional.error.on.missing': bool(true, 'Whether a missing additional column is an error.'),
  'table.field.additional.missing': z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v), z.enum(['error', 'ignore'], { error: 'expected error or ignore' }).optional())
    .describe('Older spelling of table.fields.additional.error.on.missing: error or ignore.'),
  'table.op.invalid.behavior': choice(['warn', 'error', 'fatal'], 'warn', 'An update of an outbox row: warn (log and skip), error (log an error and skip), fatal (fail).'),
  'table.expand.json.payload': bool(false, 'Whether a JSON text payload becomes a struct.'),
  'table.json.payload.null.behavior': choice(['ignore', 'optional_bytes'], 'ignore', 'Expanded JSON nulls: ignore (left out), optional_bytes.'),
  'route.by.field': textOr('aggregatetype', 'Column whose value names the topic.'),
  'route.topic.regex': textOr('(?<routedByValue>.*)', 'Regex matched against the route.by.field value.'),
  'route.topic.replacement': textOr('outbox.event.${routedByValue}', 'The topic; ${routedByValue} is the route.by.field value.'),
  'route.tombstone.on.empty.payload': bool(false, 'Whether an empty or null payload becomes a tombstone.'),
  'tracing.span.context.field': text('Accepted; tracing is not supported.'),
  'tracing.operation.name': text('Accepted; tracing is not supported.'),
  'tracing.with.context.field.only': text('Accepted; tracing is not supported.'),
});

type Options = z.infer<typeof eventRouterOptions>;

const TIMESTAMP_DIVISORS: Readonly<Record<string, bigint>> = {
  'org.apache.kafka.connect.data.Timestamp': 1n,
  'io.debezium.time.Timestamp': 1n,
  'io.debezium.time.MicroTimestamp': 1000n,
  'io.debezium.time.NanoTimestamp': 1_000_000n,
};

export function createEventRouter(options: Options, context: TransformContext): Transform {
  const idField = options['table.field.event.id'];
  const keyField = options['table.field.event.key'];
  const payloadField = options['table.field.event.payload'];
  const timestampField = options['table.field.event.timestamp'];
  const versionField = options['table.field.event.schema.version'];
  const routeBy = options['route.by.field'];
  const additional = options['table.fields.additional.placement'];
  const ignoreMissing = options['table.field.additional.missing'] === 'ignore' || !options['table.fields.additional.error.on.missing'];
  const onlyHeaders = !additional.some((a) => a.placement === 'envelope');
  const regex = compileWhole(options['route.topic.regex']);
  const replacement = javaReplacement(options['route.topic.replacement']);
  const valueSchemas = new SchemaCache<ConnectSchema, ConnectSchema>();
  const invalid = options['table.op.invalid.behavior'];

  const valueSchema = (payload: ConnectSchema, row: ConnectSchema, routed: string, version: number | undefined): ConnectSchema =>
    valueSchemas.get(payload, `${row.name ?? ''}\u0000${version ?? ''}`, () => {
      const fields = [field('payload', payload)];
      for (const a of additional) {
        if (a.placement !== 'envelope') continue;
        const column = fieldOf(row, a.field);
        if (column === undefined) {
          if (!ignoreMissing) throw new TransformError(`Unable to find field ${a.field} in event`);
          continue;
        }
        fields.push(field(a.alias, column.schema));
      }
      const name = row.name === undefined ? routed
        : row.name.includes('.') ? `${row.name.slice(0, row.name.lastIndexOf('.') + 1)}${routed}.${row.name.slice(row.name.lastIndexOf('.') + 1)}`
          : `${routed}.${row.name}`;
      return { type: 'struct', optional: false, name, fields, ...(version === undefined ? {} : { version }) };
    });

  return (record) => {
    if (record.value === null) return null;
    if (!isEnvelope(record)) return record;
    const envelope = record.value as ConnectStruct;
    const op = envelope['op'];
    if (op === 'd') return null;
    if (op === 'u') {
      if (invalid === 'fatal') throw new TransformError(`Unexpected update message received ${JSON.stringify(String(record.key))}, fail.`);
      context.warn('EventRouter: unexpected update of an outbox row ignored', { level: invalid });
      return null;
    }
    const rowSchema = fieldOf(record.valueSchema, 'after')!.schema;
    const row = envelope['after'] as ConnectStruct;
    // Debezium reads the row with Struct.get: a NULL column reads as its default.
    const read = (name: string): ConnectValue => {
      const column = fieldOf(rowSchema, name);
      return column ? getWithDefault(row, column) : (row[name] ?? null);
    };
    const payloadColumn = fieldOf(rowSchema, payloadField);
    if (payloadColumn === undefined) throw new TransformError(`Unable to find payload field ${payloadField} in event`);
    const idColumn = fieldOf(rowSchema, idField);
    if (idColumn === undefined) throw new TransformError(`Unable to find event-id field ${idField} in event`);

    let payloadSchema = payloadColumn.schema;
    let payload: ConnectValue = read(payloadField);
    if (options['table.expand.json.payload'] && typeof payload === 'string') {
      const expanded = jsonToConnect(payloadField, payload, options['table.json.payload.null.behavior']);
      if (expanded === undefined) context.warn(`EventRouter: JSON expansion of the '${payloadField}' field failed; keeping it as an unexpanded string`);
      else ({ schema: payloadSchema, value: payload } = expanded);
    }

    const headers: Record<string, string | Buffer> = { ...record.headers };
    const id = read(idField);
    if (id !== null) headers['id'] = headerValue(id);
    const routed = String(read(routeBy) ?? '');
    const version = versionField === undefined ? undefined : Number(read(versionField) ?? 0);
    const structSchema = onlyHeaders ? null : valueSchema(payloadSchema, rowSchema, routed, version);
    const struct: ConnectStruct | null = onlyHeaders ? null : { payload };
    let partition: number | undefined;
    for (const a of additional) {
      const column = fieldOf(rowSchema, a.field);
      if (column === undefined) {
        if (ignoreMissing) continue;
        throw new TransformError(`Unable to find field ${a.field} in event`);
      }
      const v = read(a.field);
      if (a.placement === 'envelope') struct![a.alias] = v;
      else if (a.placement === 'header') { if (v !== null) headers[a.alias] = headerValue(v); }
      else partition = Number(v);
    }

    const empty = payload === null || (typeof payload === 'string' && payload.trim() === '');
    let valueSchemaOut: ConnectSchema | null = onlyHeaders ? payloadSchema : structSchema;
    let value: ConnectValue = onlyHeaders ? payload : struct;
    if (empty && options['route.tombstone.on.empty.payload']) {
      valueSchemaOut = null;
      value = null;
    }
    const keyColumn = fieldOf(rowSchema, keyField);
    if (keyColumn === undefined) throw new TransformError(`${keyField} is not a valid field name (table.field.event.key)`);
    const out: ConnectRecord = {
      topic: routeWhole(regex, replacement, routed) ?? routed,
      ...(partition === undefined ? {} : { partition }),
      keySchema: keyColumn.schema,
      key: read(keyField),
      valueSchema: valueSchemaOut,
      value,
      headers,
      timestampMs: eventTime(timestampField, rowSchema, row, envelope),
    };
    return out;
  };
}

function eventTime(column: string | undefined, rowSchema: ConnectSchema, row: ConnectStruct, envelope: ConnectStruct): number {
  const fallback = Number(envelope['ts_ms'] as bigint);
  if (column === undefined) return fallback;
  const field = fieldOf(rowSchema, column);
  if (field === undefined) throw new TransformError(`Unable to find timestamp field ${column} in event`);
  const { schema } = field;
  const value = getWithDefault(row, field);
  if (value === null) return fallback;
  const divisor = schema.name === undefined ? undefined : TIMESTAMP_DIVISORS[schema.name];
  if (divisor === undefined) throw new TransformError(`Unsupported field type ${schema.name ?? schema.type} for event timestamp`);
  return Number(BigInt(value as bigint | number) / divisor);
}
