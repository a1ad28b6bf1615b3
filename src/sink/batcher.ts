// The producer pipeline: records are placed in a partition (murmur2 of the key bytes, as the Java
// producer does for Debezium's null-partition records), gathered into bounded batches, sent with
// one sendBatch each, and acknowledged to the caller strictly in order so offsets only advance
// past what Kafka acknowledged.
//
// At most ONE sendBatch is on the wire at a time; further batches wait sealed (up to
// maxInFlightBatches in total). Read from kafkajs 2.2.4: an idempotent producer takes a per-broker
// mutex around each Produce request (eosManager.acquireBrokerLock, sendMessages.js), so
// concurrent sendBatch calls never overlap on the network anyway, but they are NOT safely ordered:
// (1) the lock is acquired after several awaits (addMultipleTargetTopics, findBroker per leader)
// whose count differs between calls, so a later call can take the lock first; (2) on a retriable
// failure kafkajs rolls the partition's sequence numbers back and releases the lock before its
// retry, so a queued call is sent with the failed call's sequence numbers and is written first
// (reordered), or is taken for a duplicate and silently dropped when its count matches
// (tulios/kafkajs#598, #1005). With one request at a time, a retry resends the same sequence
// range and the broker deduplicates it, which is what idempotence promises.
import { BinlogdError, asBinlogdError } from '../errors.js';
import type { BatchSender, ProduceMessage, TopicBatch } from './kafka-client.js';
import { partitionForKey } from './murmur2.js';

export interface OutRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string>;
  /** Set only where the target partition is prescribed (e.g. the offsets topic). */
  partition?: number;
  timestampMs?: number;
  /** Returned untouched in onAck: what the caller needs to advance its offset. */
  ackToken?: unknown;
}

/** Partition counts per topic; topics.ts provides it. */
export interface PartitionSource {
  partitionCount(topic: string): number | undefined;
  ensure(topic: string): Promise<number>;
  /** The topic's max.message.bytes, when known: a batch's records for one topic stay below it. */
  maxMessageBytes?(topic: string): number | undefined;
}

export interface KafkaSinkOptions {
  client: BatchSender;
  topics: PartitionSource;
  /** Records per sendBatch. kafkajs groups a batch per partition in O(n²), so keep it modest. */
  maxBatchRecords?: number;
  /**
   * Estimated bytes per sendBatch. kafkajs writes all of a batch's records for one partition as a
   * single record batch, which the broker checks against max.message.bytes (1048588 by default):
   * stay below the smallest max.message.bytes of the target topics.
   */
  maxBatchBytes?: number;
  /** How long a non-full batch may wait for more records while nothing is being sent. */
  lingerMs?: number;
  /** Batches sealed but not acknowledged (the one on the wire included); bounds memory. */
  maxInFlightBatches?: number;
  /** Each acknowledged batch's records, in send order. */
  onAck?: (records: readonly OutRecord[]) => void;
  /** Called once with the error that stopped the sink. */
  onError?: (error: BinlogdError) => void;
}

export interface KafkaSinkStats {
  bufferedRecords: number;
  bufferedBytes: number;
  sealedBatches: number;
  acknowledgedRecords: number;
}

export interface KafkaSink {
  /**
   * Accepts one record. Returns a promise when the caller must wait (the topic is being ensured or
   * the in-flight limit is reached): stop reading until it settles; calling send again before
   * that is a bug and throws. Throws the sink's error once it has failed.
   */
  send(record: OutRecord): void | Promise<void>;
  /** Resolves when every record sent so far is acknowledged; rejects if the sink failed. */
  flush(): Promise<void>;
  /** Flushes and refuses further records. Idempotent. */
  close(): Promise<void>;
  readonly failure: BinlogdError | undefined;
  stats(): KafkaSinkStats;
}

export const SINK_DEFAULTS = {
  maxBatchRecords: 2000,
  maxBatchBytes: 900_000,
  lingerMs: 5,
  // One request is on the wire at a time (see above), so deeper queues only add memory; measured
  // with bench/sink.ts, 1, 2 and 4 are within noise of each other.
  maxInFlightBatches: 2,
} as const;

// Per-record overhead of the v2 record format (length, attributes, timestamp and offset deltas,
// key/value lengths, header count as varints), so tiny records still count against the limit.
const RECORD_OVERHEAD = 24;
const HEADER_OVERHEAD = 10;
/** A record batch's own header (Kafka's DefaultRecordBatch.RECORD_BATCH_OVERHEAD). */
const RECORD_BATCH_HEADER = 61;

