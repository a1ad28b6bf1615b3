// The Kafka cluster id that GET / reports (Connect's kafka_cluster_id). Looked up once in the
// background and cached; until it is known (or while Kafka is unreachable) the answer is null and
// a later request tries again, so the REST API never waits on Kafka.
import { createKafkaClient, type KafkaAdmin, type KafkaConnectionConfig } from '../sink/kafka-client.js';

const RETRY_AFTER_MS = 10_000;

export function clusterIdLookup(
  connection: KafkaConnectionConfig,
  createAdmin: () => KafkaAdmin = () => createKafkaClient(connection).createAdmin(),
): () => string | null {
  let known: string | null = null;
  let inFlight = false;
  let lastTry = -Infinity;
  const lookUp = async (): Promise<void> => {
    const admin = createAdmin();
    try {
      await admin.connect();
      known = await admin.clusterId();
    } catch {
      // null until a later request succeeds: GET / must answer without Kafka.
    } finally {
      inFlight = false;
      await admin.disconnect().catch(() => undefined);
    }
  };
  return () => {
    if (known === null && !inFlight && Date.now() - lastTry >= RETRY_AFTER_MS) {
      inFlight = true;
      lastTry = Date.now();
      void lookUp();
    }
    return known;
  };
}
