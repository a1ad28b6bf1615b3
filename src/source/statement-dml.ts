// Row changes written as SQL text. With binlog_format=ROW the server logs every INSERT, UPDATE,
// DELETE, REPLACE and LOAD DATA as rows events; a QUERY event holding one means the session that
// wrote it ran with binlog_format STATEMENT or MIXED, and its rows are not in the binlog at all.
// This names the tables such a statement writes, so the pipeline can refuse to pass over it.

export interface TableName {
  db: string;
  table: string;
}

export interface StatementDml {
  /** The statement's verb, upper case: INSERT, REPLACE, UPDATE, DELETE, LOAD DATA. */
  verb: string;
  /** The tables it writes, as far as the text names them (aliases stay unresolved). */
  tables: TableName[];
}

const IDENTIFIER = String.raw`(?:\x60(?:[^\x60]|\x60\x60)+\x60|[\w$\u0080-\uffff]+)`;
const QUALIFIED = `${IDENTIFIER}(?:\\s*\\.\\s*${IDENTIFIER})?`;

const INSERT = new RegExp(String.raw`^(INSERT|REPLACE)\s+(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE)\s+)*(?:INTO\s+)?(${QUALIFIED})`, 'i');
const LOAD = new RegExp(String.raw`^LOAD\s+(?:DATA|XML)\b[\s\S]*?\bINTO\s+TABLE\s+(${QUALIFIED})`, 'i');
const UPDATE = /^UPDATE\s+(?:(?:LOW_PRIORITY|IGNORE)\s+)*([\s\S]*?)\s+SET\b/i;
const DELETE_SINGLE = new RegExp(String.raw`^DELETE\s+(?:(?:LOW_PRIORITY|QUICK|IGNORE)\s+)*FROM\s+(${QUALIFIED})`, 'i');
const DELETE_MULTI_USING = /^DELETE\s+(?:(?:LOW_PRIORITY|QUICK|IGNORE)\s+)*FROM\s+([\s\S]*?)\s+USING\b/i;
const DELETE_MULTI = /^DELETE\s+(?:(?:LOW_PRIORITY|QUICK|IGNORE)\s+)*([\s\S]*?)\s+FROM\b/i;
const LEADING_NOISE = /^(?:\s+|\/\*(?!!)[\s\S]*?\*\/|#[^\n]*\n|--\s[^\n]*\n)*/;

/** The DML a QUERY event carries, or null when it is not a row change (DDL, BEGIN, COMMIT, …). */
export function statementDml(sql: string, defaultDb: string): StatementDml | null {
  const text = sql.replace(LEADING_NOISE, '');
  const insert = INSERT.exec(text);
  if (insert) return { verb: insert[1]!.toUpperCase(), tables: [tableName(insert[2]!, defaultDb)] };
  const load = LOAD.exec(text);
  if (load) return { verb: 'LOAD DATA', tables: [tableName(load[1]!, defaultDb)] };
  const update = UPDATE.exec(text);
  if (update) return { verb: 'UPDATE', tables: tableReferences(update[1]!, defaultDb) };
  if (/^DELETE\b/i.test(text)) {
    const using = DELETE_MULTI_USING.exec(text);
    if (using) return { verb: 'DELETE', tables: tableReferences(using[1]!, defaultDb) };
    const single = DELETE_SINGLE.exec(text);
    if (single) return { verb: 'DELETE', tables: [tableName(single[1]!, defaultDb)] };
    const targets = DELETE_MULTI.exec(text);
    return { verb: 'DELETE', tables: targets ? tableReferences(targets[1]!, defaultDb) : [] };
  }
  return null;
}

/** `t1 AS a JOIN db.t2 b ON …, t3`: the first identifier of each joined or listed table. */
function tableReferences(list: string, defaultDb: string): TableName[] {
  const pieces = list.split(/,|\b(?:(?:NATURAL\s+)?(?:LEFT|RIGHT|INNER|CROSS|STRAIGHT_)?\s*(?:OUTER\s+)?JOIN)\b/i);
  const out: TableName[] = [];
  for (const piece of pieces) {
    const found = new RegExp(`^\\s*\\(?\\s*(${QUALIFIED})`).exec(piece);
    if (found) out.push(tableName(found[1]!, defaultDb));
  }
  return out;
}

function tableName(qualified: string, defaultDb: string): TableName {
  const parts = [...qualified.matchAll(new RegExp(IDENTIFIER, 'g'))].map((m) => unquote(m[0]));
  return parts.length === 2 ? { db: parts[0]!, table: parts[1]! } : { db: defaultDb, table: parts[0]! };
}

function unquote(identifier: string): string {
  return identifier.startsWith('`') ? identifier.slice(1, -1).replace(/``/g, '`') : identifier;
}

/** The row change the binlog holds only as SQL text: its rows cannot be captured. */
export function statementChangeMessage(verb: string, table: TableName): string {
  return `a ${verb} on the captured table ${table.db}.${table.table} is in the binlog as SQL text, not as rows: the session that ran it had ` +
    'binlog_format STATEMENT or MIXED, so the rows it changed are not in the binlog and cannot be captured. Fix the server: ' +
    'SET GLOBAL binlog_format=ROW (and binlog_format=ROW in its config file), then make every client reconnect (a session keeps ' +
    'the binlog_format it started with). To get past this event, set event.processing.failure.handling.mode=warn (the event is ' +
    'skipped, logged and counted in binlogd_errors_total) and read the table again with an incremental snapshot (execute-snapshot signal)';
}
