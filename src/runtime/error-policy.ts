// What happens to a record that fails on its way out (Kafka Connect's errors.* for SMTs and
// converters, and Debezium's event.processing.failure.handling.mode for events that cannot be
// turned into records): with errors.tolerance=none the connector fails, naming the table and
// binlog position; with all the record is skipped — logged (errors.log.*), counted, and written to
// the dead letter topic with Connect's `__connect.errors.*` headers. Nothing is dropped unseen:
// even without logging, the first skip of each stage says so once.
import type { TopicOverride } from '../sink/topics.js';
import type { ConnectValue } from '../connect/schema.js';
import { BinlogdError, asBinlogdError } from '../errors.js';
import * as metrics from '../metrics/registry.js';
import type { Logger } from './logger.js';
import type { OutgoingRecord } from './streaming-pipeline.js';

/** Connect's stage names (org.apache.kafka.connect.runtime.errors.Stage). */
export type Stage = 'TRANSFORMATION' | 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'KAFKA_PRODUCE' | 'TASK_POLL';

/** Where a record came from: named in errors and dead letter headers. */
export interface RecordOrigin {
  /** `db.table` */
  table: string;
  gtid: string | null;
  file: string;
  pos: number;
  row?: number;
}

export interface Failure {
  stage: Stage;
  /** The transform or converter class that failed. */
  className: string;
  error: unknown;
  origin: RecordOrigin;
  /** The record as the envelope stage made it (before transforms). */
  topic: string;
  key: ConnectValue;
  value: ConnectValue;
}

export interface ErrorPolicyOptions {
  connector: string;
  tolerance: 'none' | 'all';
  logEnable: boolean;
  logIncludeMessages: boolean;
  deadLetterQueue?: { topic: string; contextHeaders: boolean };
  /** event.processing.failure.handling.mode */
  eventProcessing: 'fail' | 'warn' | 'skip' | 'ignore';
  /** Dead letter records above this (bytes) lose their value, so they can still be written. */
  maxRecordBytes: number;
  log: Logger;
}

export function describeOrigin(origin: RecordOrigin): string {
  return `${origin.table} at GTID ${origin.gtid ?? '(none)'}, ${origin.file}:${origin.pos}${origin.row === undefined ? '' : ` row ${origin.row}`}`;
}

export class ErrorPolicy {
  private readonly announced = new Set<string>();

  constructor(private readonly options: ErrorPolicyOptions) {}

  /**
   * A record failed: throws (the connector fails) unless errors.tolerance=all; then returns the
   * dead letter record to send in its place, if a dead letter topic is set.
   */
  recordFailed(failure: Failure): OutgoingRecord | undefined {
    const { options } = this;
    const cause = failure.error;
    const message = cause instanceof Error ? cause.message : String(cause);
    // Infrastructure trouble (registry or Kafka unreachable) is not the record's fault: never skip.
    if (cause instanceof BinlogdError && cause.retriable) throw cause;
    const where = describeOrigin(failure.origin);
    if (options.tolerance === 'none') {
      // A BinlogdError keeps its code (e.g. REGISTRY_REJECTED): only the position is added.
      throw new BinlogdError(cause instanceof BinlogdError ? cause.code : 'RECORD_FAILED',
        `${failure.stage} (${failure.className}) failed for the change of ${where}: ${message}. ` +
        'The connector stopped before that change; fix the cause (or set errors.tolerance=all to skip such records) and restart it: it resumes at that change.',
        { cause, details: { ...(cause instanceof BinlogdError ? cause.details : {}), stage: failure.stage, className: failure.className, ...failure.origin } });
    }
    metrics.errorsTotal.inc({ connector: options.connector, kind: `RECORD_SKIPPED_${failure.stage}` });
    const details = { stage: failure.stage, className: failure.className, ...failure.origin, error: message };
    if (options.logEnable) {
      options.log.warn(options.logIncludeMessages ? { ...details, key: jsonText(failure.key), value: jsonText(failure.value) } : details,
        `errors.tolerance=all: skipped the change of ${where}${options.deadLetterQueue ? ` (written to ${options.deadLetterQueue.topic})` : ''}`);
    } else if (!this.announced.has(failure.stage)) {
      this.announced.add(failure.stage);
      options.log.warn(details, `errors.tolerance=all: skipping changes that fail at ${failure.stage}${options.deadLetterQueue ? `, writing them to ${options.deadLetterQueue.topic}` : ''}; ` +
        'set errors.log.enable=true to log each (this is said once; binlogd_errors_total counts them)');
    }
    return options.deadLetterQueue ? this.deadLetter(failure, message) : undefined;
  }

