// The sink thread's exactly-once mode (sink-worker.ts with a transactionalId): each batch from the
// main thread is one Kafka transaction: begin, its records and then its offset record through the
// usual batcher (per-request record and byte limits, murmur2 partitions, one request on the wire),
// commit, and only then acknowledge its records. kafkajs allows one open transaction per producer,
// so transactions are committed strictly one after another, in order. Batches that queued up while
// one was committing share the next transaction (the offset record of the last of them covers
// them all): the sink thread is the pipeline's bottleneck, and each commit costs it round trips.
//
// A transient failure (sink-retry.ts) does not end the sink: the transaction is aborted, a new
// producer takes over the transactional.id, and the same batches are sent again as a new
// transaction, with backoff, for up to giveUpAfterMs. Meanwhile nothing is acknowledged, so the
// main thread's bounded queue fills and the binlog reader pauses. A commit whose answer was lost
// is settled first by reading the offsets topic (commit-check.ts). Any other failure ends the
// sink: the error goes to the main thread once. A fenced producer (a newer instance registered the
// same transactional.id) is KAFKA_FENCED: it must never write again, so nothing retries it.
import { BinlogdError, asBinlogdError } from '../errors.js';
import { sameOffsetValue } from './commit-check.js';
import { createKafkaSink, type KafkaSink, type OutRecord, type PartitionSource } from './batcher.js';
import type { BatchSender, KafkaProducer, KafkaTransaction } from './kafka-client.js';
import { BatchUnpacker } from './record-packing.js';
import { delay, recoverable, RetryClock, SINK_RETRY_DEFAULTS, type SinkRetryPolicy } from './sink-retry.js';
import { serializeError, type BatchMessage, type FromWorker, type SinkBatching, type ToWorker, type TransferRecord } from './threaded-protocol.js';

export interface TransactionFeedOptions {
  /** A connected transactional producer. */
  producer: KafkaProducer;
  /** Disconnects the old producer and connects a new one with the same transactional.id. */
  renewProducer: () => Promise<KafkaProducer>;
  /** The last committed value under this offset record's key (commit-check.ts). */
  lastCommitted: (offset: TransferRecord) => Promise<Uint8Array | null | undefined>;
  retry?: SinkRetryPolicy;
  topics: PartitionSource;
  batching: SinkBatching;
  post: (message: FromWorker) => void;
  /** Called once after 'close' when no transaction is open any more: disconnect and end. */
  finish: () => Promise<void>;
}

/** Records one transaction takes from queued batches (it always takes at least one batch). */
const MAX_TRANSACTION_RECORDS = 10_000;

export interface TransactionFeed {
  receive(message: ToWorker): void;
}

function toBuffer(bytes: Uint8Array | null): Buffer | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function fromTransfer(record: TransferRecord): OutRecord {
  const out: OutRecord = { topic: record.topic, key: toBuffer(record.key), value: toBuffer(record.value) };
  if (record.partition !== undefined) out.partition = record.partition;
  return out;
}

