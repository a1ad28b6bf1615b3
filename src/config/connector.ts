// A connector file (`{"name": …, "config": {…}}`, Kafka Connect's shape) parsed into the typed,
// frozen ConnectorConfig the rest of binlogd reads. The schema is only a composition of the
// components' areas; this file adds the envelope checks, reference resolution and the warnings
// for properties no area knows.
import type { z } from 'zod';
import type { ConfigArea, Finding } from './area.js';
import { closestName } from './closest.js';
import { columnsArea } from './columns.js';
import { compatArea, legacyProperty } from './compat.js';
import { connectionArea } from './connection.js';
import { eventsArea, heartbeatArea } from './events.js';
import { filtersArea } from './filters.js';
import { connectArea, deliveryArea } from './kafka-connect.js';
import { inFile, sortProblems, type Problem } from './problems.js';
import { resolveProperties, type ResolveContext } from './providers.js';
import { queueArea } from './queue.js';
import { displayValue } from './secrets.js';
import { signalsArea } from './signals.js';
import { snapshotArea } from './snapshot.js';
import { topicsArea } from './topics.js';
import { transformsArea } from './transforms.js';
import { typeHandlingArea } from './type-handling.js';
import { historyArea } from '../schema-history/history-config.js';

/** Each section of ConnectorConfig and the area that parses it. */
export const CONNECTOR_AREAS = {
  database: connectionArea,
  topics: topicsArea,
  filters: filtersArea,
  columns: columnsArea,
  types: typeHandlingArea,
  events: eventsArea,
  heartbeat: heartbeatArea,
  queue: queueArea,
  snapshot: snapshotArea,
  signals: signalsArea,
  connect: connectArea,
  delivery: deliveryArea,
  transforms: transformsArea,
  history: historyArea,
} as const;

export const ALL_AREAS: readonly ConfigArea<z.ZodObject, unknown>[] = [...Object.values(CONNECTOR_AREAS), compatArea];

type Sections = { readonly [K in keyof typeof CONNECTOR_AREAS]: ReturnType<(typeof CONNECTOR_AREAS)[K]['build']> };

export type ConnectorConfig = Sections & {
  readonly name: string;
  /** The file the connector came from, when it came from one. */
  readonly file?: string;
  /** Every property with references resolved (secrets included: never log it, use `redact`). */
  readonly raw: Readonly<Record<string, string>>;
  /** Properties that held a `${…}` reference or whose name marks a secret. */
  readonly secretProperties: ReadonlySet<string>;
  /** Every property as written, references unresolved (REST shows these, redacted). */
  readonly written?: Readonly<Record<string, string>>;
};

export interface ParseOptions extends ResolveContext {
  /** Named in every problem. */
  readonly file?: string;
}

export interface ParseResult {
  /** Present when there is no error (warnings allowed). */
  readonly config?: ConnectorConfig;
  readonly problems: Problem[];
}

/** Every fixed property name any area declares (for "did you mean"). */
export const KNOWN_PROPERTIES: ReadonlySet<string> = new Set(['name', ...ALL_AREAS.flatMap((area) => Object.keys(area.schema.shape))]);
const KNOWN_PREFIXES: readonly string[] = ALL_AREAS.flatMap((area) => area.prefixes ?? []);

/** Fields of a connector document besides `name` and `config` that Kafka Connect's REST output has. */
const DOCUMENT_FIELDS = new Set(['name', 'config', 'tasks', 'type']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Kafka Connect configs are string maps; numbers and booleans are written as their text. */
function toStrings(config: Record<string, unknown>, problems: Problem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [property, value] of Object.entries(config)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[property] = String(value);
    else problems.push({ severity: 'error', property, message: 'expected a string, number or boolean' });
  }
  return out;
}

/** Splits `{name, config}` (or a flat property map) into the name and the properties. */
function unwrapDocument(document: unknown, problems: Problem[]): { name?: string; config: Record<string, string> } | undefined {
  if (!isPlainObject(document)) {
    problems.push({ severity: 'error', message: 'expected a JSON object {"name": "...", "config": {...}}' });
    return undefined;
  }
  let body: Record<string, unknown>;
  if (isPlainObject(document['config'])) {
    body = document['config'];
    for (const key of Object.keys(document)) {
      if (!DOCUMENT_FIELDS.has(key)) problems.push({ severity: 'warning', property: key, message: 'is ignored: connector properties belong inside "config"' });
    }
  } else if (document['config'] === undefined && 'connector.class' in document) {
    body = document; // the flat form Kafka Connect standalone also reads
  } else {
    problems.push({ severity: 'error', property: 'config', message: 'expected an object of connector properties' });
    return undefined;
  }
  const config = toStrings(body, problems);
  const outer = document['name'];
  if (outer !== undefined && typeof outer !== 'string') problems.push({ severity: 'error', property: 'name', message: 'expected text' });
  const name = (typeof outer === 'string' ? outer : config['name'])?.trim();
  if (name === undefined || name === '') {
    problems.push({ severity: 'error', property: 'name', message: 'is required' });
  } else if (/[\/\x00-\x1f\x7f]/.test(name)) {
    problems.push({ severity: 'error', property: 'name', value: name, message: 'expected a name without "/" or control characters (it is part of REST paths)' });
  } else if (config['name'] !== undefined && config['name'].trim() !== name) {
    problems.push({ severity: 'error', property: 'config.name', value: config['name'], message: `must match the connector name "${name}"` });
  }
  return { name, config };
}

