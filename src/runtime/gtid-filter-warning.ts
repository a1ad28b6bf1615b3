// A gtid.source.includes/excludes that leaves out every source the server has written is almost
// always a mistake: Debezium matches each regex against the whole `<domain>-<server>` (so `1`
// never matches `1-1`) and silently skips the rows of every transaction. binlogd does the same,
// for drop-in compatibility, but says so once at start, naming the sources and a fix.
import type { GtidSourceFilter } from '../source/gtid-filter.js';
import { sourceOf } from '../source/gtid-filter.js';
import { parseGtid } from '../source/gtid-position.js';

/** The warning to log, or undefined when the filter keeps at least one of the server's sources. */
export function gtidFilterWarning(options: {
  filter: GtidSourceFilter | undefined;
  filterDmlEvents: boolean;
  /** The patterns as configured, for the message. */
  includes: readonly RegExp[];
  excludes: readonly RegExp[];
  /** @@gtid_binlog_pos and @@server_id: the sources the server wrote, and its own. */
  gtidBinlogPos: string;
  serverId: number;
}): string | undefined {
  const { filter } = options;
  if (!filter || !options.filterDmlEvents) return undefined;
  const gtids = options.gtidBinlogPos.split(',').map((g) => g.trim()).filter((g) => g !== '');
  const sources = new Set<string>();
  for (const text of gtids) {
    try {
      const gtid = parseGtid(text);
      sources.add(sourceOf(gtid));
      // The server's own writes in each domain it has written.
      sources.add(sourceOf({ domain: gtid.domain, server: options.serverId }));
    } catch {
      return undefined; // the position check reports a malformed position
    }
  }
  if (sources.size === 0 || [...sources].some((source) => filter(source))) return undefined;
  const property = options.includes.length > 0 ? 'gtid.source.includes' : 'gtid.source.excludes';
  const patterns = (options.includes.length > 0 ? options.includes : options.excludes).map((p) => unanchored(p)).join(',');
  const example = [...sources][0]!;
  return `${property}=${patterns} leaves out every GTID source this server has written (${[...sources].join(', ')}): ` +
    'the rows of their transactions will not be emitted, as Debezium does (each pattern must match a whole <domain>-<server>). ' +
    `To capture this server's writes, use e.g. ${property === 'gtid.source.includes' ? `gtid.source.includes=${example.split('-')[0]}-.*` : 'no gtid.source.excludes'}, ` +
    'or set gtid.source.filter.dml.events=false.';
}

function unanchored(pattern: RegExp): string {
  return pattern.source.replace(/^\^(?:\(\?:)?/, '').replace(/\)?\$$/, '');
}
