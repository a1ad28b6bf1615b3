// MariaDB lets one binlog reader per server id stay connected: when a second one connects, the
// server drops the first (ER_SLAVE_SAME_ID), which then reconnects and drops the second, and so on.
// Two connectors of one worker reading one server with one database.server.id are refused before
// either starts; across processes the dropped connector fails with SOURCE_SERVER_ID_IN_USE.
import type { ConnectorConfig } from '../config/index.js';
import { BinlogdError } from '../errors.js';

type Reader = Pick<ConnectorConfig, 'name' | 'database'>;

/** Loopback names of one server compare equal; other host names are compared as written. */
function serverOf(reader: Reader): string {
  const host = reader.database.hostname.trim().toLowerCase();
  return `${host === 'localhost' || host === '::1' ? '127.0.0.1' : host}:${reader.database.port}`;
}

/** The error for `candidate` sharing a server id and server with a connector in `others`, if any. */
export function serverIdClash(candidate: Reader, others: Iterable<Reader>): BinlogdError | undefined {
  for (const other of others) {
    if (other.name === candidate.name) continue;
    if (other.database.serverId !== candidate.database.serverId || serverOf(other) !== serverOf(candidate)) continue;
    const id = candidate.database.serverId;
    return new BinlogdError('CONFIG_INVALID',
      `connectors ${other.name} and ${candidate.name} both read the same MariaDB server (database.hostname, database.port) ` +
      `with database.server.id=${id}: MariaDB keeps one binlog reader per server id connected and drops the other each time one ` +
      `connects, so neither could stream. Give ${candidate.name} its own database.server.id (a number from 1 to 4294967295 that ` +
      'no other connector or replica of that server uses)',
      { details: { property: 'database.server.id', serverId: id, connectors: [other.name, candidate.name] } });
  }
  return undefined;
}

/** Every clash among connectors started together, each named once. */
export function serverIdClashes(connectors: readonly Reader[]): BinlogdError[] {
  const out: BinlogdError[] = [];
  connectors.forEach((connector, i) => {
    const clash = serverIdClash(connector, connectors.slice(0, i));
    if (clash) out.push(clash);
  });
  return out;
}
