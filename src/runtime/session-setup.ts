// What a connector session builds before it reads anything: the checked source server, the Kafka
// sink thread with its acknowledgement bookkeeping, and the envelope options every record shares.
import { randomUUID } from 'node:crypto';
import type { ConnectorConfig } from '../config/index.js';
import { BinlogdError } from '../errors.js';
import type { EnvelopeOptions } from '../envelope/change-events.js';
import type { OffsetStore } from '../offsets/offset-store.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { KafkaConnectionConfig, KafkaLogFn } from '../sink/kafka-client.js';
import { startThreadedKafkaSink, type AckedRun, type ThreadedKafkaSink } from '../sink/threaded-sink.js';
import type { GtidSourceFilter } from '../source/gtid-filter.js';
import { readCapturedDatabases, readServerFacts, serverProblems, type ServerFacts } from '../source/server-checks.js';
import { accountOf, serverOf, type SqlClient, type SqlEndpoint } from '../source/sql-client.js';
import { historyTopicOf } from '../schema-history/history-config.js';
import { trackTopics } from './active-topics.js';
import { deadLetterTopicCreation } from './error-policy.js';
import { gtidFilterWarning } from './gtid-filter-warning.js';
import type { Logger } from './logger.js';

/** The server's settings and grants, warnings logged; throws naming every problem that stops capture. */
export async function checkSource(sql: SqlClient, options: {
  config: ConnectorConfig; endpoint: SqlEndpoint; gtidFilter: GtidSourceFilter | undefined; log: Logger;
}): Promise<ServerFacts> {
  const { config, endpoint, log } = options;
  const facts = { ...await readServerFacts(sql), capturedDatabases: await readCapturedDatabases(sql, config.filters) };
  const findings = serverProblems(facts, accountOf(endpoint));
  for (const finding of findings.filter((f) => f.severity === 'warning')) log.warn({ subject: finding.subject }, finding.message);
  const gtidWarning = gtidFilterWarning({
    filter: options.gtidFilter, filterDmlEvents: config.filters.gtidSourceFilterDmlEvents, includes: config.filters.gtidSourceIncludes,
    excludes: config.filters.gtidSourceExcludes, gtidBinlogPos: facts.gtidBinlogPos, serverId: facts.serverId,
  });
  if (gtidWarning) log.warn({ subject: 'gtid.source' }, gtidWarning);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new BinlogdError(errors[0]!.code, `MariaDB ${serverOf(endpoint)} cannot be captured from:\n- ${errors.map((e) => e.message).join('\n- ')}`);
  }
  return facts;
}

/**
 * The session's Kafka sink (producer and admin client on a thread of their own). Exactly once: a
 * transactional producer under `transactionalId` — connecting it fences an older instance and
 * aborts its open transaction, so a stored offset read afterwards is final.
 */
export function startSessionSink(options: {
  config: ConnectorConfig; kafka: { connection: KafkaConnectionConfig; log: KafkaLogFn }; offsets: OffsetStore; transactionalId: string;
  /** Acknowledged records, as runs; `offset` is the newest acknowledged offset among them, if any. */
  onAcked: (runs: readonly AckedRun[], offset: SourceOffset | undefined) => void;
  onError: (error: BinlogdError) => void;
}): Promise<ThreadedKafkaSink> {
  const { config, offsets } = options;
  const creation = config.connect.topicCreation.default;
  const dlq = config.connect.errors.deadLetterQueue;
  // As Connect's active topics leave out what Debezium's schema history writes, they leave out binlogd's.
  const topics = trackTopics(config.name, [offsets.topic, historyTopicOf(config), ...(dlq ? [dlq.topic] : [])]);
  return startThreadedKafkaSink({
    ...options.kafka,
    creation: {
      partitions: creation.partitions ?? -1, replicationFactor: creation.replicationFactor ?? -1, configs: { ...creation.configs },
      overrides: deadLetterTopicCreation(dlq),
      groups: config.connect.topicCreation.groups.map((group) => ({ ...group, configs: { ...group.configs } })),
    },
    onAck: (runs) => {
      let offset: SourceOffset | undefined;
      for (let i = runs.length - 1; i >= 0 && offset === undefined; i--) offset = runs[i]!.ackToken as SourceOffset | undefined;
      options.onAcked(runs, offset);
      topics.written(runs);
    },
    onError: options.onError,
    ...(config.delivery.exactlyOnce ? {
      transactional: {
        transactionalId: options.transactionalId,
        offsetRecord: (token: unknown) => offsets.offsetRecord(config.name, config.topics.prefix, { ...(token as SourceOffset) }),
      },
    } : {}),
  });
}

/** The envelope options of a session: Debezium's source identity and the four context headers (one run id per session). */
export function envelopeOptionsFor(config: ConnectorConfig, version: string): EnvelopeOptions {
  return {
    identity: { version, name: config.topics.prefix },
    tombstonesOnDelete: config.events.tombstonesOnDelete,
    provideTransactionMetadata: config.events.provideTransactionMetadata,
    skipMessagesWithoutChange: config.events.skipMessagesWithoutChange,
    contextHeaders: config.events.extendedHeadersEnabled ? {
      '__debezium.context.connectorLogicalName': Buffer.from(config.topics.prefix),
      '__debezium.context.taskId': Buffer.from('0'),
      '__debezium.context.connectorName': Buffer.from('mariadb'),
      '__debezium.context.runId': Buffer.from(randomUUID()),
    } : {},
  };
}
