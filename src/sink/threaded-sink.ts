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
import { Worker } from 'node:worker_threads';
import { BinlogdError, asBinlogdError } from '../errors.js';
import { SINK_DEFAULTS, type KafkaSink, type KafkaSinkStats, type OutRecord } from './batcher.js';
import type { KafkaConnectionConfig, KafkaLogFn, KafkaLogLevel } from './kafka-client.js';
import { BatchPacker } from './record-packing.js';
import { deserializeError, type FromWorker, type SinkBatching, type SinkWorkerData, type ToWorker } from './threaded-protocol.js';
import type { TopicCreation } from './topics.js';

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
  onAck?: (records: readonly OutRecord[]) => void;
  onError?: (error: BinlogdError) => void;
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
  maxPendingBatches: 8,
  batching: {
    ...SINK_DEFAULTS,
    // kafkajs 2.2.4 groups a request's records per partition by copying the partition's array for
    // every record (groupMessagesPerPartition.js): O(n²) time and garbage. On the sink thread,
    // where kafkajs is all the work, 2000-record requests spent ~13% of it there and ~20% in GC;
    // 500 made the end-to-end bench faster and its peak RSS ~30 MB lower (bench/e2e.ts).
    maxBatchRecords: 500,
  },
} as const;

/** How long close() lets the thread disconnect from Kafka before terminating it. */
const CLOSE_TIMEOUT_MS = 5_000;

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Starts the sink thread; resolves once its producer and admin client are connected to Kafka. */
export async function startThreadedKafkaSink(options: ThreadedKafkaSinkOptions): Promise<ThreadedKafkaSink> {
  const maxRecords = positiveInt('maxTransferRecords', options.maxTransferRecords ?? THREADED_SINK_DEFAULTS.maxTransferRecords);
  const maxBytes = positiveInt('maxTransferBytes', options.maxTransferBytes ?? THREADED_SINK_DEFAULTS.maxTransferBytes);
  const maxPending = positiveInt('maxPendingBatches', options.maxPendingBatches ?? THREADED_SINK_DEFAULTS.maxPendingBatches);
  const workerData: SinkWorkerData = {
    connection: options.connection,
    logLevel: options.logLevel ?? 'warn',
    producer: options.retries === undefined ? {} : { retries: options.retries },
    creation: options.creation,
    batching: { ...THREADED_SINK_DEFAULTS.batching, ...options.batching },
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
  /** The records awaiting acknowledgement, kept only for onAck. */
  const retained: OutRecord[] | undefined = options.onAck ? [] : undefined;
  let failure: BinlogdError | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  let exited = false;
  let terminated = false;
  let flushOnNextTransfer = false;
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

  const full = (): boolean => packer.count >= maxRecords || packer.bytes >= maxBytes;

  /** Hands the open batch to the thread if there is room. */
  const transfer = (): boolean => {
    if (packer.count === 0) return true;
    if (pending.length >= maxPending || failure !== undefined || exited) return false;
    const batch = packer.take();
    pending.push({ end: sent, bytes: batch.data.byteLength });
    pendingBytes += batch.data.byteLength;
    post({ type: 'batch', flush: flushOnNextTransfer, ...batch }, [batch.data]);
    flushOnNextTransfer = false;
    return true;
  };

  // A batch not yet full goes when the caller yields to the event loop: it has nothing more now.
  const tick = (): void => {
    tickScheduled = false;
    transfer();
  };

  const onAck = (count: number): void => {
    acked += count;
    while (pending.length > 0 && pending[0]!.end <= acked) pendingBytes -= pending.shift()!.bytes;
    if (retained !== undefined) {
      try {
        options.onAck!(retained.splice(0, count));
      } catch (error) {
        fail(new BinlogdError('INTERNAL', 'the sink acknowledgement callback threw', { cause: error }));
        return;
      }
    }
    transfer();
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
    if (packer.count === 0 || !transfer()) post({ type: 'flush' });
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
      retained?.push(record);
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
