// The Kafka sink with kafkajs on its own thread. The binlog pipeline and kafkajs' per-record
// encoding used to share the main thread's one core (the daemon was CPU-bound there); now the main
// thread only packs records into one ArrayBuffer per batch (record-packing.ts) and moves it to
// sink-worker.ts, which runs the unchanged sink (batcher.ts). Same contract as createKafkaSink:
// acknowledgements in send order, onError once, send() returns a promise when the caller must wait.
//
// Backpressure: at most `maxPendingBatches` packed batches are out with the worker and not yet
// acknowledged; while that many are out, the next batch fills up on this side, and send() waits
// once it is full. Memory is therefore bounded by (maxPendingBatches + 1) × maxTransferBytes plus
// the worker's own batcher. A topic seen for the first time is ensured in the worker (its sink
// waits; the pending batches back up to here).
//
// Exactly once (`transactional`): each batch handed over ends with the offset record of its last
// record that has an ackToken, and is cut only there (transaction-cut.ts); the worker commits it in
// a Kafka transaction (transaction-feed.ts). The worker commits one transaction at a time, so while
// it works the next batch grows here (group commit) and goes when it is full or the worker is idle.
import { Worker } from 'node:worker_threads';
import { BinlogdError, asBinlogdError } from '../errors.js';
import { SINK_DEFAULTS, type KafkaSink, type KafkaSinkStats, type OutRecord } from './batcher.js';
import type { KafkaConnectionConfig, KafkaLogFn, KafkaLogLevel } from './kafka-client.js';
import { BatchPacker, type PackedBatch } from './record-packing.js';
import { deserializeError, type CommitMarker, type FromWorker, type SinkBatching, type SinkWorkerData, type ToWorker } from './threaded-protocol.js';
import type { TopicCreation } from './topics.js';
import { TransactionCut } from './transaction-cut.js';
import { retain, takeRuns, type AckedRun } from './acked-runs.js';

export type { AckedRun } from './acked-runs.js';

export interface ThreadedKafkaSinkOptions {
  connection: KafkaConnectionConfig;
  /** Receives kafkajs' log lines, forwarded from the sink thread. */
  log?: KafkaLogFn;
  logLevel?: KafkaLogLevel;
  /** How to create a missing topic; null = never (a missing topic fails the sink). */
  creation: TopicCreation | null;
  /** kafkajs retries per request (kafka-client.ts ProducerOptions). */
  retries?: number;
  /** The sink thread's batcher; defaults: THREADED_SINK_DEFAULTS.batching. */
  batching?: SinkBatching;
  /** Records per batch handed to the sink thread. */
  maxTransferRecords?: number;
  /** Packed bytes per batch handed to the sink thread. */
  maxTransferBytes?: number;
  /** Batches handed to the sink thread and not yet acknowledged before send() waits. */
  maxPendingBatches?: number;
  /** Acknowledged records, in send order, as runs (the records themselves are not kept). */
  onAck?: (acked: readonly AckedRun[]) => void;
  onError?: (error: BinlogdError) => void;
  /**
   * Exactly once: a transactional producer under `transactionalId` (connecting fences any older
   * producer with the same id), and every batch committed together with
   * `offsetRecord(ackToken of its last record that has one)`. Records are acknowledged once
   * committed. Omitted: the idempotent, at-least-once sink.
   */
  transactional?: { transactionalId: string; offsetRecord: (ackToken: unknown) => OutRecord };
}

export interface ThreadedKafkaSink extends KafkaSink {
  readonly threadId: number;
  /**
   * Ends the sink thread at once, without flushing: what is not acknowledged is lost and the sink
   * fails. For an abrupt shutdown (and tests); close() is the clean way.
   */
  terminate(): Promise<void>;
}

export const THREADED_SINK_DEFAULTS = {
  maxTransferRecords: 1000,
  maxTransferBytes: 1024 * 1024,
  maxPendingBatches: 4,
  batching: SINK_DEFAULTS,
} as const;

/**
 * Transactional mode: larger batches, since each costs a commit (AddPartitionsToTxn + EndTxn). 4000
 * records / 2 MiB measured no faster in bench/e2e.ts and ~40 MB more RSS.
 */
export const TRANSACTIONAL_SINK_DEFAULTS = {
  maxTransferRecords: 2000,
  maxTransferBytes: 1024 * 1024,
  /**
   * The worker acknowledges a whole transaction at once, up to 10,000 records (5 batches,
   * transaction-feed.ts). With 4 batches out, the worker took them all into one transaction and
   * this thread stalled until its commit: the pipeline and the sink took turns instead of working
   * side by side. 10 = the transaction being committed and the next one filling up.
   */
  maxPendingBatches: 10,
} as const;

/**
 * Transactional mode: a batch past its limits still waits for a record with an ackToken (the end
 * of the rows event under way, at most one binlog event's rows); past this many times the limits
 * it is cut anyway, without exactness for the records after its last token, rather than grow
 * without bound.
 */
const UNCUT_LIMIT_FACTOR = 16;

