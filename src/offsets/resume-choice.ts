// Where a connector starts reading, decided from its stored offset alone (pure; the I/O around it
// is runtime/start-position.ts), as Debezium's BinlogStreamingChangeEventSource.execute does:
// - no stored offset: the server's current end;
// - an offset with `gtids`: that GTID position, the gtid.source.* filter applied, then its
//   `event`/`row` skip;
// - an offset without `gtids` (a Debezium without GTIDs, or an edited one): its `file`/`pos`, with
//   the same skip. binlogd turns the file/pos into the GTID position there (BINLOG_GTID_POS), so
//   what it stores afterwards carries a GTID set again.
import { GtidPosition, type Gtid } from '../source/gtid-position.js';
import { filterResumePosition, type GtidSourceFilter } from '../source/gtid-filter.js';
import type { SourceOffset } from './source-offset.js';

export type ResumeChoice =
  | { kind: 'end'; gtids: string }
  | { kind: 'gtid'; gtids: string; event: number; row: number; dropped: Gtid[]; keptExcluded: Gtid[] }
  | { kind: 'file'; file: string; pos: number; event: number; row: number };

export interface ResumeChoiceInput {
  stored: SourceOffset | undefined;
  /** The server's @@gtid_binlog_pos. */
  serverEnd: string;
  filter?: GtidSourceFilter;
}

/** Throws (plain Error, naming the value) when the stored GTID set is not a MariaDB GTID position. */
export function chooseResume({ stored, serverEnd, filter }: ResumeChoiceInput): ResumeChoice {
  if (!stored) return { kind: 'end', gtids: serverEnd };
  const event = stored.event ?? 0;
  const row = stored.row ?? 0;
  if (stored.gtids === undefined) return { kind: 'file', file: stored.file, pos: stored.pos, event, row };
  const filtered = filterResumePosition(GtidPosition.parse(stored.gtids), filter, GtidPosition.parse(serverEnd));
  return { kind: 'gtid', gtids: filtered.position.toString(), event, row, dropped: filtered.dropped, keptExcluded: filtered.keptExcluded };
}
