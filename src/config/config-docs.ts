// The configuration reference (docs/config.md), rendered from the same zod schemas that validate
// worker and connector files, so the documented names, defaults and allowed values cannot drift
// from what binlogd accepts. `npm run docs` writes it; a unit test fails when it is stale.
import { z } from 'zod';
import type { ConfigArea } from './area.js';
import { compatArea } from './compat.js';
import { CONNECTOR_AREAS } from './connector.js';
import { WORKER_ENV_OVERRIDES, workerSchema } from './worker.js';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
};

const AREA_TITLES: Record<keyof typeof CONNECTOR_AREAS | 'compat', string> = {
  database: 'Connection', topics: 'Topics and naming', filters: 'Filters', columns: 'Column transforms and keys',
  types: 'Type handling', events: 'Events', heartbeat: 'Heartbeats', queue: 'Queueing', snapshot: 'Snapshots',
  signals: 'Signals, notifications and incremental snapshots', connect: 'Kafka Connect (converters, errors, topic creation)',
  delivery: 'Delivery (exactly once)', transforms: 'Transforms (SMTs)', history: 'Schema history', compat: 'Accepted for compatibility',
};

function toJson(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(' or ');
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
  if (schema.type === 'integer' && (schema.minimum !== undefined || schema.maximum !== undefined)) {
    const max = schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER ? String(schema.maximum) : '';
    return `integer ${schema.minimum ?? ''}..${max}`;
  }
  return Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type ?? 'any';
}

/** Markdown table cells: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function row(name: string, schema: JsonSchema): string {
  const fallback = schema.default === undefined ? '' : `\`${typeof schema.default === 'string' ? schema.default : JSON.stringify(schema.default)}\``;
  // Descriptions end in "Default: …" for the CLI's messages; the table has a column for it.
  const description = (schema.description ?? '').replace(/\s*Default: [^]*$/, '');
  return `| \`${name}\` | ${cell(typeOf(schema))} | ${cell(fallback)} | ${cell(description)} |`;
}

const HEADER = ['| property | type / allowed | default | description |', '|---|---|---|---|'];

function areaSection(title: string, area: ConfigArea): string[] {
  const json = toJson(area.schema);
  const lines = [`### ${title}`, '', ...HEADER];
  for (const [name, schema] of Object.entries(json.properties ?? {})) lines.push(row(name, schema));
  if (area.prefixes?.length) lines.push('', `Also accepted: every property under ${area.prefixes.map((p) => `\`${p}*\``).join(', ')}.`);
  return [...lines, ''];
}

/** Worker settings as dotted paths (`kafka.brokers`); objects nested in unions are listed as their own rows. */
function workerRows(schema: JsonSchema, path: string, lines: string[]): void {
  for (const [key, inner] of Object.entries(schema.properties ?? {})) {
    const name = path === '' ? key : `${path}.${key}`;
    const object = inner.properties ? inner : inner.anyOf?.find((s) => s.properties);
    if (!object) {
      lines.push(row(name, inner));
      continue;
    }
    // An object, or a union holding one (kafka.ssl: true or the certificate settings).
    const kinds = inner.properties ? [{ type: 'object' }] : (inner.anyOf ?? []).map((s) => (s.properties ? { type: 'object' } : s));
    lines.push(row(name, { ...inner, type: undefined, anyOf: kinds } as JsonSchema));
    workerRows(object, name, lines);
  }
}

export function configReference(): string {
  const worker = [...HEADER];
  workerRows(toJson(workerSchema), '', worker);
  const env = Object.entries(WORKER_ENV_OVERRIDES).map(([name, path]) => `| \`${name}\` | \`${path.join('.')}\` |`);
  const areas = [...Object.entries(CONNECTOR_AREAS), ['compat', compatArea] as const]
    .flatMap(([key, area]) => areaSection(AREA_TITLES[key as keyof typeof AREA_TITLES], area as ConfigArea));
  return [
    '# binlogd configuration reference',
    '',
    '<!-- Generated from the zod schemas in src/config/ by `npm run docs`; do not edit by hand. -->',
    '',
    'Both files are validated before anything starts; every problem names the file, the property, the',
    'value and what is allowed, and an unknown property is a warning naming the closest known one.',
    'String values may hold config-provider references: `${env:NAME}`, `${file:/path}`,',
    '`${file:/path:key}` and named directory providers (`${secrets:path:key}`).',
    '`binlogd config-schema worker|connector` prints the same as JSON Schema for editors.',
    '',
    '## Worker config (`config/worker.json`)',
    '',
    ...worker,
    '',
    'Environment overrides (they win over the file):',
    '',
    '| variable | setting |',
    '|---|---|',
    ...env,
    '',
    '## Connector files (`connectors/*.json`)',
    '',
    'Kafka Connect\'s shape, `{"name": "…", "config": {…}}`, with Debezium MariaDB property names and',
    'defaults. Values may be strings (`"3306"`, `"true"`), as Kafka Connect writes them.',
    '',
    ...areas,
  ].join('\n');
}
