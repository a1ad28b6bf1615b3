// Turns one DDL statement of the binlog into history records: plans it (replay-plan.ts), lets
// MariaDB apply it to shadows (shadow-session.ts) or moves definitions in memory (DROP, RENAME),
// and applies the outcome to the definitions. A statement MariaDB rejects on the shadows leaves
// the definitions as they were and is reported as a failure; the row structure still comes from
// each TABLE_MAP event.
import type { TableRef } from '../envelope/ddl-statements.js';
import type { SchemaDefinitions } from './definitions.js';
import type { HistoryPosition, HistoryRecord, StoredDefinition } from './history-record.js';
import { planReplay } from './replay-plan.js';
import type { ShadowSession } from './shadow-session.js';
import { refKey } from './shadow-session.js';

export interface ReplayOutcome {
  /** The records to store, in order (already applied to the definitions). */
  records: HistoryRecord[];
  /** Set when the statement could not be replayed. */
  failure?: { tables: readonly TableRef[]; error: unknown };
}

export interface StatementRead {
  sql: string;
  /** The event's current database. */
  database: string;
  position: HistoryPosition;
}

export async function replayStatement(options: {
  statement: StatementRead;
  definitions: SchemaDefinitions;
  shadows: ShadowSession;
  /** Whether tables of this database are kept (the captured databases). */
  keepsDatabase: (db: string) => boolean;
}): Promise<ReplayOutcome> {
  const { statement, definitions, keepsDatabase } = options;
  const plan = planReplay(statement.sql, statement.database);
  if (!plan || plan.kind === 'unchanged') return { records: [] };
  const record = (table: TableRef, definition: HistoryRecord['definition']): HistoryRecord =>
    ({ table, position: statement.position, ddl: statement.sql, definition });
  const records: HistoryRecord[] = [];
  const commit = (r: HistoryRecord, from?: StoredDefinition, copied = false): void => {
    definitions.apply(r, { ...(from ? { from } : {}), copied });
    records.push(r);
  };
  switch (plan.kind) {
    case 'drop':
      for (const table of plan.tables) if (definitions.get(table)) commit(record(table, null));
      return { records };
    case 'drop-database':
      for (const table of definitions.tablesOf(plan.db)) commit(record(table, null));
      return { records };
    case 'rename':
      // In statement order, so a swap through a third name (a→tmp, b→a, tmp→b) moves as it did on the server.
      for (const { from, to } of plan.renames) {
        const moved = definitions.get(from);
        if (moved && keepsDatabase(to.db)) commit(record(to, { ...moved, db: to.db, table: to.table, createStatement: renamedCreate(moved.createStatement, to.table) }), moved);
        else if (definitions.get(to)) commit(record(to, null));
        if (moved) commit(record(from, null));
      }
      return { records };
    case 'execute': {
      const involved = [...plan.shadows, ...plan.results];
      if (!involved.some((t) => keepsDatabase(t.db))) return { records };
      try {
        const results = await options.shadows.replay(plan, statement.database, (ref) => definitions.get(ref));
        for (const table of plan.removed) if (definitions.get(table)) commit(record(table, null));
        for (const table of plan.results) {
          const definition = results.get(refKey(table));
          const to = plan.renamed?.from === table ? plan.renamed.to : table;
          const before = definitions.get(table);
          if (definition && keepsDatabase(to.db)) {
            commit(record(to, to === table ? definition : { ...definition, db: to.db, table: to.table, createStatement: renamedCreate(definition.createStatement, to.table) }),
              before, plan.copies !== undefined && plan.creates === table);
          }
          if (to !== table && before) commit(record(table, null));
        }
        return { records };
      } catch (error) {
        return { records, failure: { tables: plan.results, error } };
      }
    }
  }
}

/** SHOW CREATE TABLE names the table without its database: the head names the new one. */
function renamedCreate(createStatement: string, table: string): string {
  return createStatement.replace(/^CREATE\s+TABLE\s+`(?:[^`]|``)+`/i, `CREATE TABLE \`${table.replace(/`/g, '``')}\``);
}
