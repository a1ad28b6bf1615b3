// Signals (ad-hoc and incremental snapshots on request) and notifications (CommonConnectorConfig).
// Belongs to the source component's incremental snapshot support.
import { z } from 'zod';
import { noEffect } from './no-effect.js';
import { crossCheck, defineArea } from './area.js';
import { bool, choice, int, list, text } from './values.js';

export const signalsSchema = crossCheck(
  z.object({
    'signal.data.collection': text('Table (<db>.<table>) the connector reads signals from; signalling by table is off when unset.'),
    'signal.enabled.channels': list('Signal channels: source (the signal table), kafka, jmx, file.', ['source']),
    'signal.poll.interval.ms': int(5000, 'Interval at which the signal channels are polled.', { min: 1 }),
    'notification.enabled.channels': noEffect(list('Notification channels: sink (a Kafka topic), log, jmx.'), 'binlogd sends no notifications; the REST status and metrics report snapshot progress'),
    'notification.sink.topic.name': noEffect(text('Topic of the sink notification channel.'), 'binlogd sends no notifications; the REST status and metrics report snapshot progress'),
    'incremental.snapshot.chunk.size': int(1024, 'Rows per chunk of an incremental snapshot.', { min: 1 }),
    'incremental.snapshot.allow.schema.changes': noEffect(bool(false, 'Whether schema changes during an incremental snapshot re-read the current chunk.'), 'incremental snapshot chunks are read with the table\'s structure at read time'),
    'incremental.snapshot.watermarking.strategy': noEffect(choice(['insert_insert', 'insert_delete'], 'insert_insert', 'How incremental snapshot windows are marked in the signal table.'), 'binlogd always writes both window rows (insert_insert), so the signal table grows by two rows per chunk'),
    'read.only': bool(false, 'Incremental snapshots without writing to the database (read-only replicas): each chunk is read at the binlog point of a consistent snapshot, and the window closes on the stream\'s GTID position; signals come through signal.kafka.topic (or rows users insert into signal.data.collection).'),
  }),
  ['notification.enabled.channels', 'notification.sink.topic.name'],
  (v) =>
    v['notification.enabled.channels'].includes('sink') && v['notification.sink.topic.name'] === undefined
      ? [{ property: 'notification.sink.topic.name', message: 'is required when notification.enabled.channels includes sink' }]
      : [],
);

export interface SignalsConfig {
  readonly dataCollection?: string;
  readonly enabledChannels: readonly string[];
  readonly pollIntervalMs: number;
  readonly notificationChannels: readonly string[];
  readonly notificationTopic?: string;
  readonly incrementalChunkSize: number;
  readonly incrementalAllowSchemaChanges: boolean;
  readonly incrementalWatermarking: 'insert_insert' | 'insert_delete';
  readonly readOnly: boolean;
}

export const signalsArea = defineArea({
  schema: signalsSchema,
  prefixes: ['signal.kafka.', 'signal.consumer.'],
  build(v): SignalsConfig {
    return {
      dataCollection: v['signal.data.collection'],
      enabledChannels: v['signal.enabled.channels'],
      pollIntervalMs: v['signal.poll.interval.ms'],
      notificationChannels: v['notification.enabled.channels'],
      notificationTopic: v['notification.sink.topic.name'],
      incrementalChunkSize: v['incremental.snapshot.chunk.size'],
      incrementalAllowSchemaChanges: v['incremental.snapshot.allow.schema.changes'],
      incrementalWatermarking: v['incremental.snapshot.watermarking.strategy'],
      readOnly: v['read.only'],
    };
  },
});
