// Which properties may hold secrets, and how they are shown: `[hidden]` in logs, REST output and
// validation messages. A property counts as secret when its name says so (Debezium's
// `custom.sanitize.pattern` default covers the same words) or when its value came from a config
// provider reference; the resolved value of a reference is never shown.
import type { ConnectorConfig } from './connector.js';
import type { WorkerConfig } from './worker.js';

export const HIDDEN = '[hidden]';

const SECRET_NAME = /password|secret|token|sasl\.jaas\.config|basic\.auth\.user\.info/i;

export function isSecretName(property: string): boolean {
  return SECRET_NAME.test(property);
}

/**
 * The value to print for a property in a problem: the text as written in the file (references
 * unresolved), or `[hidden]` when the name marks a secret.
 */
export function displayValue(property: string, written: string): string {
  return isSecretName(property) ? HIDDEN : written;
}

/**
 * How an error message names a setting: its value, or, for a value from a reference or a secret
 * setting, the setting and the reference as written (`database.user (from ${env:DB_USER})`).
 */
export function shownSetting(property: string, value: string, written: string | undefined, secret: boolean): string {
  if (!secret) return value;
  return written !== undefined && /\$\{[^}]*:[^}]*\}/.test(written) ? `${property} (from ${written})` : property;
}

/** The connector's resolved properties with every secret replaced by `[hidden]`. */
export function redact(config: ConnectorConfig): Record<string, string> {
  return redactProperties(config.raw, config.secretProperties);
}

/**
 * Hides secret-named properties, properties listed in `secrets`, and any value still holding a
 * `${…}` reference (for maps that were never resolved, e.g. a REST request body).
 */
export function redactProperties(
  properties: Readonly<Record<string, unknown>>,
  secrets: ReadonlySet<string> = new Set(),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(properties)) {
    const text = value === null || value === undefined ? '' : String(value);
    out[name] = secrets.has(name) || isSecretName(name) || /\$\{[^}]*:[^}]*\}/.test(text) ? HIDDEN : text;
  }
  return out;
}

/** The worker config with its credentials hidden, for the start-up log line. */
export function redactWorker(worker: WorkerConfig): WorkerConfig {
  const kafka = worker.kafka.sasl ? { ...worker.kafka, sasl: { ...worker.kafka.sasl, password: HIDDEN } } : worker.kafka;
  const auth = worker.schemaRegistry.auth ? { ...worker.schemaRegistry.auth, password: HIDDEN } : undefined;
  const schemaRegistry = auth ? { ...worker.schemaRegistry, auth } : worker.schemaRegistry;
  const http = worker.http.authToken === undefined ? worker.http : { ...worker.http, authToken: HIDDEN };
  const tls = worker.kafka.ssl;
  const ssl = typeof tls === 'object' ? { ...tls, ...(tls.key && { key: HIDDEN }), ...(tls.passphrase && { passphrase: HIDDEN }) } : tls;
  return { ...worker, kafka: { ...kafka, ssl }, schemaRegistry, http };
}

// The last line of defence: every value resolved from a `${…}` reference and every value of a
// secret setting is remembered for the life of the process, and each log line, status trace and
// REST body passes through `hideSecretsIn` before it leaves, so a value that slipped into an error
// message (a driver quoting the host it could not reach, a server quoting the user it refused) is
// still shown as `[hidden]`. Very short values ("1", "on") are left alone: hiding them would
// garble every message while protecting nothing. A value is hidden where it stands as a word of its
// own, not inside a longer name ("cdc" in "cdc_orders", "binlogd" in "binlogd-offsets"): that is
// where drivers and servers quote it, and hiding it inside other names would make them unreadable.
export const MIN_HIDDEN_LENGTH = 4;
// Lines of a multi-line value (a whole file, /proc/self/environ's NUL-separated entries) are
// remembered too when they are long enough to be unlikely in ordinary text.
const MIN_HIDDEN_PIECE_LENGTH = 8;
const NAME_CHAR = 'A-Za-z0-9_\\-';

const remembered = new Set<string>();
let pattern: RegExp | undefined;
let escapedPattern: RegExp | undefined;

function add(value: string, minLength: number): boolean {
  if (value.length < minLength || remembered.has(value)) return false;
  remembered.add(value);
  return true;
}

function compile(values: readonly string[]): RegExp {
  // Longest first, so a whole file is replaced before a line of it.
  const alternatives = [...values].sort((a, b) => b.length - a.length).map((v) => v.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`(?<![${NAME_CHAR}])(?:${alternatives.join('|')})(?![${NAME_CHAR}])`, 'g');
}

/** Remembers a secret (or resolved) value so that `hideSecrets` replaces it wherever it shows up. */
export function rememberSecret(value: string): void {
  let added = add(value, MIN_HIDDEN_LENGTH);
  if (/[\r\n\0]/.test(value)) for (const piece of value.split(/[\r\n\0]+/)) added = add(piece.trim(), MIN_HIDDEN_PIECE_LENGTH) || added;
  if (!added) return;
  pattern = compile([...remembered]);
  escapedPattern = compile([...remembered].map((v) => JSON.stringify(v).slice(1, -1)));
}

const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@\s]+)@/i;

/**
 * Remembers the password of every URL in a comma-separated list (`http://user:pw@registry:8081`):
 * fetch and client errors quote the URL they failed on, and the property name (`….url`) does not
 * mark it as a secret.
 */
export function rememberUrlCredentials(value: string): void {
  for (const url of value.split(',')) {
    const userinfo = URL_CREDENTIALS.exec(url.trim())?.[1];
    const colon = userinfo?.indexOf(':') ?? -1;
    if (userinfo === undefined || colon < 0) continue;
    const password = userinfo.slice(colon + 1);
    rememberSecret(password);
    try {
      rememberSecret(decodeURIComponent(password));
    } catch {
      // Not percent-encoded: the text as written was remembered above.
    }
  }
}

/** `text` with every remembered secret replaced by `[hidden]`. */
export function hideSecrets(text: string): string {
  return pattern === undefined ? text : text.replace(pattern, HIDDEN);
}

/** A copy of a JSON-like value with every remembered secret hidden in its strings (keys included). */
export function hideSecretsIn<T>(value: T): T {
  return pattern === undefined ? value : (walk(value, 0) as T);
}

function walk(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return hideSecrets(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[hideSecrets(key)] = walk(inner, depth + 1);
  return out;
}

/**
 * One serialized log line (JSON, as pino writes it) with every remembered secret hidden. Only the
 * strings are rewritten, so a secret that looks like a number ("3306") never breaks the JSON.
 */
export function hideSecretsInLine(line: string): string {
  if (pattern === undefined || escapedPattern === undefined) return line;
  pattern.lastIndex = 0;
  escapedPattern.lastIndex = 0;
  if (!pattern.test(line) && !escapedPattern.test(line)) return line;
  const newline = line.endsWith('\n') ? '\n' : '';
  try {
    return JSON.stringify(hideSecretsIn(JSON.parse(line))) + newline;
  } catch {
    return line.replace(pattern, HIDDEN).replace(escapedPattern, HIDDEN);
  }
}
