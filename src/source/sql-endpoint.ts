// Where a connector's SQL and binlog connections go, and how messages may name it: a host or user
// that came from a `${…}` reference is named by its setting, never by its resolved value.
import type { ConnectionConfig } from '../config/index.js';

export interface SqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  /**
   * How messages name the host and the user (ConnectionConfig.shown): the setting and its
   * reference when the value came from one, never the resolved value.
   */
  shown?: { hostname: string; user: string };
  connectTimeoutMs?: number;
  /** Run on every new connection (database.initial.statements). */
  initialStatements?: readonly string[];
  /** Longest wait for one query's answer on a plain client; 0 or unset: no limit (database.query.timeout.ms). */
  queryTimeoutMs?: number;
  /** The open connection does not keep the process alive (background monitoring). */
  unref?: boolean;
}

/** Where a connector's `database.*` properties point. */
export function endpointOf(
  database: Pick<ConnectionConfig, 'hostname' | 'port' | 'user' | 'password' | 'connectTimeoutMs'> & Partial<Pick<ConnectionConfig, 'shown' | 'initialStatements' | 'queryTimeoutMs'>>,
): SqlEndpoint {
  return {
    host: database.hostname, port: database.port, user: database.user, password: database.password, connectTimeoutMs: database.connectTimeoutMs,
    initialStatements: database.initialStatements, queryTimeoutMs: database.queryTimeoutMs,
    ...(database.shown ? { shown: { ...database.shown } } : {}),
  };
}

/** The host and port as messages may show them. */
export function serverOf(endpoint: SqlEndpoint): string {
  const host = endpoint.shown?.hostname ?? endpoint.host;
  return host === endpoint.host ? `${host}:${endpoint.port}` : `${host}, port ${endpoint.port}`;
}

export function userOf(endpoint: SqlEndpoint): string {
  return endpoint.shown?.user ?? endpoint.user;
}

/** The account as MariaDB names it in GRANT statements; the host part is whatever the server sees. */
export function accountOf(endpoint: SqlEndpoint): string {
  const user = userOf(endpoint);
  return user === endpoint.user ? `'${user}'@'<this host>'` : `<${user}>@'<this host>'`;
}
