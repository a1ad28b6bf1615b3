// The broker refuses a record batch larger than its topic's max.message.bytes (MESSAGE_TOO_LARGE),
// which can be far below the producer's max.request.size. Knowing each topic's limit before a record
// is sent lets an oversized record fail like the producer's own size check: per errors.tolerance,
// with its table and position, to the dead letter topic, instead of failing the whole batch.
import type { KafkaAdmin } from './kafka-client.js';

export interface TopicLimits {
  /** A topic's max.message.bytes once looked up: null when unknown, undefined before the lookup. */
  known(topic: string): number | null | undefined;
  /** Looks the limit up (never rejects: an unknown limit leaves the broker to decide). */
  lookUp(topic: string): Promise<void>;
  close(): Promise<void>;
}

export interface TopicLimitsOptions {
  admin: Pick<KafkaAdmin, 'connect' | 'disconnect' | 'fetchPartitionCounts' | 'describeTopicConfigs'>;
  /** max.message.bytes the connector creates missing topics with (topic.creation.default.*), if set. */
  creationLimit?: number;
}

export function createTopicLimits(options: TopicLimitsOptions): TopicLimits {
  const { admin } = options;
  const limits = new Map<string, number | null>();
  const pending = new Map<string, Promise<void>>();
  let connected: Promise<void> | undefined;

  const read = async (topic: string): Promise<number | null> => {
    await (connected ??= admin.connect());
    const exists = (await admin.fetchPartitionCounts([topic])).has(topic);
    if (!exists) return options.creationLimit ?? null;
    const value = Number((await admin.describeTopicConfigs(topic, ['max.message.bytes']))['max.message.bytes']);
    return Number.isInteger(value) && value > 0 ? value : null;
  };

  return {
    known: (topic) => limits.get(topic),
    lookUp(topic) {
      let inFlight = pending.get(topic);
      if (inFlight === undefined) {
        inFlight = read(topic).catch(() => null).then((limit) => {
          limits.set(topic, limit);
          pending.delete(topic);
        });
        pending.set(topic, inFlight);
      }
      return inFlight;
    },
    async close() {
      if (connected === undefined) return;
      await connected.catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    },
  };
}
