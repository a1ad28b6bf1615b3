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
import { createBinlogClient, type BinlogClient } from '../source/binlog-client.js';
import { createCurrentTableDefinitions } from '../source/current-table-definitions.js';
import { gtidSourceFilter, type GtidSourceFilter } from '../source/gtid-filter.js';
import { endpointOf, openSqlClient, type SqlClient, type SqlEndpoint } from '../source/sql-client.js';
import type { OffsetStore } from '../offsets/offset-store.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { ResumePoint } from '../offsets/position-tracker.js';
import { backoffDelay, sleep } from './backoff.js';
import type { BlockingSnapshot } from './blocking-snapshot.js';
import { Heartbeat } from './heartbeat.js';
import type { IncrementalSnapshot } from './incremental-snapshot.js';
import type { KafkaSignalChannel } from './kafka-signals.js';
import { acceptedWithoutEffect, notYetApplied } from './not-yet-applied.js';
import { explainPositionLost, startPosition } from './start-position.js';
import { SnapshotPhase } from './snapshot-phase.js';
import type { SnapshotProgressReport } from './snapshot-progress.js';
import type { Logger } from './logger.js';
import { attachSourceLag, type SourceLagSession } from './source-lag.js';
import { createRecordPath, type RecordPathSetup } from './record-path-factory.js';
import type { OutgoingRecord, StreamingPipeline } from './streaming-pipeline.js';
import { createTableResolver } from './table-resolver.js';
import { createStreamingSession } from './streaming-session.js';
import { SchemaHistory } from '../schema-history/schema-history.js';
import { checkSource, envelopeOptionsFor, startSessionSink } from './session-setup.js';

/** One session's own state; the connector's public state is the supervisor's (connector-state.ts). */
export type SessionState = 'UNASSIGNED' | 'RUNNING' | 'FAILED' | 'STOPPED';

/** How a connector reports to its supervisor (supervisor.ts SessionHooks). */
export interface ConnectorHooks {
  onFailure?(error: BinlogdError): void;
  /** Connected to MariaDB and Kafka: the snapshot (if any) starts now, streaming after it. */
  onRunning?(): void;
}

export interface ConnectorServices {
  offsets: OffsetStore;
  /** Each connector's sink thread makes its own Kafka client from these. */
  kafka: { connection: KafkaConnectionConfig; log: KafkaLogFn };
  serializer: AvroSerializer;
  logger: Logger;
  version: string;
}

/** One per connector name: a second instance of the connector fences the first. */
export function transactionalIdOf(connectorName: string): string {
  return `binlogd-${connectorName}`;
}

const RECONNECT = { initialMs: 500, maxMs: 30_000 };
/** How often the last acknowledged position is written to the offsets topic. */
const OFFSET_FLUSH_INTERVAL_MS = 1000;

export class Connector {
  state: SessionState = 'UNASSIGNED';
  failure: BinlogdError | null = null;
  private readonly log: Logger;
  private readonly endpoint: SqlEndpoint;
  private readonly stopping = new AbortController();
  private sql: SqlClient | null = null;
  private history: SchemaHistory | null = null;
  private sink: KafkaSink | null = null;
  private client: BinlogClient | null = null;
  private pipeline: StreamingPipeline | null = null;
  private reconnecting: Promise<void> | null = null;
  private sourceLag: SourceLagSession | null = null;
  /** The offset of the last record Kafka acknowledged, and the last one written to the offsets topic. */
  private acked: SourceOffset | undefined;
  private written: SourceOffset | undefined;
  private offsetTimer: NodeJS.Timeout | undefined;
  private readonly gtidFilter: GtidSourceFilter | undefined;
  private snapshot: SnapshotPhase | null = null;
  private blocking: BlockingSnapshot | null = null;
  private snapshotRun: Promise<unknown> | null = null;
  /** Transforms, converters and error policy between the envelope and the sink. */
  private recordPath: RecordPathSetup | null = null;
  private heartbeat: Heartbeat | null = null;
  private incremental: IncrementalSnapshot | undefined;
  private kafkaSignals: KafkaSignalChannel | undefined;

  constructor(readonly config: ConnectorConfig, private readonly services: ConnectorServices, private readonly hooks: ConnectorHooks = {}) {
    this.log = services.logger.child({ connector: config.name });
    this.endpoint = endpointOf(config.database);
    this.gtidFilter = gtidSourceFilter({ includes: config.filters.gtidSourceIncludes, excludes: config.filters.gtidSourceExcludes });
  }

