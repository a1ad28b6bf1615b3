// MariaDB's own account of a table at one point of the binlog: what a TABLE_MAP event does not carry
// (defaults, comments, AUTO_INCREMENT and generated columns, unique indexes, the table's charset and
// comment). The row's structure itself (names, types, nullability, key) comes from the TABLE_MAP.
import type { InformationSchemaColumn } from './column-descriptor.js';
import type { UniqueIndex } from './unique-indexes.js';

export interface TableDefinition {
  readonly db: string;
  readonly table: string;
  /** INFORMATION_SCHEMA.COLUMNS-shaped rows in ordinal order. */
  readonly columns: readonly InformationSchemaColumn[];
  /** Unique indexes, PRIMARY first, in the server's order. */
  readonly uniqueIndexes: readonly UniqueIndex[];
  readonly defaultCharset: string | null;
  readonly comment: string | null;
}

/** Where table definitions come from: as of the binlog event being read, or as the table is now. */
export interface TableDefinitions {
  /** The table as of the event being read; undefined when the table is unknown there. */
  definitionOf(db: string, table: string): Promise<TableDefinition | undefined>;
}
