// gtid.source.includes / gtid.source.excludes for MariaDB: regular expressions over a GTID's source,
// `<domain>-<server>` (Debezium's MariaDbGtidSet stream id, asSourceFilterValue). They decide two
// things, as in Debezium's BinlogStreamingChangeEventSource and MariaDbConnection.filterGtidSet:
// - with gtid.source.filter.dml.events (default true), the rows of transactions from a source left
//   out are not emitted (their GTIDs still join the stored set: the reader did pass them);
// - on resume, the stored position's GTIDs from a source left out are not asked for.
// MariaDB keeps one GTID per domain, and a domain missing from the requested position is sent again
// from the server's oldest binlog (or refused once purged). So binlogd drops an excluded GTID only
// when the server no longer has its domain (the failover case the option exists for); Debezium
// always drops it, which makes the server resend that whole domain.
import { GtidPosition, type Gtid } from './gtid-position.js';

/** True when transactions of this `<domain>-<server>` source count. */
export type GtidSourceFilter = (source: string) => boolean;

export function sourceOf(gtid: Pick<Gtid, 'domain' | 'server'>): string {
  return `${gtid.domain}-${gtid.server}`;
}

/** The filter the config describes, or undefined when it lets every source through. */
export function gtidSourceFilter(options: { includes: readonly RegExp[]; excludes: readonly RegExp[] }): GtidSourceFilter | undefined {
  const { includes, excludes } = options;
  if (includes.length > 0) return (source) => includes.some((pattern) => pattern.test(source));
  if (excludes.length > 0) return (source) => !excludes.some((pattern) => pattern.test(source));
  return undefined;
}

export interface FilteredPosition {
  /** The position to ask the server for. */
  position: GtidPosition;
  /** Stored GTIDs left out: excluded sources of domains the server no longer has. */
  dropped: Gtid[];
  /** Stored GTIDs of excluded sources kept because the server still has their domain. */
  keptExcluded: Gtid[];
}

/**
 * The stored position with the GTID source filter applied for a resume. `serverPosition` is the
 * server's @@gtid_binlog_pos: the domains it has.
 */
export function filterResumePosition(stored: GtidPosition, filter: GtidSourceFilter | undefined, serverPosition: GtidPosition): FilteredPosition {
  const result: FilteredPosition = { position: GtidPosition.EMPTY, dropped: [], keptExcluded: [] };
  const serverDomains = new Set(serverPosition.domains().map((g) => g.domain));
  for (const gtid of stored.domains()) {
    if (filter && !filter(sourceOf(gtid))) {
      if (!serverDomains.has(gtid.domain)) {
        result.dropped.push(gtid);
        continue;
      }
      result.keptExcluded.push(gtid);
    }
    result.position = result.position.with(gtid);
  }
  return result;
}
