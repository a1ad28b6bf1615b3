// Properties binlogd accepts (so Debezium connector files validate unchanged) but does not act on
// yet. Each connector says so once at start, so nobody mistakes silence for support.
import type { ConnectorConfig } from '../config/index.js';

export function notYetApplied(config: ConnectorConfig): string[] {
  const gaps: string[] = [];
  if (config.snapshot.mode === 'custom') {
    gaps.push('snapshot.mode=custom: custom snapshotters are not supported; no data snapshot is taken (as no_data)');
  }
  if (config.snapshot.selectOverrides.size > 0) gaps.push('snapshot.select.statement.overrides: not applied yet; a snapshot of such a table fails');
  if (config.events.includeSchemaChanges) gaps.push(`include.schema.changes=true: the schema change topic ${config.topics.prefix} is not written yet`);
  if (config.heartbeat.intervalMs > 0) gaps.push('heartbeat.interval.ms: heartbeats are not written yet');
  const { columns } = config;
  if (columns.maskWithChars.length + columns.maskHash.length + columns.truncateToChars.length + columns.propagateSourceType.length + columns.datatypePropagateSourceType.length > 0) {
    gaps.push('column.mask.*, column.truncate.*, column.propagate.source.type and datatype.propagate.source.type are not applied yet');
  }
  if (config.signals.dataCollection !== undefined) gaps.push('signal.data.collection: signals (incremental snapshots) are not implemented yet');
  if (!config.delivery.exactlyOnce) {
    gaps.push('delivery is at-least-once, as configured (exactly.once.support=false): after a crash, records since the last stored offset (about a second) are written again');
  }
  return gaps;
}
