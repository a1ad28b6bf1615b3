// Properties binlogd accepts (so Debezium connector files validate unchanged) but does not act on
// yet. Each connector says so once at start, so nobody mistakes silence for support.
import type { ConnectorConfig } from '../config/index.js';

const AVRO_CONVERTER = 'io.confluent.connect.avro.AvroConverter';

export function notYetApplied(config: ConnectorConfig): string[] {
  const gaps: string[] = [];
  if (config.snapshot.mode !== 'no_data') {
    gaps.push(`snapshot.mode=${config.snapshot.mode}: snapshots are not implemented yet; streaming starts at the current end of the binlog`);
  }
  if (config.transforms.length > 0) {
    gaps.push(`transforms (${config.transforms.map((t) => `${t.alias}: ${t.type}`).join(', ')}) are not applied yet: records are written untransformed`);
  }
  for (const [property, converter] of [['key.converter', config.connect.keyConverter], ['value.converter', config.connect.valueConverter]] as const) {
    if (converter !== undefined && converter !== AVRO_CONVERTER) gaps.push(`${property}=${converter}: only ${AVRO_CONVERTER} is implemented; records are Avro`);
  }
  if (config.connect.errors.tolerance === 'all') gaps.push('errors.tolerance=all: not applied yet; a record that cannot be written fails the connector');
  if (config.signals.dataCollection !== undefined) gaps.push('signal.data.collection: signals (incremental snapshots) are not implemented yet');
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