function unknownPropertyWarnings(raw: Readonly<Record<string, string>>, written: Readonly<Record<string, string>>): Problem[] {
  const prefixes = [...KNOWN_PREFIXES, ...ALL_AREAS.flatMap((area) => area.dynamicPrefixes?.(raw) ?? [])];
  const problems: Problem[] = [];
  for (const property of Object.keys(raw)) {
    if (KNOWN_PROPERTIES.has(property) || prefixes.some((prefix) => property.startsWith(prefix))) continue;
    const value = displayValue(property, written[property] ?? '');
    const legacy = legacyProperty(property);
    const near = closestName(property, KNOWN_PROPERTIES);
    let message = legacy ?? (near ? `unknown property; did you mean ${near}?` : 'unknown property; binlogd ignores it');
    if (legacy === undefined && near === undefined && property.startsWith('database.')) {
      message = 'unknown property; Debezium would pass it to the JDBC driver, binlogd ignores it';
    }
    problems.push({ severity: 'warning', property, value, message });
  }
  return problems;
}

/** Runs one area: its schema issues and build findings become problems. */
function runArea<S extends z.ZodObject, Out>(
  area: ConfigArea<S, Out>,
  raw: Readonly<Record<string, string>>,
  written: Readonly<Record<string, string>>,
  problems: Problem[],
  unresolved: ReadonlySet<string> = new Set(),
): Out | undefined {
  const toProblem = (f: Finding): Problem => ({
    severity: f.severity ?? 'error',
    property: f.property,
    value: written[f.property] === undefined ? undefined : displayValue(f.property, written[f.property]!),
    message: f.message,
  });
  const parsed = area.schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // A property whose reference failed already has its problem; its unresolved text would only add noise.
      if (unresolved.has(String(issue.path[0]))) continue;
      problems.push(toProblem({ property: String(issue.path[0] ?? ''), message: issue.message }));
    }
    return undefined;
  }
  return area.build(parsed.data, raw, (finding) => problems.push(toProblem(finding)));
}

function deepFreeze<T>(value: T): T {
  if (Array.isArray(value) || (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)) {
    for (const inner of Object.values(value as object)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Parses a connector document (file content or REST body). Lists every problem it finds. */
export function parseConnector(document: unknown, options: ParseOptions = {}): ParseResult {
  const problems: Problem[] = [];
  const unwrapped = unwrapDocument(document, problems);
  if (!unwrapped) return { problems: inFile(problems, options.file) };
  const written: Record<string, string> = { ...unwrapped.config };
  if (unwrapped.name !== undefined) written['name'] = unwrapped.name;
  const resolved = resolveProperties(written, options);
  problems.push(...resolved.problems);
  const raw = resolved.values;
  const unresolved = new Set(resolved.problems.map((p) => p.property ?? ''));

  const sections: Record<string, unknown> = {};
  for (const [key, area] of Object.entries(CONNECTOR_AREAS) as [string, ConfigArea<z.ZodObject, unknown>][]) {
    sections[key] = runArea(area, raw, written, problems, unresolved);
  }
  runArea(compatArea, raw, written, problems, unresolved);
  problems.push(...unknownPropertyWarnings(raw, written));

  const sorted = inFile(sortProblems(problems, Object.keys(written)), options.file);
  if (sorted.some((p) => p.severity === 'error') || unwrapped.name === undefined) return { problems: sorted };
  const config = {
    name: unwrapped.name,
    ...(options.file === undefined ? {} : { file: options.file }),
    ...sections,
    raw: Object.freeze({ ...raw }),
    secretProperties: resolved.secretProperties as ReadonlySet<string>,
    written: Object.freeze({ ...written }),
  } as ConnectorConfig;
  return { config: deepFreeze(config), problems: sorted };
}

/** Parses a bare property map (REST `PUT /connectors/{name}/config`). */
export function parseConnectorConfig(name: string, config: unknown, options: ParseOptions = {}): ParseResult {
  return parseConnector({ name, config }, options);
}
