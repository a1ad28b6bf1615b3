import { createKafkaClient, type KafkaAdmin, type KafkaConnectionConfig } from '../../src/sink/kafka-client.js';

/** Runs `fn` with a connected admin client; topics it lists in `created` are deleted afterwards. */
export async function withKafkaAdmin<T>(connection: KafkaConnectionConfig, fn: (admin: KafkaAdmin, created: string[]) => Promise<T>): Promise<T> {
  const admin = createKafkaClient(connection).createAdmin();
  await admin.connect();
  const created: string[] = [];
  try {
    return await fn(admin, created);
  } finally {
    if (created.length > 0) await admin.deleteTopics(created).catch(() => {});
    await admin.disconnect();
  }
}
