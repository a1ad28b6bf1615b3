// When the sink thread retries on its own instead of failing the connector: a Kafka outage that
// ends (a broker restart, a leader election, a network blip) should cost a pause, not a restart
// of the connector. The records are still held on the sink thread (the batch of the open
// transaction, or the records not yet acknowledged), so they are sent again through a NEW
// producer: re-registering the transactional.id (InitProducerId) aborts whatever the old one left
// open and resets the sequence numbers, which kafkajs' own retries do not (see batcher.ts).
// Past `giveUpAfterMs` the error goes to the connector, still retriable, for its supervisor.
import { BinlogdError } from '../errors.js';
import { backoffDelay } from '../runtime/backoff.js';

export interface SinkRetryPolicy {
  /** First delay before a retry; doubles per attempt (full jitter) up to maxMs. */
  initialMs: number;
  maxMs: number;
  /**
   * How long after the first failure the sink keeps retrying. 120 s is the Java producer's
   * delivery.timeout.ms, the time Kafka Connect's producers keep a record before failing the task.
   */
  giveUpAfterMs: number;
}

export const SINK_RETRY_DEFAULTS: SinkRetryPolicy = { initialMs: 250, maxMs: 5_000, giveUpAfterMs: 120_000 };

/**
 * Worth retrying with a fresh producer: the cluster was unreachable, or the producer's state no
 * longer matches the broker's (both retriable). Never a fenced producer: a newer instance owns
 * the transactional.id and must not be fenced back.
 */
export function recoverable(error: BinlogdError): boolean {
  return error.retriable && error.code !== 'KAFKA_FENCED';
}

/** Counts attempts and time since the first failure of one outage. */
export class RetryClock {
  private readonly started = Date.now();
  attempts = 0;

  constructor(private readonly policy: SinkRetryPolicy) {}

  get elapsedMs(): number {
    return Date.now() - this.started;
  }

  /** The delay before the next attempt, or undefined when the time is up. */
  nextDelay(): number | undefined {
    if (this.elapsedMs >= this.policy.giveUpAfterMs) return undefined;
    const delay = backoffDelay(this.attempts++, { initialMs: this.policy.initialMs, maxMs: this.policy.maxMs });
    return Math.min(delay, Math.max(0, this.policy.giveUpAfterMs - this.elapsedMs));
  }

  /** The error the connector gets once the sink stops retrying: retriable, the last failure as cause. */
  gaveUp(last: BinlogdError): BinlogdError {
    return new BinlogdError(last.code, `${last.message} (the sink retried ${this.attempts} times over ${Math.round(this.elapsedMs / 1000)} s and gave up)`, {
      retriable: true,
      cause: last,
      details: { ...last.details, sinkRetries: this.attempts, sinkRetryMs: this.elapsedMs },
    });
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
