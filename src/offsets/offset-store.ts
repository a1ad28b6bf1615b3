// Source offsets in a compacted Kafka topic, in Kafka Connect's layout (KafkaOffsetBackingStore):
// key `["<connector>",{"server":"<topic.prefix>"}]`, value the offset map as JSON, null value =
// deleted, partition = the Java default partitioner over the key bytes. Connect tooling can read
// and edit binlogd's offsets, and a Connect worker pointed at the same topic finds them.
//
// This file only reads the topic and builds records: writing them is the sink's job, so an offset
// can go out in the same Kafka transaction as the change records it covers (exactly once).
import { BinlogdError } from '../errors.js';
import {
  createKafkaClient,
  type KafkaAdmin,
  type KafkaConnectionConfig,
  type KafkaLogFn,
  type KafkaLogLevel,
} from '../sink/kafka-client.js';
import { partitionForKey } from '../sink/murmur2.js';
import { createTopicManager } from '../sink/topics.js';
import { offsetKey, offsetValue, parseOffsetValue } from './offset-key.js';

export interface OffsetStoreOptions {
  kafka: KafkaConnectionConfig;
  /** The worker config's `offsets.topic`. */
  topic: string;
  /** Used only when creating the topic; default 25 (Connect's offset.storage.partitions). */
  partitions?: number;
  /** Used only when creating the topic; default -1 = the broker's default.replication.factor. */
  replicationFactor?: number;
  log?: KafkaLogFn;
  logLevel?: KafkaLogLevel;
  /** Bound on one readAll(); default 60 s. */
  readTimeoutMs?: number;
}

/** One offsets-topic record, ready for the sink (ProduceMessage plus its topic). */
export interface OffsetRecord {
  topic: string;
  key: Buffer;
  /** null = tombstone: deletes the connector's offset. */
  value: Buffer | null;
  partition: number;
}

