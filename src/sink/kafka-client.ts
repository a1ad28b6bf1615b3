// The only file that imports kafkajs (2.2.4, unmaintained): everything else speaks the small
// interfaces below, so the client can be swapped. Every error leaving this file is a BinlogdError
// (see kafka-errors.ts), and kafkajs' own log lines go to a callback instead of the console.
import type { ConnectionOptions } from 'node:tls';
import kafkajs, { type Admin, type Kafka, type LogEntry, type Producer, type SASLOptions, type Transaction } from 'kafkajs';
import { BinlogdError } from '../errors.js';
import { toBinlogdError } from './kafka-errors.js';

// kafkajs is CommonJS: Node's ESM loader cannot see its spread-in named exports (ConfigResourceTypes).
const { Kafka: KafkaCtor, logLevel: KafkaJsLogLevel, ConfigResourceTypes } = kafkajs;
type KafkaJsLogLevel = kafkajs.logLevel;

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

export interface KafkaAdmin {
  connect(): Promise<void>;
  /** Creates the topics that do not exist yet; true when this call created all of them. */
  createTopics(specs: readonly TopicSpec[]): Promise<boolean>;
  /** Partition counts of the topics that exist; missing topics are absent from the map. */
  fetchPartitionCounts(topics: readonly string[]): Promise<Map<string, number>>;
  /** Effective topic configs (e.g. cleanup.policy, max.message.bytes), defaults included. */
  describeTopicConfigs(topic: string, names?: readonly string[]): Promise<Record<string, string>>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** Idempotent. */
  disconnect(): Promise<void>;
}

export interface KafkaClient {
  createProducer(options?: ProducerOptions): KafkaProducer;
  createAdmin(): KafkaAdmin;
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
  const logLevel = options.logLevel ?? 'warn';
  const kafka = new KafkaCtor({
    brokers: config.brokers,
    clientId: config.clientId,
    ...(config.ssl !== undefined ? { ssl: config.ssl } : {}),
    ...(config.sasl !== undefined ? { sasl: config.sasl as SASLOptions } : {}),
    ...(config.connectionTimeoutMs !== undefined ? { connectionTimeout: config.connectionTimeoutMs } : {}),
    ...(config.requestTimeoutMs !== undefined ? { requestTimeout: config.requestTimeoutMs } : {}),
    logLevel: TO_KAFKAJS_LEVEL[logLevel],
    logCreator: () => (entry: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry.log;
      log({ level: LEVELS[entry.level] ?? 'debug', namespace: entry.namespace, message, fields });
    },
  });
  return {
    createProducer: (producerOptions = {}) => wrapProducer(kafka, producerOptions),
    createAdmin: () => wrapAdmin(kafka.admin()),
  };
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
    async deleteTopics(topics) {
      try {
        await admin.deleteTopics({ topics: [...topics] });
      } catch (error) {
        throw toBinlogdError(error, { action: `deleting topics ${topics.join(', ')}`, topics: [...topics] });
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