interface Batch {
  seq: number;
  records: OutRecord[];
  byTopic: Map<string, ProduceMessage[]>;
  bytes: number;
  /** Estimated bytes per topic: kafkajs writes a topic's records for one partition as one record batch. */
  topicBytes: Map<string, number>;
  /** Partition for null-key records of each topic in this batch (the Java producer's sticky partitioner). */
  sticky: Map<string, number>;
  openedAt: number;
}

/** Estimated bytes one record adds to a produce request. */
export function recordSize(record: OutRecord): number {
  let size = RECORD_OVERHEAD + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  if (record.headers !== undefined) {
    for (const name in record.headers) {
      const v = record.headers[name]!;
      size += HEADER_OVERHEAD + Buffer.byteLength(name) + (typeof v === 'string' ? Buffer.byteLength(v) : v.length);
    }
  }
  return size;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

export function createKafkaSink(options: KafkaSinkOptions): KafkaSink {
  const maxRecords = positiveInt('maxBatchRecords', options.maxBatchRecords ?? SINK_DEFAULTS.maxBatchRecords);
  const maxBytes = positiveInt('maxBatchBytes', options.maxBatchBytes ?? SINK_DEFAULTS.maxBatchBytes);
  const maxSealed = positiveInt('maxInFlightBatches', options.maxInFlightBatches ?? SINK_DEFAULTS.maxInFlightBatches);
  const lingerMs = options.lingerMs ?? SINK_DEFAULTS.lingerMs;
  const { client, topics } = options;

  let open: Batch | undefined;
  const sealed: Batch[] = [];
  let sending = false;
  let nextSeq = 1;
  let ackedSeq = 0;
  /** Batches with seq <= flushUpTo are sealed without waiting for linger. */
  let flushUpTo = 0;
  let failure: BinlogdError | undefined;
  let closed = false;
  let waiting: Promise<void> | undefined;
  let lingerTimer: NodeJS.Timeout | undefined;
  let acknowledgedRecords = 0;
  const stickyCounter = new Map<string, number>();
  const flushWaiters: { seq: number; resolve: () => void; reject: (e: BinlogdError) => void }[] = [];
  const spaceWaiters: { resolve: () => void; reject: (e: BinlogdError) => void }[] = [];

  const fail = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = asBinlogdError(error);
    if (lingerTimer !== undefined) clearTimeout(lingerTimer);
    lingerTimer = undefined;
    for (const w of flushWaiters.splice(0)) w.reject(failure);
    for (const w of spaceWaiters.splice(0)) w.reject(failure);
    options.onError?.(failure);
  };

  const newBatch = (): Batch => ({
    seq: nextSeq++,
    records: [],
    byTopic: new Map(),
    bytes: 0,
    topicBytes: new Map(),
    sticky: new Map(),
    openedAt: Date.now(),
  });

  const choosePartition = (batch: Batch, record: OutRecord, count: number): number => {
    if (record.partition !== undefined) return record.partition;
    if (record.key !== null) return partitionForKey(record.key, count);
    let p = batch.sticky.get(record.topic);
    if (p === undefined) {
      // Rotate per batch so keyless tables still spread over all partitions.
      const n = stickyCounter.get(record.topic) ?? 0;
      stickyCounter.set(record.topic, n + 1);
      p = n % count;
      batch.sticky.set(record.topic, p);
    }
    return p;
  };

  /** Moves the open batch to the sealed queue if there is room. */
  const seal = (): boolean => {
    if (open === undefined || open.records.length === 0) return true;
    if (sealed.length >= maxSealed) return false;
    sealed.push(open);
    open = undefined;
    if (lingerTimer !== undefined) clearTimeout(lingerTimer);
    lingerTimer = undefined;
    return true;
  };

  const dispatch = (batch: Batch): void => {
    sending = true;
    const request: TopicBatch[] = [];
    for (const [topic, messages] of batch.byTopic) request.push({ topic, messages });
    client.sendBatch(request).then(
      () => acknowledge(batch),
      (error: unknown) => {
        sending = false;
        fail(error);
      },
    );
  };

  const acknowledge = (batch: Batch): void => {
    sending = false;
    if (failure !== undefined) return;
    sealed.shift();
    ackedSeq = batch.seq;
    acknowledgedRecords += batch.records.length;
    try {
      options.onAck?.(batch.records);
    } catch (error) {
      fail(new BinlogdError('INTERNAL', 'the sink acknowledgement callback threw', { cause: error }));
      return;
    }
    while (flushWaiters.length > 0 && flushWaiters[0]!.seq <= ackedSeq) flushWaiters.shift()!.resolve();
    for (const w of spaceWaiters.splice(0)) w.resolve();
    pump();
  };

  /** Seals and sends whatever is due; arms the linger timer for an open batch that is not. */
  function pump(): void {
    if (failure !== undefined) return;
    if (open !== undefined && open.records.length > 0) {
      const due =
        open.seq <= flushUpTo ||
        open.records.length >= maxRecords ||
        open.bytes >= maxBytes ||
        (!sending && sealed.length === 0 && Date.now() - open.openedAt >= lingerMs);
      if (due) seal();
    }
    if (!sending && sealed.length > 0) dispatch(sealed[0]!);
    if (open !== undefined && open.records.length > 0 && lingerTimer === undefined && !sending) {
      const wait = Math.max(0, open.openedAt + lingerMs - Date.now());
      lingerTimer = setTimeout(() => {
        lingerTimer = undefined;
        pump();
      }, wait);
    }
  }

  /** Adds the record to the open batch; false when the batch limit needs a seal that has no room. */
  const accept = (record: OutRecord, count: number): boolean => {
    const size = recordSize(record);
    const topicLimit = topics.maxMessageBytes?.(record.topic);
    if (open !== undefined && open.records.length > 0 && (open.records.length >= maxRecords || open.bytes + size > maxBytes ||
      (topicLimit !== undefined && (open.topicBytes.get(record.topic) ?? 0) + size > topicLimit - RECORD_BATCH_HEADER))) {
      if (!seal()) return false;
    }
    const batch = (open ??= newBatch());
    const message: ProduceMessage = { key: record.key, value: record.value, partition: choosePartition(batch, record, count) };
    if (record.headers !== undefined) message.headers = record.headers;
    if (record.timestampMs !== undefined) message.timestamp = String(record.timestampMs);
    let messages = batch.byTopic.get(record.topic);
    if (messages === undefined) batch.byTopic.set(record.topic, (messages = []));
    messages.push(message);
    batch.records.push(record);
    batch.bytes += size;
    batch.topicBytes.set(record.topic, (batch.topicBytes.get(record.topic) ?? 0) + size);
    pump();
    return true;
  };

  const spaceAvailable = (): Promise<void> =>
    new Promise((resolve, reject) => {
      if (failure !== undefined) reject(failure);
      else spaceWaiters.push({ resolve, reject });
    });

  const acceptEventually = async (record: OutRecord): Promise<void> => {
    // A prescribed partition (offsets, partition 0 of heartbeats, an EventRouter placement) still
    // needs its topic created like any other.
    const count = await topics.ensure(record.topic);
    while (failure === undefined && !accept(record, count)) await spaceAvailable();
    if (failure !== undefined) throw failure;
  };

  const hold = (promise: Promise<void>): Promise<void> => {
    const held = promise.then(
      () => {
        waiting = undefined;
      },
      (error: unknown) => {
        waiting = undefined;
        fail(error);
        throw failure;
      },
    );
    waiting = held;
    return held;
  };

  const flush = (): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure);
    // A record still waiting to be accepted counts as sent.
    if (waiting !== undefined) return waiting.then(flush);
    const last = open !== undefined && open.records.length > 0 ? open.seq : (sealed[sealed.length - 1]?.seq ?? ackedSeq);
    if (last <= ackedSeq) return Promise.resolve();
    flushUpTo = Math.max(flushUpTo, last);
    const done = new Promise<void>((resolve, reject) => flushWaiters.push({ seq: last, resolve, reject }));
    pump();
    return done;
  };

  return {
    send(record) {
      if (failure !== undefined) throw failure;
      if (closed) throw new BinlogdError('INTERNAL', 'send() on a closed Kafka sink');
      if (waiting !== undefined) throw new BinlogdError('INTERNAL', 'send() called before the previous send() settled');
      const count = topics.partitionCount(record.topic);
      if (count === undefined || !accept(record, count)) return hold(acceptEventually(record));
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      if (waiting !== undefined) await waiting.catch(() => {});
      await flush();
    },
    get failure() {
      return failure;
    },
    stats() {
      let bufferedRecords = open?.records.length ?? 0;
      let bufferedBytes = open?.bytes ?? 0;
      for (const b of sealed) {
        bufferedRecords += b.records.length;
        bufferedBytes += b.bytes;
      }
      return { bufferedRecords, bufferedBytes, sealedBatches: sealed.length, acknowledgedRecords };
    },
  };
}
