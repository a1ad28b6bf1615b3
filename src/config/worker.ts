// The worker config (`config/worker.json`): Kafka, schema registry, offsets topic, REST, logging
// and the config providers connector configs may use, with BINLOGD_* environment overrides for
// containers. String values may hold `${provider:…}` references like connector properties.
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { closestName } from './closest.js';
import { inFile, sortProblems, type Problem } from './problems.js';
import { LOCAL_PROVIDERS, resolveJson, type ProviderConfigs } from './providers.js';
import { HIDDEN, isSecretName } from './secrets.js';
import { choice, int, splitList } from './values.js';

const brokers = z
  .union([z.array(z.string().trim().min(1, { error: 'expected host:port' })), z.string()], {
    error: 'expected an array of "host:port" or a comma-separated string',
  })
  .transform((v) => (typeof v === 'string' ? splitList(v) : v))
  .refine((v) => v.length > 0, { error: 'expected at least one "host:port"' })
  .describe('Bootstrap brokers: ["host:port", …] or "host:port,host:port".');

const ssl = z
  .union([
    z.boolean(),
    z.strictObject({
      ca: z.string().optional().describe('PEM CA certificate(s); use ${file:/path} to read a file.'),
      cert: z.string().optional().describe('PEM client certificate.'),
      key: z.string().optional().describe('PEM client key.'),
      passphrase: z.string().optional().describe('Passphrase of the client key.'),
      rejectUnauthorized: z.boolean().default(true).describe('Whether broker certificates must verify.'),
      servername: z.string().optional().describe('TLS server name (SNI) when it differs from the broker host.'),
    }),
  ])
  .optional()
  .describe('TLS to the brokers: true, or the certificate settings.');

const sasl = z
  .strictObject({
    mechanism: choice(['plain', 'scram-sha-256', 'scram-sha-512'], 'plain', 'SASL mechanism.'),
    username: z.string().min(1, { error: 'is required' }).describe('SASL user.'),
    password: z.string().describe('SASL password; use a ${…} reference.'),
  })
  .optional()
  .describe('SASL authentication to the brokers.');

const providerName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { error: 'expected a name of letters, digits, "_" and "-"' });

const absolutePath = z.string().refine((p) => isAbsolute(p), { error: 'expected an absolute path' });

// Unknown keys in a provider are errors: a misspelt "allowedPaths" would otherwise open every file.
const providerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('env'),
    allowlist: z.array(z.string().min(1)).optional().describe('Variables ${env:…} may read; "PREFIX_*" matches a prefix. Absent: every variable.'),
  }),
  z.strictObject({
    type: z.literal('file'),
    allowedPaths: z.array(absolutePath).min(1).optional().describe('Directories (or files) ${file:…} may read, after resolving ".." and symlinks. Absent: every file the process can read.'),
  }),
  z.strictObject({ type: z.literal('directory'), path: z.string().min(1).describe('Base directory.') }),
], { error: 'expected {"type": "env" | "file" | "directory", …}' });

const PROVIDER_VARIANTS: Readonly<Record<string, z.ZodType>> = Object.fromEntries(
  providerSchema.options.map((option) => [option.shape.type.value, option]),
);

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