  async start(): Promise<void> {
    const { config } = this;
    for (const gap of notYetApplied(config)) this.log.warn(gap);
    for (const note of acceptedWithoutEffect(config)) this.log.info(note);
    try {
      this.sql = await openSqlClient(this.endpoint);
      const facts = await checkSource(this.sql, { config, endpoint: this.endpoint, gtidFilter: this.gtidFilter, log: this.log });
      const { offsets } = this.services;
      this.sink = await startSessionSink({
        config, kafka: this.services.kafka, offsets, transactionalId: this.transactionalId,
        onAcked: (runs, offset) => {
          if (offset) this.acked = offset;
          this.sourceLag?.acked(runs);
        },
        onError: (error) => this.fail(error),
      });
      const sink = this.sink;
      const envelope = envelopeOptionsFor(config, this.services.version);
      this.state = 'RUNNING';
      // Snapshot rows, change events and side records all take the same way out (Kafka Connect
      // applies a connector's transforms and converters to every record its task returns).
      const records = (this.recordPath = createRecordPath(config, { serializer: this.services.serializer, log: this.log })).path;
      const offsetRecord = (offset: SourceOffset): OutgoingRecord => offsets.offsetRecord(config.name, config.topics.prefix, { ...offset });
      this.snapshot = new SnapshotPhase({
        config, endpoint: this.endpoint, envelope, log: this.log, signal: this.stopping.signal,
        tables: createTableResolver({ config, definitions: createCurrentTableDefinitions(this.sql), log: this.log }),
        records,
        sink: { send: (record) => sink.send(record) },
        storedOffset: () => offsets.latest(config.name, config.topics.prefix),
        offsetRecord,
      });
      // At-least-once offsets are stored every interval from the snapshot's first chunk on, so a
      // crash resumes the snapshot after its last stored chunk instead of from its start.
      if (!config.delivery.exactlyOnce) this.offsetTimer = setInterval(() => this.writeOffset(), OFFSET_FLUSH_INTERVAL_MS);
      this.hooks.onRunning?.();
      const snapshotRun = this.snapshot.run();
      this.snapshotRun = snapshotRun;
      const snapshot = await snapshotRun;
      // Stopped during the snapshot: what stop() found may be older than what start made since.
      if (this.stopping.signal.aborted) return await this.release();
      const start = snapshot.start ?? await this.resumePoint(facts.gtidBinlogPos);
      const stored = snapshot.start ? undefined : this.acked;
      this.history = new SchemaHistory({ config, endpoint: this.endpoint, log: this.log, kafka: this.services.kafka });
      await this.history.start({
        stored, sink: { send: (record) => sink.send(record) },
        at: { gtids: start.gtids, file: stored?.file ?? '', pos: stored?.pos ?? 0 },
      });
      const streaming = createStreamingSession({
        config, sql: this.sql, endpoint: this.endpoint, log: this.log, signal: this.stopping.signal,
        envelope, records, offsetRecord, sink: { send: (record) => sink.send(record) }, kafka: this.services.kafka,
        start, stored, gtidFilter: this.gtidFilter, history: this.history,
        pauseSource: () => this.client?.pause(),
        resumeSource: () => this.client?.resume(),
        onError: (error) => this.fail(error),
      });
      ({ blocking: this.blocking, incremental: this.incremental, kafkaSignals: this.kafkaSignals } = streaming);
      const pipeline = (this.pipeline = streaming.pipeline);
      metrics.queueCapacity.set({ connector: config.name }, config.queue.maxQueueSize);
      if (!snapshot.stream) {
        this.log.info({ position: pipeline.position }, `snapshot.mode=${config.snapshot.mode}: not streaming`);
        return;
      }
      this.sourceLag = attachSourceLag({
        connector: config.name, endpoint: this.endpoint, log: this.log,
        progress: { gtids: () => pipeline.position, lastRead: () => pipeline.lastRead, stored: () => this.acked, queuedEvents: () => pipeline.queuedEvents },
      });
      await this.connectBinlog();
      // A sink or pipeline failure while connecting must not be overwritten by RUNNING.
      if (this.failure) throw this.failure;
      this.heartbeat = new Heartbeat({
        intervalMs: config.heartbeat.intervalMs, actionQuery: config.heartbeat.actionQuery, endpoint: this.endpoint,
        beat: () => this.pipeline?.heartbeat(), log: this.log,
      });
      this.heartbeat.start();
      this.incremental?.start();
      await this.kafkaSignals?.start();
      this.state = 'RUNNING';
      this.log.info({ position: pipeline.position, topicPrefix: config.topics.prefix }, 'streaming');
    } catch (error) {
      if (this.stopping.signal.aborted) return await this.release(); // stopped while starting
      this.fail(asBinlogdError(error));
      await this.release();
      throw this.failure;
    }
  }

