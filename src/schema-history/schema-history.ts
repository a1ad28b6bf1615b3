// One connector's schema history: the definitions of every table of the captured databases as of
// the binlog event being read, restored from its Kafka topic at start (up to the stored offset),
// advanced by replaying each DDL read, and written back as records that travel with the offset
// (the pipeline's sink sends them before the DDL's own records, so with exactly-once they commit
// in the same Kafka transaction as the offset after the DDL, or an earlier one).
import type { ConnectorConfig } from '../config/index.js';
import type { TableRef } from '../envelope/ddl-statements.js';
import { BinlogdError } from '../errors.js';
import * as metrics from '../metrics/registry.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { Logger } from '../runtime/logger.js';
import type { RecordSink } from '../runtime/streaming-pipeline.js';
import { createKafkaClient, type KafkaConnectionConfig, type KafkaLogFn } from '../sink/kafka-client.js';
import type { SqlEndpoint } from '../source/sql-client.js';
import { createCaptureFilter } from '../source/table-filter.js';
import { SchemaDefinitions } from './definitions.js';
import { historyTopicOf } from './history-config.js';
import {
  formatHistoryRecord, historyKey, offsetCovers, parseHistoryRecord, type HistoryPosition, type HistoryRecord,
} from './history-record.js';
import { replayStatement, type StatementRead } from './history-replayer.js';
import { ShadowSession } from './shadow-session.js';

// Like Debezium's schema history topic: one partition (one order), nothing ever deleted.
const TOPIC_CONFIGS = { 'cleanup.policy': 'delete', 'retention.ms': '-1' };

export class SchemaHistory {
  readonly definitions = new SchemaDefinitions();
  readonly topic: string;
  private readonly shadows: ShadowSession;
  private readonly keepsDatabase: (db: string) => boolean;
  private sink: RecordSink | undefined;

  constructor(private readonly options: {
    config: ConnectorConfig; endpoint: SqlEndpoint; log: Logger; kafka: { connection: KafkaConnectionConfig; log: KafkaLogFn };
  }) {
    this.topic = historyTopicOf(options.config);
    this.shadows = new ShadowSession(options.endpoint);
    const filter = createCaptureFilter(options.config.filters);
    this.keepsDatabase = (db) => filter.capturesDatabase(db);
  }

  /**
   * Restores the definitions as of `stored` (the newest record per table whose position the offset
   * covers), or, with no offset or no history yet, reads the tables as they are at `at` and stores them.
   */
  async start(options: { stored: SourceOffset | undefined; at: HistoryPosition; sink: RecordSink }): Promise<void> {
    this.sink = options.sink;
    const records = await this.readTopic();
    let applied = 0;
    if (options.stored) {
      for (const record of records) {
        if (!offsetCovers(options.stored, record.position)) continue;
        this.definitions.apply(record, { restored: true });
        applied++;
      }
    }
    if (applied > 0) {
      this.options.log.info({ topic: this.topic, tables: this.definitions.size, records: applied }, 'schema history restored');
      return;
    }
    if (options.stored) {
      this.options.log.warn({ topic: this.topic },
        'no schema history covers the stored offset (first start after an upgrade, or the history topic was deleted): the tables are read as they are now; ' +
        'rows read before the next DDL of a table take defaults and comments from its current definition (their structure still comes from the binlog)');
    }
    await this.bootstrap(options.at);
  }

  /** A DDL read from the binlog: replayed, its records sent ahead of the DDL's own records. */
  async statement(statement: StatementRead): Promise<void> {
    const outcome = await replayStatement({ statement, definitions: this.definitions, shadows: this.shadows, keepsDatabase: this.keepsDatabase });
    for (const record of outcome.records) await this.send(record);
    if (outcome.failure) {
      metrics.schemaHistoryReplayFailuresTotal.inc({ connector: this.options.config.name });
      const error = outcome.failure.error;
      this.options.log.warn({
        tables: outcome.failure.tables.map((t) => `${t.db}.${t.table}`), file: statement.position.file, pos: statement.position.pos,
        gtid: statement.position.gtid, error: error instanceof Error ? error.message : String(error),
      }, 'schema history: MariaDB could not replay this DDL; the previous definition stays (row structure still comes from the binlog)');
    }
  }

  showsComment(ref: TableRef): boolean {
    return this.definitions.showsComment(ref);
  }

  async stop(): Promise<void> {
    await this.shadows.close();
  }

  private async bootstrap(at: HistoryPosition): Promise<void> {
    let tables = 0;
    for (const db of (await this.shadows.databases()).filter(this.keepsDatabase)) {
      for (const table of await this.shadows.tablesOf(db)) {
        const ref: TableRef = { db, table };
        const definition = await this.shadows.readTable(ref);
        if (!definition) continue;
        const record: HistoryRecord = { table: ref, position: at, ddl: null, definition };
        this.definitions.apply(record);
        await this.send(record);
        tables++;
      }
    }
    this.options.log.info({ topic: this.topic, tables, gtids: at.gtids }, 'schema history: tables read as they are at the start position');
  }

  private send(record: HistoryRecord): void | Promise<void> {
    return this.sink!.send({
      topic: this.topic, partition: 0,
      key: Buffer.from(historyKey(record.table)), value: Buffer.from(formatHistoryRecord(record)),
    });
  }

  private async readTopic(): Promise<HistoryRecord[]> {
    const client = createKafkaClient(this.options.kafka.connection, { log: this.options.kafka.log, logLevel: 'warn' });
    const admin = client.createAdmin();
    await admin.connect();
    try {
      // Created only when missing: the broker answers a create of an existing topic with an error kafkajs logs.
      let partitions = (await admin.fetchPartitionCounts([this.topic])).get(this.topic);
      if (partitions === undefined) {
        await admin.createTopics([{ topic: this.topic, partitions: 1, replicationFactor: -1, configs: TOPIC_CONFIGS }]);
        partitions = (await admin.fetchPartitionCounts([this.topic])).get(this.topic);
      }
      if (partitions !== 1) {
        throw new BinlogdError('CONFIG_INVALID', `the schema history topic ${this.topic} has ${String(partitions)} partitions: it needs exactly 1 (one order of records); delete it or name another with schema.history.internal.kafka.topic`);
      }
      const until = await admin.fetchTopicOffsets(this.topic);
      const records: HistoryRecord[] = [];
      await client.readTopic({
        topic: this.topic, until,
        onRecord: (record) => {
          if (record.value) records.push(parseHistoryRecord(record.value.toString('utf8'), `${this.topic}:${record.partition}:${record.offset}`));
        },
      });
      return records;
    } finally {
      await admin.disconnect();
    }
  }
}