export const workerSchema = z.object({
  kafka: z
    .object({
      brokers,
      clientId: z.string().min(1).default('binlogd').describe('Client id sent to the brokers. Default: binlogd.'),
      ssl,
      sasl,
    })
    .describe('The Kafka cluster change events and offsets are written to.'),
  schemaRegistry: z
    .object({
      url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).describe('Confluent-compatible schema registry URL.'),
      auth: z.strictObject({ username: z.string(), password: z.string() }).optional().describe('Basic authentication to the registry.'),
    })
    .describe('Where Avro schemas are registered.'),
  offsets: z
    .object({
      topic: z.string().min(1).default('binlogd-offsets').describe('Compacted topic holding connector positions. Default: binlogd-offsets.'),
      partitions: int(25, 'Partitions when binlogd creates the offsets topic.', { min: 1 }),
      replicationFactor: int(-1, 'Replication factor when binlogd creates it.', { min: -1, except: [0], allowed: '-1 (the broker default) or a positive integer' }),
    })
    .prefault({})
    .describe('The offsets topic (Kafka Connect\'s offset.storage.topic).'),
  http: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1').describe(
        'Address the REST API listens on. Default: 127.0.0.1. Any other address needs http.authToken (or http.allowUnauthenticated: true).',
      ),
      port: int(8083, 'REST API port.', { min: 0, max: 65535 }),
      authToken: z
        .string({ error: 'expected the token as a string' })
        .min(1, { error: 'is empty: remove http.authToken to serve without a token (loopback only), or set a token (a ${…} reference keeps it out of the file)' })
        .optional()
        .describe('When set, REST requests need "Authorization: Bearer <token>" (GET and HEAD /health stay open).'),
      allowUnauthenticated: z
        .boolean()
        .default(false)
        .describe('Serve the REST API without http.authToken on an address other than loopback (logged as a warning at every start). Default: false, such a config is refused.'),
    })
    .prefault({})
    .refine((http) => http.authToken !== undefined || http.allowUnauthenticated || isLoopback(http.host), {
      path: ['host'],
      error: 'listens beyond loopback without http.authToken, so anyone who reaches the port could manage connectors: set http.authToken, ' +
        'listen on 127.0.0.1, or set http.allowUnauthenticated: true to accept that',
    })
    .describe('The REST API (Kafka Connect-compatible), /metrics and /health.'),
  log: z
    .object({ level: choice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info', 'Log level.') })
    .prefault({})
    .describe('Logging.'),
  configProviders: z
    .record(providerName, providerSchema)
    .default({})
    .describe(
      'Config providers connector configs may use, as Kafka Connect\'s config.providers; none unless listed. ' +
        '{"env": {"type": "env", "allowlist": ["MARIADB_*"]}} enables ${env:NAME}; {"file": {"type": "file", "allowedPaths": ["/run/secrets"]}} ' +
        'enables ${file:/path[:key]}; {"secrets": {"type": "directory", "path": "/run/secrets"}} makes ${secrets:a/b:c} read /run/secrets/a/b/c.',
    ),
});

export type WorkerConfig = z.output<typeof workerSchema>;

/** Environment variables that override worker settings (containers set these rather than edit files). */
export const WORKER_ENV_OVERRIDES: Readonly<Record<string, readonly string[]>> = {
  BINLOGD_KAFKA_BROKERS: ['kafka', 'brokers'],
  BINLOGD_SCHEMA_REGISTRY_URL: ['schemaRegistry', 'url'],
  BINLOGD_HTTP_PORT: ['http', 'port'],
  BINLOGD_LOG_LEVEL: ['log', 'level'],
};

function setPath(document: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = document;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = next !== null && typeof next === 'object' && !Array.isArray(next) ? (next as Record<string, unknown>) : (node[key] = {});
  }
  node[path[path.length - 1]!] = value;
}

function getPath(document: unknown, path: readonly PropertyKey[]): unknown {
  let node = document;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return node;
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: unknown = schema;
  for (let i = 0; i < 5 && current !== undefined; i++) {
    if (current instanceof z.ZodObject) return current.shape as Record<string, z.ZodType>;
    const def = (current as { _zod: { def: { innerType?: unknown; in?: unknown; options?: unknown[] } } })._zod.def;
    current = def.innerType ?? def.in ?? def.options?.find((option) => option instanceof z.ZodObject);
  }
  return undefined;
}

// Sections where a misspelt key could silently turn a protection off (a typo in http.authToken
// would serve without auth): unknown keys there are errors, elsewhere warnings.
const STRICT_SECTIONS = /^(http|kafka\.ssl|kafka\.sasl|schemaRegistry\.auth|configProviders\.[^.]+)$/;