  /** The latest snapshot's progress per table (a blocking one runs after the initial one); null when none ran. */
  snapshotProgress(): SnapshotProgressReport | null {
    return this.blocking?.progress() ?? this.snapshot?.progress() ?? null;
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
    await this.snapshotRun?.catch(() => undefined);
    await this.heartbeat?.stop();
    await this.kafkaSignals?.stop();
    await this.incremental?.stop();
    await this.client?.stop();
    await this.reconnecting?.catch(() => undefined);
    await this.pipeline?.idle();
    const flushed = await this.flushed('records not acknowledged at shutdown');
    if (flushed && this.state !== 'FAILED' && this.writeFinalOffset()) {
      await this.pipeline?.idle();
      await this.snapshot?.idle();
      await this.flushed('the last offset was not acknowledged at shutdown');
    }
    await this.release();
    if (this.state !== 'FAILED') this.state = 'STOPPED';
    this.log.info({ position: this.pipeline?.position }, 'stopped');
  }

  /** One per connector name: a second instance of the connector fences the first. */
  private get transactionalId(): string {
    return transactionalIdOf(this.config.name);
  }

  /** The stored offset of this connector (checked to be still on the server), or the server's current end. */
  private async resumePoint(serverEnd: string): Promise<ResumePoint> {
    const { name, topics } = this.config;
    const start = await startPosition({
      sql: this.sql!, offsets: this.services.offsets, connector: name, topicPrefix: topics.prefix,
      server: `${this.endpoint.host}:${this.endpoint.port}`, serverEnd, log: this.log,
      ...(this.gtidFilter ? { filter: this.gtidFilter } : {}),
    });
    if (start.stored) this.acked = this.written = start.stored;
    if (start.stored?.snapshot === 'BLOCKING') {
      this.log.warn({ gtids: start.stored.gtids }, 'the last run stopped during a blocking snapshot: streaming continues after its signal; send the signal again to read its tables in full');
    }
    return start.point;
  }

  /** Error 1236 says only that the server refused the position: name what was purged and the way out. */
  private explainLost(error: BinlogdError): Promise<BinlogdError> {
    if (error.code !== 'SOURCE_POSITION_LOST' || !this.sql) return Promise.resolve(error);
    const { name, topics } = this.config;
    return explainPositionLost({
      sql: this.sql, connector: name, topicPrefix: topics.prefix, offsetsTopic: this.services.offsets.topic,
      server: `${this.endpoint.host}:${this.endpoint.port}`,
    }, this.pipeline?.position ?? '', error);
  }

  private async flushed(problem: string): Promise<boolean> {
    if (!this.sink) return false;
    try {
      await this.sink.flush();
      return true;
    } catch (error) {
      this.log.error({ err: error }, problem);
      return false;
    }
  }

  /**
   * At stop (pause, restart, shutdown): stores the newest position read, so the next session
   * continues exactly there. That is the last acknowledged record's offset, or the end of the last
   * finished transaction when it is newer: transactions of filtered tables or DDL carry no
   * record, and without this an idle connector's first start would leave no offset at all.
   */
  private writeFinalOffset(): boolean {
    const committed = this.pipeline?.committedOffset;
    const target = committed && committed.gtids !== this.acked?.gtids ? committed : this.acked;
    const stored = this.config.delivery.exactlyOnce ? this.acked : this.written;
    if (!target || target === stored) return false;
    return this.sendOffset(target);
  }

  /** Queues the last acknowledged offset for the offsets topic if it moved; true when it did. */
  private writeOffset(): boolean {
    const offset = this.acked;
    if (!offset || offset === this.written) return false;
    return this.sendOffset(offset);
  }

  /** Queues `offset` for the offsets topic behind what streaming or the snapshot is sending. */
  private sendOffset(offset: SourceOffset): boolean {
    const { name, topics } = this.config;
    const record = this.services.offsets.offsetRecord(name, topics.prefix, { ...offset });
    if (this.pipeline) this.pipeline.sendInOrder(record);
    else if (!this.snapshot?.sendInOrder(record)) return false;
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
    await this.client.start(pipeline.push, (error) => this.onSourceError(error))
      .catch(async (error: unknown) => { throw await this.explainLost(asBinlogdError(error)); });
    metrics.connected.set({ connector: this.config.name }, 1);
  }

  private onSourceError(error: BinlogdError): void {
    metrics.connected.set({ connector: this.config.name }, 0);
    metrics.errorsTotal.inc({ connector: this.config.name, kind: error.code });
    if (!error.retriable || this.stopping.signal.aborted) {
      void this.explainLost(error).then((explained) => this.fail(explained));
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
    const point = this.pipeline!.prepareReconnect();
    if (point.event || point.row) this.log.info({ resume: point }, 'the connection broke inside a transaction: its events already sent will be skipped');
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
    this.hooks.onFailure?.(error);
    void this.heartbeat?.stop();
  }

  private async release(): Promise<void> {
    clearInterval(this.offsetTimer);
    this.sourceLag?.detach();
    await this.heartbeat?.stop();
    await this.kafkaSignals?.stop();
    await this.incremental?.stop();
    await this.client?.stop();
    await this.history?.stop();
    metrics.connected.set({ connector: this.config.name }, 0);
    await this.sink?.close().catch(() => undefined);
    await this.sql?.close().catch(() => undefined);
    this.recordPath?.close();
  }
}