  /** An event that could not be turned into records (decode/envelope): event.processing.failure.handling.mode. */
  eventFailed(error: unknown, origin: RecordOrigin): void {
    const { options } = this;
    const mapped = asBinlogdError(error, 'SOURCE_DECODE');
    if (options.eventProcessing === 'fail' || mapped.retriable) {
      throw new BinlogdError(mapped.code, `cannot process the change of ${describeOrigin(origin)}: ${mapped.message} ` +
        '(event.processing.failure.handling.mode=fail; warn or skip would skip such events)', { cause: error, details: { ...origin } });
    }
    // One series per cause: a skipped statement-based change (rows lost) must not hide among decode errors.
    metrics.errorsTotal.inc({ connector: options.connector, kind: `EVENT_SKIPPED_${mapped.code}` });
    if (options.eventProcessing === 'warn' || !this.announced.has(`event ${mapped.code}`)) {
      this.announced.add(`event ${mapped.code}`);
      options.log.warn({ ...origin, error: mapped.message, code: mapped.code },
        `event.processing.failure.handling.mode=${options.eventProcessing}: skipped the change of ${describeOrigin(origin)}` +
        (options.eventProcessing === 'warn' ? '' : ` (said once per cause; binlogd_errors_total{kind="EVENT_SKIPPED_${mapped.code}"} counts them)`));
    }
  }

  private deadLetter(failure: Failure, message: string): OutgoingRecord {
    const { options } = this;
    const dlq = options.deadLetterQueue!;
    const key = failure.key === null ? null : Buffer.from(jsonText(failure.key));
    let value = failure.value === null ? null : Buffer.from(jsonText(failure.value));
    const headers: Record<string, string> = {};
    if (dlq.contextHeaders) {
      const error = failure.error;
      Object.assign(headers, {
        '__connect.errors.topic': failure.topic,
        '__connect.errors.connector.name': options.connector,
        '__connect.errors.task.id': '0',
        '__connect.errors.stage': failure.stage,
        '__connect.errors.class.name': failure.className,
        '__connect.errors.exception.class.name': error instanceof BinlogdError ? `BinlogdError(${error.code})` : error instanceof Error ? error.name : typeof error,
        '__connect.errors.exception.message': message,
        '__connect.errors.exception.stacktrace': (error instanceof Error ? error.stack ?? message : message).slice(0, 4000),
        '__binlogd.errors.table': failure.origin.table,
        '__binlogd.errors.position': JSON.stringify({ gtid: failure.origin.gtid, file: failure.origin.file, pos: failure.origin.pos, row: failure.origin.row ?? null }),
      });
    }
    // A record refused for its size would be refused here too: keep its key and the reason.
    if (value !== null && value.length + (key?.length ?? 0) > options.maxRecordBytes / 2) {
      value = null;
      headers['__binlogd.errors.value.omitted'] = 'too large for the dead letter topic';
    }
    return { topic: dlq.topic, key, value, headers };
  }
}

/** A Connect value as plain JSON (int64 as numbers, bytes as base64), for logs and dead letters. */
export function jsonText(value: ConnectValue): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (v !== null && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return Buffer.from((v as { data: number[] }).data).toString('base64');
    }
    return v;
  });
}

/**
 * How the dead letter topic is created when missing: as Kafka Connect's DeadLetterQueueReporter
 * does, with one partition and errors.deadletterqueue.topic.replication.factor (default 3), not
 * topic.creation.default.* (Connect has no partitions setting for it).
 */
export function deadLetterTopicCreation(dlq: { topic: string; replicationFactor: number } | undefined): Record<string, TopicOverride> {
  if (!dlq) return {};
  return { [dlq.topic]: { partitions: 1, replicationFactor: dlq.replicationFactor, property: 'errors.deadletterqueue.topic.replication.factor' } };
}
