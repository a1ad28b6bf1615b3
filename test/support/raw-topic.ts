// Reads a topic's raw records back with a plain kafkajs consumer (read_committed), independent of
// binlogd's own Kafka code: what the sink tests check the sink against.
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { partitionForKey } from '../../src/sink/murmur2.js';
import { loadStackEnv, uniqueName } from './stack-env.js';

export interface RawRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Reads a topic from the beginning until `expected` records arrived; `brokers`: another Kafka than the shared one. */
export async function readRawTopic(topic: string, expected: number, timeoutMs = 60_000, brokers?: string[]): Promise<RawRecord[]> {
  const kafka = new Kafka({ brokers: brokers ?? loadStackEnv().kafkaBrokers, clientId: 'raw-topic-reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('raw_reader') });
  const out: RawRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${expected} records from ${topic}`)), timeoutMs);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(m.headers ?? {})) headers[name] = String(value);
            out.push({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers });
          }
          if (out.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** An Avro-framed key as the serializer writes it: magic 0, schema id 1, zigzag varint of the id. */
export function avroKey(id: number): Buffer {
  const bytes = [0, 0, 0, 0, 1];
  let z = id * 2;
  while (z > 0x7f) {
    bytes.push((z & 0x7f) | 0x80);
    z = Math.floor(z / 128);
  }
  bytes.push(z);
  return Buffer.from(bytes);
}

/**
 * Checks records written as JSON `{id, seq}` values under `avroKey(id)`: each sits in the partition
 * murmur2 gives its key, and each key's seq runs 0, 1, 2, … exactly once (records are read per
 * partition in offset order). `each` adds checks per record. Returns the last seq per key and the
 * partitions used.
 */
export function checkKeyedSequence(read: readonly RawRecord[], partitions: number, each?: (record: RawRecord) => void): {
  lastSeq: Map<number, number>;
  partitionsUsed: Set<number>;
} {
  const lastSeq = new Map<number, number>();
  const partitionsUsed = new Set<number>();
  for (const r of read) {
    const { id, seq } = JSON.parse(r.value!.toString()) as { id: number; seq: number };
    assert.deepEqual(r.key, avroKey(id));
    assert.equal(r.partition, partitionForKey(r.key!, partitions), `key ${id} in its murmur2 partition`);
    partitionsUsed.add(r.partition);
    assert.equal(seq, (lastSeq.get(id) ?? -1) + 1, `key ${id}: seq ${seq} after ${lastSeq.get(id)}`);
    lastSeq.set(id, seq);
    each?.(r);
  }
  return { lastSeq, partitionsUsed };
}
