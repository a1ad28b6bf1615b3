// What replaying one DDL statement of the binlog takes: which tables to recreate as shadows first,
// the statement to run against them (its head rewritten so it can only touch temporary tables),
// and which tables to read back, drop or move afterwards. RENAME TABLE is never run: on a
// temporary table the server still writes it to the binlog, where it would rename the real tables
// of every replica. Reads only the statement head (ddl-statements.ts) and top-level keywords. The
// head the plan runs is the one it read, comments skipped; the rest of the statement is run as written.
import { classifyDdl, statementHead, type TableRef } from '../envelope/ddl-statements.js';
import { topLevelIndexOf, unquoteIdentifier } from './sql-text.js';

export type ReplayPlan =
  /** Run `statement` in the shadow session with `shadows` recreated first; read back `results`. */
  | {
      kind: 'execute'; statement: string; shadows: readonly TableRef[]; results: readonly TableRef[]; removed: readonly TableRef[];
      /** CREATE TABLE's target: the statement creates it rather than acting on an existing table. */
      creates?: TableRef;
      /** CREATE TABLE ... LIKE's source. */
      copies?: TableRef;
      /**
       * ALTER TABLE ... RENAME: run without the RENAME clause (on a temporary table it needs CREATE
       * and INSERT on the new name), the result read under the old name and stored under the new.
       */
      renamed?: { from: TableRef; to: TableRef };
    }
  /** DROP TABLE: the definitions end here. */
  | { kind: 'drop'; tables: readonly TableRef[] }
  /** RENAME TABLE (pt-online-schema-change's and gh-ost's swap): definitions move, in statement order. */
  | { kind: 'rename'; renames: ReadonlyArray<{ from: TableRef; to: TableRef }> }
  /** DROP DATABASE: every definition of the database ends here. */
  | { kind: 'drop-database'; db: string }
  /** Changes no column, key or table option (partition maintenance). */
  | { kind: 'unchanged' };

const NAME = String.raw`(?:\`(?:[^\`]|\`\`)+\`|[\w$]+)(?:\s*\.\s*(?:\`(?:[^\`]|\`\`)+\`|[\w$]+))?`;

/** The replay of `sql` (run with `defaultDb` as the current database), or null when it changes no table. */
export function planReplay(sql: string, defaultDb: string): ReplayPlan | null {
  const statement = classifyDdl(sql, defaultDb);
  if (!statement || statement.kind === 'truncate') return null;
  if (statement.kind === 'database') return statement.op === 'DROP' ? { kind: 'drop-database', db: statement.db } : null;
  const head = statementHead(sql);
  if (!head) return null;
  const { text, start } = head;
  /** The statement from `at` (an offset into `text`) on, as written. */
  const asWritten = (at: number): string => sql.slice(start + at);
  let m: RegExpExecArray | null;
  if ((m = new RegExp(String.raw`^CREATE\s+(OR\s+REPLACE\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(${NAME})`, 'i').exec(text))) {
    const target = statement.tables[0]!;
    const like = new RegExp(String.raw`^\s*\(?\s*LIKE\s+(${NAME})`, 'i').exec(text.slice(m[0].length));
    const source = like ? refOf(like[1]!, defaultDb) : undefined;
    return {
      kind: 'execute',
      statement: `CREATE ${m[1] ? 'OR REPLACE ' : ''}TEMPORARY TABLE ${text.slice(m[0].length - m[3]!.length - (m[2]?.length ?? 0), m[0].length)}${asWritten(m[0].length)}`,
      // The target too where it may exist: IF NOT EXISTS then keeps it, OR REPLACE replaces the shadow.
      shadows: [...(m[1] || m[2] ? [target] : []), ...(source ? [source] : [])],
      results: [target],
      removed: [],
      creates: target,
      ...(source ? { copies: source } : {}),
    };
  }
  if ((m = new RegExp(String.raw`^ALTER\s+(?:ONLINE\s+)?(?:IGNORE\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?(${NAME})`, 'i').exec(text))) {
    const table = refOf(m[1]!, defaultDb);
    if (isPartitionMaintenance(text.slice(m[0].length))) return { kind: 'unchanged' };
    const renamed = statement.renames?.[0]?.to;
    const clauses = replayableAlter(withoutTopLevelPartitionBy(asWritten(m[0].length)));
    return {
      kind: 'execute',
      statement: text.slice(0, m[0].length) + (renamed ? withoutRename(clauses) : clauses),
      shadows: [table],
      results: [table],
      removed: [],
      ...(renamed ? { renamed: { from: table, to: renamed } } : {}),
    };
  }
  if ((m = new RegExp(String.raw`^(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?|DROP\s+)INDEX\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:\`(?:[^\`]|\`\`)+\`|[\w$]+)\s+ON\s+(${NAME})`, 'i').exec(text))) {
    const table = refOf(m[1]!, defaultDb);
    return { kind: 'execute', statement: text.slice(0, m[0].length) + asWritten(m[0].length), shadows: [table], results: [table], removed: [] };
  }
  if (/^DROP\s/i.test(text)) return { kind: 'drop', tables: statement.tables };
  if (/^RENAME\s/i.test(text)) return { kind: 'rename', renames: statement.renames ?? [] };
  return null;
}

