// What a statement of a binlog QUERY event does to tables, as far as Debezium's schema change
// events and truncate events tell: which tables it creates, alters, drops or truncates, and which
// database it creates or drops. Not a SQL parser: it reads the statement head MariaDB writes
// (the server logs DDL as typed, comments included, and `DROP TABLE` lists rewritten with
// backquoted names), with comments skipped (sql-comments.ts).
import { blankComments, codeStart } from './sql-comments.js';

export interface TableRef {
  readonly db: string;
  readonly table: string;
}

export type DdlStatement =
  | { kind: 'truncate'; table: TableRef }
  /**
   * One schema change event per entry (multi-table DROP TABLE and RENAME TABLE are split, as
   * Debezium does); `tables` are what source.table lists, `db` the event's database.
   */
  | {
      kind: 'tables'; db: string; tables: readonly TableRef[];
      events: ReadonlyArray<{ ddl: string; changes: ReadonlyArray<{ type: 'CREATE' | 'ALTER' | 'DROP'; ref: TableRef }> }>;
      /** Tables renamed, in statement order. */
      renames?: ReadonlyArray<{ from: TableRef; to: TableRef }>;
    }
  | { kind: 'database'; db: string; op: 'CREATE' | 'ALTER' | 'DROP' };

const IDENT = String.raw`(?:\`(?:[^\`]|\`\`)+\`|[\w$]+)`;
const NAME = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`;

/** Classifies a QUERY event statement; null when it is not DDL Debezium reports (GRANT, views, routines…). */
export function classifyDdl(sql: string, defaultDb: string): DdlStatement | null {
  const head = statementHead(sql);
  if (!head) return null;
  const { text, start } = head;
  const ref = (name: string): TableRef => tableRef(name, defaultDb);
  let m: RegExpExecArray | null;
  if ((m = new RegExp(String.raw`^TRUNCATE\s+(?:TABLE\s+)?(${NAME})`, 'i').exec(text))) {
    return { kind: 'truncate', table: ref(m[1]!) };
  }
  if ((m = new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${NAME})`, 'i').exec(text))) {
    if (m[1]) return null; // temporary tables never reach Debezium's schema
    const table = ref(m[2]!);
    return { kind: 'tables', db: table.db, tables: [table], events: [{ ddl: sql, changes: [{ type: 'CREATE', ref: table }] }] };
  }
  if ((m = new RegExp(String.raw`^ALTER\s+(?:ONLINE\s+)?(?:IGNORE\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?(${NAME})`, 'i').exec(text))) {
    const renamed = new RegExp(String.raw`\bRENAME\s+(?:TO\s+|AS\s+)?(${NAME})\s*(?:,|$)`, 'i').exec(text.slice(m[0].length));
    const table = ref(renamed ? renamed[1]! : m[1]!);
    return {
      kind: 'tables', db: table.db, tables: [table], events: [{ ddl: sql, changes: [{ type: 'ALTER', ref: table }] }],
      ...(renamed ? { renames: [{ from: ref(m[1]!), to: table }] } : {}),
    };
  }
  if (new RegExp(String.raw`^(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?|DROP\s+)INDEX\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?${IDENT}\s+ON\s+${NAME}`, 'i').test(text)) {
    // Debezium reports an index statement with no table change, in the session's database.
    return { kind: 'tables', db: defaultDb, tables: [], events: [{ ddl: sql, changes: [] }] };
  }
  if ((m = /^DROP\s+(TEMPORARY\s+)?TABLES?\s+(IF\s+EXISTS\s+)?/i.exec(text))) {
    if (m[1]) return null;
    const ifExists = m[2] ? 'IF EXISTS ' : '';
    const tables = nameList(text.slice(m[0].length)).map(ref);
    // Debezium emits one event per dropped table, its DDL rewritten for that table alone.
    return {
      kind: 'tables', db: tables[0]?.db ?? defaultDb, tables,
      events: tables.map((t) => ({ ddl: `DROP TABLE ${ifExists}${quoted(t)}`, changes: [{ type: 'DROP' as const, ref: t }] })),
    };
  }
  if ((m = /^RENAME\s+TABLES?\s+/i.exec(text))) {
    const clausesAt = start + m[0].length;
    const pairs = [...text.slice(m[0].length).matchAll(new RegExp(String.raw`(${NAME})\s+TO\s+(${NAME})`, 'gi'))];
    const tables = pairs.map((p) => ref(p[2]!));
    // Debezium's text of each pair: the statement as written up to its first pair, then the pair
    // as written (MySqlAntlrDdlParser.signalAlterTable), comments and letter case kept.
    const prefix = sql.slice(start, clausesAt + (pairs[0]?.index ?? 0));
    // One event per pair; a name renamed again later in the statement shows no table change.
    const events = pairs.map((p, i) => {
      const target = tables[i]!;
      const movedOn = pairs.slice(i + 1).some((later) => sameRef(ref(later[1]!), target));
      const clause = sql.slice(clausesAt + p.index, clausesAt + p.index + p[0].length);
      return { ddl: prefix + clause, changes: movedOn ? [] : [{ type: 'ALTER' as const, ref: target }] };
    });
    return { kind: 'tables', db: tables[0]?.db ?? defaultDb, tables, events, renames: pairs.map((p) => ({ from: ref(p[1]!), to: ref(p[2]!) })) };
  }
  if ((m = new RegExp(String.raw`^(CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(${IDENT})`, 'i').exec(text))) {
    return { kind: 'database', db: unquote(m[2]!), op: m[1]!.toUpperCase() as 'CREATE' | 'ALTER' | 'DROP' };
  }
  return null;
}

