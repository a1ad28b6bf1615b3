// Kafka Connect's own connector-level properties (ConnectorConfig, SourceConnectorConfig):
// converters, error handling, topic creation, and delivery (exactly-once support, transaction
// boundaries). Belongs to the sink and runtime components.
import { z } from 'zod';
import { noEffect } from './no-effect.js';
import { defineArea, propertiesUnder, type Report } from './area.js';
import { AVRO_CONVERTER, JSON_CONVERTER, parseConverter, type ConverterConfig } from '../serialize/converters.js';
import { bool, choice, compilePatternList, int, list, optionalInt, text } from './values.js';

export const MARIADB_CONNECTOR_CLASS = 'io.debezium.connector.mariadb.MariaDbConnector';
const SIMPLE_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

/** Kafka Connect also accepts a plugin's simple class name and that name without "Connector". */
const connectorClass = z
  .preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
    z
      .enum([MARIADB_CONNECTOR_CLASS, 'MariaDbConnector', 'MariaDb'], {
        error: `expected ${MARIADB_CONNECTOR_CLASS} (binlogd runs the Debezium MariaDB connector only)`,
      })
      .default(MARIADB_CONNECTOR_CLASS),
  )
  .describe(`Connector class; binlogd implements ${MARIADB_CONNECTOR_CLASS}. Default: that class.`);

const minusOneOrPositive = { min: -1, except: [0], allowed: '-1 (the broker default) or a positive integer' };

export const connectSchema = z.object({
  'connector.class': connectorClass,
  'tasks.max': int(1, 'Maximum number of tasks; the MariaDB connector always runs one, as Debezium\'s does (a larger value is a warning).', { min: 1 }),
  'tasks.max.enforce': noEffect(bool(true, 'Deprecated Kafka Connect switch; accepted and ignored.'), 'the MariaDB connector always runs one task'),
  'key.converter': text(`Key converter class: ${AVRO_CONVERTER} (default; options key.converter.schema.registry.url, …) or ${JSON_CONVERTER} (key.converter.schemas.enable).`),
  'value.converter': text(`Value converter class: ${AVRO_CONVERTER} (default) or ${JSON_CONVERTER}.`),
  'header.converter': noEffect(text(`Header converter class; binlogd writes headers as ${SIMPLE_HEADER_CONVERTER} does.`), 'headers are always written as SimpleHeaderConverter does'),
  'config.action.reload': noEffect(choice(['none', 'restart'], 'restart', 'What happens when a config provider value changes: restart the connector, or none.'), 'binlogd resolves ${…} references when a connector starts or its config is replaced; it does not watch provider values'),
  'errors.tolerance': choice(['none', 'all'], 'none', 'none: a record that fails a transform, conversion or the size limit fails the connector at its position; all: it is skipped (to the dead letter queue when one is set).'),
  'errors.deadletterqueue.topic.name': text('Topic receiving the records errors.tolerance=all skips (as JSON, with the error in headers).'),
  'errors.deadletterqueue.context.headers.enable': bool(false, 'Whether dead letter records carry __connect.errors.* headers (connector, stage, class, exception) and __binlogd.errors.* (table, position).'),
  // Connect's default is 3, which fails on a one-broker cluster the first time a record goes to the
  // dead letter topic; the broker's own default serves both development and production clusters.
  'errors.deadletterqueue.topic.replication.factor': int(-1, 'Replication factor of the dead letter topic when binlogd creates it (with one partition, as Kafka Connect does). Default -1: the broker\'s default.replication.factor (Kafka Connect defaults to 3). Set it to at most the number of brokers.', minusOneOrPositive),
  'errors.retry.timeout': noEffect(int(0, 'How long a failed conversion or transform is retried (ms); 0 never, -1 forever.', { min: -1 }), 'a record a transform or converter rejects is handled by errors.tolerance at once; registry and Kafka errors restart the connector (errors.max.retries)'),
  'errors.retry.delay.max.ms': noEffect(int(60000, 'Longest pause between those retries.', { min: 0 }), 'a record a transform or converter rejects is handled by errors.tolerance at once; registry and Kafka errors restart the connector (errors.max.retries)'),
  'errors.log.enable': bool(false, 'Whether tolerated errors are logged.'),
  'errors.log.include.messages': bool(false, 'Whether those log lines include the record (its key and value; may be sensitive).'),
  'errors.max.retries': int(-1, 'Retries of retriable connection errors before failing; -1 without limit, 0 none.', { min: -1 }),
  'retriable.restart.connector.wait.ms': int(10000, 'Pause before restarting after a retriable error.', { min: 0 }),
  'topic.creation.groups': list('Topic creation groups besides "default"; each has topic.creation.<group>.include and optional settings.'),
  'topic.creation.default.partitions': int(1, 'Partitions of topics the connector creates.', minusOneOrPositive),
  'topic.creation.default.replication.factor': int(-1, 'Replication factor of topics the connector creates.', minusOneOrPositive),
});

