// A stored position the server cannot send from any more (its binlogs were purged): which domains
// lost what, and the error that says so, names the oldest position left and the ways out. The
// connector then stays FAILED: skipping ahead silently would lose changes.
import { BinlogdError } from '../errors.js';
import { formatGtid, GtidPosition, type Gtid } from './gtid-position.js';
import type { OldestPosition } from './binlog-positions.js';

export interface PurgedDomain {
  domain: number;
  /** The stored GTID of the domain; undefined when the stored position lacks the domain. */
  stored?: Gtid;
  /** The last purged GTID of the domain (from the oldest binlog's GTID state). */
  purgedUpTo: Gtid;
}

/**
 * Domains whose next transaction after `resume` lies before the oldest binlog. A domain the stored
 * position lacks would be read from its first transaction, so it is lost once any of it was purged.
 * Sequence numbers order a domain (gtid_strict_mode keeps them increasing).
 */
export function purgedDomains(resume: GtidPosition, oldest: GtidPosition): PurgedDomain[] {
  const stored = new Map(resume.domains().map((g) => [g.domain, g]));
  const lost: PurgedDomain[] = [];
  for (const purgedUpTo of oldest.domains()) {
    const mine = stored.get(purgedUpTo.domain);
    if (mine === undefined) lost.push({ domain: purgedUpTo.domain, purgedUpTo });
    else if (!GtidPosition.parse(formatGtid(mine)).covers(purgedUpTo)) lost.push({ domain: purgedUpTo.domain, stored: mine, purgedUpTo });
  }
  return lost;
}

export interface PositionLostFacts {
  connector: string;
  topicPrefix: string;
  offsetsTopic: string;
  /** host:port */
  server: string;
  /** The stored position, as the operator knows it: `GTID set 0-1-5 (file f, pos p)`. */
  stored: string;
  oldest: OldestPosition | null;
  purged: readonly PurgedDomain[];
  /** The server's own words, when it refused the position (error 1236). */
  serverSaid?: string;
  /** A file/pos offset whose file is gone. */
  missingFile?: string;
  cause?: unknown;
}

export function positionLostError(facts: PositionLostFacts): BinlogdError {
  const gone: string[] = [];
  if (facts.missingFile) gone.push(`binlog file ${facts.missingFile} is not on the server any more`);
  for (const p of facts.purged) {
    gone.push(p.stored
      ? `domain ${p.domain}: the transactions after ${formatGtid(p.stored)} up to ${formatGtid(p.purgedUpTo)} were purged`
      : `domain ${p.domain} is not in the stored position and its transactions up to ${formatGtid(p.purgedUpTo)} were purged`);
  }
  const oldest = facts.oldest
    ? `The oldest position left is the start of ${facts.oldest.file} (GTID position ${facts.oldest.gtids || '(empty)'}).`
    : 'The server has no binlog left (SHOW BINARY LOGS is empty).';
  const key = JSON.stringify([facts.connector, { server: facts.topicPrefix }]);
  const message =
    `the stored position of connector ${facts.connector}, ${facts.stored}, is no longer on MariaDB ${facts.server}` +
    `${gone.length > 0 ? `: ${gone.join('; ')}` : ` (the server refused to send from it${facts.serverSaid ? `: "${facts.serverSaid}"` : ''}; the position is not in this server's binlog history: another server, a restored backup or a failover; if a GTID source of it must not be asked for, leave that source out with gtid.source.excludes)`}. ${oldest} ` +
    'The changes in between cannot be read any more, and binlogd does not skip them silently. To go on, either ' +
    'set snapshot.mode=when_needed so the connector takes a new snapshot, or reset its offset so it starts from the ' +
    `current end of the binlog: stop the connector and DELETE /connectors/${facts.connector}/offsets, or write a ` +
    `tombstone (null value) for the key ${key} to the offsets topic ${facts.offsetsTopic}.`;
  return new BinlogdError('SOURCE_POSITION_LOST', message, {
    cause: facts.cause,
    details: { stored: facts.stored, oldestFile: facts.oldest?.file, oldestGtids: facts.oldest?.gtids, server: facts.server },
  });
}
