// Edits of the server's own SHOW CREATE TABLE text: turning it into the statement that recreates
// the table as a temporary shadow of binlogd's session, and reading back what INFORMATION_SCHEMA
// would show but SHOW FULL COLUMNS prints ambiguously (column defaults) or not at all (the table's
// charset and comment). Pure: the text is the server's, never a user's DDL.
import { unescapeLiteral } from '../source/column-descriptor.js';
import type { TableRef } from '../envelope/ddl-statements.js';
import { quoteIdentifier, topLevelIndexOf, unitAt, unquoteIdentifier } from './sql-text.js';

const HEAD = /^CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:`(?:[^`]|``)+`\s*\.\s*)?`(?:[^`]|``)+`/i;

/** The `(...)` column list of a CREATE TABLE text and where the table options start after it. */
function body(createText: string): { columns: string; tail: number } {
  const open = createText.indexOf('(', HEAD.exec(createText)?.[0].length ?? 0);
  if (open < 0) return { columns: '', tail: createText.length };
  const unit = unitAt(createText, open);
  return { columns: unit.text.slice(1, -1), tail: unit.end };
}

/**
 * The statement recreating `createText`'s table as a TEMPORARY table named `ref`: ENGINE=Aria
 * (InnoDB temporary tables refuse FOREIGN KEY clauses; Aria accepts and drops them) and without
 * partitioning (MariaDB has no partitioned temporary tables). Engine-defined options InnoDB knows
 * and Aria does not are left to the session's IGNORE_BAD_TABLE_OPTIONS.
 */
export function shadowCreateStatement(createText: string, ref: TableRef): string {
  const head = HEAD.exec(createText);
  if (!head) throw new Error(`not a CREATE TABLE text: ${createText.slice(0, 40)}`);
  let text = `CREATE TEMPORARY TABLE ${quoteIdentifier(ref.db)}.${quoteIdentifier(ref.table)}${createText.slice(head[0].length)}`;
  text = withoutPartitioning(text);
  const { tail } = body(text);
  const options = text.slice(tail).replace(/\bENGINE\s*=\s*\w+/i, 'ENGINE=Aria');
  return text.slice(0, tail) + (/\bENGINE\s*=/i.test(options) ? options : `${options} ENGINE=Aria`);
}

/** A statement without its top-level PARTITION BY clause (the server prints it last). */
export function withoutPartitioning(sql: string): string {
  const at = topLevelIndexOf(sql, /PARTITION\s+BY\b/i);
  if (at < 0) return sql;
  // MySQL-style servers wrap it in a versioned comment: `/*!50100 PARTITION BY ... */`.
  return sql.slice(0, at).replace(/\/\*!\d*\s*$/, '').trimEnd();
}

/** SHOW CREATE TABLE of a shadow, as the real table's would read: not TEMPORARY. */
export function persistentCreateText(createText: string): string {
  return createText.replace(/^CREATE\s+TEMPORARY\s+TABLE\b/i, 'CREATE TABLE');
}

/** Whether SHOW CREATE TABLE printed a temporary table (the safety check before any replay). */
export function isTemporaryCreateText(createText: string): boolean {
  return /^CREATE\s+TEMPORARY\s+TABLE\b/i.test(createText);
}

/**
 * Each column's DEFAULT as SHOW CREATE TABLE prints it, which is how INFORMATION_SCHEMA.COLUMNS
 * shows COLUMN_DEFAULT (`'it''s'`, `1.50`, `current_timestamp(3)`, `b'101'`, `(1 + 2)`, `NULL`);
 * SHOW FULL COLUMNS prints strings unquoted, so a default 'NULL' and DEFAULT NULL look alike there.
 */
export function columnDefaults(createText: string): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const line of body(createText).columns.split('\n')) {
    const definition = line.trim();
    if (!definition.startsWith('`')) continue; // keys and constraints
    const name = unitAt(definition, 0);
    const at = topLevelIndexOf(definition, /DEFAULT\b/i, name.end);
    if (at < 0) continue;
    let start = at + 'DEFAULT'.length;
    while (/\s/.test(definition[start] ?? '')) start++;
    defaults.set(unquoteIdentifier(name.text), unitAt(definition, start).text.replace(/,$/, ''));
  }
  return defaults;
}

/** The table's default charset and comment from the options after the column list. */
export function tableOptions(createText: string): { defaultCharset: string | null; comment: string | null } {
  const options = createText.slice(body(createText).tail);
  const charset = /\bDEFAULT\s+CHARSET\s*=\s*(\w+)/i.exec(options)?.[1] ?? /\bCHARSET\s*=\s*(\w+)/i.exec(options)?.[1] ?? null;
  const at = topLevelIndexOf(options, /COMMENT\s*=?\s*'/i);
  let comment: string | null = null;
  if (at >= 0) {
    const quote = options.indexOf("'", at);
    const literal = unitAt(options, quote).text;
    comment = unescapeLiteral(literal.slice(1, -1));
  }
  return { defaultCharset: charset, comment: comment === '' ? null : comment };
}
