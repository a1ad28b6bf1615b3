// The definitions of every table of the captured databases as of the binlog event being read:
// what the table resolver and the schema change records ask for (TableDefinitions). Changed only
// by applying history records, in binlog order, so it is always the state after the last DDL read.
import type { TableRef } from '../envelope/ddl-statements.js';
import type { TableDefinition, TableDefinitions } from '../source/table-definitions.js';
import type { HistoryRecord, StoredDefinition } from './history-record.js';

export class SchemaDefinitions implements TableDefinitions {
  private readonly tables = new Map<string, StoredDefinition>();

  definitionOf(db: string, table: string): Promise<TableDefinition | undefined> {
    return Promise.resolve(this.tables.get(key({ db, table })));
  }

  /** The stored definition (with its create statement) for replays. */
  get(ref: TableRef): StoredDefinition | undefined {
    return this.tables.get(key(ref));
  }

  apply(record: Pick<HistoryRecord, 'table' | 'definition'>): void {
    if (record.definition) this.tables.set(key(record.table), record.definition);
    else this.tables.delete(key(record.table));
  }

  tablesOf(db: string): TableRef[] {
    return [...this.tables.values()].filter((d) => d.db === db).map((d) => ({ db: d.db, table: d.table }));
  }

  get size(): number {
    return this.tables.size;
  }
}

function key(ref: TableRef): string {
  return `${ref.db}\u0000${ref.table}`;
}
