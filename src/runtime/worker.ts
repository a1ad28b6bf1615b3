// The worker: one process running many connectors. It owns what they share (the schema registry
// client, the Kafka settings); a connector that fails is reported and does not stop the others.
import type { ConnectorConfig, WorkerConfig } from '../config/index.js';
import { createRegistryClient, type RegistryClient } from '../serialize/registry.js';
import { createAvroSerializer } from '../serialize/serializer.js';
import { createOffsetStore } from '../offsets/offset-store.js';
import { Connector, type ConnectorServices } from './connector.js';
import type { Logger } from './logger.js';
import { stopAllSourceLags } from './source-lag.js';

export interface Worker {
  readonly connectors: ReadonlyMap<string, Connector>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createWorker(options: { config: WorkerConfig; connectors: readonly ConnectorConfig[]; logger: Logger; version: string }): Worker {
  const { config, logger } = options;
  const kafkaLog = logger.child({ component: 'kafka' });
  const kafka: ConnectorServices['kafka'] = {
    connection: { brokers: config.kafka.brokers, clientId: config.kafka.clientId, ...(config.kafka.sasl ? { sasl: config.kafka.sasl } : {}), ...(config.kafka.ssl === undefined ? {} : { ssl: config.kafka.ssl as boolean }) },
    log: (entry) => kafkaLog[entry.level]({ namespace: entry.namespace, ...entry.fields }, entry.message),
  };
  const registry: RegistryClient = createRegistryClient({ url: config.schemaRegistry.url, ...(config.schemaRegistry.auth ? { auth: config.schemaRegistry.auth } : {}) });
  const serializer = createAvroSerializer(registry);
  const offsets = createOffsetStore({
    kafka: kafka.connection, topic: config.offsets.topic, partitions: config.offsets.partitions,
    replicationFactor: config.offsets.replicationFactor, log: kafka.log,
  });
  const connectors = new Map(options.connectors.map((c) => [c.name, new Connector(c, { kafka, serializer, offsets, logger, version: options.version })]));

  return {
    connectors,
    async start() {
      await Promise.all([...connectors.values()].map((connector) => connector.start().catch(() => undefined)));
    },
    async stop() {
      await Promise.all([...connectors.values()].map((connector) => connector.stop()));
      await stopAllSourceLags();
      registry.close();
      await offsets.close();
    },
  };
}
