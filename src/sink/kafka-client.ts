// The only file that imports kafkajs (2.2.4, unmaintained; produce-encoder.ts replaces its produce
// request encoder): everything else speaks the small interfaces below, so the client can be
// swapped. Every error leaving this file is a BinlogdError (see kafka-errors.ts), and kafkajs' own
// log lines go to a callback instead of the console.
import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
// Before kafkajs: it replaces one of kafkajs' modules before kafkajs loads it.
import { installProduceEncoder } from './produce-encoder.js';
import kafkajs, { type Admin, type Kafka, type LogEntry, type Producer, type SASLOptions, type Transaction } from 'kafkajs';
import { BinlogdError } from '../errors.js';
import { classifyKafkaError, toBinlogdError } from './kafka-errors.js';

// kafkajs is CommonJS: Node's ESM loader cannot see its spread-in named exports (ConfigResourceTypes).
const { Kafka: KafkaCtor, logLevel: KafkaJsLogLevel, ConfigResourceTypes } = kafkajs;
type KafkaJsLogLevel = kafkajs.logLevel;
installProduceEncoder();

/** The worker config's `kafka` section. */
export interface KafkaConnectionConfig {
  brokers: string[];
  clientId: string;
  ssl?: boolean | ConnectionOptions;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';
export interface KafkaLogEntry {
  level: KafkaLogLevel;
  /** kafkajs component, e.g. "Producer", "Connection". */
  namespace: string;
  message: string;
  fields: Record<string, unknown>;
}
export type KafkaLogFn = (entry: KafkaLogEntry) => void;

/** One record as the producer sends it; the partition is always chosen by us (murmur2.ts). */
export interface ProduceMessage {
  key: Buffer | null;
  value: Buffer | null;
  partition: number;
  headers?: Record<string, Buffer | string>;
  /** Milliseconds since the epoch as a decimal string; absent = the producer's CreateTime. */
  timestamp?: string;
}

export interface TopicBatch {
  topic: string;
  messages: ProduceMessage[];
}

/** What a batch pipeline needs: a producer, or a transaction of one. */
export interface BatchSender {
  /** Resolves once every message is acknowledged by all in-sync replicas (acks=-1). */
  sendBatch(batches: readonly TopicBatch[]): Promise<void>;
}

export interface KafkaTransaction extends BatchSender {
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** An idempotent producer; its own sendBatch is refused when it is transactional. */
export interface KafkaProducer extends BatchSender {
  readonly transactionalId: string | undefined;
  /** Connects; a transactional producer also registers its transactional.id, fencing older instances. */
  connect(): Promise<void>;
  /** Starts a transaction; only for producers created with a transactionalId. */
  beginTransaction(): Promise<KafkaTransaction>;
  /** Idempotent. */
  disconnect(): Promise<void>;
}

export interface ProducerOptions {
  /** Makes the producer transactional (exactly once); omitted = idempotent only. */
  transactionalId?: string;
  transactionTimeoutMs?: number;
  /**
   * kafkajs retries per sendBatch before giving up. kafkajs defaults to unlimited for idempotent
   * producers, which would hang the connector forever on a lost cluster; we bound it and let the
   * supervisor restart from the stored offset instead.
   */
  retries?: number;
  /**
   * Requests per broker connection. Idempotence allows at most 5; kafkajs serializes an
   * idempotent producer's Produce requests per broker anyway (see batcher.ts), so 1 is the default.
   */
  maxInFlightRequests?: number;
}

export interface TopicSpec {
  topic: string;
  /** -1 = the broker's num.partitions. */
  partitions: number;
  /** -1 = the broker's default.replication.factor. */
  replicationFactor: number;
  configs?: Record<string, string>;
}

/** One partition's offsets; `high` is the last stable offset (read_committed), exclusive. */
export interface PartitionOffsets {
  partition: number;
  low: bigint;
  high: bigint;
}

export interface KafkaAdmin {
  connect(): Promise<void>;
  /** Creates the topics that do not exist yet; true when this call created all of them. */
  createTopics(specs: readonly TopicSpec[]): Promise<boolean>;
  /** Partition counts of the topics that exist; missing topics are absent from the map. */
  fetchPartitionCounts(topics: readonly string[]): Promise<Map<string, number>>;
  /** Effective topic configs (e.g. cleanup.policy, max.message.bytes), defaults included. */
  describeTopicConfigs(topic: string, names?: readonly string[]): Promise<Record<string, string>>;
  /** Earliest and last stable offsets of every partition of an existing topic. */
  fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** The cluster's id (DescribeCluster), as Connect shows it at GET /. */
  clusterId(): Promise<string>;
  /** Idempotent. */
  disconnect(): Promise<void>;
}

/** A committed record read back from a topic. */
export interface ConsumedRecord {
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface ReadTopicOptions {
  topic: string;
  /**
   * Where each partition's read stops (exclusive `high`), usually fetchTopicOffsets() taken just
   * before; partitions with high <= low are not read. Records past `high` that arrive in the same
   * fetch are delivered too: they are newer, never older.
   */
  until: readonly PartitionOffsets[];
  /** Called in offset order within each partition. */
  onRecord: (record: ConsumedRecord) => void;
  /** Default 60 s; fails with KAFKA_UNREACHABLE (retriable). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface KafkaClient {
  createProducer(options?: ProducerOptions): KafkaProducer;
  createAdmin(): KafkaAdmin;
  /** Reads committed records from the earliest offset up to `until`, then stops. Commits nothing. */
  readTopic(options: ReadTopicOptions): Promise<void>;
}

const LEVELS: Record<number, KafkaLogLevel> = {
  [KafkaJsLogLevel.ERROR]: 'error',
  [KafkaJsLogLevel.WARN]: 'warn',
  [KafkaJsLogLevel.INFO]: 'info',
  [KafkaJsLogLevel.DEBUG]: 'debug',
};
const TO_KAFKAJS_LEVEL: Record<KafkaLogLevel, KafkaJsLogLevel> = {
  error: KafkaJsLogLevel.ERROR,
  warn: KafkaJsLogLevel.WARN,
  info: KafkaJsLogLevel.INFO,
  debug: KafkaJsLogLevel.DEBUG,
};

export function createKafkaClient(
  config: KafkaConnectionConfig,
  options: { log?: KafkaLogFn; logLevel?: KafkaLogLevel } = {},
): KafkaClient {
  const log = options.log ?? (() => {});
  const level = TO_KAFKAJS_LEVEL[options.logLevel ?? 'warn'];
  const connect = (clientLevel: KafkaJsLogLevel, onEntry?: (entry: LogEntry) => void): Kafka => new KafkaCtor({
    brokers: config.brokers,
    clientId: config.clientId,
    ...(config.ssl !== undefined ? { ssl: config.ssl } : {}),
    // A copy: kafkajs stores its authentication function on the sasl object it is given, and the worker's
    // settings object must stay plain data (it is posted to the sink thread, which cannot clone functions).
    ...(config.sasl !== undefined ? { sasl: { ...config.sasl } as SASLOptions } : {}),
    ...(config.connectionTimeoutMs !== undefined ? { connectionTimeout: config.connectionTimeoutMs } : {}),
    ...(config.requestTimeoutMs !== undefined ? { requestTimeout: config.requestTimeoutMs } : {}),
    logLevel: clientLevel,
    logCreator: () => (entry: LogEntry) => {
      onEntry?.(entry);
      if (entry.level > level) return;
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry.log;
      log({ level: LEVELS[entry.level] ?? 'debug', namespace: entry.namespace, message, fields });
    },
  });
  const kafka = connect(level);
  return {
    createProducer: (producerOptions = {}) => wrapProducer(kafka, producerOptions),
    createAdmin: () => wrapAdmin(kafka.admin()),
    readTopic: (readOptions) => {
      // kafkajs answers a refused FindCoordinator with "group coordinator not found" and keeps the
      // broker's refusal only in a debug log line: the reader listens to its debug lines to name it.
      let refusal: unknown;
      const reader = connect(KafkaJsLogLevel.DEBUG, (entry) => {
        const error = (entry.log as { error?: unknown }).error;
        if (classifyKafkaError(error).code === 'KAFKA_REJECTED') refusal = error;
      });
      return readTopic(reader, config.clientId, readOptions, () => refusal);
    },
  };
}

const DEFAULT_READ_TIMEOUT_MS = 60_000;

// kafkajs has no group-less consumer (Java's assign()), so a throwaway group that never commits
// stands in: with no committed offsets the group disappears once its only member leaves. A
// partition is done when the consumer's position passed its end. END_BATCH_PROCESS also fires for
// fetches that held only transaction markers or aborted records (runner.js, kafkajs#1256), whose
// offsets no message carries: without it a read ending on a commit marker would never finish.
async function readTopic(kafka: Kafka, clientId: string, options: ReadTopicOptions, refusal: () => unknown): Promise<void> {
  const { topic, onRecord } = options;
  const pending = new Map<number, bigint>();
  for (const p of options.until) if (p.high > p.low) pending.set(p.partition, p.high);
  if (pending.size === 0) return;
  // read_committed (kafkajs' default): aborted offset records never count, as in Connect with EOS.
  const consumer = kafka.consumer({ groupId: `${clientId}-reader-${randomUUID()}`, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
  let settle!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  // It may fail (timeout, abort) while we are still connecting, before anyone awaits it.
  finished.catch(() => {});
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const end = pending.get(payload.partition);
    if (payload.topic !== topic || end === undefined || BigInt(payload.lastOffset) + 1n < end) return;
    pending.delete(payload.partition);
    if (pending.size === 0) settle();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    // kafkajs restarts its consumer after any failure, a refused ACL included, which would only end in the timeout.
    if (!payload.restart || !classifyKafkaError(payload.error).retriable || refusal() !== undefined) settle(payload.error);
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const timer = setTimeout(() => {
    const left = [...pending].map(([partition, end]) => `${partition} (to ${end})`).join(', ');
    settle(new BinlogdError('KAFKA_UNREACHABLE', `Kafka: reading ${topic} did not reach the end of partitions ${left} in ${timeoutMs} ms`, {
      retriable: true,
      details: { topics: [topic] },
    }));
  }, timeoutMs);
  const onAbort = () => settle(options.signal?.reason ?? new Error('aborted'));
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        try {
          for (const m of batch.messages) {
            onRecord({ partition: batch.partition, offset: BigInt(m.offset), key: m.key, value: m.value });
          }
        } catch (error) {
          // kafkajs would retry the batch and restart the consumer; our callback's failure is final.
          settle(error);
        }
      },
    });
    await finished;
  } catch (error) {
    if (options.signal?.aborted === true && error === options.signal.reason) throw error;
    throw toBinlogdError(refusal() ?? error, { action: `reading topic ${topic}`, topics: [topic] });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => {});
  }
}

