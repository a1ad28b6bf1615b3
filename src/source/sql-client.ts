// Plain SQL connections to the source server (settings checks, table metadata, snapshot reads).
// The only file importing mysql2; binlog replication goes through binlog-client.ts.
import mysql from 'mysql2/promise';
import type { ConnectionConfig } from '../config/index.js';
import { BinlogdError } from '../errors.js';

export interface SqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  connectTimeoutMs?: number;
  /** The open connection does not keep the process alive (background monitoring). */
  unref?: boolean;
}

export type SqlRow = Record<string, unknown>;

/** Where a connector's `database.*` properties point. */
export function endpointOf(database: Pick<ConnectionConfig, 'hostname' | 'port' | 'user' | 'password' | 'connectTimeoutMs'>): SqlEndpoint {
  return { host: database.hostname, port: database.port, user: database.user, password: database.password, connectTimeoutMs: database.connectTimeoutMs };
}

/** The account as MariaDB names it in GRANT statements; the host part is whatever the server sees. */
export function accountOf(endpoint: SqlEndpoint): string {
  return `'${endpoint.user}'@'<this host>'`;
}

export interface SqlClient {
  query(sql: string, params?: unknown[]): Promise<SqlRow[]>;
  close(): Promise<void>;
}

// mysql2 reports socket failures by errno name and server refusals by MariaDB error number.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST']);
const ER_ACCESS_DENIED = 1045;
const ER_DBACCESS_DENIED = 1044;
// ER_MASTER_FATAL_ERROR_READING_BINLOG: the server cannot send the binlog from the requested GTID
// position (the binlog holding it was purged, or the position is not in its history).
const ER_BINLOG_POSITION_UNAVAILABLE = 1236;
const GRANT_ERRNOS = new Set([1142 /* ER_TABLEACCESS_DENIED */, 1143 /* column */, 1227 /* ER_SPECIFIC_ACCESS_DENIED */]);

