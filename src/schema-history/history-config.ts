// The schema history's connector properties. Debezium's own schema history names its Kafka topic
// with schema.history.internal.kafka.topic; binlogd accepts that property for its own history topic.
import { z } from 'zod';
import { defineArea } from '../config/area.js';
import { text } from '../config/values.js';

export const historySchema = z.object({
  'schema.history.internal.kafka.topic': text(
    'Kafka topic holding binlogd\'s schema history: one JSON record per table definition change, with the binlog position it applies from ' +
    '(created with 1 partition, cleanup.policy=delete, retention.ms=-1; written in the same Kafka transaction as the offset in exactly-once mode). ' +
    'Default: <topic.prefix>.binlogd-schema-history. Give each connector its own topic.'),
});

export interface HistoryConfig {
  /** The topic named in the file; undefined: derived from topic.prefix (historyTopicOf). */
  readonly topic: string | undefined;
}

export const historyArea = defineArea({
  schema: historySchema,
  build(v): HistoryConfig {
    const topic = v['schema.history.internal.kafka.topic'];
    return { topic: topic ? topic : undefined };
  },
});

export function historyTopicOf(config: { history: HistoryConfig; topics: { prefix: string } }): string {
  return config.history.topic ?? `${config.topics.prefix}.binlogd-schema-history`;
}