// We always set message.partition (murmur2.ts); kafkajs' partitioner only passes it through.
const passThroughPartitioner = () => (args: { message: { partition?: number } }) => args.message.partition ?? 0;

function topicsOf(batches: readonly TopicBatch[]): string[] {
  return batches.map((b) => b.topic);
}

function describeTopics(batches: readonly TopicBatch[]): string {
  return topicsOf(batches).join(', ');
}

async function sendWith(sender: Producer | Transaction, batches: readonly TopicBatch[]): Promise<void> {
  try {
    // Our ProduceMessage is structurally a kafkajs Message: no per-record copy.
    await sender.sendBatch({ topicMessages: batches as TopicBatch[], acks: -1 });
  } catch (error) {
    throw toBinlogdError(error, { action: `producing to ${describeTopics(batches)}`, topics: topicsOf(batches) });
  }
}

function wrapProducer(kafka: Kafka, options: ProducerOptions): KafkaProducer {
  const maxInFlight = options.maxInFlightRequests ?? 1;
  if (maxInFlight < 1 || maxInFlight > 5) {
    throw new RangeError(`maxInFlightRequests must be 1..5 for an idempotent producer, got ${maxInFlight}`);
  }
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: maxInFlight,
    // Data topics are created by topics.ts with the configured partition count; the broker's
    // auto-creation would pick its own defaults.
    allowAutoTopicCreation: false,
    createPartitioner: passThroughPartitioner,
    retry: { retries: options.retries ?? 10 },
    ...(options.transactionalId !== undefined ? { transactionalId: options.transactionalId } : {}),
    ...(options.transactionTimeoutMs !== undefined ? { transactionTimeout: options.transactionTimeoutMs } : {}),
  });
  let connected = false;
  const id = options.transactionalId;
  return {
    transactionalId: id,
    async connect() {
      try {
        await producer.connect();
        connected = true;
        if (id !== undefined) {
          // kafkajs runs InitProducerId only at the first transaction(). Doing it now makes a new
          // instance fence the old one at start-up (and abort its open transaction, KIP-98), not
          // at its first record. Aborting an empty transaction sends nothing.
          const first = await producer.transaction();
          await first.abort();
        }
      } catch (error) {
        throw toBinlogdError(error, { action: 'connecting the producer' });
      }
    },
    sendBatch(batches) {
      // kafkajs would send these under a separate, non-transactional producer id: records that
      // bypass the transaction and are not fenced. Refuse instead.
      if (id !== undefined) {
        return Promise.reject(new BinlogdError('INTERNAL', 'sendBatch outside a transaction on a transactional producer'));
      }
      return sendWith(producer, batches);
    },
    async beginTransaction() {
      let txn: Transaction;
      try {
        txn = await producer.transaction();
      } catch (error) {
        throw toBinlogdError(error, { action: `beginning a transaction (transactional.id ${id ?? '-'})` });
      }
      return {
        sendBatch: (batches) => sendWith(txn, batches),
        async commit() {
          try {
            await txn.commit();
          } catch (error) {
            throw toBinlogdError(error, { action: `committing a transaction (transactional.id ${id})` });
          }
        },
        async abort() {
          try {
            await txn.abort();
          } catch (error) {
            throw toBinlogdError(error, { action: `aborting a transaction (transactional.id ${id})` });
          }
        },
      };
    },
    async disconnect() {
      if (!connected) return;
      connected = false;
      try {
        await producer.disconnect();
      } catch (error) {
        throw toBinlogdError(error, { action: 'disconnecting the producer' });
      }
    },
  };
}

