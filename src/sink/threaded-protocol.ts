// The messages between the main thread and the Kafka sink thread (sink-worker.ts), and how a
// BinlogdError crosses between them. Messages on one port arrive in the order they were posted,
// which the protocol relies on: a batch's topic and header definitions arrive before any record
// that uses them, and acknowledgements arrive in send order.
//
// Transactions (exactly once, SinkWorkerData.transactionalId set): every `batch` message carries a
// `commit` marker meaning "begin a transaction, send these records, then the offset record (if
// any), commit"; the worker acknowledges the batch's records only once the commit succeeded, one
// transaction at a time, in batch order.
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
  producer: Pick<ProducerOptions, 'retries' | 'transactionTimeoutMs'>;
  /** null = never create topics: a missing topic fails the sink. */
  creation: TopicCreation | null;
  batching: SinkBatching;
  /** Set = exactly once: a transactional producer, one transaction per batch (transaction-feed.ts). */
  transactionalId?: string;
}

/** One record that crosses by structured clone (one per transaction: the offset record). */
export interface TransferRecord {
  topic: string;
  key: Uint8Array | null;
  value: Uint8Array | null;
  partition?: number;
}

/** Ends a batch's transaction: the offset record reached after its last record, then commit. */
export interface CommitMarker {
  /** null when no record of the batch carried an ackToken: the batch commits without one. */
  offset: TransferRecord | null;
}

export type BatchMessage = { type: 'batch'; flush: boolean; commit?: CommitMarker } & PackedBatch;

export type ToWorker =
  /**
   * Records to produce, in order. `flush`: seal and send them now instead of after the linger.
   * `commit`: present exactly when the worker is transactional.
   */
  | BatchMessage
  /** Send whatever the worker holds now (the main thread is waiting for acknowledgements). */
  | { type: 'flush' }
  /** Flush, disconnect and exit. */
  | { type: 'close' };

export type FromWorker =
  /** Producer and admin client are connected; batches may come. */
  | { type: 'ready' }
  | { type: 'start-failed'; error: SerializedError }
  /** The next `count` records, in send order, are acknowledged by Kafka (transactional: committed). */
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
