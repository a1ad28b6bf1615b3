// KIP-875 for binlogd: read, alter and reset a connector's stored offset (GET|PATCH|DELETE
// /connectors/{n}/offsets). The REST layer only calls this while the connector is STOPPED, as
// Connect requires, so no session of this worker writes the offset at the same time. An
// exactly-once connector's offset is written under its own transactional.id, which fences any
// other instance still running it elsewhere (Connect fences zombies the same way before altering).
import { BinlogdError } from '../errors.js';
import { createKafkaClient, type KafkaConnectionConfig, type KafkaLogFn } from '../sink/kafka-client.js';
import type { OffsetStore } from './offset-store.js';
import { parseOffset } from './source-offset.js';

export interface ConnectorOffsetRef {
  /** The connector name (first element of the offsets-topic key). */
  name: string;
  /** topic.prefix: the source partition is {"server": <topic.prefix>}. */
  server: string;
  /** Set for exactly-once connectors: the offset is written in a transaction under this id. */
  transactionalId?: string;
}

export interface OffsetAdmin {
  /** The stored offset map, or undefined. */
  read(ref: ConnectorOffsetRef): Promise<Record<string, unknown> | undefined>;
  /** Writes `offset` (checked first: it must be resumable), or a tombstone for null. */
  write(ref: ConnectorOffsetRef, offset: Readonly<Record<string, unknown>> | null): Promise<void>;
}

export function createOffsetAdmin(options: { store: OffsetStore; kafka: KafkaConnectionConfig; log?: KafkaLogFn }): OffsetAdmin {
  const { store } = options;
  return {
    read: (ref) => store.latest(ref.name, ref.server),
    async write(ref, offset) {
      if (offset !== null) checkOffset(offset);
      await store.ensureTopic();
      const record = store.offsetRecord(ref.name, ref.server, offset);
      const message = { key: record.key, value: record.value, partition: record.partition };
      const producer = createKafkaClient(options.kafka, { ...(options.log ? { log: options.log } : {}) })
        .createProducer(ref.transactionalId === undefined ? {} : { transactionalId: ref.transactionalId });
      try {
        await producer.connect();
        if (ref.transactionalId === undefined) {
          await producer.sendBatch([{ topic: record.topic, messages: [message] }]);
        } else {
          const transaction = await producer.beginTransaction();
          try {
            await transaction.sendBatch([{ topic: record.topic, messages: [message] }]);
            await transaction.commit();
          } catch (error) {
            await transaction.abort().catch(() => undefined);
            throw error;
          }
        }
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    },
  };
}

/** An offset binlogd could not resume from is refused up front, naming what is wrong. */
function checkOffset(offset: Readonly<Record<string, unknown>>): void {
  let parsed;
  try {
    parsed = parseOffset(offset);
  } catch (error) {
    throw new BinlogdError('CONFIG_INVALID', `the offset cannot be resumed from: ${(error as Error).message}`, { cause: error });
  }
  if (parsed.gtids === undefined) {
    throw new BinlogdError('CONFIG_INVALID', 'the offset has no "gtids": binlogd resumes MariaDB by GTID; give the GTID set of the last transaction to skip, e.g. "gtids":"0-1-1042"');
  }
  for (const [key, value] of Object.entries(offset)) {
    if (value !== null && typeof value === 'object') {
      throw new BinlogdError('CONFIG_INVALID', `offset key ${key} holds ${Array.isArray(value) ? 'an array' : 'an object'}; offset values must be primitives (Connect's OffsetUtils rule)`);
    }
  }
}
