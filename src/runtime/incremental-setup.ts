// Whether a connector runs incremental snapshots (signal.data.collection with the `source` channel,
// or the `kafka` channel), and with what stored progress.
import type { ConnectorConfig } from '../config/index.js';
import { BinlogdError } from '../errors.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import { IncrementalSnapshot, type IncrementalSnapshotOptions } from './incremental-snapshot.js';
import { decodeIncrementalState } from './incremental-state.js';
import { createKafkaClient, type KafkaConnectionConfig, type KafkaLogFn } from '../sink/kafka-client.js';
import { KafkaSignalChannel } from './kafka-signals.js';
import type { Logger } from './logger.js';
import type { Signal } from './signals.js';

export function incrementalSnapshotFor(
  config: ConnectorConfig,
  options: Omit<IncrementalSnapshotOptions, 'config' | 'initial'> & { stored: SourceOffset | undefined },
): IncrementalSnapshot | undefined {
  const { dataCollection, enabledChannels, readOnly } = config.signals;
  const bySignalTable = dataCollection !== undefined && enabledChannels.includes('source');
  const byKafka = enabledChannels.includes('kafka');
  // The signal table holds the watermarks whichever channel brings the signals, unless read.only=true.
  if (!(bySignalTable || byKafka) || (dataCollection === undefined && !readOnly)) return undefined;
  if (dataCollection !== undefined && !/^[^.]+\.[^.]+$/.test(dataCollection)) {
    throw new BinlogdError('CONFIG_INVALID', `signal.data.collection must name the signal table as <database>.<table>, got '${dataCollection}'`,
      { details: { property: 'signal.data.collection' } });
  }
  let initial = null;
  try {
    initial = options.stored ? decodeIncrementalState(options.stored as unknown as Record<string, unknown>) : null;
  } catch (error) {
    throw new BinlogdError('CONFIG_INVALID',
      `the stored offset of connector ${config.name} has an incremental snapshot state binlogd cannot read (${(error as Error).message}): ` +
      'correct the offset, or write it again without the incremental_snapshot_* keys to drop the snapshot', { cause: error });
  }
  const { stored: _stored, ...rest } = options;
  return new IncrementalSnapshot({ ...rest, config, initial });
}

/** signal.kafka.topic with the `kafka` channel: its signals drive the connector's incremental snapshot. */
export function kafkaSignalsFor(
  config: ConnectorConfig,
  options: {
    incremental: IncrementalSnapshot | undefined; kafka: { connection: KafkaConnectionConfig; log: KafkaLogFn }; log: Logger;
    /** A blocking snapshot from Kafka pauses the stream where it stands when the signal is read. */
    blocking: (signal: Extract<Signal, { kind: 'execute-blocking-snapshot' }>) => void;
  },
): KafkaSignalChannel | undefined {
  const topic = config.raw['signal.kafka.topic'];
  if (!config.signals.enabledChannels.includes('kafka')) return undefined;
  if (topic === undefined || topic === '') {
    throw new BinlogdError('CONFIG_INVALID', 'signal.enabled.channels includes kafka: set signal.kafka.topic to the topic signals are sent to',
      { details: { property: 'signal.kafka.topic' } });
  }
  const { incremental } = options;
  if (!incremental) {
    throw new BinlogdError('CONFIG_INVALID', 'signals from Kafka run incremental snapshots, whose watermarks binlogd writes to the signal table: ' +
      'set signal.data.collection, or read.only=true to snapshot without writing to the database', { details: { property: 'signal.data.collection' } });
  }
  return new KafkaSignalChannel({
    client: createKafkaClient(options.kafka.connection, { log: options.kafka.log }),
    topic, key: config.topics.prefix, intervalMs: config.signals.pollIntervalMs, log: options.log,
    apply: (signal) => {
      if (signal.kind === 'execute-blocking-snapshot') options.blocking(signal);
      else void incremental.apply(signal, { offset: undefined, file: '', pos: 0, gtid: null, serverId: 0 });
    },
  });
}