export interface TopicCreationGroup {
  readonly name: string;
  /** Topics the group applies to; `default` matches every topic not matched by another group. */
  readonly include: readonly RegExp[];
  readonly exclude: readonly RegExp[];
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Topic-level settings, e.g. `cleanup.policy`. */
  readonly configs: Readonly<Record<string, string>>;
}

export interface ConnectConfig {
  readonly connectorClass: string;
  readonly tasksMax: number;
  readonly keyConverter?: string;
  readonly valueConverter?: string;
  readonly headerConverter?: string;
  /** The key and value converters with their options. */
  readonly converters: { readonly key: ConverterConfig; readonly value: ConverterConfig };
  readonly configActionReload: 'none' | 'restart';
  readonly errors: {
    readonly tolerance: 'none' | 'all';
    readonly retryTimeoutMs: number;
    readonly retryDelayMaxMs: number;
    readonly logEnable: boolean;
    readonly logIncludeMessages: boolean;
    readonly maxRetries: number;
    readonly retriableRestartWaitMs: number;
    /** errors.deadletterqueue.*: where tolerated failures go. */
    readonly deadLetterQueue?: { readonly topic: string; readonly contextHeaders: boolean; readonly replicationFactor: number };
  };
  readonly topicCreation: {
    readonly default: TopicCreationGroup;
    readonly groups: readonly TopicCreationGroup[];
  };
  /** `producer.override.*`, keyed by the producer property name. */
  readonly producerOverrides: Readonly<Record<string, string>>;
}

const GROUP_KEYS = ['include', 'exclude', 'partitions', 'replication.factor'];

function creationGroup(raw: Readonly<Record<string, string>>, name: string, report: Report): TopicCreationGroup {
  const prefix = `topic.creation.${name}.`;
  const patterns = (key: string): RegExp[] => {
    const property = `${prefix}${key}`;
    const { patterns: compiled, errors } = compilePatternList(raw[property] ?? '');
    for (const message of errors) report({ property, message });
    return compiled;
  };
  const count = (key: string): number | undefined => {
    const property = `${prefix}${key}`;
    const text = raw[property]?.trim();
    if (text === undefined || text === '') return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n === 0 || n < -1) report({ property, message: `expected ${minusOneOrPositive.allowed}` });
    return n;
  };
  const include = patterns('include');
  if (name !== 'default' && include.length === 0) report({ property: `${prefix}include`, message: `is required for the topic creation group "${name}"` });
  return {
    name,
    include,
    exclude: patterns('exclude'),
    partitions: count('partitions'),
    replicationFactor: count('replication.factor'),
    configs: propertiesUnder(raw, prefix, GROUP_KEYS),
  };
}

function warnIfNotAvro(report: Report, property: string, value: string | undefined, expected: string): void {
  if (value !== undefined && value !== expected) {
    report({ severity: 'warning', property, message: `is ignored: binlogd always uses ${expected}` });
  }
}