/**
 * kafkajs' own retries per request (300 ms doubling: ~9 s in all). Past them the sink thread
 * retries with a new producer (sink-retry.ts), which also resets the sequence numbers that
 * kafkajs' retries can leave out of step; and a transaction must outlive them (below).
 */
const KAFKAJS_RETRIES = 5;

/**
 * transaction.timeout.ms. A transaction left open by a killed instance that is never restarted
 * holds back every read_committed reader of its partitions (the offsets partition included) until
 * the coordinator aborts it after this time; kafkajs' default is 60 s, Kafka Streams uses 10 s for
 * exactly-once. A live transaction must fit in it: one commits in well under a second, plus at most
 * kafkajs' ~9 s of retries when a broker goes away. Past the timeout the coordinator aborts it and
 * bumps the epoch, which the producer then sees as being fenced.
 */
export const TRANSACTION_TIMEOUT_MS = 15_000;

/** How long close() lets the thread disconnect from Kafka before terminating it. */
const CLOSE_TIMEOUT_MS = 5_000;

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Starts the sink thread; resolves once its producer and admin client are connected to Kafka. */
export async function startThreadedKafkaSink(options: ThreadedKafkaSinkOptions): Promise<ThreadedKafkaSink> {
  const tx = options.transactional;
  const defaults = tx === undefined ? THREADED_SINK_DEFAULTS : TRANSACTIONAL_SINK_DEFAULTS;
  const maxRecords = positiveInt('maxTransferRecords', options.maxTransferRecords ?? defaults.maxTransferRecords);
  const maxBytes = positiveInt('maxTransferBytes', options.maxTransferBytes ?? defaults.maxTransferBytes);
  const maxPending = positiveInt('maxPendingBatches', options.maxPendingBatches ?? defaults.maxPendingBatches);
  const workerData: SinkWorkerData = {
    connection: options.connection,
    logLevel: options.logLevel ?? 'warn',
    producer: {
      retries: options.retries ?? KAFKAJS_RETRIES,
      ...(tx === undefined ? {} : { transactionTimeoutMs: TRANSACTION_TIMEOUT_MS }),
    },
    creation: options.creation,
    batching: { ...THREADED_SINK_DEFAULTS.batching, ...options.batching },
    ...(tx === undefined ? {} : { transactionalId: tx.transactionalId }),
  };
  let worker: Worker;
  try {
    worker = new Worker(new URL('./sink-worker.js', import.meta.url), { workerData });
  } catch (error) {
    // e.g. ssl options holding functions (checkServerIdentity): they cannot cross to a thread.
    throw new BinlogdError('CONFIG_INVALID', `the Kafka client settings cannot be passed to the sink thread: ${asBinlogdError(error).message}`, { cause: error });
  }

  const packer = new BatchPacker();
  /** Cumulative record count at the end of each batch handed over and not yet acknowledged. */
  const pending: { end: number; bytes: number }[] = [];
  let pendingBytes = 0;
  /** Records passed to send(), and acknowledged, since the start. */
  let sent = 0;
  let acked = 0;
  /**
   * What onAck needs of the records awaiting acknowledgement, as runs: holding the records would
   * keep up to maxPendingBatches × maxTransferRecords keys and values alive (and promote them).
   */
  const retained: AckedRun[] | undefined = options.onAck ? [] : undefined;
  let failure: BinlogdError | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  let exited = false;
  let terminated = false;
  let flushOnNextTransfer = false;
  const cut = tx === undefined ? undefined : new TransactionCut(tx.offsetRecord);
  let tickScheduled = false;
  let waiting: Promise<void> | undefined;
  let spaceWaiter: { resolve: () => void; reject: (e: BinlogdError) => void } | undefined;
  const flushWaiters: { upTo: number; resolve: () => void; reject: (e: BinlogdError) => void }[] = [];
  let started: { resolve: () => void; reject: (e: BinlogdError) => void } | undefined;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const fail = (error: BinlogdError): void => {
    if (failure !== undefined) return;
    failure = error;
    for (const w of flushWaiters.splice(0)) w.reject(error);
    spaceWaiter?.reject(error);
    spaceWaiter = undefined;
    if (started !== undefined) started.reject(error);
    else options.onError?.(error);
  };

  const post = (message: ToWorker, transfer?: ArrayBuffer[]): void => worker.postMessage(message, transfer);

  const full = (): boolean => {
    const over = packer.count >= maxRecords || packer.bytes >= maxBytes;
    if (!over || cut === undefined) return over;
    return cut.marked || packer.count >= UNCUT_LIMIT_FACTOR * maxRecords || packer.bytes >= UNCUT_LIMIT_FACTOR * maxBytes;
  };

  /** Hands the open batch to the thread if there is room; `all`: past the transactional mark too. */
  const transfer = (all = false): boolean => {
    if (packer.count === 0) return true;
    if (pending.length >= maxPending || failure !== undefined || exited) return false;
    let batch: PackedBatch;
    let commit: CommitMarker | undefined;
    if (cut === undefined) batch = packer.take();
    else {
      try {
        ({ batch, commit } = cut.take(packer, all));
      } catch (error) {
        fail(new BinlogdError('INTERNAL', `the offset record for a transaction could not be built: ${asBinlogdError(error).message}`, { cause: error }));
        return false;
      }
    }
    pending.push({ end: sent - packer.count, bytes: batch.data.byteLength });
    pendingBytes += batch.data.byteLength;
    post({ type: 'batch', flush: flushOnNextTransfer, ...batch, ...(commit === undefined ? {} : { commit }) }, [batch.data]);
    flushOnNextTransfer = false;
    return true;
  };

  /**
   * After the caller yielded or an acknowledgement: idempotent, hand over whatever is there (the
   * caller has nothing more now). Transactional: only up to the mark, and only when the worker is
   * idle or the batch is full, so commits are amortized; everything when someone awaits flush().
   */
  const transferDue = (): void => {
    if (cut === undefined) transfer();
    else if (flushWaiters.length > 0) transfer(true);
    else if (full() || (cut.marked && pending.length === 0)) transfer();
  };

  const tick = (): void => {
    tickScheduled = false;
    transferDue();
  };

  const onAck = (count: number): void => {
    acked += count;
    while (pending.length > 0 && pending[0]!.end <= acked) pendingBytes -= pending.shift()!.bytes;
    if (retained !== undefined) {
      try {
        options.onAck!(takeRuns(retained, count));
      } catch (error) {
        fail(new BinlogdError('INTERNAL', 'the sink acknowledgement callback threw', { cause: error }));
        return;
      }
    }
    transferDue();
    if (spaceWaiter !== undefined && !full()) {
      spaceWaiter.resolve();
      spaceWaiter = undefined;
    }
    while (flushWaiters.length > 0 && flushWaiters[0]!.upTo <= acked) flushWaiters.shift()!.resolve();
  };

  worker.on('message', (message: FromWorker) => {
    switch (message.type) {
      case 'ack':
        onAck(message.count);
        return;
      case 'log':
        options.log?.(message.entry);
        return;
      case 'ready':
        started?.resolve();
        started = undefined;
        return;
      case 'start-failed':
      case 'error':
        fail(deserializeError(message.error));
        return;
      case 'closed':
        return;
    }
  });
  worker.on('messageerror', (error) => fail(new BinlogdError('INTERNAL', 'a message from the Kafka sink thread could not be read', { cause: error })));
  worker.on('error', (error) => {
    fail(new BinlogdError('INTERNAL', `the Kafka sink thread crashed: ${asBinlogdError(error).message}`, { cause: error }));
  });
  worker.on('exit', (code) => {
    exited = true;
    if (closing === undefined || sent > acked) {
      const how = terminated ? 'was terminated' : `exited unexpectedly (exit code ${code})`;
      fail(new BinlogdError('INTERNAL', `the Kafka sink thread ${how} with ${sent - acked} records not acknowledged`, {
        details: { exitCode: code, unacknowledgedRecords: sent - acked },
      }));
    }
  });

  await new Promise<void>((resolve, reject) => {
    started = { resolve, reject };
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  const flush = (): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure);
    if (waiting !== undefined) return waiting.then(flush);
    const upTo = sent;
    if (acked >= upTo) return Promise.resolve();
    flushOnNextTransfer = true;
    if (packer.count === 0 || !transfer(true)) post({ type: 'flush' });
    return new Promise((resolve, reject) => flushWaiters.push({ upTo, resolve, reject }));
  };

  const hold = (): Promise<void> => {
    const held = new Promise<void>((resolve, reject) => {
      spaceWaiter = { resolve, reject };
    }).finally(() => {
      waiting = undefined;
    });
    waiting = held;
    return held;
  };

  const stopThread = async (): Promise<void> => {
    if (exited) return;
    post({ type: 'close' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS);
    });
    const outcome = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') await worker.terminate();
  };

  return {
    threadId: worker.threadId,
    send(record) {
      if (failure !== undefined) throw failure;
      if (closed) throw new BinlogdError('INTERNAL', 'send() on a closed Kafka sink');
      if (waiting !== undefined) throw new BinlogdError('INTERNAL', 'send() called before the previous send() settled');
      packer.add(record);
      sent++;
      if (retained !== undefined) retain(retained, record);
      cut?.note(record, packer);
      if (full()) {
        if (!transfer()) return hold();
      } else if (!tickScheduled) {
        tickScheduled = true;
        setImmediate(tick);
      }
    },
    flush,
    close() {
      closing ??= (async () => {
        closed = true;
        let error: unknown;
        try {
          if (waiting !== undefined) await waiting.catch(() => undefined);
          await flush();
        } catch (e) {
          error = e;
        }
        await stopThread();
        if (error !== undefined) throw error;
      })();
      return closing;
    },
    async terminate() {
      terminated = true;
      await worker.terminate();
      await exit;
    },
    get failure() {
      return failure;
    },
    stats(): KafkaSinkStats {
      return { bufferedRecords: sent - acked, bufferedBytes: pendingBytes + packer.bytes, sealedBatches: pending.length, acknowledgedRecords: acked };
    },
  };
}