export function sqlError(error: unknown, endpoint: SqlEndpoint): BinlogdError {
  const { code, errno, fatal } = (error ?? {}) as { code?: string; errno?: number; fatal?: boolean };
  const where = `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new BinlogdError('SOURCE_UNREACHABLE',
      `cannot reach MariaDB at ${endpoint.host}:${endpoint.port} (${code}): check database.hostname and database.port, and that the server accepts TCP connections`,
      { retriable: true, cause: error, details: { host: endpoint.host, port: endpoint.port } });
  }
  if (errno === ER_ACCESS_DENIED || errno === ER_DBACCESS_DENIED) {
    return new BinlogdError('SOURCE_AUTH',
      `MariaDB refused the login ${where}: check database.user and database.password`,
      { cause: error, details: { host: endpoint.host, port: endpoint.port, user: endpoint.user } });
  }
  const reason = error instanceof Error ? error.message : String(error);
  if (errno === ER_BINLOG_POSITION_UNAVAILABLE) {
    return new BinlogdError('SOURCE_POSITION_LOST',
      `MariaDB ${endpoint.host}:${endpoint.port} cannot send the binlog from the connector's position: ${reason}. The binlog holding it was purged (see SHOW BINARY LOGS for the oldest one). Nothing after that position can be read any more: reset the connector's stored offset to start from the current end, or re-snapshot (snapshot.mode=when_needed, once snapshots land)`,
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

/** Exact values: 64-bit integers and decimals as text, temporal values as the server prints them. */
function connectionOptions(endpoint: SqlEndpoint): mysql.ConnectionOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password: endpoint.password,
    connectTimeout: endpoint.connectTimeoutMs ?? 30_000,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
  };
}

async function connect(endpoint: SqlEndpoint): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection(connectionOptions(endpoint));
  } catch (error) {
    throw sqlError(error, endpoint);
  }
}

/**
 * One connection, opened again when it was lost: a server restart (or an idle timeout) kills it,
 * while the binlog client reconnects on its own and then needs table metadata from here. A query
 * that fails because the connection died is sent once more on a new connection; the queries are
 * reads, so sending one twice is harmless.
 */
export async function openSqlClient(endpoint: SqlEndpoint): Promise<SqlClient> {
  let connection = await connect(endpoint);
  let lost = false;
  const watch = (c: mysql.Connection): void => {
    // A connection dropped by the server emits 'error'; the next query opens a new one.
    c.on('error', () => {
      if (c === connection) lost = true;
    });
  };
  watch(connection);
  const reopen = async (): Promise<void> => {
    connection.destroy();
    connection = await connect(endpoint);
    lost = false;
    watch(connection);
  };
  const run = async (sql: string, params?: unknown[]): Promise<SqlRow[]> => {
    try {
      const [rows] = await connection.query(sql, params);
      return Array.isArray(rows) ? (rows as SqlRow[]) : [];
    } catch (error) {
      throw sqlError(error, endpoint);
    }
  };
  return {
    async query(sql, params) {
      if (lost) await reopen();
      try {
        return await run(sql, params);
      } catch (error) {
        const mapped = error as BinlogdError;
        if (mapped.code !== 'SOURCE_CONNECTION_LOST' && mapped.code !== 'SOURCE_UNREACHABLE') throw mapped;
        await reopen();
        return run(sql, params);
      }
    },
    async close() {
      await connection.end().catch(() => connection.destroy());
    },
  };
}

/**
 * One session that is never opened again behind the caller's back: after the connection is lost
 * every query fails (SOURCE_CONNECTION_LOST), because session state (temporary tables) is gone
 * and a statement meant for it must not reach another session.
 */
export async function openSessionSqlClient(endpoint: SqlEndpoint): Promise<SqlClient> {
  const connection = await connect(endpoint);
  connection.on('error', () => undefined);
  return {
    async query(sql, params) {
      try {
        const [rows] = await connection.query(sql, params);
        return Array.isArray(rows) ? (rows as SqlRow[]) : [];
      } catch (error) {
        throw sqlError(error, endpoint);
      }
    },
    async close() {
      await connection.end().catch(() => connection.destroy());
    },
  };
}

/** A connection whose rows carry the raw values zongji yields for the same columns (snapshot reads). */
export interface SnapshotSqlClient extends SqlClient {
  /** A query whose GEOMETRY values stay raw bytes (the per-value hook slows every row: only when needed). */
  select(sql: string, params: unknown[], rawGeometry: boolean): Promise<SqlRow[]>;
  /**
   * Rows of one query as they arrive, with backpressure: the socket is paused while the consumer
   * holds `highWaterMark` rows, so a table of any size streams in bounded memory.
   */
  stream(sql: string, params: unknown[], rawGeometry: boolean, highWaterMark?: number): AsyncIterable<SqlRow>;
}

// The text protocol sends GEOMETRY as the server stores it (4-byte SRID + WKB), the same bytes the
// binlog row image carries; mysql2 would parse them into {x, y} objects and lose the SRID.
function binlogShapedValue(field: { type: string; buffer(): Buffer | null }, next: () => unknown): unknown {
  return field.type === 'GEOMETRY' ? field.buffer() : next();
}

/**
 * A connection for snapshot reads: values shaped like zongji's (exact integers, decimals and
 * temporals as text, GEOMETRY as raw bytes) and TIMESTAMP printed in UTC, as the binlog reader sees
 * them, so one decode table serves both paths.
 */
export async function openSnapshotSqlClient(endpoint: SqlEndpoint): Promise<SnapshotSqlClient> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      ...connectionOptions(endpoint),
      // MariaDB's JSON is LONGTEXT: the binlog carries the stored text, and mysql2 would parse it.
      jsonStrings: true,
      charset: 'utf8mb4',
    });
    await connection.query("SET SESSION time_zone = '+00:00'");
  } catch (error) {
    throw sqlError(error, endpoint);
  }
  connection.on('error', () => undefined);
  if (endpoint.unref) (connection as unknown as { connection?: { stream?: { unref?(): void } } }).connection?.stream?.unref?.();
  return {
    async query(sql, params) {
      try {
        const [rows] = await connection.query(sql, params);
        return Array.isArray(rows) ? (rows as SqlRow[]) : [];
      } catch (error) {
        throw sqlError(error, endpoint);
      }
    },
    async select(sql, params, rawGeometry) {
      try {
        const [rows] = await connection.query({ sql, ...(rawGeometry ? { typeCast: binlogShapedValue as unknown as mysql.QueryOptions['typeCast'] } : {}) }, params);
        return rows as SqlRow[];
      } catch (error) {
        throw sqlError(error, endpoint);
      }
    },
    async *stream(sql, params, rawGeometry, highWaterMark = 1000) {
      // The callback connection underneath the promise wrapper offers the row stream.
      const core = (connection as unknown as { connection: { query(options: object, params?: unknown[]): { stream(o: object): NodeJS.ReadableStream } } }).connection;
      const rows = core.query({ sql, ...(rawGeometry ? { typeCast: binlogShapedValue } : {}) }, params).stream({ highWaterMark, objectMode: true });
      try {
        for await (const row of rows) yield row as unknown as SqlRow;
      } catch (error) {
        throw sqlError(error, endpoint);
      }
    },
    async close() {
      await connection.end().catch(() => connection.destroy());
    },
  };
}