/** Keys the schema does not declare, with the closest declared key. */
function unknownKeys(schema: z.ZodType, document: unknown, path: string, problems: Problem[]): void {
  if (path === 'configProviders' && document !== null && typeof document === 'object') {
    for (const [name, provider] of Object.entries(document)) {
      const type = (provider as { type?: unknown } | null)?.type;
      const variant = PROVIDER_VARIANTS[String(type)];
      if (variant) unknownKeys(variant, provider, `${path}.${name}`, problems);
    }
    return;
  }
  const shape = shapeOf(schema);
  if (!shape || document === null || typeof document !== 'object' || Array.isArray(document)) return;
  const strict = STRICT_SECTIONS.test(path);
  for (const [key, value] of Object.entries(document)) {
    const property = path === '' ? key : `${path}.${key}`;
    // Own keys only: a key named like an Object.prototype member (`valueOf`) is not a setting.
    const inner = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (inner) {
      unknownKeys(inner, value, property, problems);
      continue;
    }
    const near = closestName(key, Object.keys(shape));
    const hint = near ? `did you mean ${path === '' ? near : `${path}.${near}`}?` : `known: ${Object.keys(shape).join(', ')}`;
    problems.push(strict
      ? { severity: 'error', property, message: `unknown setting in ${path}, refused so that a misspelt security setting cannot go unnoticed; ${hint}` }
      : { severity: 'warning', property, message: near ? `unknown setting; ${hint}` : 'unknown setting; ignored' });
  }
}

export interface WorkerParseOptions {
  readonly file?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface WorkerParseResult {
  readonly config?: WorkerConfig;
  readonly problems: Problem[];
}

function shown(property: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (isSecretName(property)) return HIDDEN;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function parseWorkerConfig(document: unknown, options: WorkerParseOptions = {}): WorkerParseResult {
  const env = options.env ?? process.env;
  const problems: Problem[] = [];
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { problems: inFile([{ severity: 'error', message: 'expected a JSON object' }], options.file) };
  }
  const copy = structuredClone(document) as Record<string, unknown>;
  const fromEnv = new Map<string, string>();
  for (const [name, path] of Object.entries(WORKER_ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(copy, path, value);
    fromEnv.set(path.join('.'), name);
  }
  // The worker file is the operator's own, like a shell profile: its references may read any
  // variable or file besides the providers it declares, which bind only connector configs.
  const written = copy['configProviders'];
  const entries = written !== null && typeof written === 'object' && !Array.isArray(written) ? Object.entries(written) : [];
  const providers: ProviderConfigs = {
    ...Object.fromEntries(entries.flatMap(([name, p]) => {
      const parsed = providerSchema.safeParse(p);
      return parsed.success ? [[name, parsed.data]] : [];
    })),
    ...LOCAL_PROVIDERS,
  };
  const resolved = resolveJson(copy, { env, providers });
  problems.push(...resolved.problems);
  unknownKeys(workerSchema, resolved.value, '', problems);
  const parsed = workerSchema.safeParse(resolved.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const property = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        const unreported = issue.keys.filter((key) => !problems.some((p) => p.property === (property === '' ? key : `${property}.${key}`)));
        if (unreported.length === 0) continue;
      }
      const written = getPath(copy, issue.path);
      const source = fromEnv.get(property);
      let message = written === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union') ? 'is required' : issue.message;
      if (source !== undefined) message += ` (set by ${source})`;
      problems.push({ severity: 'error', property, value: shown(property, written), message });
    }
  }
  if (parsed.success) {
    for (const [name, provider] of Object.entries(parsed.data.configProviders)) {
      if (provider.type !== 'file' || provider.allowedPaths !== undefined) continue;
      problems.push({ severity: 'warning', property: `configProviders.${name}`, message: 'can read every file the process can (/proc/self/environ included); set allowedPaths to the directories holding secrets' });
    }
  }
  const sorted = inFile(sortProblems(problems), options.file);
  if (!parsed.success || sorted.some((p) => p.severity === 'error')) return { problems: sorted };
  return { config: parsed.data, problems: sorted };
}

export function loadWorkerConfig(file: string, options: Omit<WorkerParseOptions, 'file'> = {}): WorkerParseResult {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : code !== undefined ? `cannot read the file (${code})` : `not valid JSON: ${(error as Error).message}`;
    return { problems: [{ severity: 'error', file, message }] };
  }
  return parseWorkerConfig(document, { ...options, file });
}

/** The providers a connector's references may use: only those the worker config enables. */
export function providersOf(worker: WorkerConfig | undefined): ProviderConfigs {
  return worker?.configProviders ?? {};
}
