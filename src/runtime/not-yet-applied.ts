// Properties binlogd accepts (so Debezium connector files validate unchanged) but does not act on
// yet. Each connector says so once at start, so nobody mistakes silence for support.
import type { ConnectorConfig } from '../config/index.js';

export function notYetApplied(config: ConnectorConfig): string[] {
  const gaps: string[] = [];
  if (config.snapshot.mode === 'custom') {
    gaps.push('snapshot.mode=custom: custom snapshotters are not supported; no data snapshot is taken (as no_data)');
  }
  if (!config.delivery.exactlyOnce) {
    gaps.push('delivery is at-least-once, as configured (exactly.once.support=false): after a crash, records since the last stored offset (about a second) are written again');
  }
  return gaps;
}

/**
 * Properties that configure something binlogd does not need, explained once at start (info, not a
 * warning: nothing is missing).
 */
export function acceptedWithoutEffect(config: ConnectorConfig): string[] {
  const history = Object.keys(config.raw).filter((property) => property.startsWith('schema.history.internal'));
  if (history.length === 0) return [];
  return [
    `${history.join(', ')}: binlogd keeps no schema history topic; it reads each table's columns from the binlog's own metadata ` +
    '(binlog_row_metadata=FULL) and INFORMATION_SCHEMA when it first meets the table and after each DDL, so these properties have no effect',
  ];
}
