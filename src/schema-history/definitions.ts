// The definitions of every table of the captured databases as of the binlog event being read:
// what the table resolver and the schema change records ask for (TableDefinitions). Changed only
// by applying history records, in binlog order, so it is always the state after the last DDL read.
import type { TableRef } from '../envelope/ddl-statements.js';
import type { TableDefinition, TableDefinitions } from '../source/table-definitions.js';
import type { HistoryRecord, StoredDefinition } from './history-record.js';

export class SchemaDefinitions implements TableDefinitions {
  private readonly tables = new Map<string, StoredDefinition>();
  /**
   * Tables whose comment Debezium 3.5 no longer shows in schema change records: it restores tables
   * from its schema history without their comment after a restart (seen against the oracle), and
   * keeps it so until a DDL sets the comment again. Mirrored here for tables restored from the topic,
   * and for tables made by CREATE TABLE ... LIKE, which Debezium copies without the comment.
   */
  private readonly commentsHidden = new Set<string>();

  definitionOf(db: string, table: string): Promise<TableDefinition | undefined> {
    return Promise.resolve(this.tables.get(key({ db, table })));
  }

  /** The stored definition (with its create statement) for replays. */
  get(ref: TableRef): StoredDefinition | undefined {
    return this.tables.get(key(ref));
  }

  /**
   * `restored`: read back from the history topic at start. `from`: the definition this one came
   * from when it is another table's (a rename); a hidden comment stays hidden while it is unchanged.
   * `copied`: made by CREATE TABLE ... LIKE.
   */
  apply(record: Pick<HistoryRecord, 'table' | 'definition'>, options: { restored?: boolean; copied?: boolean; from?: StoredDefinition } = {}): void {
    const k = key(record.table);
    const definition = record.definition;
    if (!definition) {
      this.tables.delete(k);
      this.commentsHidden.delete(k);
      return;
    }
    const source = options.from ?? this.tables.get(k);
    const hidden = options.restored === true || options.copied === true
      || (source !== undefined && this.commentsHidden.has(key(source)) && source.comment === definition.comment);
    this.tables.set(k, definition);
    if (hidden) this.commentsHidden.add(k);
    else this.commentsHidden.delete(k);
  }

  /** Whether schema change records show this table's comment (see commentsHidden). */
  showsComment(ref: TableRef): boolean {
    return !this.commentsHidden.has(key(ref));
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
