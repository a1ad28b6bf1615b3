// Which tables and columns a connector captures, with Debezium's semantics: every list entry is a
// regular expression that must match the whole name (db, db.table, db.table.column), and a name
// excluded by nothing but matched by no include list is out when an include list is given.
// Unlike Debezium, the helper tables of online schema change tools are left out by default.

export interface CaptureFilterLists {
  databaseInclude?: readonly RegExp[];
  databaseExclude?: readonly RegExp[];
  tableInclude?: readonly RegExp[];
  tableExclude?: readonly RegExp[];
  columnInclude?: readonly RegExp[];
  columnExclude?: readonly RegExp[];
  /** table.ignore.builtin: skip the server's own schemas. */
  ignoreBuiltin?: boolean;
  /** table.ignore.online.schema.change.helpers: skip the shadow, old and changelog tables of pt-osc and gh-ost. */
  ignoreOnlineSchemaChangeHelpers?: boolean;
}

const BUILTIN_DATABASES = new Set(['mysql', 'performance_schema', 'sys', 'information_schema']);

/**
 * The tables pt-online-schema-change and gh-ost name after the table they change: pt-osc copies
 * into `_<table>_new` and swaps the original out as `_<table>_old` (prefixing more underscores
 * while a name is taken); gh-ost copies into `_<table>_gho`, logs its progress in `_<table>_ghc`
 * and swaps the original out as `_<table>_del` (`_<table>_<YYYYMMDDhhmmss>_del` with
 * --timestamp-old-table). Their rows are copies of the table's own changes, which stay captured
 * under the table's name; their DDL still reaches the schema change topic, as every DDL does.
 */
const ONLINE_SCHEMA_CHANGE_HELPER = /^_+.+_(?:new|old|gho|ghc|del)$/;

export function isOnlineSchemaChangeHelper(table: string): boolean {
  return ONLINE_SCHEMA_CHANGE_HELPER.test(table);
}

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
    ignoreHelpers: given.ignoreOnlineSchemaChangeHelpers ?? true,
  };
  const cache = new Map<string, boolean>();
  const decide = (db: string, table: string): boolean => {
    if ((lists.ignoreBuiltin ?? true) && BUILTIN_DATABASES.has(db.toLowerCase())) return false;
    if (!admits(db, lists.databaseInclude, lists.databaseExclude)) return false;
    if (lists.ignoreHelpers && isOnlineSchemaChangeHelper(table)) return false;
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
