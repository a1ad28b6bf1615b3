// One connector's lifecycle: check the server, connect the stages (binlog client → pipeline →
// serializer → Kafka sink) and keep the binlog connection up, reconnecting with jittered backoff
// from the last transaction it finished reading. Start and stop are symmetric.
//
// Delivery: exactly once by default, the offset record riding in each Kafka transaction of the
// sink (threaded-sink.ts, transactional.id `binlogd-<connector name>`); with
// exactly.once.support=false, at least once: the last acknowledged offset is written every second
// and at shutdown, after the records it covers.
import type { ConnectorConfig } from '../config/index.js';
import { BinlogdError, asBinlogdError } from '../errors.js';
import * as metrics from '../metrics/registry.js';
import type { AvroSerializer } from '../serialize/serializer.js';
import type { KafkaSink } from '../sink/batcher.js';
import type { KafkaConnectionConfig, KafkaLogFn } from '../sink/kafka-client.js';
import { startThreadedKafkaSink } from '../sink/threaded-sink.js';
import { createBinlogClient, type BinlogClient } from '../source/binlog-client.js';
import { readServerFacts, serverProblems } from '../source/server-checks.js';
import { accountOf, endpointOf, openSqlClient, type SqlClient, type SqlEndpoint } from '../source/sql-client.js';
import type { OffsetStore } from '../offsets/offset-store.js';
import { parseOffset, type SourceOffset } from '../offsets/source-offset.js';
import type { ResumePoint } from '../offsets/position-tracker.js';
import { backoffDelay, sleep } from './backoff.js';
import { notYetApplied } from './not-yet-applied.js';
import type { Logger } from './logger.js';
import { attachSourceLag, type SourceLagSession } from './source-lag.js';
import { StreamingPipeline, type RecordSerializer } from './streaming-pipeline.js';
import { createTableResolver } from './table-resolver.js';

export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'FAILED' | 'STOPPED';

export interface ConnectorServices {
  offsets: OffsetStore;
  /** Each connector's sink thread makes its own Kafka client from these. */
  kafka: { connection: KafkaConnectionConfig; log: KafkaLogFn };
  serializer: AvroSerializer;
  logger: Logger;
  version: string;
}

const RECONNECT = { initialMs: 500, maxMs: 30_000 };
/** How often the last acknowledged position is written to the offsets topic. */
const OFFSET_FLUSH_INTERVAL_MS = 1000;

export class Connector {
  state: ConnectorState = 'UNASSIGNED';
  failure: BinlogdError | null = null;
  private readonly log: Logger;
  private readonly endpoint: SqlEndpoint;
  private readonly stopping = new AbortController();
  private sql: SqlClient | null = null;
  private sink: KafkaSink | null = null;
  private client: BinlogClient | null = null;
  private pipeline: StreamingPipeline | null = null;
  private reconnecting: Promise<void> | null = null;
  private sourceLag: SourceLagSession | null = null;
  /** The offset of the last record Kafka acknowledged, and the last one written to the offsets topic. */
  private acked: SourceOffset | undefined;
  private written: SourceOffset | undefined;
  private offsetTimer: NodeJS.Timeout | undefined;

  constructor(readonly config: ConnectorConfig, private readonly services: ConnectorServices) {
    this.log = services.logger.child({ connector: config.name });
    this.endpoint = endpointOf(config.database);
  }

