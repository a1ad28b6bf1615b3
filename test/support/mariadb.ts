import mysql from 'mysql2/promise';
import { loadStackEnv } from './stack-env.js';

/** An administrative connection to the stack's MariaDB, for tests that write DDL and rows. */
export async function connectAsRoot(port?: number): Promise<mysql.Connection> {
  const { mariadbRoot } = loadStackEnv();
  return mysql.createConnection({ ...mariadbRoot, port: port ?? mariadbRoot.port, multipleStatements: true });
}

export async function currentGtidPosition(conn: mysql.Connection): Promise<string> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT @@gtid_binlog_pos AS pos');
  return String(rows[0]?.['pos'] ?? '');
}
