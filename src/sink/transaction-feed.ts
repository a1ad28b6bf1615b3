// The sink thread's exactly-once mode (sink-worker.ts with a transactionalId): each batch from the
// main thread is one Kafka transaction: begin, its records and then its offset record through the
// usual batcher (per-request record and byte limits, murmur2 partitions, one request on the wire),
// commit, and only then acknowledge its records. kafkajs allows one open transaction per producer,
// so transactions are committed strictly one after another, in order. Batches that queued up while
// one was committing share the next transaction (the offset record of the last of them covers
// them all): the sink thread is the pipeline's bottleneck, and each commit costs it round trips.
//
// Any failure ends the sink: the transaction is aborted if the producer still can, and the error
// goes to the main thread once. A fenced producer (a newer instance registered the same
// transactional.id, and the broker aborted our open transaction for it) is KAFKA_FENCED: it must
// never write again, so nothing here retries.
import { BinlogdError, asBinlogdError } from '../errors.js';
import { createKafkaSink, type OutRecord, type PartitionSource } from './batcher.js';
import type { BatchSender, KafkaProducer, KafkaTransaction } from './kafka-client.js';
import { BatchUnpacker } from './record-packing.js';
import { serializeError, type BatchMessage, type FromWorker, type SinkBatching, type ToWorker, type TransferRecord } from './threaded-protocol.js';

export interface TransactionFeedOptions {
  producer: KafkaProducer;
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
  const { producer, post } = options;
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
  const sink = createKafkaSink({ client: sender, topics: options.topics, ...options.batching, onError: report });
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

  const commitGroup = async (group: readonly BatchMessage[]): Promise<void> => {
    const txn = await producer.beginTransaction();
    current = txn;
    let count = 0;
    let offset: TransferRecord | null = null;
    try {
      for (const batch of group) {
        const reader = unpacker.open(batch);
        for (let record = reader.next(); record !== undefined; record = reader.next()) {
          const wait = sink.send(record);
          if (wait !== undefined) await wait;
        }
        count += batch.count;
        offset = batch.commit?.offset ?? offset;
      }
      if (offset !== null) await send(fromTransfer(offset));
      await sink.flush();
      await txn.commit();
    } catch (error) {
      // Abort so read_committed readers need not wait for the transaction timeout. A fenced
      // producer cannot: the broker already aborted the transaction for the newer instance.
      await txn.abort().catch(() => undefined);
      throw error;
    } finally {
      current = undefined;
    }
    post({ type: 'ack', count });
  };

  const end = (): void => {
    if (finished) return;
    finished = true;
    void options.finish();
  };

  const run = async (): Promise<void> => {
    running = true;
    try {
      while (inbox.length > 0 && !failed) await commitGroup(nextGroup());
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
