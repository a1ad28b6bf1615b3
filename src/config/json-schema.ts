// JSON Schemas for editors, generated from the same zod schemas that validate: connector files
// and the worker config. Connector values may be written as strings (Kafka Connect's way), so
// numeric and boolean properties also accept their text.
import { z } from 'zod';
import { ALL_AREAS } from './connector.js';
import { noEffectNote, noEffectReason } from './no-effect.js';
import { workerSchema } from './worker.js';

type JsonSchema = Record<string, unknown>;

const TEXT_FORM: Readonly<Record<string, JsonSchema>> = {
  integer: { type: 'string', pattern: '^\\s*[+-]?\\d+\\s*$' },
  boolean: { type: 'string', pattern: '^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\\s*$' },
};

/** Lets `"3306"` stand for `3306` and `"true"` for `true`, as Kafka Connect does. */
function acceptText(ctx: { jsonSchema: JsonSchema }): void {
  const schema = ctx.jsonSchema;
  const text = typeof schema['type'] === 'string' ? TEXT_FORM[schema['type']] : undefined;
  if (!text) return;
  const { description, default: fallback, ...typed } = schema;
  for (const key of Object.keys(schema)) delete schema[key];
  Object.assign(schema, description === undefined ? {} : { description }, fallback === undefined ? {} : { default: fallback }, {
    anyOf: [typed, text],
  });
}

/** Puts "Accepted, no effect: …" before the description of a property marked so. */
function noteNoEffect(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const reason = noEffectReason(ctx.zodSchema as z.ZodType);
  if (reason === undefined) return;
  const description = ctx.jsonSchema['description'];
  ctx.jsonSchema['description'] = typeof description === 'string' && description !== '' ? `${noEffectNote(reason)} ${description}` : noEffectNote(reason);
}

function override(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  acceptText(ctx);
  noteNoEffect(ctx);
}

export function connectorJsonSchema(): JsonSchema {
  const properties = Object.assign({}, ...ALL_AREAS.map((area) => area.schema.shape)) as z.ZodRawShape;
  const file = z
    .object({
      name: z.string().min(1).describe('Connector name, unique per worker; part of REST paths, offsets keys and transactional ids.'),
      config: z
        .object(properties)
        .catchall(z.union([z.string(), z.number(), z.boolean()]))
        .describe('Debezium MariaDB connector and Kafka Connect properties (values may be strings).'),
    })
    .describe('A binlogd connector file (Kafka Connect shape).');
  return z.toJSONSchema(file, { io: 'input', unrepresentable: 'any', override }) as JsonSchema;
}

export function workerJsonSchema(): JsonSchema {
  return z.toJSONSchema(workerSchema.describe('binlogd worker config'), { io: 'input', unrepresentable: 'any', override: acceptText }) as JsonSchema;
}