/**
 * The statement with comments blanked from its first word on (`text`), and where that word is in
 * `sql` (`start`); offsets into `text` plus `start` are offsets into `sql`. Null when the statement
 * does not start with a word DDL starts with, before blanking all of a long DML statement.
 */
export function statementHead(sql: string): { text: string; start: number } | null {
  const opening = blankComments(sql.slice(0, 512));
  const first = codeStart(opening);
  const wordFits = first + 'TRUNCATE '.length < opening.length;
  if (wordFits && !/^(?:TRUNCATE|CREATE|ALTER|DROP|RENAME)\b/i.test(opening.slice(first))) return null;
  const blanked = blankComments(sql);
  const start = codeStart(blanked);
  // Debezium's lexer hides executable comments whole, so a statement inside one (a dump's
  // `/*!40000 ALTER TABLE t DISABLE KEYS */`) is no schema change to it.
  if (/\/\*M?!\d*\s*$/.test(sql.slice(0, start))) return null;
  return { text: blanked.slice(start), start };
}

/** `a, db.b, \`c\`` up to the first token that is not a name (a comment, RESTRICT, CASCADE). */
function nameList(text: string): string[] {
  const names: string[] = [];
  const re = new RegExp(String.raw`^\s*(${NAME})\s*(,)?`);
  let rest = text;
  for (;;) {
    const m = re.exec(rest);
    if (!m) break;
    names.push(m[1]!);
    rest = rest.slice(m[0].length);
    if (!m[2]) break;
  }
  return names;
}

function tableRef(name: string, defaultDb: string): TableRef {
  const parts = [...name.matchAll(new RegExp(IDENT, 'g'))].map((p) => unquote(p[0]));
  return parts.length === 2 ? { db: parts[0]!, table: parts[1]! } : { db: defaultDb, table: parts[0]! };
}

function sameRef(a: TableRef, b: TableRef): boolean {
  return a.db === b.db && a.table === b.table;
}

function unquote(identifier: string): string {
  return identifier.startsWith('`') ? identifier.slice(1, -1).replace(/``/g, '`') : identifier;
}

function quoted(ref: TableRef): string {
  return `\`${ref.db.replace(/`/g, '``')}\`.\`${ref.table.replace(/`/g, '``')}\``;
}