  async start(): Promise<void> {
    const { config } = this;
    for (const gap of notYetApplied(config)) this.log.warn(gap);
    try {
      this.sql = await openSqlClient(this.endpoint);
      const facts = await readServerFacts(this.sql);
      const findings = serverProblems(facts, accountOf(this.endpoint));
      for (const finding of findings.filter((f) => f.severity === 'warning')) this.log.warn({ subject: finding.subject }, finding.message);
      const errors = findings.filter((f) => f.severity === 'error');
      if (errors.length > 0) {
        throw new BinlogdError(errors[0]!.code, `MariaDB ${this.endpoint.host}:${this.endpoint.port} cannot be captured from:\n- ${errors.map((e) => e.message).join('\n- ')}`);
      }

      // The producer and admin client live on the sink's own thread (threaded-sink.ts).
      const creation = config.connect.topicCreation.default;
      const { offsets } = this.services;
      // Connecting a transactional producer fences an older instance and aborts its open
      // transaction, so the stored offset read after this (resumePoint) is final.
      this.sink = await startThreadedKafkaSink({
        ...this.services.kafka,
        creation: { partitions: creation.partitions ?? -1, replicationFactor: creation.replicationFactor ?? -1, configs: { ...creation.configs } },
        onAck: (records) => {
          for (let i = records.length - 1; i >= 0; i--) {
            const token = records[i]!.ackToken as SourceOffset | undefined;
            if (token) { this.acked = token; break; }
          }
          this.sourceLag?.acked(records);
        },
        onError: (error) => this.fail(error),
        ...(config.delivery.exactlyOnce ? {
          transactional: {
            transactionalId: this.transactionalId,
            offsetRecord: (token: unknown) => offsets.offsetRecord(config.name, config.topics.prefix, { ...(token as SourceOffset) }),
          },
        } : {}),
      });
      const sink = this.sink;
      this.pipeline = new StreamingPipeline({
        envelope: {
          identity: { version: this.services.version, name: config.topics.prefix },
          tombstonesOnDelete: config.events.tombstonesOnDelete,
          provideTransactionMetadata: config.events.provideTransactionMetadata,
          contextHeaders: config.events.extendedHeadersEnabled ? {
            '__debezium.context.connectorLogicalName': Buffer.from(config.topics.prefix),
            '__debezium.context.taskId': Buffer.from('0'),
            '__debezium.context.connectorName': Buffer.from('mariadb'),
            '__debezium.context.runId': Buffer.from(crypto.randomUUID()),
          } : {},
        },
        tables: createTableResolver({ sql: this.sql, config }),
        serializer: this.tableSerializers(),
        sink: { send: (record) => sink.send(record) },
        counters: this.counters(),
        queueCapacity: config.queue.maxQueueSize,
        start: await this.resumePoint(facts.gtidBinlogPos),
        pauseSource: () => this.client?.pause(),
        resumeSource: () => this.client?.resume(),
        onError: (error) => this.fail(asBinlogdError(error)),
      });
      metrics.queueCapacity.set({ connector: config.name }, config.queue.maxQueueSize);
      const pipeline = this.pipeline;
      this.sourceLag = attachSourceLag({
        connector: config.name, endpoint: this.endpoint, log: this.log,
        progress: { gtids: () => pipeline.position, lastRead: () => pipeline.lastRead, stored: () => this.acked, queuedEvents: () => pipeline.queuedEvents },
      });
      await this.connectBinlog();
      if (!config.delivery.exactlyOnce) this.offsetTimer = setInterval(() => this.writeOffset(), OFFSET_FLUSH_INTERVAL_MS);
      this.state = 'RUNNING';
      this.log.info({ position: this.pipeline.position, topicPrefix: config.topics.prefix }, 'streaming');
    } catch (error) {
      this.fail(asBinlogdError(error));
      await this.release();
      throw this.failure;
    }
  }

  /** For the periodic log summary: position and queue, plus the failure if any. */
  summary(): Record<string, unknown> {
    return {
      position: this.pipeline?.position,
      queuedEvents: this.pipeline?.queuedEvents,
      ...(this.failure ? { error: this.failure.message, code: this.failure.code } : {}),
    };
  }

  /** Stops reading, hands every read event to Kafka and waits for its acknowledgements. */
  async stop(): Promise<void> {
    if (this.state === 'STOPPED') return;
    this.stopping.abort(new BinlogdError('INTERNAL', 'connector stopping'));
    await this.client?.stop();
    await this.reconnecting?.catch(() => undefined);
    await this.pipeline?.idle();
    await this.sink?.flush().catch((error) => this.log.error({ err: error }, 'records not acknowledged at shutdown'));
    if (this.state !== 'FAILED' && !this.config.delivery.exactlyOnce && this.writeOffset()) {
      await this.pipeline?.idle();
      await this.sink?.flush().catch((error) => this.log.error({ err: error }, 'the last offset was not acknowledged at shutdown'));
    }
    await this.release();
    if (this.state !== 'FAILED') this.state = 'STOPPED';
    this.log.info({ position: this.pipeline?.position }, 'stopped');
  }

  /** One per connector name: a second instance of the connector fences the first. */
  private get transactionalId(): string {
    return `binlogd-${this.config.name}`;
  }

  /** The stored offset of this connector, or the server's current end when there is none. */
  private async resumePoint(serverEnd: string): Promise<ResumePoint> {
    const { offsets } = this.services;
    const { name, topics } = this.config;
    const stored = await offsets.latest(name, topics.prefix);
    if (!stored) {
      this.log.info({ gtids: serverEnd }, 'no stored offset: reading from the current end of the binlog');
      return { gtids: serverEnd };
    }
    let offset: SourceOffset;
    try {
      offset = parseOffset(stored);
    } catch (error) {
      throw new BinlogdError('CONFIG_INVALID', `the stored offset of ${name} in ${offsets.topic} cannot be resumed from: ${(error as Error).message}; reset it (DELETE /connectors/${name}/offsets when the REST API lands, or a tombstone for its key)`, { cause: error });
    }
    if (offset.gtids === undefined) {
      throw new BinlogdError('CONFIG_INVALID', `the stored offset of ${name} has no GTID set (file ${offset.file}, pos ${offset.pos}); binlogd resumes MariaDB by GTID only`);
    }
    this.acked = this.written = offset;
    this.log.info({ offset }, 'resuming from the stored offset');
    return { gtids: offset.gtids, ...(offset.event ? { event: offset.event } : {}), ...(offset.row ? { row: offset.row } : {}) };
  }

