// Structured JSON logs on stdout (pino), one child logger per connector. Secrets never reach a log
// line: config values are redacted before logging (config/secrets.ts), and every logged object
// passes through `censor` as a backstop: any field whose name marks a secret (password, token,
// secret, passphrase, authorization, sasl.jaas.config, ...) at any depth and TLS keys are replaced
// by [hidden], and a whole connector config is logged as its property map with every `${…}`
// reference's value hidden. Last, every serialized line goes through `hideSecretsInLine`, which
// hides any remembered secret or resolved value wherever it stands (a message, an error's cause).
import pino, { type Logger } from 'pino';
import { HIDDEN, hideSecretsInLine, isSecretName, redactProperties } from '../config/index.js';

export type { Logger };

const EXTRA_SECRET = /passphrase|authorization|credential/i;
const MAX_DEPTH = 8;
const CHILD_BINDING_SECRETS = ['password', 'authToken', '*.password', '*.authToken', '*.*.password', '*.sasl.password', '*.auth.password', 'config["database.password"]'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function secretField(key: string, parent: string | undefined): boolean {
  return isSecretName(key) || EXTRA_SECRET.test(key) || (parent === 'ssl' && key === 'key');
}

/** A copy of `value` with secret fields hidden; errors and class instances are left to pino's serializers. */
export function censor(value: unknown, parent?: string, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => censor(item, parent, depth + 1));
  if (!isPlainObject(value)) return value;
  // A whole ConnectorConfig: its typed sections hold resolved reference values that no longer
  // say where they came from, so only its property map is logged, redacted.
  const secrets = value['secretProperties'];
  if (secrets instanceof Set && isPlainObject(value['raw'])) {
    return { name: value['name'], ...(value['file'] === undefined ? {} : { file: value['file'] }), config: redactProperties(value['raw'], secrets as Set<string>) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== undefined && inner !== null && inner !== '' && secretField(key, parent)) out[key] = HIDDEN;
    else out[key] = censor(inner, key, depth + 1);
  }
  return out;
}

export interface LoggerOptions {
  /** Where lines go (default stdout); tests pass a stream to read them. */
  destination?: pino.DestinationStream;
}

/** Every line pino writes, with remembered secrets hidden before it reaches the destination. */
function hidingSecrets(destination: pino.DestinationStream): pino.DestinationStream {
  const target = destination as pino.DestinationStream & { flush?: (cb?: (error?: Error) => void) => void; flushSync?: () => void };
  return {
    write: (line: string) => target.write(hideSecretsInLine(line)),
    ...(target.flush ? { flush: target.flush.bind(target) } : {}),
    ...(target.flushSync ? { flushSync: target.flushSync.bind(target) } : {}),
  } as pino.DestinationStream;
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  return pino({
    level,
    base: { service: 'binlogd' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: (object) => censor(object) as Record<string, unknown> },
    // pino does not pass child bindings through formatters; these paths cover them.
    redact: { paths: CHILD_BINDING_SECRETS, censor: HIDDEN },
  }, hidingSecrets(options.destination ?? pino.destination({ dest: 1, sync: true })));
}
