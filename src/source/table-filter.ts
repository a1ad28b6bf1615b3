// Which tables and columns a connector captures, with Debezium's semantics: every list entry is a
// regular expression that must match the whole name (db, db.table, db.table.column), and a name
// excluded by nothing but matched by no include list is out when an include list is given.

export interface CaptureFilterLists {
  databaseInclude?: readonly RegExp[];
  databaseExclude?: readonly RegExp[];
  tableInclude?: readonly RegExp[];
  tableExclude?: readonly RegExp[];
  columnInclude?: readonly RegExp[];
  columnExclude?: readonly RegExp[];
  /** table.ignore.builtin: skip the server's own schemas. */
  ignoreBuiltin?: boolean;
}

const BUILTIN_DATABASES = new Set(['mysql', 'performance_schema', 'sys', 'information_schema']);

export interface CaptureFilter {
  capturesTable(db: string, table: string): boolean;
  /** Whether tables of `db` may be captured (database lists and built-in databases only). */
  capturesDatabase(db: string): boolean;
  capturesColumn(db: string, table: string, column: string): boolean;
}

export function createCaptureFilter(given: CaptureFilterLists): CaptureFilter {
  const lists = {
    databaseInclude: anchored(given.databaseInclude), databaseExclude: anchored(given.databaseExclude),
    tableInclude: anchored(given.tableInclude), tableExclude: anchored(given.tableExclude),
    columnInclude: anchored(given.columnInclude), columnExclude: anchored(given.columnExclude),
    ignoreBuiltin: given.ignoreBuiltin,
  };
  const cache = new Map<string, boolean>();
  const decide = (db: string, table: string): boolean => {
    if ((lists.ignoreBuiltin ?? true) && BUILTIN_DATABASES.has(db.toLowerCase())) return false;
    if (!admits(db, lists.databaseInclude, lists.databaseExclude)) return false;
    return admits(`${db}.${table}`, lists.tableInclude, lists.tableExclude);
  };
  return {
    capturesTable(db, table) {
      const name = `${db}.${table}`;
      let captured = cache.get(name);
      if (captured === undefined) {
        captured = decide(db, table);
        cache.set(name, captured);
      }
      return captured;
    },
    capturesDatabase(db) {
      if ((lists.ignoreBuiltin ?? true) && BUILTIN_DATABASES.has(db.toLowerCase())) return false;
      return admits(db, lists.databaseInclude, lists.databaseExclude);
    },
    capturesColumn(db, table, column) {
      return admits(`${db}.${table}.${column}`, lists.columnInclude, lists.columnExclude);
    },
  };
}

function admits(name: string, include: readonly RegExp[], exclude: readonly RegExp[]): boolean {
  if (include.length > 0) return include.some((re) => re.test(name));
  if (exclude.length > 0) return !exclude.some((re) => re.test(name));
  return true;
}

/** Debezium anchors every filter (Pattern.matcher(name).matches()): the whole name must match. */
function anchored(patterns: readonly RegExp[] | undefined): RegExp[] {
  return (patterns ?? []).map((re) => new RegExp(`^(?:${re.source})$`, re.flags.replace(/[gy]/g, '')));
}
