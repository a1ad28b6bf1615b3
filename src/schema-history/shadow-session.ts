// binlogd's own SQL session in which MariaDB applies the DDL read from the binlog to temporary
// shadows of the tables involved, so the server itself, not a parser of ours, says what a table
// looks like after a statement. In ROW binlog format the server writes no CREATE/ALTER/DROP of a
// temporary table to the binlog; the session checks that format before every replay, and checks
// that every table a statement acts on is a temporary table of this session, so a replay can
// never change a real table. Shadows live for one replay: a lost connection loses nothing.
import type { TableRef } from '../envelope/ddl-statements.js';
import { BinlogdError } from '../errors.js';
import { openSessionSqlClient, type SqlClient, type SqlEndpoint } from '../source/sql-client.js';
import { isTemporaryCreateText, persistentCreateText, shadowCreateStatement, tableOptions } from './create-text.js';
import type { StoredDefinition } from './history-record.js';
import type { ReplayPlan } from './replay-plan.js';
import { informationSchemaColumns, uniqueIndexesFromShowIndex } from './show-columns.js';
import { quoteIdentifier } from './sql-text.js';

const ER_NO_SUCH_TABLE = 1146;

export type ExecutePlan = Extract<ReplayPlan, { kind: 'execute' }>;

/** What a replay produced: each result table's definition after the statement. */
export type ReplayResult = Map<string, StoredDefinition>;

export function refKey(ref: TableRef): string {
  return `${ref.db}.${ref.table}`;
}

export class ShadowSession {
  private sql: SqlClient | undefined;
  private charsets: Map<string, string> | undefined;

  constructor(private readonly endpoint: SqlEndpoint) {}

  /** Runs `plan` on shadows built from `known`; throws the server's error when MariaDB rejects a step. */
  async replay(plan: ExecutePlan, database: string, known: (ref: TableRef) => StoredDefinition | undefined): Promise<ReplayResult> {
    const sql = await this.session();
    const created: TableRef[] = [];
    try {
      await this.checkRowFormat(sql);
      if (database) await sql.query(`USE ${quoteIdentifier(database)}`);
      for (const ref of plan.shadows) {
        const definition = known(ref);
        if (!definition && ref !== plan.creates) continue;
        created.push(ref);
        // CREATE OR REPLACE of a table not yet known replaces a placeholder shadow, never a real table.
        await sql.query(definition ? shadowCreateStatement(definition.createStatement, ref) : `CREATE TEMPORARY TABLE ${qualified(ref)} (placeholder INT) ENGINE=Aria`);
      }
      await this.checkTargets(sql, plan);
      if (plan.creates) created.push(plan.creates);
      created.push(...plan.results);
      await sql.query(plan.statement);
      const results: ReplayResult = new Map();
      for (const ref of plan.results) results.set(refKey(ref), await this.read(sql, ref, true));
      return results;
    } catch (error) {
      // A session in an unknown state is not reused.
      if (error instanceof BinlogdError && error.code === 'SOURCE_CONNECTION_LOST') await this.reset();
      throw error;
    } finally {
      for (const ref of created) await this.sql?.query(`DROP TEMPORARY TABLE IF EXISTS ${qualified(ref)}`).catch(() => undefined);
    }
  }

  /** A real table as it is now (bootstrap); undefined when it does not exist. */
  async readTable(ref: TableRef): Promise<StoredDefinition | undefined> {
    const sql = await this.session();
    const exists = await sql.query('SELECT 1 FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = ?', [ref.db, ref.table, 'BASE TABLE']);
    if (exists.length === 0) return undefined;
    try {
      return await this.read(sql, ref, false);
    } catch (error) {
      // Dropped by another session since it was listed: it is not part of this point's tables.
      if ((error as { cause?: { errno?: number } }).cause?.errno === ER_NO_SUCH_TABLE) return undefined;
      throw error;
    }
  }

  /** The base tables of `db` now, by name. */
  async tablesOf(db: string): Promise<string[]> {
    const sql = await this.session();
    const rows = await sql.query('SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = ? ORDER BY TABLE_NAME', [db, 'BASE TABLE']);
    return rows.map((row) => String(row['TABLE_NAME']));
  }

  async databases(): Promise<string[]> {
    const sql = await this.session();
    return (await sql.query('SHOW DATABASES')).map((row) => String(Object.values(row)[0]));
  }

