// The at-least-once sink thread's answer to a transient Kafka failure (sink-retry.ts): the batcher
// (batcher.ts) stops at its first error, so this keeps every record not yet acknowledged and, after
// a backoff, sends them again in order through a new batcher over a new producer. Records the
// broker had written but whose acknowledgement was lost are written twice, which at-least-once
// allows; per key the order is kept, since the resend starts from the oldest unacknowledged record
// and nothing newer is sent before it. Meanwhile send() holds the caller, so the main thread's
// bounded queue fills and the binlog reader pauses.
import { BinlogdError, asBinlogdError } from '../errors.js';
import type { KafkaSink, KafkaSinkStats, OutRecord } from './batcher.js';
import { delay, recoverable, RetryClock, SINK_RETRY_DEFAULTS, type SinkRetryPolicy } from './sink-retry.js';

export interface SinkHandlers {
  onAck: (records: readonly OutRecord[]) => void;
  onError: (error: BinlogdError) => void;
}

export interface RetryingSinkOptions {
  /** A batcher over a connected producer (at start: the one connected already; later: a new one). */
  open: (handlers: SinkHandlers, renew: boolean) => Promise<KafkaSink>;
  onAck?: (records: readonly OutRecord[]) => void;
  onError?: (error: BinlogdError) => void;
  /** A retry is about to happen (for the log). */
  onRetry?: (error: BinlogdError, attempt: number, waitMs: number) => void;
  retry?: SinkRetryPolicy;
}

export async function createRetryingSink(options: RetryingSinkOptions): Promise<KafkaSink> {
  const policy = options.retry ?? SINK_RETRY_DEFAULTS;
  /** Sent and not yet acknowledged, oldest first: what a resend starts from. */
  let unacked: OutRecord[] = [];
  let acknowledged = 0;
  let generation = 0;
  let failure: BinlogdError | undefined;
  let recovering: Promise<void> | undefined;
  let closed = false;

  const fail = (error: BinlogdError): void => {
    if (failure !== undefined) return;
    failure = error;
    options.onError?.(error);
  };

  const handlers = (mine: number): SinkHandlers => ({
    onAck: (records) => {
      if (mine !== generation) return;
      unacked.splice(0, records.length);
      acknowledged += records.length;
      options.onAck?.(records);
    },
    // Reported synchronously, before the batcher rejects its waiters: `recovering` is set by the
    // time a caller's rejected send() is looked at.
    onError: (error) => {
      if (mine !== generation || recovering !== undefined) return;
      if (!recoverable(error) || closed) return fail(error);
      recovering = recover(error).then(
        () => {
          recovering = undefined;
        },
        (final: unknown) => {
          recovering = undefined;
          fail(asBinlogdError(final));
        },
      );
    },
  });

  let inner = await options.open(handlers(generation), false);

  /** Resends every unacknowledged record through a fresh batcher; loops while that fails transiently. */
  const recover = async (first: BinlogdError): Promise<void> => {
    const clock = new RetryClock(policy);
    let last = first;
    for (;;) {
      const wait = clock.nextDelay();
      if (wait === undefined) throw clock.gaveUp(last);
      options.onRetry?.(last, clock.attempts, wait);
      await delay(wait);
      try {
        const mine = ++generation;
        inner = await options.open(handlers(mine), true);
        // Acknowledgements during the resend shorten `unacked` from the front.
        for (let sent = 0; ; ) {
          const done = acknowledged;
          if (sent >= unacked.length) break;
          const pending = inner.send(unacked[sent]!);
          sent++;
          if (pending !== undefined) await pending;
          sent -= acknowledged - done;
        }
        if (inner.failure !== undefined) throw inner.failure;
        return;
      } catch (error) {
        last = asBinlogdError(error);
        if (!recoverable(last)) throw last;
      }
    }
  };

  /** After a rejected wait: the recovery resends the record, so wait for it instead. */
  const settle = async (): Promise<void> => {
    while (recovering !== undefined) await recovering;
    if (failure !== undefined) throw failure;
  };

  const flush = async (): Promise<void> => {
    for (;;) {
      await settle();
      if (unacked.length === 0) return;
      try {
        await inner.flush();
      } catch {
        // A recoverable failure is being recovered from; settle() says which.
      }
    }
  };

  return {
    send(record) {
      if (failure !== undefined) throw failure;
      if (closed) throw new BinlogdError('INTERNAL', 'send() on a closed Kafka sink');
      unacked.push(record);
      if (recovering !== undefined) return settle();
      let pending: void | Promise<void>;
      try {
        pending = inner.send(record);
      } catch {
        return settle(); // the batcher failed in the background: recovering, or failed for good
      }
      return pending === undefined ? undefined : pending.catch(settle);
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await flush();
      } finally {
        unacked = [];
      }
    },
    get failure() {
      return failure;
    },
    stats(): KafkaSinkStats {
      return { ...inner.stats(), bufferedRecords: unacked.length, acknowledgedRecords: acknowledged };
    },
  };
}
