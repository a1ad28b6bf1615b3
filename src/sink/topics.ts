// Data topics exist before their first record: Kafka Connect creates them from
// `topic.creation.default.*` before producing (KIP-158), and we must know each topic's partition
// count to place keys with murmur2 the way the Java producer does. Counts are cached; concurrent
// ensure calls for one topic share one round trip.
import { BinlogdError } from '../errors.js';
import type { KafkaAdmin, TopicSpec } from './kafka-client.js';

export interface TopicCreation {
  /** `topic.creation.default.partitions`; -1 = the broker's num.partitions. */
  partitions: number;
  /** `topic.creation.default.replication.factor`; -1 = the broker's default.replication.factor. */
  replicationFactor: number;
  /** Other `topic.creation.default.*` topic configs, e.g. {"cleanup.policy": "compact"}. */
  configs?: Record<string, string>;
  /** Topics created their own way instead (the dead letter topic), by name. */
  overrides?: Record<string, TopicOverride>;
  /** `topic.creation.groups`, in order: the first whose include matches (and exclude does not) applies. */
  groups?: readonly TopicCreationGroupSpec[];
}

/** A topic creation group; settings it leaves unset come from the default group (KIP-158). */
export interface TopicCreationGroupSpec {
  include: readonly RegExp[];
  exclude: readonly RegExp[];
  partitions?: number;
  replicationFactor?: number;
  configs: Record<string, string>;
}

/** The topic's spec by the first group it matches, else the default group's (Kafka Connect's TopicCreation.findFirstGroup). */
export function creationSpec(topic: string, creation: TopicCreation): TopicSpec {
  const group = creation.groups?.find((g) => g.include.some((r) => r.test(topic)) && !g.exclude.some((r) => r.test(topic)));
  const configs = { ...creation.configs, ...group?.configs };
  return {
    topic,
    partitions: group?.partitions ?? creation.partitions,
    replicationFactor: group?.replicationFactor ?? creation.replicationFactor,
    ...(Object.keys(configs).length > 0 ? { configs } : {}),
  };
}

export interface TopicOverride {
  partitions: number;
  replicationFactor: number;
  /** The property that sets the replication factor, named when the cluster refuses it. */
  property: string;
}

export interface TopicManagerOptions {
  admin: Pick<KafkaAdmin, 'createTopics' | 'fetchPartitionCounts'> & Partial<Pick<KafkaAdmin, 'describeTopicConfigs'>>;
  /** How to create a missing topic; null = never create (a missing topic is an error). */
  creation: TopicCreation | null;
}

export interface TopicManager {
  /** Partition count of a topic already ensured, without I/O (the producer's hot path). */
  partitionCount(topic: string): number | undefined;
  /** Creates the topic if missing, caches and returns its partition count. */
  ensure(topic: string): Promise<number>;
  /** The topic's max.message.bytes, once ensured (undefined when unknown): a record batch must stay below it. */
  maxMessageBytes(topic: string): number | undefined;
}

// Right after CreateTopics the answering broker may not have the new topic in its metadata cache
// yet (KRaft propagates it asynchronously), so a few short re-reads are expected.
const METADATA_ATTEMPTS = 20;
const METADATA_RETRY_MS = 100;

export function createTopicManager(options: TopicManagerOptions): TopicManager {
  const counts = new Map<string, number>();
  const limits = new Map<string, number>();
  const pending = new Map<string, Promise<number>>();
  const { admin, creation } = options;

  const readLimit = async (topic: string): Promise<void> => {
    const value = Number((await admin.describeTopicConfigs?.(topic, ['max.message.bytes']).catch(() => undefined))?.['max.message.bytes']);
    if (Number.isInteger(value) && value > 0) limits.set(topic, value);
  };

  const readCount = async (topic: string): Promise<number | undefined> =>
    (await admin.fetchPartitionCounts([topic])).get(topic);

  const resolve = async (topic: string): Promise<number> => {
    const existing = await readCount(topic);
    if (existing !== undefined) return existing;
    if (creation === null) {
      throw new BinlogdError('KAFKA_REJECTED', `Kafka topic ${topic} does not exist and topic creation is disabled`, {
        details: { topics: [topic] },
      });
    }
    const override = creation.overrides?.[topic];
    const spec: TopicSpec = override
      ? { topic, partitions: override.partitions, replicationFactor: override.replicationFactor }
      : creationSpec(topic, creation);
    // false = someone else created it meanwhile (another connector, a second instance): fine.
    await admin.createTopics([spec]).catch((error: unknown) => {
      throw override ? refusedOverride(error, topic, override) : refusedName(error, topic);
    });
    for (let attempt = 1; ; attempt++) {
      const n = await readCount(topic);
      if (n !== undefined && n > 0) return n;
      if (attempt >= METADATA_ATTEMPTS) {
        throw new BinlogdError('KAFKA_UNREACHABLE', `Kafka topic ${topic} was created but its metadata did not appear`, {
          retriable: true,
          details: { topics: [topic] },
        });
      }
      await new Promise((r) => setTimeout(r, METADATA_RETRY_MS));
    }
  };

  return {
    partitionCount: (topic) => counts.get(topic),
    maxMessageBytes: (topic) => limits.get(topic),
    ensure(topic) {
      const known = counts.get(topic);
      if (known !== undefined) return Promise.resolve(known);
      let inFlight = pending.get(topic);
      if (inFlight === undefined) {
        inFlight = resolve(topic).then(
          async (n) => {
            await readLimit(topic);
            counts.set(topic, n);
            pending.delete(topic);
            return n;
          },
          (error: unknown) => {
            // Not cached: the next ensure tries again.
            pending.delete(topic);
            throw error;
          },
        );
        pending.set(topic, inFlight);
      }
      return inFlight;
    },
  };
}

/** A replication factor above the broker count is the usual mistake: name the property to change. */
function refusedOverride(error: unknown, topic: string, override: TopicOverride): unknown {
  if (!(error instanceof BinlogdError) || error.details['kafkaError'] !== 'INVALID_REPLICATION_FACTOR') return error;
  return new BinlogdError(error.code, `Kafka refused to create topic ${topic} with replication factor ${override.replicationFactor} ` +
    `(${override.property}; Kafka Connect's default is 3): set ${override.property} to at most the number of brokers, or -1 for the broker's default.replication.factor`, {
    retriable: false, cause: error, details: { ...error.details },
  });
}

/** Kafka answers a name it cannot take, or one that collides with an existing topic, with INVALID_TOPIC_EXCEPTION. */
function refusedName(error: unknown, topic: string): unknown {
  if (!(error instanceof BinlogdError) || error.details['kafkaError'] !== 'INVALID_TOPIC_EXCEPTION') return error;
  return new BinlogdError('TOPIC_NAME_INVALID', `Kafka refused to create topic ${topic} (INVALID_TOPIC_EXCEPTION): either an existing topic ` +
    'differs from it only in "." versus "_" (Kafka cannot tell those apart), or the name is not one Kafka takes. Rename it with a ' +
    'RegexRouter transform, or leave its table out (table.exclude.list)', { cause: error, details: { ...error.details } });
}