  /** Queues the last acknowledged offset for the offsets topic if it moved; true when it did. */
  private writeOffset(): boolean {
    const offset = this.acked;
    if (!offset || offset === this.written || !this.pipeline) return false;
    const { name, topics } = this.config;
    this.pipeline.sendInOrder(this.services.offsets.offsetRecord(name, topics.prefix, { ...offset }));
    this.written = offset;
    return true;
  }

  private async connectBinlog(): Promise<void> {
    const pipeline = this.pipeline!;
    this.client = createBinlogClient({
      endpoint: this.endpoint,
      serverId: this.config.database.serverId,
      gtidPosition: pipeline.position,
      requestAnnotateRows: this.config.events.includeQuery,
    });
    await this.client.start(pipeline.push, (error) => this.onSourceError(error));
    metrics.connected.set({ connector: this.config.name }, 1);
  }

  private onSourceError(error: BinlogdError): void {
    metrics.connected.set({ connector: this.config.name }, 0);
    metrics.errorsTotal.inc({ connector: this.config.name, kind: error.code });
    if (!error.retriable || this.stopping.signal.aborted) {
      this.fail(error);
      return;
    }
    if (this.reconnecting) return;
    this.reconnecting = this.reconnect(error).finally(() => { this.reconnecting = null; });
  }

  /** Resumes after the last transaction the pipeline finished, so nothing read is read twice. */
  private async reconnect(cause: BinlogdError): Promise<void> {
    this.log.warn({ err: cause }, 'lost the binlog connection; reconnecting');
    await this.client?.stop();
    await this.pipeline!.idle();
    this.pipeline!.discardPartialTransaction();
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        await sleep(backoffDelay(attempt, RECONNECT), this.stopping.signal);
        await this.connectBinlog();
        this.log.info({ position: this.pipeline!.position, attempts: attempt + 1 }, 'reconnected to the binlog');
        return;
      } catch (error) {
        const mapped = asBinlogdError(error);
        if (this.stopping.signal.aborted) return;
        if (!mapped.retriable) return this.fail(mapped);
        this.log.warn({ err: mapped, attempt: attempt + 1 }, 'binlog reconnect failed; retrying');
      }
    }
  }

  private fail(error: BinlogdError): void {
    if (this.state === 'FAILED') return;
    this.state = 'FAILED';
    this.failure = error;
    metrics.errorsTotal.inc({ connector: this.config.name, kind: error.code });
    this.log.error({ err: error, code: error.code, position: this.pipeline?.position }, `connector failed: ${error.message}`);
    if (error.code === 'KAFKA_FENCED') {
      this.log.error(
        { code: error.code, transactionalId: this.transactionalId },
        `another instance of connector ${this.config.name} took over its Kafka transactional.id ${this.transactionalId}: this instance stopped writing and stays FAILED; stop it`,
      );
    }
    void this.client?.stop();
  }

  private async release(): Promise<void> {
    clearInterval(this.offsetTimer);
    this.sourceLag?.detach();
    await this.client?.stop();
    metrics.connected.set({ connector: this.config.name }, 0);
    await this.sink?.close().catch(() => undefined);
    await this.sql?.close();
  }

  private tableSerializers(): RecordSerializer {
    const { serializer } = this.services;
    return {
      async prepare(topic, keySchema, valueSchema) {
        const key = keySchema ? await serializer.prepareKey(topic, keySchema) : null;
        const value = await serializer.prepareValue(topic, valueSchema);
        return {
          key: (struct) => (key && struct ? key.serialize(struct) : null),
          value: (struct) => (struct ? value.serialize(struct) : null),
        };
      },
    };
  }

  private counters() {
    const connector = this.config.name;
    return {
      onChange: (db: string, table: string, op: string, rows: number) => metrics.eventsTotal.inc({ connector, table: `${db}.${table}`, op }, rows),
      onTransaction: () => metrics.transactionsTotal.inc({ connector }),
      onEventRead: (timestampMs: number) => metrics.lastEventTimestamp.set({ connector }, timestampMs / 1000),
    };
  }
}
