// The Kafka sink thread (started by threaded-sink.ts): kafkajs' per-record encoding is the most
// expensive step after parsing, so it runs here, on its own core, next to the main thread's
// binlog parsing, decoding and Avro encoding. It is the same sink as on the main thread
// (batcher.ts over kafka-client.ts and topics.ts: idempotent, acks=-1, one request on the wire,
// murmur2 partitions); only its records arrive packed (record-packing.ts) and its
// acknowledgements and errors leave as messages (threaded-protocol.ts). With a transactionalId the
// producer is transactional and transaction-feed.ts commits each batch as one transaction.
// Transient Kafka failures are retried here with a new producer (sink-retry.ts): by the
// transaction feed, or by retrying-sink.ts around the batcher.
import { parentPort, workerData } from 'node:worker_threads';
import { BinlogdError, asBinlogdError } from '../errors.js';
import { createKafkaSink, type KafkaSink } from './batcher.js';
import { lastOffsetValue } from './commit-check.js';
import { createKafkaClient, type KafkaAdmin, type KafkaLogEntry, type KafkaProducer } from './kafka-client.js';
import { createRetryingSink } from './retrying-sink.js';
import { BatchUnpacker, type BatchReader } from './record-packing.js';
import { serializeError, type FromWorker, type SinkWorkerData, type ToWorker } from './threaded-protocol.js';
import { createTopicManager } from './topics.js';
import { createTransactionFeed } from './transaction-feed.js';

if (parentPort === null) throw new Error('sink-worker.js runs as a worker thread (see threaded-sink.ts)');
const port = parentPort;
const data = workerData as SinkWorkerData;
const post = (message: FromWorker): void => port.postMessage(message);

/** kafkajs log fields are plain data in practice; anything that cannot be cloned goes as text. */
function forwardLog(entry: KafkaLogEntry): void {
  try {
    post({ type: 'log', entry });
  } catch {
    const fields: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(entry.fields)) fields[name] = value instanceof Error ? `${value.name}: ${value.message}` : String(value);
    post({ type: 'log', entry: { ...entry, fields } });
  }
}

const client = createKafkaClient(data.connection, { log: forwardLog, logLevel: data.logLevel });
const newProducer = (): KafkaProducer => client.createProducer({
  ...data.producer,
  ...(data.transactionalId === undefined ? {} : { transactionalId: data.transactionalId }),
});
let producer = newProducer();
const admin: KafkaAdmin = client.createAdmin();

/** After a transient failure: a new producer (new producer id and epoch; fences the old one's transaction). */
async function renewProducer(): Promise<KafkaProducer> {
  await producer.disconnect().catch(() => undefined);
  producer = newProducer();
  await producer.connect();
  return producer;
}

function warn(message: string, fields: Record<string, unknown>): void {
  post({ type: 'log', entry: { level: 'warn', namespace: 'Sink', message, fields } });
}

async function disconnect(): Promise<void> {
  await producer.disconnect().catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
}

async function main(): Promise<void> {
  try {
    await producer.connect();
    await admin.connect();
  } catch (error) {
    post({ type: 'start-failed', error: serializeError(asBinlogdError(error)) });
    await disconnect();
    port.close();
    return;
  }

  if (data.transactionalId !== undefined) {
    const feed = createTransactionFeed({
      producer,
      renewProducer,
      lastCommitted: (offset) => lastOffsetValue({ client, admin, offset }),
      topics: createTopicManager({ admin, creation: data.creation }),
      batching: data.batching,
      post,
      finish: async () => {
        await disconnect();
        post({ type: 'closed' });
        port.close();
      },
    });
    port.on('message', (message: ToWorker) => feed.receive(message));
    post({ type: 'ready' });
    return;
  }

  let failed = false;
  const topics = createTopicManager({ admin, creation: data.creation });
  const sink: KafkaSink = await createRetryingSink({
    open: async (handlers, renew) => createKafkaSink({ client: renew ? await renewProducer() : producer, topics, ...data.batching, ...handlers }),
    onAck: (records) => post({ type: 'ack', count: records.length }),
    onError: (error) => {
      failed = true;
      post({ type: 'error', error: serializeError(error) });
    },
    onRetry: (error, attempt, retryInMs) => warn('Kafka produce failed; sending the unacknowledged records again with a new producer', { code: error.code, error: error.message, attempt, retryInMs }),
  });

  const unpacker = new BatchUnpacker();
  const inbox: Extract<ToWorker, { type: 'batch' }>[] = [];
  let reader: BatchReader | undefined;
  let readerFlush = false;
  let flushWanted = false;
  let feeding = false;
  let closing = false;

  const flushSink = (): void => {
    sink.flush().catch(() => undefined); // a failure already reached onError
  };

  /** Hands queued records to the sink until it asks us to wait or the inbox is empty. */
  const feed = (): void => {
    feeding = true;
    while (!failed) {
      if (reader === undefined) {
        const batch = inbox.shift();
        if (batch === undefined) break;
        reader = unpacker.open(batch);
        readerFlush = batch.flush;
      }
      const record = reader.next();
      if (record === undefined) {
        reader = undefined;
        // Nothing on the wire: send now rather than after the linger; more records gather while
        // this request is out. With a request out, the batcher sends the rest when it returns.
        if (readerFlush || sink.stats().sealedBatches === 0) flushSink();
        continue;
      }
      let wait: void | Promise<void>;
      try {
        wait = sink.send(record);
      } catch (error) {
        // Once failed, the sink throws its error, which onError already reported; anything else
        // must fail the sink here, or the main thread would wait for acknowledgements forever.
        if (!failed) {
          failed = true;
          post({ type: 'error', error: serializeError(asBinlogdError(error)) });
        }
        break;
      }
      if (wait !== undefined) {
        wait.then(feed, () => {
          feeding = false;
          if (closing) void finish();
        });
        return;
      }
    }
    feeding = false;
    if (flushWanted) {
      flushWanted = false;
      flushSink();
    }
    if (closing) void finish();
  };

  let finished = false;
  const finish = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    await sink.close().catch(() => undefined);
    await disconnect();
    post({ type: 'closed' });
    port.close();
  };

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'batch':
        inbox.push(message);
        if (!feeding) feed();
        return;
      case 'flush':
        if (feeding) flushWanted = true;
        else flushSink();
        return;
      case 'close':
        closing = true;
        if (!feeding) void finish();
        return;
    }
  });
  post({ type: 'ready' });
}

main().catch((error: unknown) => {
  // A bug here must end the thread loudly: the main thread fails the sink on 'error'/'exit'.
  throw error instanceof BinlogdError ? error : asBinlogdError(error);
});