export const connectArea = defineArea({
  schema: connectSchema,
  prefixes: ['key.converter.', 'value.converter.', 'header.converter.', 'topic.creation.', 'producer.override.', 'consumer.override.', 'admin.override.'],
  build(v, raw, report): ConnectConfig {
    if (v['tasks.max'] > 1) {
      report({ severity: 'warning', property: 'tasks.max', message: 'the MariaDB connector runs one task (a binlog has one reader), as Debezium\'s does' });
    }
    warnIfNotAvro(report, 'header.converter', v['header.converter'], SIMPLE_HEADER_CONVERTER);
    const converters = { key: parseConverter('key', raw, report), value: parseConverter('value', raw, report) };
    const dlqTopic = v['errors.deadletterqueue.topic.name'];
    if (dlqTopic !== undefined && v['errors.tolerance'] === 'none') {
      report({ severity: 'warning', property: 'errors.deadletterqueue.topic.name', message: 'receives nothing while errors.tolerance=none (a failing record fails the connector); set errors.tolerance=all' });
    }
    if (dlqTopic !== undefined && !/^[A-Za-z0-9._-]{1,249}$/.test(dlqTopic)) {
      report({ property: 'errors.deadletterqueue.topic.name', message: 'expected a Kafka topic name: up to 249 of [A-Za-z0-9._-]' });
    }
    const defaults = creationGroup(raw, 'default', report);
    return {
      connectorClass: MARIADB_CONNECTOR_CLASS,
      tasksMax: v['tasks.max'],
      keyConverter: v['key.converter'],
      valueConverter: v['value.converter'],
      headerConverter: v['header.converter'],
      converters,
      configActionReload: v['config.action.reload'],
      errors: {
        tolerance: v['errors.tolerance'],
        retryTimeoutMs: v['errors.retry.timeout'],
        retryDelayMaxMs: v['errors.retry.delay.max.ms'],
        logEnable: v['errors.log.enable'],
        logIncludeMessages: v['errors.log.include.messages'],
        maxRetries: v['errors.max.retries'],
        retriableRestartWaitMs: v['retriable.restart.connector.wait.ms'],
        ...(dlqTopic === undefined ? {} : { deadLetterQueue: {
          topic: dlqTopic,
          contextHeaders: v['errors.deadletterqueue.context.headers.enable'],
          replicationFactor: v['errors.deadletterqueue.topic.replication.factor'],
        } }),
      },
      topicCreation: {
        default: { ...defaults, partitions: v['topic.creation.default.partitions'], replicationFactor: v['topic.creation.default.replication.factor'] },
        groups: v['topic.creation.groups'].map((name) => creationGroup(raw, name, report)),
      },
      producerOverrides: checkedProducerOverrides(raw, report),
    };
  },
});

const MAX_JAVA_INT = 2147483647;

/** `producer.override.*`, with the ones binlogd itself reads checked as the Java producer checks them. */
function checkedProducerOverrides(raw: Readonly<Record<string, string>>, report: Report): Readonly<Record<string, string>> {
  const overrides = propertiesUnder(raw, 'producer.override.');
  const maxRequest = overrides['max.request.size'];
  if (maxRequest !== undefined) {
    const n = Number(maxRequest.trim());
    if (maxRequest.trim() === '' || !Number.isInteger(n) || n < 1 || n > MAX_JAVA_INT) {
      report({ property: 'producer.override.max.request.size', message: `expected a positive integer number of bytes (at most ${MAX_JAVA_INT}); the Java producer's default is 1048576` });
    }
  }
  return overrides;
}

export const deliverySchema = z.object({
  'exactly.once.support': choice(
    ['requested', 'required', 'false'],
    'requested',
    'Delivery into Kafka. requested/required: change records and the offset commit share one Kafka transaction, so read_committed ' +
      'consumers see each change exactly once (required also refuses to start if the brokers cannot do transactions). ' +
      'false: at-least-once with an idempotent producer.',
  ),
  'transaction.boundary': noEffect(choice(['poll', 'interval', 'connector'], 'poll', 'Where Kafka transactions end: poll (each batch), interval (every transaction.boundary.interval.ms), connector (each source transaction).'), 'binlogd ends a Kafka transaction after each batch it sends (poll)'),
  'transaction.boundary.interval.ms': noEffect(optionalInt('Transaction length when transaction.boundary=interval.', { min: 1 }), 'binlogd ends a Kafka transaction after each batch it sends (poll)'),
  'offsets.storage.topic': text('A separate offsets topic for this connector; default: the worker\'s offsets topic.'),
});

export interface DeliveryConfig {
  /** True unless `exactly.once.support=false`. */
  readonly exactlyOnce: boolean;
  readonly exactlyOnceSupport: 'requested' | 'required' | 'false';
  readonly transactionBoundary: 'poll' | 'interval' | 'connector';
  readonly transactionBoundaryIntervalMs?: number;
  readonly offsetsTopic?: string;
}

export const deliveryArea = defineArea({
  schema: deliverySchema,
  build(v, _raw, report): DeliveryConfig {
    if (v['exactly.once.support'] === 'false' && v['transaction.boundary'] !== 'poll') {
      report({ severity: 'warning', property: 'transaction.boundary', message: 'is ignored because exactly.once.support=false' });
    }
    return {
      exactlyOnce: v['exactly.once.support'] !== 'false',
      exactlyOnceSupport: v['exactly.once.support'],
      transactionBoundary: v['transaction.boundary'],
      transactionBoundaryIntervalMs: v['transaction.boundary.interval.ms'],
      offsetsTopic: v['offsets.storage.topic'],
    };
  },
});
