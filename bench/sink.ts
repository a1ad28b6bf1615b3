// Sink throughput: 200,000 keyed ~300-byte records into a fresh 3-partition topic with an
// idempotent producer (acks=all), from the first send() until flush() resolves, i.e. until Kafka
// acknowledged the last record. Prints figures only; nothing here asserts on time.
//   node dist/bench/sink.js [--headers] [--threaded] [records] [maxBatchRecords] [maxBatchBytes] [lingerMs] [maxInFlightBatches]
// --headers: every record carries the connector's four constant `__debezium.context.*` headers.
// --threaded: the sink runs kafkajs on its own thread (threaded-sink.ts).
import { loadStackEnv, uniqueName } from '../test/support/stack-env.js';
import { createKafkaClient } from '../src/sink/kafka-client.js';
import { createTopicManager } from '../src/sink/topics.js';
import { createKafkaSink, SINK_DEFAULTS, type KafkaSink, type OutRecord } from '../src/sink/batcher.js';
import { startThreadedKafkaSink } from '../src/sink/threaded-sink.js';

const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith('--')));
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const arg = (i: number, fallback: number): number => (positional[i - 2] !== undefined ? Number(positional[i - 2]) : fallback);
const HEADERS = flags.has('--headers')
  ? {
      '__debezium.context.connectorLogicalName': Buffer.from('bench'),
      '__debezium.context.taskId': Buffer.from('0'),
      '__debezium.context.connectorName': Buffer.from('mariadb'),
      '__debezium.context.runId': Buffer.from('6f1c7c1e-8d6b-4c2e-9a57-3b0f6f2d9e11'),
    }
  : undefined;
const THREADED = flags.has('--threaded');
const RECORDS = arg(2, 200_000);
const settings = {
  maxBatchRecords: arg(3, SINK_DEFAULTS.maxBatchRecords),
  maxBatchBytes: arg(4, SINK_DEFAULTS.maxBatchBytes),
  lingerMs: arg(5, SINK_DEFAULTS.lingerMs),
  maxInFlightBatches: arg(6, SINK_DEFAULTS.maxInFlightBatches),
};
const brokers = process.env.KAFKA_BROKERS?.split(',') ?? loadStackEnv().kafkaBrokers;

/** Avro-framed key (magic 0, schema id 1, zigzag varint) and a ~290-byte value, made up front. */
function makeRecords(topic: string): { records: OutRecord[]; bytes: number } {
  const records: OutRecord[] = [];
  let bytes = 0;
  const filler = Buffer.alloc(280, 'v');
  for (let i = 0; i < RECORDS; i++) {
    const id = i % 50_000;
    const key = Buffer.from([0, 0, 0, 0, 1, (id * 2) & 0x7f | 0x80, (id * 2) >> 7 & 0x7f | 0x80, (id * 2) >> 14]);
    const value = Buffer.concat([Buffer.from([0, 0, 0, 0, 2]), Buffer.from(String(i).padStart(10, '0')), filler]);
    bytes += key.length + value.length;
    records.push(HEADERS ? { topic, key, value, headers: HEADERS, ackToken: i } : { topic, key, value, ackToken: i });
  }
  return { records, bytes };
}

async function main(): Promise<void> {
  const client = createKafkaClient({ brokers, clientId: 'binlogd-bench-sink' });
  const admin = client.createAdmin();
  await admin.connect();
  const topic = uniqueName('binlogd_bench_sink');
  const topics = createTopicManager({ admin, creation: { partitions: 3, replicationFactor: -1 } });
  await topics.ensure(topic);
  const producer = client.createProducer();
  await producer.connect();
  const { records, bytes } = makeRecords(topic);
  let batches = 0;
  let acked = 0;
  let waits = 0;
  const sink: KafkaSink = THREADED
    ? await startThreadedKafkaSink({
      connection: { brokers, clientId: 'binlogd-bench-sink' }, creation: null, batching: settings,
      onAck: (runs) => { batches++; for (const run of runs) acked += run.count; },
    })
    : createKafkaSink({ client: producer, topics, ...settings, onAck: (done) => { batches++; acked += done.length; } });
  try {
    const start = process.hrtime.bigint();
    for (const record of records) {
      const wait = sink.send(record);
      if (wait !== undefined) {
        waits++;
        await wait;
      }
    }
    await sink.flush();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (acked !== RECORDS) throw new Error(`acknowledged ${acked} of ${RECORDS}`);
    console.log(
      `sink${THREADED ? ' (threaded)' : ''}: ${RECORDS} records (${(bytes / RECORDS).toFixed(0)} B avg${HEADERS ? ' + 4 headers' : ''}), 3 partitions, acks=all, ${JSON.stringify(settings)}`,
    );
    console.log(
      `  ${(RECORDS / seconds).toFixed(0)} records/s  ${(bytes / seconds / 1e6).toFixed(1)} MB/s  ` +
        `${seconds.toFixed(2)} s  ${batches} batches (${(RECORDS / batches).toFixed(0)} records avg)  ${waits} backpressure waits`,
    );
  } finally {
    await sink.close().catch(() => {});
    await producer.disconnect();
    await admin.deleteTopics([topic]).catch(() => {});
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
