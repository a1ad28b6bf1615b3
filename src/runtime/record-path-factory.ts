// Builds one connector's record path from its config: the transforms chain, the key and value
// converters (a connector-specific schema registry when `*.converter.schema.registry.url` is set),
// and the error policy.
import type { ConnectorConfig } from '../config/index.js';
import { createConverter } from '../serialize/converters.js';
import { createRegistryClient, type RegistryClient } from '../serialize/registry.js';
import { createAvroSerializer, type AvroSerializer } from '../serialize/serializer.js';
import { buildChain } from '../transforms/chain.js';
import { ErrorPolicy } from './error-policy.js';
import type { Logger } from './logger.js';
import { RecordPath } from './record-path.js';
import type { TopicLimits } from '../sink/topic-limits.js';

/** The Java producer's default max.request.size. */
const DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

export interface RecordPathSetup {
  path: RecordPath;
  /** Closes the connector's own registry clients, if any. */
  close(): void;
}

export function createRecordPath(config: ConnectorConfig, services: { serializer: AvroSerializer; log: Logger; topicLimits?: TopicLimits }): RecordPathSetup {
  const clients: RegistryClient[] = [];
  const own = new Map<string, AvroSerializer>();
  const avroFor = (kind: 'key' | 'value') => (): AvroSerializer => {
    const converter = config.connect.converters[kind];
    if (converter.class !== 'io.confluent.connect.avro.AvroConverter' || converter.registryUrl === undefined) return services.serializer;
    let serializer = own.get(converter.registryUrl);
    if (serializer === undefined) {
      const client = createRegistryClient({ url: converter.registryUrl, ...(converter.auth ? { auth: { ...converter.auth } } : {}) });
      clients.push(client);
      serializer = createAvroSerializer(client);
      own.set(converter.registryUrl, serializer);
    }
    return serializer;
  };
  const maxRequest = Number(config.connect.producerOverrides['max.request.size'] ?? DEFAULT_MAX_REQUEST_SIZE);
  const maxRecordBytes = Number.isFinite(maxRequest) && maxRequest > 0 ? maxRequest : DEFAULT_MAX_REQUEST_SIZE;
  const { errors } = config.connect;
  const path = new RecordPath({
    transforms: buildChain(config.transforms, { warn: (message, details) => services.log.warn(details ?? {}, message) }),
    key: createConverter('key', config.connect.converters.key, avroFor('key')),
    value: createConverter('value', config.connect.converters.value, avroFor('value')),
    maxRecordBytes,
    ...(services.topicLimits ? { topicLimits: services.topicLimits } : {}),
    errors: new ErrorPolicy({
      connector: config.name,
      tolerance: errors.tolerance,
      logEnable: errors.logEnable,
      logIncludeMessages: errors.logIncludeMessages,
      ...(errors.deadLetterQueue ? { deadLetterQueue: errors.deadLetterQueue } : {}),
      eventProcessing: config.events.eventProcessingFailureHandlingMode,
      maxRecordBytes,
      log: services.log,
    }),
  });
  return {
    path,
    close: () => {
      for (const client of clients) client.close();
      void services.topicLimits?.close();
    },
  };
}