// ALTER TABLE clauses that only move rows between partitions or maintain them.
const PARTITION_MAINTENANCE =
  /^\s*(?:(?:ADD|DROP|REORGANIZE|COALESCE|TRUNCATE|EXCHANGE|ANALYZE|CHECK|OPTIMIZE|REBUILD|REPAIR|DISCARD|IMPORT|CONVERT)\s+PARTITION|REMOVE\s+PARTITIONING)\b/i;

function isPartitionMaintenance(clauses: string): boolean {
  return PARTITION_MAINTENANCE.test(clauses);
}

/** ALTER ... PARTITION BY: the shadow has no partitions, so the clause goes (the columns part stays). */
function withoutTopLevelPartitionBy(sql: string): string {
  const at = topLevelIndexOf(sql, /PARTITION\s+BY\b/i);
  return at < 0 ? sql : sql.slice(0, at).trimEnd().replace(/,$/, '');
}

/** ALTER clauses without their RENAME [TO|AS] name clause (and the comma joining it to the others). */
function withoutRename(clauses: string): string {
  const at = topLevelIndexOf(clauses, new RegExp(String.raw`RENAME\s+(?:TO\s+|AS\s+)?${NAME}\s*(?:,|$)`, 'i'));
  if (at < 0) return clauses;
  const clause = new RegExp(String.raw`^RENAME\s+(?:TO\s+|AS\s+)?${NAME}\s*(,\s*)?`, 'i').exec(clauses.slice(at))!;
  const before = clauses.slice(0, at);
  const after = clauses.slice(at + clause[0].length);
  return (clause[1] ? before + after : before.replace(/,\s*$/, '') + after).trimEnd();
}

/**
 * The shadow keeps no foreign keys (Aria drops them), so `DROP FOREIGN KEY x` becomes
 * `DROP FOREIGN KEY IF EXISTS x`: a note instead of errno 1091, and the rest of the ALTER applies.
 */
export function replayableAlter(sql: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const at = topLevelIndexOf(sql, /DROP\s+FOREIGN\s+KEY\s+(?!IF\s+EXISTS\b)/i, from);
    if (at < 0) return out + sql.slice(from);
    const keyword = /DROP\s+FOREIGN\s+KEY\s+/i.exec(sql.slice(at))![0];
    out += `${sql.slice(from, at)}DROP FOREIGN KEY IF EXISTS `;
    from = at + keyword.length;
  }
}

function refOf(name: string, defaultDb: string): TableRef {
  const parts = [...name.matchAll(/`(?:[^`]|``)+`|[\w$]+/g)].map((p) => unquoteIdentifier(p[0]));
  return parts.length === 2 ? { db: parts[0]!, table: parts[1]! } : { db: defaultDb, table: parts[0]! };
}
