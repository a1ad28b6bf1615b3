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
  const history = Object.keys(config.raw)
    .filter((property) => property.startsWith('schema.history.internal') && property !== 'schema.history.internal.kafka.topic');
  if (history.length === 0) return [];
  return [
    `${history.join(', ')}: binlogd keeps its own schema history (MariaDB replays each DDL on temporary tables; ` +
    'see docs/architecture.md), so these properties have no effect; schema.history.internal.kafka.topic names its topic',
  ];
}
