// Plain SQL connections to the source server (settings checks, table metadata, snapshot reads).
// The only file importing mysql2; binlog replication goes through binlog-client.ts.
import mysql from 'mysql2/promise';
import { BinlogdError } from '../errors.js';
import { greetedSocket } from './mariadb-greeting.js';
import { serverOf, type SqlEndpoint } from './sql-endpoint.js';
import { sqlError } from './sql-errors.js';

export { accountOf, endpointOf, serverOf, type SqlEndpoint } from './sql-endpoint.js';
export { sqlError } from './sql-errors.js';

export type SqlRow = Record<string, unknown>;

export interface SqlClient {
  query(sql: string, params?: unknown[]): Promise<SqlRow[]>;
  close(): Promise<void>;
}

/** Exact values: 64-bit integers and decimals as text, temporal values as the server prints them. */
function connectionOptions(endpoint: SqlEndpoint): mysql.ConnectionOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password: endpoint.password,
    connectTimeout: endpoint.connectTimeoutMs ?? 30_000,
    stream: () => greetedSocket(endpoint),
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
  };
}

/**
 * Runs database.initial.statements on a new connection, as Debezium does on each JDBC connection.
 * The error names the statement by its number: its text may hold a resolved secret.
 */
async function runInitialStatements(connection: mysql.Connection, endpoint: SqlEndpoint): Promise<void> {
  const statements = endpoint.initialStatements ?? [];
  for (const [index, statement] of statements.entries()) {
    try {
      await connection.query(statement);
    } catch (error) {
      const mapped = sqlError(error, endpoint);
      if (mapped.retriable) throw mapped;
      throw new BinlogdError('CONFIG_INVALID',
        `database.initial.statements: statement ${index + 1} of ${statements.length} failed on MariaDB ${serverOf(endpoint)}: ` +
        `${(error as { sqlMessage?: string }).sqlMessage ?? mapped.message}; fix or remove it`,
        { cause: error, details: { property: 'database.initial.statements' } });
    }
  }
}

async function connect(endpoint: SqlEndpoint): Promise<mysql.Connection> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection(connectionOptions(endpoint));
  } catch (error) {
    throw sqlError(error, endpoint);
  }
  try {
    await runInitialStatements(connection, endpoint);
  } catch (error) {
    connection.destroy();
    throw error;
  }
  return connection;
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
      const timeout = endpoint.queryTimeoutMs ? { timeout: endpoint.queryTimeoutMs } : {};
      const [rows] = await connection.query({ sql, ...timeout }, params);
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
    query: queryOn(connection, endpoint),
    async close() {
      await connection.end().catch(() => connection.destroy());
    },
  };
}

/** A connection whose rows carry the raw values zongji yields for the same columns (snapshot reads). */
export interface SnapshotSqlClient extends SqlClient {
  /** A query whose GEOMETRY and floating point values are read as the binlog holds them (the per-value hook slows every row: only when needed). */
  select(sql: string, params: unknown[], binlogShaped: boolean): Promise<SqlRow[]>;
  /**
   * Rows of one query as they arrive, with backpressure: the socket is paused while the consumer
   * holds `highWaterMark` rows, so a table of any size streams in bounded memory.
   */
  stream(sql: string, params: unknown[], binlogShaped: boolean, highWaterMark?: number): AsyncIterable<SqlRow>;
}

// The text protocol sends GEOMETRY as the server stores it (4-byte SRID + WKB), the same bytes the
// binlog row image carries; mysql2 would parse them into {x, y} objects and lose the SRID.
// mysql2 parses DOUBLE text with its own digit loop (result * 10 + digit, then one division), which
// is off by one unit in the last place for about 2% of values (917044.1636815667 became ...668):
// Number() reads the server's text to the nearest double, as the binlog's 8 bytes are. (The
// snapshot's own select list reads them as text instead: this hook costs on every value.)
function binlogShapedValue(field: { type: string; buffer(): Buffer | null; string(): string | null }, next: () => unknown): unknown {
  if (field.type === 'GEOMETRY') return field.buffer();
  if (field.type === 'DOUBLE' || field.type === 'FLOAT') {
    const text = field.string();
    return text === null ? null : Number(text);
  }
  return next();
}

/**
 * A connection for snapshot reads: values shaped like zongji's (exact integers, decimals and
 * temporals as text, GEOMETRY as raw bytes, DOUBLE to the nearest double) and TIMESTAMP printed in UTC, as the binlog reader sees
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
  } catch (error) {
    throw sqlError(error, endpoint);
  }
  try {
    await runInitialStatements(connection, endpoint);
    // After the user's statements: the snapshot's values must be read in UTC whatever they set.
    await connection.query("SET SESSION time_zone = '+00:00'");
  } catch (error) {
    connection.destroy();
    throw error instanceof BinlogdError ? error : sqlError(error, endpoint);
  }
  connection.on('error', () => undefined);
  if (endpoint.unref) (connection as unknown as { connection?: { stream?: { unref?(): void } } }).connection?.stream?.unref?.();
  return {
    query: queryOn(connection, endpoint),
    async select(sql, params, binlogShaped) {
      try {
        const [rows] = await connection.query({ sql, ...(binlogShaped ? { typeCast: binlogShapedValue as unknown as mysql.QueryOptions['typeCast'] } : {}) }, params);
        return rows as SqlRow[];
      } catch (error) {
        throw sqlError(error, endpoint);
      }
    },
    async *stream(sql, params, binlogShaped, highWaterMark = 1000) {
      // The callback connection underneath the promise wrapper offers the row stream.
      const core = (connection as unknown as { connection: { query(options: object, params?: unknown[]): { stream(o: object): NodeJS.ReadableStream } } }).connection;
      const rows = core.query({ sql, ...(binlogShaped ? { typeCast: binlogShapedValue } : {}) }, params).stream({ highWaterMark, objectMode: true });
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

/** Queries on one connection, failures mapped to BinlogdErrors. */
function queryOn(connection: mysql.Connection, endpoint: SqlEndpoint): SqlClient['query'] {
  return async (sql, params) => {
    try {
      const [rows] = await connection.query(sql, params);
      return Array.isArray(rows) ? (rows as SqlRow[]) : [];
    } catch (error) {
      throw sqlError(error, endpoint);
    }
  };
}
