// How much is read ahead of Kafka (CommonConnectorConfig, BinlogConnectorConfig). Belongs to the
// runtime's bounded queue: when it is full, binlog reading pauses.
import { z } from 'zod';
import { noEffect } from './no-effect.js';
import { crossCheck, defineArea } from './area.js';
import { int } from './values.js';

export const queueSchema = crossCheck(
  z.object({
    'max.batch.size': noEffect(int(2048, 'Largest number of change events handed to the producer at once.', { min: 1 }), 'the sink batches what the queue holds, bounded by max.queue.size and the producer\'s own limits'),
    'max.queue.size': int(8192, 'Change events buffered between the binlog reader and Kafka; must be larger than max.batch.size.', { min: 1 }),
    'max.queue.size.in.bytes': int(0, 'Bytes buffered between the binlog reader and Kafka; 0 means bounded by count only.', { min: 0 }),
    'poll.interval.ms': noEffect(int(500, 'Time to wait for new events when the queue is empty.', { min: 1 }), 'the binlog reader pushes events as they arrive; nothing polls'),
    'binlog.buffer.size': noEffect(int(0, 'Look-ahead buffer (events) used to drop rolled-back transactions; 0 disables it.', { min: 0 }), 'binlogd has no look-ahead buffer; MariaDB writes no rolled-back transaction of transactional tables to the binlog'),
    'query.fetch.size': noEffect(int(0, 'Rows fetched per round trip by streaming queries; 0 uses the driver default.', { min: 0 }), 'query results are streamed row by row with backpressure'),
    'streaming.delay.ms': int(0, 'Delay between the end of a snapshot and the start of streaming.', { min: 0 }),
  }),
  ['max.batch.size', 'max.queue.size'],
  (v) =>
    v['max.queue.size'] <= v['max.batch.size']
      ? [{ property: 'max.queue.size', message: `must be larger than max.batch.size (${v['max.batch.size']})` }]
      : [],
);

export interface QueueConfig {
  readonly maxBatchSize: number;
  readonly maxQueueSize: number;
  /** 0 when the queue is bounded by count only. */
  readonly maxQueueSizeInBytes: number;
  readonly pollIntervalMs: number;
  readonly binlogBufferSize: number;
  readonly queryFetchSize: number;
  readonly streamingDelayMs: number;
}

export const queueArea = defineArea({
  schema: queueSchema,
  build(v): QueueConfig {
    return {
      maxBatchSize: v['max.batch.size'],
      maxQueueSize: v['max.queue.size'],
      maxQueueSizeInBytes: v['max.queue.size.in.bytes'],
      pollIntervalMs: v['poll.interval.ms'],
      binlogBufferSize: v['binlog.buffer.size'],
      queryFetchSize: v['query.fetch.size'],
      streamingDelayMs: v['streaming.delay.ms'],
    };
  },
});
