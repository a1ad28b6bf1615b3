// Which columns an incremental snapshot reads a table in chunks by, and how a chunk's rows and the
// rows streamed during its window are kept and matched (Debezium's getQueryColumns and window keys).
import type { TableSchema } from '../envelope/table-schema.js';
import type { RawRow } from '../source/binlog-client.js';
import { compareCoordinates, type BinlogCoordinates } from '../source/binlog-snapshot-point.js';
import type { SqlRow } from '../source/sql-client.js';
import type { Logger } from './logger.js';
import type { CollectionCondition } from './signals.js';

/**
 * The columns a table is read in chunks by, as Debezium's getQueryColumns: the signal's
 * surrogate-key, else the message key (PRIMARY KEY, the first UNIQUE index of NOT NULL columns,
 * or message.key.columns). Null, with the reason and the remedies logged, when there is none.
 */
export function chunkColumns(collection: CollectionCondition, schema: TableSchema, columns: ReadonlyArray<{ name: string }>, log: Logger): string[] | null {
  const id = collection.id;
  if (collection.surrogateKey !== undefined) {
    if (columns.some((c) => c.name === collection.surrogateKey)) return [collection.surrogateKey];
    // Debezium throws here ("Surrogate key … doesn't exist in table …") after opening the window, which
    // then never closes: its snapshot hangs until stop-snapshot. Skipping lets the other tables go on.
    log.error({ table: id, surrogateKey: collection.surrogateKey },
      `incremental snapshot: skipping ${id}: its surrogate-key column '${collection.surrogateKey}' does not exist; send execute-snapshot again with an existing column`);
    return null;
  }
  const keyColumns = (schema.keySchema?.fields ?? []).map((f) => f.name);
  if (keyColumns.length > 0) return keyColumns;
  log.warn({ table: id },
    `incremental snapshot: skipping ${id}: it has no primary key to read it in chunks by (as Debezium); give it a primary key or ` +
    `a UNIQUE index of NOT NULL columns, name its key in message.key.columns, or send execute-snapshot with "surrogate-key": "<column>"`);
  return null;
}

/**
 * A row's identity in the window: its key struct as text (the same key read by SELECT and
 * from the binlog gives the same text). A keyless table read by a surrogate-key has no key struct:
 * its rows are told apart by the converted values of the chunk columns.
 */
export function windowKey(schema: TableSchema, columns: readonly string[], raw: RawRow | SqlRow): string {
  let identity: unknown = schema.keySchema ? schema.key(raw) : null;
  if (identity === null) {
    const row = schema.row(raw) as Record<string, unknown> | null;
    identity = columns.map((k) => row?.[k]);
  }
  return JSON.stringify(identity, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/**
 * The row images streamed while a window is open, per table still to be read (which table gives
 * the chunk is known only once it is read), with their rows event's position. The window lasts one
 * chunk read, so few rows are kept.
 */
export class StreamedRows {
  private readonly byTable = new Map<string, Array<{ image: RawRow; at: BinlogCoordinates }>>();

  /** A rows event of `table` at `at`: an update counts with its before and after images. */
  record(table: string, op: 'c' | 'u' | 'd', rows: readonly unknown[], at: BinlogCoordinates): void {
    let images = this.byTable.get(table);
    if (!images) this.byTable.set(table, (images = []));
    for (const row of rows) {
      if (op === 'u') images.push({ image: (row as { before: RawRow }).before, at }, { image: (row as { after: RawRow }).after, at });
      else images.push({ image: row as RawRow, at });
    }
  }

  /**
   * The images of `table`; with `since` (read.only=true: the chunk's snapshot point, where the last
   * transaction it sees ends) only those of rows events starting there or later, as the chunk
   * already holds the earlier changes.
   */
  images(table: string, since?: BinlogCoordinates): RawRow[] {
    const images = this.byTable.get(table) ?? [];
    return (since ? images.filter((s) => compareCoordinates(s.at, since) >= 0) : images).map((s) => s.image);
  }
}
