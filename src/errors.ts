// One error type for the whole daemon: a stable code to decide on, a retriable flag for the
// supervisor, and the original cause kept intact. Nothing is ever decided by an error's message text.

export type ErrorCode =
  // configuration
  | 'CONFIG_INVALID'
  | 'CONFIG_PROVIDER'
  // MariaDB source
  | 'SOURCE_UNREACHABLE'
  // the host and port answer, but not as a MariaDB server
  | 'SOURCE_NOT_MARIADB'
  | 'SOURCE_AUTH'
  | 'SOURCE_GRANTS'
  | 'SOURCE_SETTINGS'
  | 'SOURCE_CONNECTION_LOST'
  | 'SOURCE_POSITION_LOST'
  | 'SOURCE_DECODE'
  // a row change the binlog holds as SQL text (binlog_format STATEMENT/MIXED), or without every column
  | 'SOURCE_STATEMENT_EVENT'
  | 'SOURCE_PARTIAL_ROW'
  // another replica took this connector's database.server.id
  | 'SOURCE_SERVER_ID_IN_USE'
  // a table or side topic whose name Kafka cannot take, or that two tables would share
  | 'TOPIC_NAME_INVALID'
  // schema registry
  | 'REGISTRY_UNREACHABLE'
  | 'REGISTRY_REJECTED'
  // Kafka
  | 'KAFKA_UNREACHABLE'
  | 'KAFKA_REJECTED'
  | 'KAFKA_FENCED'
  // a record that fails a transform, its conversion or the size limit (errors.tolerance=none)
  | 'RECORD_FAILED'
  // anything we did not foresee
  | 'INTERNAL';

export class BinlogdError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  /** Extra facts for logs and REST status (property names, positions, servers); never secrets. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BinlogdError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details ?? {};
  }
}

/** Wraps anything thrown into a BinlogdError, keeping it as the cause. */
export function asBinlogdError(error: unknown, fallback: ErrorCode = 'INTERNAL'): BinlogdError {
  if (error instanceof BinlogdError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BinlogdError(fallback, message, { cause: error });
}
