// Which databases, tables and columns are captured, which columns form the key, and which GTID
// sources count (RelationalDatabaseConnectorConfig, BinlogConnectorConfig). Belongs to the source
// component. Patterns are compiled once here, anchored and case-insensitive as Debezium's are.
import { z } from 'zod';
import { crossCheck, defineArea, type Finding } from './area.js';
import { bool, compileAnchored, regexList, regexProblem, text } from './values.js';

const pairs = [
  ['database.include.list', 'database.exclude.list'],
  ['table.include.list', 'table.exclude.list'],
  ['column.include.list', 'column.exclude.list'],
  ['gtid.source.includes', 'gtid.source.excludes'],
] as const;

const shape = z.object({
  'database.include.list': regexList('Regular expressions matching the names of the databases to capture; all others are ignored.'),
  'database.exclude.list': regexList('Regular expressions matching the names of databases not to capture.'),
  'table.include.list': regexList('Regular expressions matching <db>.<table> names to capture; all others are ignored.'),
  'table.exclude.list': regexList('Regular expressions matching <db>.<table> names not to capture.'),
  'column.include.list': regexList('Regular expressions matching <db>.<table>.<column> names to include in change events.'),
  'column.exclude.list': regexList('Regular expressions matching <db>.<table>.<column> names to leave out of change events.'),
  'table.ignore.builtin': bool(true, 'Whether the system databases (mysql, performance_schema, sys, information_schema) are ignored.'),
  'table.ignore.online.schema.change.helpers': bool(true,
    'Whether the helper tables of online schema change tools are ignored: _<table>_new and _<table>_old of pt-online-schema-change, '
    + '_<table>_gho, _<table>_ghc and _<table>_del of gh-ost (any table named _<name>_new|old|gho|ghc|del). Their rows copy the changes '
    + 'already captured under <table>. binlogd only (Debezium captures them unless the lists leave them out); false captures them like any table.'),
  'message.key.columns': text('Key columns for tables without (or instead of) a primary key: <db>.<table regex>:<col>,<col>;<db>.<table>:<col>…'),
  'gtid.source.includes': regexList('Regular expressions over GTID sources (<domain>-<server>) whose positions are kept when starting.'),
  'gtid.source.excludes': regexList('Regular expressions over GTID sources whose positions are ignored when starting.'),
  'gtid.source.filter.dml.events': bool(true, 'Whether changes from GTID sources left out by the includes/excludes are skipped.'),
});

export const filtersSchema = crossCheck(
  shape,
  pairs.flat(),
  (v) => {
    const findings: Finding[] = [];
    for (const [include, exclude] of pairs) {
      if (v[include].length > 0 && v[exclude].length > 0) {
        findings.push({ property: exclude, message: `"${include}" is already set; use either ${include} or ${exclude}, not both` });
      }
    }
    return findings;
  },
);

export interface KeyColumns {
  /** Matches `<db>.<table>`. */
  readonly table: RegExp;
  readonly columns: readonly string[];
}

export interface FiltersConfig {
  readonly databaseInclude: readonly RegExp[];
  readonly databaseExclude: readonly RegExp[];
  readonly tableInclude: readonly RegExp[];
  readonly tableExclude: readonly RegExp[];
  readonly columnInclude: readonly RegExp[];
  readonly columnExclude: readonly RegExp[];
  readonly ignoreBuiltin: boolean;
  readonly ignoreOnlineSchemaChangeHelpers: boolean;
  readonly messageKeyColumns: readonly KeyColumns[];
  readonly gtidSourceIncludes: readonly RegExp[];
  readonly gtidSourceExcludes: readonly RegExp[];
  readonly gtidSourceFilterDmlEvents: boolean;
}

/** Debezium's `message.key.columns` entry format (`MessageKeyColumnsParser`). */
const KEY_ENTRY = /^\s*([^:]+):([^:,]+(,[^:,]+)*)\s*$/;

export function parseKeyColumns(value: string | undefined): { entries: KeyColumns[]; errors: string[] } {
  const entries: KeyColumns[] = [];
  const errors: string[] = [];
  for (const entry of (value ?? '').split(';').filter((e) => e.trim() !== '')) {
    const match = KEY_ENTRY.exec(entry);
    if (!match) {
      errors.push(`"${entry.trim()}" is not <db>.<table>:<column>[,<column>…]; entries are separated by ";"`);
      continue;
    }
    const table = match[1]!.trim();
    const problem = regexProblem(table);
    if (problem === undefined) entries.push({ table: compileAnchored(table), columns: match[2]!.split(',').map((c) => c.trim()) });
    else errors.push(problem);
  }
  return { entries, errors };
}

export const filtersArea = defineArea({
  schema: filtersSchema,
  build(v, _raw, report): FiltersConfig {
    const keys = parseKeyColumns(v['message.key.columns']);
    for (const message of keys.errors) report({ property: 'message.key.columns', message });
    return {
      databaseInclude: v['database.include.list'],
      databaseExclude: v['database.exclude.list'],
      tableInclude: v['table.include.list'],
      tableExclude: v['table.exclude.list'],
      columnInclude: v['column.include.list'],
      columnExclude: v['column.exclude.list'],
      ignoreBuiltin: v['table.ignore.builtin'],
      ignoreOnlineSchemaChangeHelpers: v['table.ignore.online.schema.change.helpers'],
      messageKeyColumns: keys.entries,
      gtidSourceIncludes: v['gtid.source.includes'],
      gtidSourceExcludes: v['gtid.source.excludes'],
      gtidSourceFilterDmlEvents: v['gtid.source.filter.dml.events'],
    };
  },
});