export function createTransactionFeed(options: TransactionFeedOptions): TransactionFeed {
  const { post } = options;
  const policy = options.retry ?? SINK_RETRY_DEFAULTS;
  let producer = options.producer;
  let current: KafkaTransaction | undefined;
  let failed = false;
  const report = (error: unknown): void => {
    if (failed) return;
    failed = true;
    post({ type: 'error', error: serializeError(asBinlogdError(error)) });
  };
  // The batcher sends through whichever transaction is open; it is flushed before each commit, so
  // no request ever straddles two transactions.
  const sender: BatchSender = {
    sendBatch: (batches) =>
      current === undefined ? Promise.reject(new BinlogdError('INTERNAL', 'a produce request outside a transaction')) : current.sendBatch(batches),
  };
  // A failed batcher stays failed: each attempt gets a new one. Its errors surface through the
  // send() and flush() promises of commitGroup, which decides whether to retry.
  const newSink = (): KafkaSink => createKafkaSink({ client: sender, topics: options.topics, ...options.batching });
  let sink = newSink();
  /** The offset record value of the last transaction this feed committed. */
  let committedOffset: Uint8Array | null | undefined;
  const unpacker = new BatchUnpacker();
  const inbox: BatchMessage[] = [];
  let running = false;
  let closing = false;
  let finished = false;

  const send = async (record: OutRecord): Promise<void> => {
    const wait = sink.send(record);
    if (wait !== undefined) await wait;
  };

  /** The batches of the next transaction: the first queued, and those behind it up to the limit. */
  const nextGroup = (): BatchMessage[] => {
    const group = [inbox.shift()!];
    let records = group[0]!.count;
    while (inbox.length > 0 && records + inbox[0]!.count <= MAX_TRANSACTION_RECORDS) {
      const batch = inbox.shift()!;
      records += batch.count;
      group.push(batch);
    }
    return group;
  };

  /** Throws with `uncertain` set when the commit itself failed: it may have been applied. */
  const commitGroup = async (group: readonly BatchMessage[]): Promise<void> => {
    const txn = await producer.beginTransaction();
    current = txn;
    let offset: TransferRecord | null = null;
    let committing = false;
    try {
      for (const batch of group) {
        const reader = unpacker.reader(batch);
        for (let record = reader.next(); record !== undefined; record = reader.next()) {
          const wait = sink.send(record);
          if (wait !== undefined) await wait;
        }
        offset = batch.commit?.offset ?? offset;
      }
      if (offset !== null) await send(fromTransfer(offset));
      await sink.flush();
      committing = true;
      await txn.commit();
    } catch (error) {
      // Abort so read_committed readers need not wait for the transaction timeout. A fenced
      // producer cannot: the broker already aborted the transaction for the newer instance.
      if (!committing) await txn.abort().catch(() => undefined);
      throw Object.assign(asBinlogdError(error), committing ? { uncertain: offset } : {});
    } finally {
      current = undefined;
    }
  };

  /** Commits the group, retrying transient failures; acknowledges its records once committed. */
  const commitWithRetry = async (group: readonly BatchMessage[]): Promise<void> => {
    let clock: RetryClock | undefined;
    /** Set after a commit whose answer was lost, until the offsets topic told whether it applied. */
    let uncertain: TransferRecord | undefined;
    let renewed = false;
    for (;;) {
      try {
        if (renewed && (await committedMeanwhile(group, uncertain))) break;
        uncertain = undefined;
        await commitGroup(group);
        break;
      } catch (error) {
        const failure = asBinlogdError(error) as BinlogdError & { uncertain?: TransferRecord | null };
        // A lost commit without an offset record cannot be settled here: the connector restarts
        // from its stored offset instead.
        if (failure.uncertain === null) throw failure;
        if (failure.uncertain !== undefined) uncertain = failure.uncertain;
        if (!recoverable(failure) || closing) throw failure;
        clock ??= new RetryClock(policy);
        // Only a new producer settles an uncertain transaction; the offsets topic is read after it.
        await recover(clock, failure);
        renewed = true;
      }
    }
    const offset = lastOffsetOf(group);
    if (offset !== undefined) committedOffset = offset.value;
    post({ type: 'ack', count: group.reduce((n, batch) => n + batch.count, 0) });
  };

  /**
   * After a new producer registered: true when the uncertain commit did apply. The stored offset
   * must otherwise still be the last one this feed committed — another value means another instance
   * of the connector wrote while this one was cut off, and sending the group again would repeat
   * what that instance wrote: this one is fenced in effect.
   */
  const committedMeanwhile = async (group: readonly BatchMessage[], uncertain: TransferRecord | undefined): Promise<boolean> => {
    const offset = uncertain ?? lastOffsetOf(group);
    if (offset === undefined) return false;
    const last = await options.lastCommitted(offset);
    if (uncertain !== undefined && sameOffsetValue(last, uncertain.value)) return true;
    if (committedOffset !== undefined && !sameOffsetValue(last, committedOffset)) {
      throw new BinlogdError('KAFKA_FENCED', `another instance of this connector stored an offset in ${offset.topic} while this one was cut off from Kafka; this instance stops writing`);
    }
    return false;
  };

  /** Waits, renews the producer and batcher; loops while renewing fails transiently. */
  const recover = async (clock: RetryClock, failure: BinlogdError): Promise<void> => {
    let last = failure;
    for (;;) {
      const wait = clock.nextDelay();
      if (wait === undefined) throw clock.gaveUp(last);
      post({ type: 'log', entry: { level: 'warn', namespace: 'Sink', message: 'Kafka transaction failed; retrying it with a new producer', fields: { code: last.code, error: last.message, attempt: clock.attempts, retryInMs: wait } } });
      await delay(wait);
      try {
        producer = await options.renewProducer();
        sink = newSink();
        return;
      } catch (error) {
        last = asBinlogdError(error);
        if (!recoverable(last)) throw last;
      }
    }
  };

  const lastOffsetOf = (group: readonly BatchMessage[]): TransferRecord | undefined => {
    for (let i = group.length - 1; i >= 0; i--) {
      const offset = group[i]!.commit?.offset;
      if (offset) return offset;
    }
    return undefined;
  };

  const end = (): void => {
    if (finished) return;
    finished = true;
    void options.finish();
  };

  const run = async (): Promise<void> => {
    running = true;
    try {
      while (inbox.length > 0 && !failed) await commitWithRetry(nextGroup());
    } catch (error) {
      report(error);
    }
    running = false;
    if (closing) end();
  };

  return {
    receive(message) {
      switch (message.type) {
        case 'batch':
          if (failed) return;
          if (message.commit === undefined) {
            report(new BinlogdError('INTERNAL', 'a batch without a commit marker reached the transactional sink thread'));
            return;
          }
          unpacker.register(message);
          inbox.push(message);
          if (!running) void run();
          return;
        case 'flush':
          // Every batch is committed as soon as the one before it is: nothing is held back.
          return;
        case 'close':
          closing = true;
          if (!running) end();
          return;
      }
    },
  };
}
