// Topic and schema naming (CommonConnectorConfig, AbstractTopicNamingStrategy). Belongs to the
// envelope/serialize components, which derive topic and record names from it.
import { z } from 'zod';
import { noEffect } from './no-effect.js';
import { defineArea } from './area.js';
import { choice, int, requiredText, text, textOr } from './values.js';
import { MAX_TOPIC_NAME_LENGTH, topicNameProblem } from '../envelope/topic-names.js';
import type { Report } from './area.js';

const adjustmentModes = ['none', 'avro', 'avro_unicode'] as const;

/**
 * For MariaDB's tables (a database and a name, no schema) both of Debezium's plain strategies name
 * a table's topic <topic.prefix>.<db>.<table>, as binlogd does; any other strategy is a Java class.
 */
export const TOPIC_NAMING_STRATEGIES = ['io.debezium.schema.SchemaTopicNamingStrategy', 'io.debezium.schema.DefaultTopicNamingStrategy'] as const;

const namingStrategy = z
  .preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined), z.string().optional())
  .superRefine((value, ctx) => {
    if (value === undefined || (TOPIC_NAMING_STRATEGIES as readonly string[]).includes(value)) return;
    ctx.addIssue({
      code: 'custom',
      message: `expected ${TOPIC_NAMING_STRATEGIES.join(' or ')} (both name topics <topic.prefix>.<db>.<table>); ` +
        'other strategies are Java classes binlogd cannot run: rename topics with a RegexRouter or ByLogicalTableRouter transform instead',
    });
  })
  .describe(`Topic naming strategy class: ${TOPIC_NAMING_STRATEGIES.join(' or ')}; for MariaDB both name a table's topic <topic.prefix>.<db>.<table>. Default: ${TOPIC_NAMING_STRATEGIES[0]}.`);
type AdjustmentMode = (typeof adjustmentModes)[number];

export const topicsSchema = z.object({
  'topic.prefix': requiredText(
    'Namespace of every topic this connector writes (<prefix>.<db>.<table>) and of its schema names; unique across connectors.',
    { regex: /^[A-Za-z0-9._-]+$/, allowed: 'letters, digits, ".", "_" and "-" only' },
  ),
  'topic.naming.strategy': namingStrategy,
  'topic.delimiter': textOr('.', 'Delimiter between the parts of a topic name.'),
  'topic.cache.size': noEffect(int(10000, 'Number of topic names kept in the naming cache.', { min: 1 }), 'topic names are kept per captured table for the connector\'s life'),
  'topic.heartbeat.prefix': text('Prefix of the heartbeat topic (<prefix>.<topic.prefix>). Default: __debezium-heartbeat.'),
  'heartbeat.topics.prefix': text('Older name of topic.heartbeat.prefix; used when that one is not set.'),
  'topic.transaction': textOr('transaction', 'Suffix of the transaction metadata topic (<topic.prefix>.<suffix>).'),
  'schema.name.adjustment.mode': choice(adjustmentModes, 'none', 'How schema names are made valid Avro names: none, avro (replace invalid characters with "_"), avro_unicode.'),
  'field.name.adjustment.mode': noEffect(choice(adjustmentModes, 'none', 'How field names are made valid Avro names: none, avro, avro_unicode.'), 'field names are the column names as written'),
});

export interface TopicsConfig {
  readonly prefix: string;
  readonly delimiter: string;
  readonly cacheSize: number;
  /** Heartbeat topic prefix; the topic is `<heartbeatPrefix><delimiter><prefix>`. */
  readonly heartbeatPrefix: string;
  /** Transaction topic suffix; the topic is `<prefix><delimiter><transaction>`. */
  readonly transaction: string;
  readonly schemaNameAdjustmentMode: AdjustmentMode;
  readonly fieldNameAdjustmentMode: AdjustmentMode;
}

export const topicsArea = defineArea({
  schema: topicsSchema,
  build(v, raw, report): TopicsConfig {
    const config: TopicsConfig = {
      prefix: v['topic.prefix'],
      delimiter: v['topic.delimiter'],
      cacheSize: v['topic.cache.size'],
      heartbeatPrefix: v['topic.heartbeat.prefix'] ?? v['heartbeat.topics.prefix'] ?? '__debezium-heartbeat',
      transaction: v['topic.transaction'],
      schemaNameAdjustmentMode: v['schema.name.adjustment.mode'],
      fieldNameAdjustmentMode: v['field.name.adjustment.mode'],
    };
    checkTopicNames(config, raw, report);
    return config;
  },
});

// The shortest data topic is <topic.prefix>.<db>.<table> with one-character names.
const SHORTEST_DATA_TOPIC_SUFFIX = 4;

/**
 * Names Kafka cannot take are refused here rather than when the first record is sent. Debezium
 * checks the characters of these properties (CommonConnectorConfig.validateTopicName); the lengths
 * are Kafka's limit, which Debezium meets by cutting names (and so mixing tables).
 */
function checkTopicNames(config: TopicsConfig, raw: Readonly<Record<string, string>>, report: Report): void {
  const { prefix, delimiter, transaction, heartbeatPrefix } = config;
  const heartbeatProperty = raw['topic.heartbeat.prefix'] === undefined && raw['heartbeat.topics.prefix'] !== undefined ? 'heartbeat.topics.prefix' : 'topic.heartbeat.prefix';
  for (const [property, value] of [['topic.delimiter', delimiter], ['topic.transaction', transaction], [heartbeatProperty, heartbeatPrefix]] as const) {
    if (!/^[A-Za-z0-9._-]+$/.test(value)) report({ property, message: 'expected letters, digits, ".", "_" and "-" only: it is part of topic names' });
  }
  if (prefix.length > MAX_TOPIC_NAME_LENGTH - SHORTEST_DATA_TOPIC_SUFFIX) {
    report({
      property: 'topic.prefix',
      message: `is ${prefix.length} characters: data topics (<topic.prefix>.<db>.<table>) are limited to ${MAX_TOPIC_NAME_LENGTH} characters by Kafka, which leaves no room for a database and table name; use a shorter prefix`,
    });
    return;
  }
  const sideTopics: Array<[string, string, string]> = [];
  if (raw['provide.transaction.metadata']?.trim().toLowerCase() === 'true') sideTopics.push(['topic.transaction', 'transaction metadata', [prefix, transaction].join(delimiter)]);
  if (Number(raw['heartbeat.interval.ms'] ?? 0) > 0) sideTopics.push([heartbeatProperty, 'heartbeat', [heartbeatPrefix, prefix].join(delimiter)]);
  for (const [property, what, topic] of sideTopics) {
    const problem = topicNameProblem(topic);
    if (problem !== undefined) report({ property, message: `makes the ${what} topic ${topic.length > 60 ? `${topic.slice(0, 60)}…` : topic}, which ${problem}: shorten topic.prefix or ${property}` });
  }
}
