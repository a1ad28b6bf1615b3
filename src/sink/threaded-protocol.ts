// The messages between the main thread and the Kafka sink thread (sink-worker.ts), and how a
// BinlogdError crosses between them. Messages on one port arrive in the order they were posted,
// which the protocol relies on: a batch's topic and header definitions arrive before any record
// that uses them, and acknowledgements arrive in send order.
//
// Room for transactions (one transaction per change batch + offset record, transactional.id per
// connector): a `batch` message will carry an optional marker, e.g. `commit: {offset}`, meaning
// "these records, then the offset record, then commit"; the worker will then acknowledge at commit
// granularity. Nothing else in the protocol needs to change for that.
import { BinlogdError, type ErrorCode } from '../errors.js';
import type { KafkaSinkOptions } from './batcher.js';
import type { KafkaConnectionConfig, KafkaLogEntry, KafkaLogLevel, ProducerOptions } from './kafka-client.js';
import type { PackedBatch } from './record-packing.js';
import type { TopicCreation } from './topics.js';

/** The worker's batcher settings (records and bytes per Produce request, linger, queue depth). */
export type SinkBatching = Pick<KafkaSinkOptions, 'maxBatchRecords' | 'maxBatchBytes' | 'lingerMs' | 'maxInFlightBatches'>;

/** What the worker is started with (workerData): everything must be structured-cloneable. */
export interface SinkWorkerData {
  connection: KafkaConnectionConfig;
  logLevel: KafkaLogLevel;
  producer: Pick<ProducerOptions, 'retries'>;
  /** null = never create topics: a missing topic fails the sink. */
  creation: TopicCreation | null;
  batching: SinkBatching;
}

export type ToWorker =
  /** Records to produce, in order. `flush`: seal and send them now instead of after the linger. */
  | ({ type: 'batch'; flush: boolean } & PackedBatch)
  /** Send whatever the worker holds now (the main thread is waiting for acknowledgements). */
  | { type: 'flush' }
  /** Flush, disconnect and exit. */
  | { type: 'close' };

export type FromWorker =
  /** Producer and admin client are connected; batches may come. */
  | { type: 'ready' }
  | { type: 'start-failed'; error: SerializedError }
  /** The next `count` records, in send order, are acknowledged by Kafka. */
  | { type: 'ack'; count: number }
  /** The sink failed; nothing after this is acknowledged. Sent once. */
  | { type: 'error'; error: SerializedError }
  | { type: 'log'; entry: KafkaLogEntry }
  /** Everything is disconnected; the thread is about to end. */
  | { type: 'closed' };

interface SerializedCause {
  name: string;
  message: string;
  stack?: string;
  /** kafkajs' Kafka protocol error name, e.g. MESSAGE_TOO_LARGE. */
  type?: string;
  cause?: SerializedCause;
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  retriable: boolean;
  details: Record<string, unknown>;
  cause?: SerializedCause;
}

const MAX_CAUSE_DEPTH = 8;

function serializeCause(cause: unknown, depth: number): SerializedCause | undefined {
  if (cause === undefined || depth >= MAX_CAUSE_DEPTH) return undefined;
  if (!(cause instanceof Error)) return { name: typeof cause, message: String(cause) };
  const out: SerializedCause = { name: cause.name, message: cause.message };
  if (cause.stack !== undefined) out.stack = cause.stack;
  const type = (cause as { type?: unknown }).type;
  if (typeof type === 'string') out.type = type;
  const inner = serializeCause(cause.cause, depth + 1);
  if (inner !== undefined) out.cause = inner;
  return out;
}

/** Details are facts (strings, numbers, topic lists); anything not cloneable goes as JSON text. */
function cloneableDetails(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return structuredClone({ ...details });
  } catch {
    return JSON.parse(JSON.stringify(details, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : typeof v === 'function' ? undefined : v))) as Record<string, unknown>;
  }
}

export function serializeError(error: BinlogdError): SerializedError {
  const out: SerializedError = { code: error.code, message: error.message, retriable: error.retriable, details: cloneableDetails(error.details) };
  const cause = serializeCause(error.cause, 0);
  if (cause !== undefined) out.cause = cause;
  return out;
}

function deserializeCause(cause: SerializedCause): Error {
  const error = new Error(cause.message, cause.cause === undefined ? undefined : { cause: deserializeCause(cause.cause) });
  error.name = cause.name;
  if (cause.stack !== undefined) error.stack = cause.stack;
  if (cause.type !== undefined) (error as Error & { type?: string }).type = cause.type;
  return error;
}

/** The error as the worker had it; its cause is rebuilt as plain Errors (name, message, stack, type). */
export function deserializeError(error: SerializedError): BinlogdError {
  return new BinlogdError(error.code, error.message, {
    retriable: error.retriable,
    details: error.details,
    ...(error.cause === undefined ? {} : { cause: deserializeCause(error.cause) }),
  });
}