export interface OffsetStore {
  readonly topic: string;
  /**
   * Creates the topic if missing (compacted), refuses an existing one that is not compact-only,
   * and returns its actual partition count. Idempotent; concurrent calls share one check.
   */
  ensureTopic(): Promise<number>;
  /**
   * Every key's latest value (text), reading each partition from its earliest offset to the last
   * stable offset taken when the call starts. A key whose latest record is a tombstone maps to null.
   * Ensures the topic first.
   */
  readAll(signal?: AbortSignal): Promise<Map<string, string | null>>;
  /** The stored offset map of a connector; undefined when none is stored or it was deleted. */
  latest(connectorName: string, server: string, signal?: AbortSignal): Promise<Record<string, unknown> | undefined>;
  /** The record that stores (or, with null, deletes) an offset. Needs ensureTopic() first. */
  offsetRecord(connectorName: string, server: string, offset: Readonly<Record<string, unknown>> | null): OffsetRecord;
  /** Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_PARTITIONS = 25;

/** `cleanup.policy` is a list; only exactly `compact` keeps every connector's last offset forever. */
function isCompactOnly(policy: string | undefined): boolean {
  if (policy === undefined) return false;
  const parts = new Set(policy.split(',').map((p) => p.trim()).filter((p) => p !== ''));
  return parts.size === 1 && parts.has('compact');
}

function policyError(topic: string, policy: string | undefined): BinlogdError {
  const shown = policy ?? '(not reported)';
  // Same rule as Connect's TopicAdmin.verifyTopicCleanupPolicyOnlyCompact: with `delete`, Kafka
  // would eventually drop the offsets of idle connectors and they would restart from scratch.
  return new BinlogdError(
    'CONFIG_INVALID',
    `offsets topic ${topic} has cleanup.policy=${shown}, but it must be exactly "compact" or offsets expire. ` +
      `Fix it with: kafka-configs --bootstrap-server <brokers> --alter --entity-type topics --entity-name ${topic} ` +
      `--add-config cleanup.policy=compact ; or set another offsets.topic in the worker config.`,
    { details: { property: 'offsets.topic', topic, cleanupPolicy: shown } },
  );
}

export function createOffsetStore(options: OffsetStoreOptions): OffsetStore {
  const { topic } = options;
  const log = options.log ?? (() => {});
  const client = createKafkaClient(options.kafka, { log, logLevel: options.logLevel ?? 'warn' });
  let adminReady: Promise<KafkaAdmin> | undefined;
  let ensured: Promise<number> | undefined;
  let partitionCount: number | undefined;
  let closed = false;

  const connectedAdmin = (): Promise<KafkaAdmin> => {
    if (closed) return Promise.reject(new BinlogdError('INTERNAL', `offset store for ${topic} is closed`));
    if (adminReady === undefined) {
      const created = client.createAdmin();
      adminReady = created.connect().then(() => created);
      // A failed connect must not stick: the next call tries again.
      adminReady.catch(() => {
        adminReady = undefined;
      });
    }
    return adminReady;
  };

  const checkTopic = async (): Promise<number> => {
    const a = await connectedAdmin();
    const topics = createTopicManager({
      admin: a,
      creation: {
        partitions: options.partitions ?? DEFAULT_PARTITIONS,
        replicationFactor: options.replicationFactor ?? -1,
        configs: { 'cleanup.policy': 'compact' },
      },
    });
    const count = await topics.ensure(topic);
    // Checked also right after creating it: someone else may have created it first, differently.
    const configs = await a.describeTopicConfigs(topic, ['cleanup.policy']);
    const policy = configs['cleanup.policy'];
    if (!isCompactOnly(policy)) throw policyError(topic, policy);
    return count;
  };

  const ensureTopic = (): Promise<number> => {
    if (ensured === undefined) {
      ensured = checkTopic().then((n) => {
        partitionCount = n;
        return n;
      });
      ensured.catch(() => {
        ensured = undefined;
      });
    }
    return ensured;
  };

  const readAll = async (signal?: AbortSignal): Promise<Map<string, string | null>> => {
    await ensureTopic();
    const started = Date.now();
    const a = await connectedAdmin();
    const until = await a.fetchTopicOffsets(topic);
    const latest = new Map<string, string | null>();
    let records = 0;
    await client.readTopic({
      topic,
      until,
      ...(options.readTimeoutMs !== undefined ? { timeoutMs: options.readTimeoutMs } : {}),
      ...(signal !== undefined ? { signal } : {}),
      onRecord: (record) => {
        records++;
        // Connect logs and skips keyless records; so do we, silently.
        if (record.key === null) return;
        latest.set(record.key.toString('utf8'), record.value === null ? null : record.value.toString('utf8'));
      },
    });
    log({
      level: 'debug',
      namespace: 'OffsetStore',
      message: 'read the offsets topic',
      fields: { topic, records, keys: latest.size, ms: Date.now() - started },
    });
    return latest;
  };

  return {
    topic,
    ensureTopic,
    readAll,
    async latest(connectorName, server, signal) {
      const key = offsetKey(connectorName, server).toString('utf8');
      const text = (await readAll(signal)).get(key);
      if (text === undefined || text === null) return undefined;
      const offset = parseOffsetValue(text);
      if (offset === undefined) {
        throw new BinlogdError(
          'CONFIG_INVALID',
          `the stored offset of connector ${connectorName} (key ${key}) in topic ${topic} is not a JSON object: ${text.slice(0, 200)}. ` +
            'Correct it, or delete it with a tombstone to start over.',
          { details: { property: 'offsets.topic', topic, key } },
        );
      }
      return offset;
    },
    offsetRecord(connectorName, server, offset) {
      if (partitionCount === undefined) {
        throw new BinlogdError('INTERNAL', `offsetRecord() before ensureTopic() on ${topic}: the partition count is unknown`);
      }
      const key = offsetKey(connectorName, server);
      return {
        topic,
        key,
        value: offset === null ? null : offsetValue(offset),
        partition: partitionForKey(key, partitionCount),
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      const pending = adminReady;
      adminReady = undefined;
      if (pending === undefined) return;
      // A connect that failed left nothing to disconnect.
      await pending.then(
        (a) => a.disconnect(),
        () => {},
      );
    },
  };
}
