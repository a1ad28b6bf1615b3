// One schema history record: a table's definition (or its end) from a binlog point on, as JSON in
// binlogd's schema history topic, keyed by the table. Pure: format, parse, and whether a stored
// offset covers the point a record applies from.
import type { TableRef } from '../envelope/ddl-statements.js';
import { BinlogdError } from '../errors.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { InformationSchemaColumn } from '../source/column-descriptor.js';
import { GtidPosition, parseGtid } from '../source/gtid-position.js';
import type { TableDefinition } from '../source/table-definitions.js';

export const HISTORY_RECORD_VERSION = 1;

/** Where in the binlog a definition applies from: after `gtid` (a DDL), or at `gtids` (a read of the tables). */
export interface HistoryPosition {
  /** The DDL's own GTID; absent for definitions read at a position (bootstrap). */
  readonly gtid?: string;
  /** The GTID position after it. */
  readonly gtids: string;
  readonly file: string;
  readonly pos: number;
}

/** A table's definition as binlogd stores and replays it. */
export interface StoredDefinition extends TableDefinition {
  /** SHOW CREATE TABLE as the server printed it (for a replayed table: its shadow's, not TEMPORARY). */
  readonly createStatement: string;
}

export interface HistoryRecord {
  readonly table: TableRef;
  readonly position: HistoryPosition;
  /** The statement that led here; null when the tables were read as they were (bootstrap). */
  readonly ddl: string | null;
  /** null: the table is gone from here on (dropped, renamed away). */
  readonly definition: StoredDefinition | null;
}

export function historyKey(table: TableRef): string {
  return JSON.stringify({ db: table.db, table: table.table });
}

export function formatHistoryRecord(record: HistoryRecord): string {
  const d = record.definition;
  return JSON.stringify({
    version: HISTORY_RECORD_VERSION,
    db: record.table.db,
    table: record.table.table,
    position: record.position,
    ddl: record.ddl,
    definition: d && {
      createStatement: d.createStatement, columns: d.columns, uniqueIndexes: d.uniqueIndexes,
      defaultCharset: d.defaultCharset, comment: d.comment,
    },
  });
}

/** A record read back from the topic; throws naming the topic offset when it is not binlogd's. */
export function parseHistoryRecord(text: string, where: string): HistoryRecord {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw unreadable(where, 'not JSON', error);
  }
  if (raw['version'] !== HISTORY_RECORD_VERSION) throw unreadable(where, `version ${String(raw['version'])}, expected ${HISTORY_RECORD_VERSION}`);
  const position = raw['position'] as HistoryPosition | undefined;
  if (typeof raw['db'] !== 'string' || typeof raw['table'] !== 'string' || !position || typeof position.gtids !== 'string') {
    throw unreadable(where, 'db, table or position missing');
  }
  const table = { db: raw['db'], table: raw['table'] };
  const d = raw['definition'] as Record<string, unknown> | null;
  return {
    table,
    position,
    ddl: typeof raw['ddl'] === 'string' ? raw['ddl'] : null,
    definition: d && {
      ...table,
      createStatement: String(d['createStatement']),
      columns: d['columns'] as InformationSchemaColumn[],
      uniqueIndexes: d['uniqueIndexes'] as StoredDefinition['uniqueIndexes'],
      defaultCharset: (d['defaultCharset'] as string | null) ?? null,
      comment: (d['comment'] as string | null) ?? null,
    },
  };
}

/**
 * Whether a stored offset includes the point a record applies from: the DDL's transaction is among
 * the offset's GTIDs (per domain), or for a read of the tables, every domain of that read is.
 */
export function offsetCovers(offset: Pick<SourceOffset, 'gtids'>, position: HistoryPosition): boolean {
  const stored = GtidPosition.parse(offset.gtids);
  if (position.gtid) return stored.covers(parseGtid(position.gtid));
  return stored.coversAll(GtidPosition.parse(position.gtids));
}

function unreadable(where: string, why: string, cause?: unknown): BinlogdError {
  return new BinlogdError('CONFIG_INVALID',
    `the schema history record at ${where} is not a binlogd schema history record (${why}): schema.history.internal.kafka.topic must name a topic only this connector writes`,
    { cause });
}