  async close(): Promise<void> {
    await this.reset();
  }

  private async reset(): Promise<void> {
    const sql = this.sql;
    this.sql = undefined;
    await sql?.close().catch(() => undefined);
  }

  private async session(): Promise<SqlClient> {
    if (this.sql) return this.sql;
    const sql = await openSessionSqlClient(this.endpoint);
    try {
      // Shadows are Aria tables: options only InnoDB knows (PAGE_COMPRESSED ...) become notes.
      await sql.query("SET SESSION sql_mode = CONCAT(@@session.sql_mode, ',IGNORE_BAD_TABLE_OPTIONS')");
      // Where the account may (SUPER, BINLOG ADMIN), nothing of this session reaches the binlog at all.
      await sql.query('SET SESSION sql_log_bin = 0').catch(() => undefined);
      const rows = await sql.query('SELECT COLLATION_NAME, CHARACTER_SET_NAME FROM INFORMATION_SCHEMA.COLLATIONS');
      this.charsets ??= new Map(rows.map((row) => [String(row['COLLATION_NAME']), String(row['CHARACTER_SET_NAME'])]));
    } catch (error) {
      await sql.close();
      throw error;
    }
    this.sql = sql;
    return sql;
  }

  private async checkRowFormat(sql: SqlClient): Promise<void> {
    const [row] = await sql.query('SELECT @@session.binlog_format AS format, @@session.sql_log_bin AS logging');
    if (String(row?.['logging']) !== '0' && String(row?.['format']).toUpperCase() !== 'ROW') {
      throw new BinlogdError('SOURCE_SETTINGS',
        `schema history replay refused: this session's binlog_format is ${String(row?.['format'])}, where MariaDB would write temporary table DDL to the binlog; set binlog_format=ROW`);
    }
  }

  /** Every table the statement acts on must be a temporary table of this session, or the statement creates one. */
  private async checkTargets(sql: SqlClient, plan: ExecutePlan): Promise<void> {
    if (plan.creates) {
      if (!/^CREATE\s+(?:OR\s+REPLACE\s+)?TEMPORARY\s+TABLE\b/i.test(plan.statement)) throw refused(plan, plan.creates, 'it does not create a temporary table');
      for (const ref of plan.shadows) await this.checkTemporary(sql, plan, ref);
      return;
    }
    for (const ref of plan.shadows) await this.checkTemporary(sql, plan, ref);
  }

  private async checkTemporary(sql: SqlClient, plan: ExecutePlan, ref: TableRef): Promise<void> {
    let text = '';
    try {
      text = await showCreate(sql, ref);
    } catch {
      throw refused(plan, ref, 'the schema history has no definition of it');
    }
    if (!isTemporaryCreateText(text)) throw refused(plan, ref, 'the schema history has no definition of it');
  }

  private async read(sql: SqlClient, ref: TableRef, shadow: boolean): Promise<StoredDefinition> {
    const createText = await showCreate(sql, ref);
    if (shadow && !isTemporaryCreateText(createText)) throw new BinlogdError('INTERNAL', `${refKey(ref)} is not a shadow of this session`);
    const columns = await sql.query(`SHOW FULL COLUMNS FROM ${qualified(ref)}`);
    const indexes = await sql.query(`SHOW INDEX FROM ${qualified(ref)}`);
    const charsets = this.charsets!;
    const { defaultCharset, comment } = tableOptions(createText);
    return {
      db: ref.db, table: ref.table,
      createStatement: persistentCreateText(createText),
      columns: informationSchemaColumns(columns, createText, (collation) => charsets.get(collation) ?? null),
      uniqueIndexes: uniqueIndexesFromShowIndex(indexes),
      defaultCharset, comment,
    };
  }
}

async function showCreate(sql: SqlClient, ref: TableRef): Promise<string> {
  const [row] = await sql.query(`SHOW CREATE TABLE ${qualified(ref)}`);
  return String(row?.['Create Table'] ?? '');
}

function qualified(ref: TableRef): string {
  return `${quoteIdentifier(ref.db)}.${quoteIdentifier(ref.table)}`;
}

function refused(plan: ExecutePlan, ref: TableRef, why: string): BinlogdError {
  return new BinlogdError('SOURCE_DECODE', `schema history replay refused for ${refKey(ref)}: ${why} (statement: ${plan.statement.slice(0, 200)})`);
}
