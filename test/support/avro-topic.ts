// Reads what binlogd wrote to a topic and decodes it through the schema registry, keeping the
// registered schema of each record so tests can compare schemas as well as values.
import { Kafka, logLevel } from 'kafkajs';
import { createRegistryClient } from '../../src/serialize/registry.js';
import { loadStackEnv, uniqueName } from './stack-env.js';

export interface DecodedRecord {
  topic: string;
  partition: number;
  key: unknown;
  value: unknown;
  keySchemaId: number | null;
  valueSchemaId: number | null;
  headers: Record<string, string>;
}

/**
 * Waits until `topic` holds at least `count` records (or the timeout), then returns them all,
 * decoded. `brokers`: another Kafka than the shared stack's; the registry is always the shared one.
 */
export async function readAvroTopic(topic: string, count: number, timeoutMs = 30_000, brokers?: string[]): Promise<DecodedRecord[]> {
  const env = loadStackEnv();
  const kafka = new Kafka({ brokers: brokers ?? env.kafkaBrokers, clientId: 'binlogd-test-reader', logLevel: logLevel.NOTHING });
  const registry = createRegistryClient({ url: env.schemaRegistryUrl });
  const raw: Array<{ topic: string; partition: number; key: Buffer | null; value: Buffer | null; headers: Record<string, string> }> = [];
  // binlogd creates the topic with its first record: wait for it rather than subscribe to nothing.
  const admin = kafka.admin();
  await admin.connect();
  const appears = Date.now() + timeoutMs;
  let exists = false;
  while (!(exists = (await admin.listTopics()).includes(topic)) && Date.now() < appears) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await admin.disconnect();
  if (!exists) {
    if (count > 0) throw new Error(`topic ${topic} did not appear within ${timeoutMs} ms`);
    registry.close();
    return [];
  }
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        raw.push({ topic, partition, key: message.key, value: message.value, headers });
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (raw.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // A short grace period shows records beyond the expected count, should there be any.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await consumer.disconnect();
  }
  const decoded: DecodedRecord[] = [];
  for (const r of raw) {
    decoded.push({
      topic: r.topic, partition: r.partition, headers: r.headers,
      key: r.key ? await registry.decode(r.key) : null,
      value: r.value ? await registry.decode(r.value) : null,
      keySchemaId: r.key ? r.key.readInt32BE(1) : null,
      valueSchemaId: r.value ? r.value.readInt32BE(1) : null,
    });
  }
  registry.close();
  return decoded;
}

/** The schema text the registry holds under an id. */
export async function registeredSchema(id: number): Promise<string> {
  const response = await fetch(`${loadStackEnv().schemaRegistryUrl}/schemas/ids/${id}`);
  if (!response.ok) throw new Error(`registry: schema ${id}: ${response.status}`);
  return ((await response.json()) as { schema: string }).schema;
}

/** A decoded Avro value in JsonConverter's rendering: int64 as number, bytes as base64. */
export function asJsonPayload(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(asJsonPayload);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = asJsonPayload(v);
    return out;
  }
  return value;
}
