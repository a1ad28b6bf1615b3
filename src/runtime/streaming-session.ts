// The streaming half of a connector session, wired: the pipeline with its side records, and the
// snapshots signals can ask for while it runs (incremental, from the signal table or Kafka, and
// blocking ones, which pause it).
import type { ConnectorConfig } from '../config/index.js';
import { asBinlogdError, type BinlogdError } from '../errors.js';
import type { EnvelopeOptions } from '../envelope/change-events.js';
import * as metrics from '../metrics/registry.js';
import type { ResumePoint } from '../offsets/position-tracker.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { KafkaConnectionConfig, KafkaLogFn } from '../sink/kafka-client.js';
import type { SchemaHistory } from '../schema-history/schema-history.js';
import { createCurrentTableDefinitions } from '../source/current-table-definitions.js';
import type { GtidSourceFilter } from '../source/gtid-filter.js';
import type { SqlClient, SqlEndpoint } from '../source/sql-client.js';
import { BlockingSnapshot } from './blocking-snapshot.js';
import type { IncrementalSnapshot } from './incremental-snapshot.js';
import { incrementalSnapshotFor, kafkaSignalsFor } from './incremental-setup.js';
import type { KafkaSignalChannel } from './kafka-signals.js';
import type { Logger } from './logger.js';
import type { RecordStages } from './record-stages.js';
import { sideRecordsFor } from './side-records.js';
import { StreamingPipeline, type OutgoingRecord, type RecordConversion, type RecordSink } from './streaming-pipeline.js';
import { createTableDescriber } from './table-description.js';
import { createTableResolver } from './table-resolver.js';

export interface StreamingSession {
  pipeline: StreamingPipeline;
  blocking: BlockingSnapshot;
  incremental: IncrementalSnapshot | undefined;
  kafkaSignals: KafkaSignalChannel | undefined;
}

export function createStreamingSession(options: {
  config: ConnectorConfig; sql: SqlClient; endpoint: SqlEndpoint; log: Logger; signal: AbortSignal;
  envelope: EnvelopeOptions; records: RecordConversion; sink: RecordSink; offsetRecord: (offset: SourceOffset) => OutgoingRecord;
  kafka: { connection: KafkaConnectionConfig; log: KafkaLogFn };
  start: ResumePoint;
  /** The stored offset an unfinished incremental snapshot continues from; undefined after an initial snapshot. */
  stored: SourceOffset | undefined;
  gtidFilter: GtidSourceFilter | undefined;
  /** The schema history: DDL replayed there; its definitions describe tables as of the event read. */
  history?: SchemaHistory;
  pauseSource: () => void;
  resumeSource: () => void;
  onError: (error: BinlogdError) => void;
}): StreamingSession {
  const { config, log } = options;
  const stages: RecordStages = {
    config, endpoint: options.endpoint, log, envelope: options.envelope, records: options.records, offsetRecord: options.offsetRecord,
    sink: options.sink, tables: createTableResolver({ config, definitions: createCurrentTableDefinitions(options.sql), log }),
  };
  const blocking = new BlockingSnapshot({ ...stages, signal: options.signal });
  const incremental = incrementalSnapshotFor(config, {
    ...stages, stored: options.stored,
    onError: (error) => options.onError(asBinlogdError(error)),
    blocking: (signal, at) => blocking.run(signal, at),
  });
  const kafkaSignals = kafkaSignalsFor(config, {
    incremental, kafka: options.kafka, log,
    blocking: (signal) => pipeline.pauseFor((at) => blocking.run(signal, at)),
  });
  const connector = config.name;
  // Streamed rows are described as of the event read (the history); snapshots read tables as they are now.
  const streamed = options.history
    ? { ...stages, tables: createTableResolver({ config, definitions: options.history.definitions, log }) }
    : stages;
  const pipeline: StreamingPipeline = new StreamingPipeline({
    ...streamed,
    side: sideRecordsFor(config, {
      ...streamed, describeTable: createTableDescriber(options.sql), ...(options.history ? { history: options.history } : {}),
    }),
    includeQuery: config.events.includeQuery,
    skippedOperations: config.events.skippedOperations,
    counters: {
      onChange: (db, table, op, rows) => metrics.eventsTotal.inc({ connector, table: `${db}.${table}`, op }, rows),
      onTransaction: () => metrics.transactionsTotal.inc({ connector }),
      onEventRead: (timestampMs) => metrics.lastEventTimestamp.set({ connector }, timestampMs / 1000),
    },
    queueCapacity: config.queue.maxQueueSize,
    start: options.start,
    ...(incremental ? { signals: incremental } : {}),
    ...(options.gtidFilter && config.filters.gtidSourceFilterDmlEvents ? { gtidSourceFilter: options.gtidFilter } : {}),
    pauseSource: options.pauseSource,
    resumeSource: options.resumeSource,
    onError: (error) => options.onError(asBinlogdError(error)),
  });
  incremental?.attachStream(pipeline);
  return { pipeline, blocking, incremental, kafkaSignals };
}
