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
