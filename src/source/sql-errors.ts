// mysql2's and zongji's errors as BinlogdErrors: socket failures by errno name, server refusals by
// MariaDB error number. Messages name the host and user as sql-endpoint.ts shows them, and the
// driver's own message, kept as the cause, has resolved values replaced the same way.
import { inspect } from 'node:util';
import { BinlogdError } from '../errors.js';
import { serverOf, userOf, type SqlEndpoint } from './sql-endpoint.js';

// mysql2 reports socket failures by errno name and server refusals by MariaDB error number.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST']);
const ER_ACCESS_DENIED = 1045;
const ER_DBACCESS_DENIED = 1044;
// ER_MASTER_FATAL_ERROR_READING_BINLOG: the server cannot send the binlog from the requested GTID
// position (the binlog holding it was purged, or the position is not in its history).
const ER_BINLOG_POSITION_UNAVAILABLE = 1236;
const GRANT_ERRNOS = new Set([1142 /* ER_TABLEACCESS_DENIED */, 1143 /* column */, 1227 /* ER_SPECIFIC_ACCESS_DENIED */]);

/** The code mariadb-greeting.ts fails a socket with when the server is not MariaDB. */
export const NOT_MARIADB = 'BINLOGD_NOT_MARIADB';

/** The forms a driver or server may quote a value in: as is, up to a NUL (C strings), escaped. */
function quotedForms(value: string): string[] {
  const forms = [value, value.split('\0')[0]!, JSON.stringify(value).slice(1, -1), inspect(value).slice(1, -1)];
  return [...new Set(forms)].filter((form) => form.length >= 2).sort((a, b) => b.length - a.length);
}

/**
 * The driver's error with the resolved host and user in its message replaced by the settings that
 * hold them (`database.hostname (from ${…})`): the cause is shown in status traces, and drivers and
 * servers quote both ("getaddrinfo ENOTFOUND <host>", "Access denied for user '<user>'").
 */
function withoutResolvedValues(error: unknown, endpoint: SqlEndpoint): unknown {
  const shown = endpoint.shown;
  if (!shown || !(error instanceof Error)) return error;
  const replacements: Array<[string, string]> = [];
  if (shown.hostname !== endpoint.host) replacements.push(...quotedForms(endpoint.host).map((form): [string, string] => [form, shown.hostname]));
  if (shown.user !== endpoint.user) replacements.push(...quotedForms(endpoint.user).map((form): [string, string] => [form, shown.user]));
  if (replacements.length === 0) return error;
  const scrub = (text: string): string => replacements.reduce((out, [form, label]) => out.split(form).join(label), text);
  const { code, errno, sqlState, fatal } = error as { code?: string; errno?: number; sqlState?: string; fatal?: boolean };
  const copy = Object.assign(new Error(scrub(error.message)), { code, errno, sqlState, fatal });
  copy.name = error.name;
  copy.stack = scrub(error.stack ?? '');
  return copy;
}

export function sqlError(raw: unknown, endpoint: SqlEndpoint): BinlogdError {
  const error = withoutResolvedValues(raw, endpoint);
  const { code, errno, fatal } = (error ?? {}) as { code?: string; errno?: number; fatal?: boolean };
  const server = serverOf(endpoint);
  const where = `${userOf(endpoint)} at ${server}`;
  const details = { server, user: userOf(endpoint) };
  if (code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
    return new BinlogdError('SOURCE_CONNECTION_LOST',
      `MariaDB ${where} did not answer a query within database.query.timeout.ms (${endpoint.queryTimeoutMs} ms): raise it, or set 0 for no limit`,
      { retriable: true, cause: error, details: { ...details, property: 'database.query.timeout.ms' } });
  }
  if (code === NOT_MARIADB) {
    return new BinlogdError('SOURCE_NOT_MARIADB',
      `${server} accepted the TCP connection but is not a MariaDB server (${(error as Error).message}): check database.hostname and database.port point at MariaDB`,
      { retriable: true, cause: error, details });
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new BinlogdError('SOURCE_UNREACHABLE',
      `cannot reach MariaDB at ${server} (${code}): check database.hostname and database.port, and that the server accepts TCP connections`,
      { retriable: true, cause: error, details });
  }
  if (errno === ER_ACCESS_DENIED || errno === ER_DBACCESS_DENIED) {
    return new BinlogdError('SOURCE_AUTH',
      `MariaDB refused the login of ${where}: check database.user and database.password`,
      { cause: error, details });
  }
  const reason = error instanceof Error ? error.message : String(error);
  if (errno === ER_BINLOG_POSITION_UNAVAILABLE) {
    return new BinlogdError('SOURCE_POSITION_LOST',
      `MariaDB ${server} cannot send the binlog from the connector's position: ${reason}. The binlog holding it was purged (see SHOW BINARY LOGS for the oldest one). Nothing after that position can be read any more: reset the connector's stored offset to start from the current end, or re-snapshot (snapshot.mode=when_needed, once snapshots land)`,
      { cause: error });
  }
  if (errno !== undefined && GRANT_ERRNOS.has(errno)) {
    return new BinlogdError('SOURCE_GRANTS', `MariaDB ${where} lacks a privilege: ${reason}`, { cause: error });
  }
  if (errno !== undefined && !fatal) {
    return new BinlogdError('INTERNAL', `MariaDB ${where} rejected a query: ${reason}`, { cause: error });
  }
  return new BinlogdError('SOURCE_CONNECTION_LOST', `MariaDB ${where}: ${reason}`, { retriable: true, cause: error });
}
