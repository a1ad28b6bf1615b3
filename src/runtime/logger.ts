// Structured JSON logs on stdout (pino), one child logger per connector. Secrets never reach a log
// line: config values are redacted before logging, and these paths are censored as a backstop.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'binlogd' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['password', '*.password', 'config["database.password"]', 'authToken', '*.authToken', 'sasl.password'],
      censor: '[hidden]',
    },
  });
}