/** The protocol error kafkajs raises for a topic that does not exist. */
function isUnknownTopic(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
}

// Right after CreateTopics a KRaft broker may answer ListOffsets before it has taken up the
// leadership the metadata already shows; kafkajs' fetchTopicOffsets gives up at once on that.
const LEADERSHIP_SETTLING = new Set(['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_LEADER_EPOCH']);
const LEADERSHIP_ATTEMPTS = 30;
const LEADERSHIP_RETRY_MS = 100;

function isLeadershipSettling(error: unknown): boolean {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  return typeof type === 'string' && LEADERSHIP_SETTLING.has(type);
}

function wrapAdmin(admin: Admin): KafkaAdmin {
  let connected = false;
  const counts = async (topics: readonly string[]): Promise<Map<string, number>> => {
    const result = new Map<string, number>();
    if (topics.length === 0) return result;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      for (const t of metadata.topics) result.set(t.name, t.partitions.length);
      return result;
    } catch (error) {
      // kafkajs fails the whole request when one topic is missing: ask per topic then.
      if (!isUnknownTopic(error)) throw error;
      if (topics.length === 1) return result;
      for (const topic of topics) {
        for (const [name, n] of await counts([topic])) result.set(name, n);
      }
      return result;
    }
  };
  return {
    async connect() {
      try {
        await admin.connect();
        connected = true;
      } catch (error) {
        throw toBinlogdError(error, { action: 'connecting the admin client' });
      }
    },
    async createTopics(specs) {
      try {
        return await admin.createTopics({
          waitForLeaders: true,
          topics: specs.map((s) => ({
            topic: s.topic,
            numPartitions: s.partitions,
            replicationFactor: s.replicationFactor,
            configEntries: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (error) {
        const topics = specs.map((s) => s.topic);
        throw toBinlogdError(error, { action: `creating topics ${topics.join(', ')}`, topics });
      }
    },
    async fetchPartitionCounts(topics) {
      try {
        return await counts(topics);
      } catch (error) {
        throw toBinlogdError(error, { action: `reading metadata of ${topics.join(', ')}`, topics: [...topics] });
      }
    },
    async describeTopicConfigs(topic, names) {
      try {
        const response = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [
            { type: ConfigResourceTypes.TOPIC, name: topic, ...(names !== undefined ? { configNames: [...names] } : {}) },
          ],
        });
        const out: Record<string, string> = {};
        for (const entry of response.resources[0]?.configEntries ?? []) out[entry.configName] = entry.configValue;
        return out;
      } catch (error) {
        throw toBinlogdError(error, { action: `describing the configs of topic ${topic}`, topics: [topic] });
      }
    },
    async fetchTopicOffsets(topic) {
      for (let attempt = 1; ; attempt++) {
        try {
          const offsets = await admin.fetchTopicOffsets(topic);
          return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }));
        } catch (error) {
          if (attempt < LEADERSHIP_ATTEMPTS && isLeadershipSettling(error)) {
            await new Promise((r) => setTimeout(r, LEADERSHIP_RETRY_MS));
            continue;
          }
          throw toBinlogdError(error, { action: `reading the offsets of topic ${topic}`, topics: [topic] });
        }
      }
    },
    async deleteTopics(topics) {
      try {
        await admin.deleteTopics({ topics: [...topics] });
      } catch (error) {
        throw toBinlogdError(error, { action: `deleting topics ${topics.join(', ')}`, topics: [...topics] });
      }
    },
    async clusterId() {
      try {
        return (await admin.describeCluster()).clusterId;
      } catch (error) {
        throw toBinlogdError(error, { action: 'describing the Kafka cluster' });
      }
    },
    async disconnect() {
      if (!connected) return;
      connected = false;
      try {
        await admin.disconnect();
      } catch (error) {
        throw toBinlogdError(error, { action: 'disconnecting the admin client' });
      }
    },
  };
}
