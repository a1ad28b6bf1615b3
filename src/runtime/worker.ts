// The worker: one process running many connectors, each under its own supervisor (supervisor.ts).
// It owns what they share (the schema registry client, the Kafka settings, the offsets topic) and
// the set of connectors, which the REST API changes at run time; a connector that fails is
// reported and does not stop the others.
import type { ConnectorConfig, WorkerConfig } from '../config/index.js';
import { createOffsetAdmin, type ConnectorOffsetRef, type OffsetAdmin } from '../offsets/offset-admin.js';
import { createOffsetStore } from '../offsets/offset-store.js';
import { createRegistryClient, type RegistryClient } from '../serialize/registry.js';
import { createAvroSerializer } from '../serialize/serializer.js';
import { Connector, transactionalIdOf, type ConnectorServices } from './connector.js';
import type { TargetState } from './connector-state.js';
import type { Logger } from './logger.js';
import { ConnectorSupervisor, type SessionFactory } from './supervisor.js';
import { stopAllSourceLags, stopSourceLag } from './source-lag.js';
import { resetActiveTopics } from './active-topics.js';
import { clusterIdLookup } from './cluster-id.js';
import { serverIdClash, serverIdClashes } from './server-id-clash.js';

export interface Worker {
  readonly connectors: ReadonlyMap<string, ConnectorSupervisor>;
  readonly offsets: OffsetAdmin;
  /** The Kafka cluster's id once known (GET /), null before. */
  kafkaClusterId(): string | null;
  /** True once every connector given at start has made its first start attempt. */
  readonly started: boolean;
  start(): Promise<void>;
  /** Adds and starts a connector; false when the name is taken. Throws CONFIG_INVALID when another connector reads its server with its server id. */
  add(config: ConnectorConfig, target?: TargetState): boolean;
  /** Removes a connector after stopping it (flush, commit); false when there is none. */
  remove(name: string): Promise<boolean>;
  offsetRef(supervisor: ConnectorSupervisor): ConnectorOffsetRef;
  /** Stops every connector (each flushes and commits), then the shared clients. */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  config: WorkerConfig;
  connectors: readonly ConnectorConfig[];
  logger: Logger;
  version: string;
  /** Tests replace the streaming session; default: connector.ts. */
  createSession?: SessionFactory;
}

export function createWorker(options: WorkerOptions): Worker {
  const { config, logger } = options;
  const [clash] = serverIdClashes(options.connectors);
  if (clash) throw clash;
  const kafkaLog = logger.child({ component: 'kafka' });
  const kafka: ConnectorServices['kafka'] = {
    connection: { brokers: config.kafka.brokers, clientId: config.kafka.clientId, ...(config.kafka.sasl ? { sasl: config.kafka.sasl } : {}), ...(config.kafka.ssl === undefined ? {} : { ssl: config.kafka.ssl as boolean }) },
    log: (entry) => kafkaLog[entry.level]({ namespace: entry.namespace, ...entry.fields }, entry.message),
  };
  const registry: RegistryClient = createRegistryClient({ url: config.schemaRegistry.url, ...(config.schemaRegistry.auth ? { auth: config.schemaRegistry.auth } : {}) });
  const serializer = createAvroSerializer(registry);
  const store = createOffsetStore({
    kafka: kafka.connection, topic: config.offsets.topic, partitions: config.offsets.partitions,
    replicationFactor: config.offsets.replicationFactor, log: kafka.log,
  });
  const services: ConnectorServices = { kafka, serializer, offsets: store, logger, version: options.version };
  const createSession: SessionFactory = options.createSession
    ?? ((connector, hooks) => new Connector(connector, services, hooks));
  const connectors = new Map<string, ConnectorSupervisor>();
  const supervise = (connector: ConnectorConfig, target?: TargetState) =>
    new ConnectorSupervisor({ config: connector, createSession, logger, ...(target ? { target } : {}) });
  for (const connector of options.connectors) connectors.set(connector.name, supervise(connector));
  let started = false;
  let stopping = false;

  return {
    connectors,
    offsets: createOffsetAdmin({ store, kafka: kafka.connection, log: kafka.log }),
    kafkaClusterId: clusterIdLookup(kafka.connection),
    get started() {
      return started;
    },
    async start() {
      // Started once each connector's first attempt settled: one that keeps retrying an
      // unreachable server must not keep /health at "starting" forever.
      await Promise.all([...connectors.values()].map((supervisor) => Promise.race([supervisor.start(), supervisor.firstSettled])));
      started = true;
    },
    add(connector, target) {
      if (connectors.has(connector.name) || stopping) return false;
      const clash = serverIdClash(connector, [...connectors.values()].map((s) => s.config));
      if (clash) throw clash;
      const supervisor = supervise(connector, target);
      connectors.set(connector.name, supervisor);
      void supervisor.start();
      return true;
    },
    async remove(name) {
      const supervisor = connectors.get(name);
      if (!supervisor) return false;
      connectors.delete(name);
      await supervisor.close({ forget: true });
      await stopSourceLag(name);
      resetActiveTopics(name);
      return true;
    },
    offsetRef(supervisor) {
      const { name, topics, delivery } = supervisor.config;
      return { name, server: topics.prefix, ...(delivery.exactlyOnce ? { transactionalId: transactionalIdOf(name) } : {}) };
    },
    async stop() {
      stopping = true;
      await Promise.all([...connectors.values()].map((supervisor) => supervisor.close()));
      await stopAllSourceLags();
      registry.close();
      await store.close();
    },
  };
}
