// Which events are emitted and how failures are handled (CommonConnectorConfig,
// BinlogConnectorConfig), and heartbeats. Belongs to the envelope component (and the source for
// failure handling and heartbeats).
import { z } from 'zod';
import { noEffect } from './no-effect.js';
import { defineArea } from './area.js';
import { bool, choice, int, splitList, text } from './values.js';

export type Operation = 'c' | 'u' | 'd' | 't';
const OPERATIONS = ['c', 'u', 'd', 't', 'none'] as const;

/** `skipped.operations`: a list from c, u, d, t, or `none` alone. */
const skippedOperations = z
  .preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().optional())
  .transform((value, ctx): ReadonlySet<Operation> => {
    const items = splitList((value || 't').toLowerCase());
    const allowed = 'expected a comma-separated list of c (create), u (update), d (delete), t (truncate), or none';
    const unknown = items.filter((item) => !(OPERATIONS as readonly string[]).includes(item));
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `${allowed} (unknown: ${unknown.join(', ')})` });
    else if (items.includes('none') && items.length > 1) ctx.addIssue({ code: 'custom', message: `${allowed} ("none" cannot be combined with other operations)` });
    return new Set(items.filter((item): item is Operation => item !== 'none'));
  })
  .describe('Operations not emitted while streaming: c, u, d, t (truncate), or none. Default: t.');

const failureModes = ['fail', 'warn', 'skip', 'ignore'] as const;
type FailureMode = (typeof failureModes)[number];

export const eventsSchema = z.object({
  'include.schema.changes': bool(true, 'Whether DDL changes are published to the schema change topic named <topic.prefix>.'),
  'include.query': bool(false, 'Whether change events carry the SQL statement (needs binlog_annotate_row_events=ON).'),
  'tombstones.on.delete': bool(true, 'Whether a delete event is followed by a tombstone (null value) so compaction can drop the key.'),
  'skipped.operations': skippedOperations,
  'skip.messages.without.change': bool(false, 'Whether updates that change no included column are dropped.'),
  'provide.transaction.metadata': bool(false, 'Whether BEGIN/END events go to <topic.prefix>.transaction and events carry a transaction block.'),
  'extended.headers.enabled': bool(true, 'Whether records carry the __debezium.context.* headers.'),
  'event.processing.failure.handling.mode': choice(failureModes, 'fail', 'What to do with an event that cannot be processed: fail, warn (log and skip), skip, ignore.'),
  'inconsistent.schema.handling.mode': noEffect(choice(failureModes, 'fail', 'What to do with an event of a table whose schema is unknown: fail, warn, skip, ignore.'), 'binlogd reads every captured table\'s structure from the binlog metadata and the server, so no event meets an unknown table'),
  'event.deserialization.failure.handling.mode': noEffect(choice(failureModes, 'fail', 'Deprecated: what to do with a binlog event that cannot be decoded.'), 'deprecated in Debezium; event.processing.failure.handling.mode applies to every event'),
  'event.converting.failure.handling.mode': noEffect(choice(['fail', 'warn', 'skip'], 'warn', 'What to do with a column value that cannot be converted: fail, warn (emit null or default), skip.'), 'a value that cannot be converted fails its event, which event.processing.failure.handling.mode handles'),
});

export interface EventsConfig {
  readonly includeSchemaChanges: boolean;
  readonly includeQuery: boolean;
  readonly tombstonesOnDelete: boolean;
  readonly skippedOperations: ReadonlySet<Operation>;
  readonly skipMessagesWithoutChange: boolean;
  readonly provideTransactionMetadata: boolean;
  readonly extendedHeadersEnabled: boolean;
  readonly eventProcessingFailureHandlingMode: FailureMode;
  readonly inconsistentSchemaHandlingMode: FailureMode;
  readonly eventDeserializationFailureHandlingMode: FailureMode;
  readonly eventConvertingFailureHandlingMode: 'fail' | 'warn' | 'skip';
}

export const eventsArea = defineArea({
  schema: eventsSchema,
  build(v): EventsConfig {
    return {
      includeSchemaChanges: v['include.schema.changes'],
      includeQuery: v['include.query'],
      tombstonesOnDelete: v['tombstones.on.delete'],
      skippedOperations: v['skipped.operations'],
      skipMessagesWithoutChange: v['skip.messages.without.change'],
      provideTransactionMetadata: v['provide.transaction.metadata'],
      extendedHeadersEnabled: v['extended.headers.enabled'],
      eventProcessingFailureHandlingMode: v['event.processing.failure.handling.mode'],
      inconsistentSchemaHandlingMode: v['inconsistent.schema.handling.mode'],
      eventDeserializationFailureHandlingMode: v['event.deserialization.failure.handling.mode'],
      eventConvertingFailureHandlingMode: v['event.converting.failure.handling.mode'],
    };
  },
});

export const heartbeatSchema = z.object({
  'heartbeat.interval.ms': int(0, 'Interval of heartbeat records on __debezium-heartbeat.<topic.prefix>; 0 disables them.', { min: 0 }),
  'heartbeat.action.query': text('SQL run on the source at each heartbeat (e.g. to keep an idle binlog moving).'),
});

export interface HeartbeatConfig {
  /** 0 when heartbeats are off. */
  readonly intervalMs: number;
  readonly actionQuery?: string;
}

export const heartbeatArea = defineArea({
  schema: heartbeatSchema,
  build(v, _raw, report): HeartbeatConfig {
    if (v['heartbeat.action.query'] !== undefined && v['heartbeat.interval.ms'] === 0) {
      report({ severity: 'warning', property: 'heartbeat.action.query', message: 'is never run because heartbeat.interval.ms is 0' });
    }
    return { intervalMs: v['heartbeat.interval.ms'], actionQuery: v['heartbeat.action.query'] };
  },
});
