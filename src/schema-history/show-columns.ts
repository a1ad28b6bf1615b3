// A temporary table is absent from INFORMATION_SCHEMA on MariaDB 10.11, so a shadow's columns and
// indexes are read with SHOW FULL COLUMNS / SHOW INDEX and turned into the INFORMATION_SCHEMA
// shapes the rest of binlogd reads (column-descriptor.ts, unique-indexes.ts), with the defaults
// taken from SHOW CREATE TABLE, which prints them as INFORMATION_SCHEMA does. Pure.
import type { InformationSchemaColumn } from '../source/column-descriptor.js';
import type { UniqueIndex } from '../source/unique-indexes.js';
import { columnDefaults } from './create-text.js';

type Row = Readonly<Record<string, unknown>>;

const TEMPORAL = new Set(['time', 'datetime', 'timestamp']);
const CHARACTER = new Set(['char', 'varchar']);

/**
 * INFORMATION_SCHEMA.COLUMNS rows from SHOW FULL COLUMNS rows. `charsetOf` maps a collation to its
 * character set (INFORMATION_SCHEMA.COLLATIONS). COLUMN_DEFAULT follows the server: the printed
 * DEFAULT; `NULL` (text) for a nullable column without one; SQL NULL for a NOT NULL column without one.
 */
export function informationSchemaColumns(
  showColumns: readonly Row[], createText: string, charsetOf: (collation: string) => string | null,
): InformationSchemaColumn[] {
  const defaults = columnDefaults(createText);
  return showColumns.map((row, i) => {
    const name = String(row['Field']);
    const columnType = String(row['Type']);
    const dataType = (/^\w+/.exec(columnType)?.[0] ?? '').toLowerCase();
    const args = /^\w+\((\d+)(?:,(\d+))?\)/.exec(columnType);
    const nullable = String(row['Null']).toUpperCase() === 'YES';
    const collation = typeof row['Collation'] === 'string' ? row['Collation'] : null;
    return {
      COLUMN_NAME: name,
      ORDINAL_POSITION: i + 1,
      IS_NULLABLE: nullable ? 'YES' : 'NO',
      COLUMN_DEFAULT: defaults.get(name) ?? (nullable ? 'NULL' : null),
      COLUMN_TYPE: columnType,
      DATA_TYPE: dataType,
      NUMERIC_PRECISION: dataType === 'decimal' ? args?.[1] ?? '10' : null,
      NUMERIC_SCALE: dataType === 'decimal' ? args?.[2] ?? '0' : null,
      DATETIME_PRECISION: TEMPORAL.has(dataType) ? args?.[1] ?? '0' : null,
      CHARACTER_MAXIMUM_LENGTH: CHARACTER.has(dataType) ? args?.[1] ?? null : null,
      CHARACTER_SET_NAME: collation ? charsetOf(collation) : null,
      COLUMN_KEY: String(row['Key'] ?? ''),
      EXTRA: String(row['Extra'] ?? ''),
      COLUMN_COMMENT: String(row['Comment'] ?? ''),
    };
  });
}

/** Unique indexes from SHOW INDEX rows, in the server's order (PRIMARY first). */
export function uniqueIndexesFromShowIndex(showIndex: readonly Row[]): UniqueIndex[] {
  const indexes = new Map<string, { columns: Array<[number, string]>; nullable: boolean }>();
  for (const row of showIndex) {
    if (String(row['Non_unique']) !== '0') continue;
    const name = String(row['Key_name']);
    const index = indexes.get(name) ?? { columns: [], nullable: false };
    index.columns.push([Number(row['Seq_in_index']), String(row['Column_name'])]);
    index.nullable ||= String(row['Null'] ?? '') === 'YES';
    indexes.set(name, index);
  }
  return [...indexes.values()].map((index) => ({
    columns: index.columns.sort((a, b) => a[0] - b[0]).map(([, name]) => name),
    nullable: index.nullable,
  }));
}
