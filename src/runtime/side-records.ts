// The records a connector writes besides row changes, in binlog order with them (the pipeline has
// one sender, so with exactly-once they ride in the same Kafka transactions): transaction BEGIN/END
// (provide.transaction.metadata), schema changes (include.schema.changes), truncate events
// (skipped.operations without `t`) and heartbeats (heartbeat.interval.ms). Records that end a
// transaction or a DDL, and heartbeats, carry the offset after it, so the stored position advances
// even while no captured table changes. Debezium writes schema changes and heartbeats to partition 0
// explicitly, and so does binlogd (the sink still creates a missing topic first).
// Like every source record in Kafka Connect, they pass the connector's transforms and converters
// (record-path.ts): a RegexRouter whose regex matches renames them, a JsonConverter writes JSON.
import { sendCarryingOffset } from './offset-carrier.js';
import type { ConnectSchema, ConnectStruct } from '../connect/schema.js';
import { processingTime, type EnvelopeOptions, type TransactionOrder } from '../envelope/change-events.js';
import { classifyDdl, type DdlStatement, type TableRef } from '../envelope/ddl-statements.js';
import type { ConnectorConfig } from '../config/index.js';
import { HEARTBEAT_KEY_SCHEMA, HEARTBEAT_VALUE_SCHEMA, heartbeatRecord, heartbeatTopic } from '../envelope/heartbeat-records.js';
import {
  SCHEMA_CHANGE_KEY_SCHEMA, SCHEMA_CHANGE_VALUE_SCHEMA, schemaChangeRecord, type TableChange, type TableDescription,
} from '../envelope/schema-change-records.js';
import { sourceStruct } from '../envelope/source-info.js';
import {
  javaHashMapOrder, TRANSACTION_KEY_SCHEMA, TRANSACTION_VALUE_SCHEMA, transactionBegin, transactionEnd, transactionTopic,
} from '../envelope/transaction-records.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { EventHeader } from '../source/binlog-client.js';
import type { EventOrigin } from './record-path.js';
import type { OutgoingRecord, RecordConversion, RecordSink, TableResolver } from './streaming-pipeline.js';
import type { StatementRead } from '../schema-history/history-replayer.js';
import type { TableDefinitions } from '../source/table-definitions.js';
import { describeDefinition, type TableDescriber } from './table-description.js';

export interface SideRecordOptions {
  envelope: EnvelopeOptions;
  /** The schema change topic (`<topic.prefix>`) when include.schema.changes is on. */
  schemaChangeTopic?: string;
  /** `<topic.prefix>.transaction` when provide.transaction.metadata is on. */
  transactionTopic?: string;
  /** `__debezium-heartbeat.<topic.prefix>` when heartbeat.interval.ms > 0. */
  heartbeatTopic?: string;
  /** Whether TRUNCATE becomes an `op=t` record (skipped.operations lacks `t`). */
  emitTruncates: boolean;
  records: RecordConversion;
  sink: RecordSink;
  /** The offsets-topic record storing an offset whose record a transform dropped. */
  offsetRecord: (offset: SourceOffset) => OutgoingRecord;
  tables: TableResolver;
  describeTable: TableDescriber;
  /**
   * The schema history: every DDL is replayed there first, and the tables of schema change records
   * are described from its definitions after that DDL rather than as INFORMATION_SCHEMA shows them now.
   */
  history?: {
    statement(read: StatementRead): Promise<void>;
    readonly definitions: TableDefinitions;
    /** Whether Debezium would still show the table's comment (it loses it when restoring its history). */
    showsComment(ref: TableRef): boolean;
  };
}

/** Where the open transaction stands: what BEGIN and the DDL/truncate records need. */
export interface TransactionContext {
  gtid: string;
  serverId: number;
  order: TransactionOrder;
}

// Debezium reports no DDL of the server's own schemas.
const BUILTIN_DATABASES = new Set(['mysql', 'performance_schema', 'sys', 'information_schema']);

export class SideRecords {
  /** Header time of the last event read: Debezium stamps BEGIN with it (the GTID event has not moved it yet). */
  private lastEventMs: number | undefined;
  /** Index of the last row emitted: Debezium's source info keeps it, and schema change records show it. */
  private lastRow = 0;
  /** The offset after the last finished transaction or DDL, for heartbeats. */
  private committed: SourceOffset | undefined;
  /** The last description of each table seen in DDL (one small entry per table). */
  private readonly known = new Map<string, TableDescription>();

  constructor(private readonly options: SideRecordOptions) {}

  /** Every event with a header passes here after it is handled. */
  eventRead(timestampMs: number): void {
    this.lastEventMs = timestampMs;
  }

  rowEmitted(index: number): void {
    this.lastRow = index;
  }

  begin(transaction: TransactionContext, header: EventHeader, write = true): void | Promise<void> {
    const topic = this.options.transactionTopic;
    const timestampMs = this.lastEventMs ?? header.timestampMs;
    this.lastEventMs = header.timestampMs;
    if (!topic || !write) return;
    const { key, value } = transactionBegin(transaction.gtid, timestampMs);
    return this.send(topic, TRANSACTION_KEY_SCHEMA, TRANSACTION_VALUE_SCHEMA, key, value, {}, origin(transaction.gtid, header));
  }

  /** XID or COMMIT: `offsetAfter` gives the position after it (built only when needed: this is per transaction). */
  end(transaction: TransactionContext | null, header: EventHeader, offsetAfter: () => SourceOffset): void | Promise<void> {
    const topic = this.options.transactionTopic;
    if (!topic && !this.options.heartbeatTopic) return;
    const offset = offsetAfter();
    this.committed = offset;
    if (!topic || !transaction) return;
    const { key, value } = transactionEnd(transaction.gtid, header.timestampMs, transaction.order.eventCount, transaction.order.perDataCollection);
    return this.send(topic, TRANSACTION_KEY_SCHEMA, TRANSACTION_VALUE_SCHEMA, key, value, {}, origin(transaction.gtid, header), offset);
  }

  /**
   * A statement outside row events. `offset` is the position after it when it ends a standalone
   * group (DDL), undefined inside a transaction.
   */
  async statement(
    event: { header: EventHeader; sql: string; database: string; file: string },
    transaction: TransactionContext | null,
    offset: SourceOffset | undefined,
  ): Promise<void> {
    if (offset) this.committed = offset;
    const statement = classifyDdl(event.sql, event.database);
    if (!statement) return;
    const history = this.options.history;
    if (history && statement.kind !== 'truncate') {
      await history.statement({
        sql: event.sql, database: event.database,
        position: {
          ...(transaction?.gtid ? { gtid: transaction.gtid } : {}),
          gtids: offset?.gtids ?? '', file: event.file, pos: event.header.position,
        },
      });
    }
    if (statement.kind === 'truncate') {
      if (this.options.emitTruncates) await this.truncate(statement.table, event, transaction, offset);
      return;
    }
    const topic = this.options.schemaChangeTopic;
    if (!topic) return;
    const tables = statement.kind === 'tables' ? statement.tables : [];
    const databaseName = statement.db;
    if (BUILTIN_DATABASES.has(databaseName.toLowerCase())) return;
    const descriptions = await this.describe(statement);
    const source = {
      ...sourceStruct(this.options.envelope.identity, {
        timestampMs: event.header.timestampMs, db: databaseName, table: tableList(tables),
        serverId: transaction?.serverId ?? 0, gtid: transaction?.gtid ?? null, file: event.file, pos: event.header.position, row: this.lastRow,
      }),
      // Debezium: null for CREATE/DROP DATABASE, empty for other statements naming no table.
      ...(tables.length === 0 ? { table: statement.kind === 'database' && statement.op !== 'ALTER' ? null : '' } : {}),
    };
    const events = statement.kind === 'tables' ? statement.events : [{ ddl: event.sql, changes: [] }];
    for (const [i, one] of events.entries()) {
      const changes: TableChange[] = one.changes.map((c) => ({
        type: c.type, db: c.ref.db, table: c.ref.table, description: c.type === 'DROP' ? null : descriptions.get(refKey(c.ref)) ?? null,
      }));
      const { key, value } = schemaChangeRecord({ source, processingMs: processingTime().ms, databaseName, ddl: one.ddl, changes });
      const last = i === events.length - 1;
      await this.send(topic, SCHEMA_CHANGE_KEY_SCHEMA, SCHEMA_CHANGE_VALUE_SCHEMA, key, value, this.options.envelope.contextHeaders,
        { table: databaseName, gtid: transaction?.gtid ?? null, file: event.file, pos: event.header.position }, last ? offset : undefined, 0);
    }
  }

  /**
   * The tables of a DDL as INFORMATION_SCHEMA shows them now. A table renamed again or dropped
   * since is gone there; then the description last seen under its old name stands in (renames
   * followed), as Debezium's in-memory schema would have it.
   */
  private async describe(statement: Extract<DdlStatement, { kind: 'tables' | 'database' }>): Promise<Map<string, TableDescription | null>> {
    const descriptions = new Map<string, TableDescription | null>();
    if (statement.kind !== 'tables') return descriptions;
    const history = this.options.history;
    if (history) {
      for (const ref of statement.tables) {
        const definition = await history.definitions.definitionOf(ref.db, ref.table);
        descriptions.set(refKey(ref), definition ? describeDefinition(definition, { tableComment: history.showsComment(ref) }) : null);
      }
      return descriptions;
    }
    const carried = new Map(this.known);
    for (const { from, to } of statement.renames ?? []) {
      const before = carried.get(refKey(from));
      carried.delete(refKey(from));
      this.known.delete(refKey(from));
      if (before) carried.set(refKey(to), before);
    }
    for (const ref of statement.tables) {
      const key = refKey(ref);
      const now = await this.options.describeTable(ref.db, ref.table);
      descriptions.set(key, now ?? carried.get(key) ?? null);
      if (now) this.known.set(key, now);
    }
    for (const { changes } of statement.events) {
      for (const change of changes) if (change.type === 'DROP') this.known.delete(refKey(change.ref));
    }
    return descriptions;
  }

  /** A heartbeat at the last finished position; none before any (Debezium sends none without an offset). */
  heartbeat(): void | Promise<void> {
    const topic = this.options.heartbeatTopic;
    if (!topic || !this.committed) return;
    const { key, value } = heartbeatRecord(this.options.envelope.identity.name, Date.now());
    const at = this.committed;
    return this.send(topic, HEARTBEAT_KEY_SCHEMA, HEARTBEAT_VALUE_SCHEMA, key, value, {}, { table: topic, gtid: null, file: at.file, pos: at.pos }, at, 0);
  }

  private async truncate(
    ref: TableRef,
    event: { header: EventHeader; file: string },
    transaction: TransactionContext | null,
    offset: SourceOffset | undefined,
  ): Promise<void> {
    const table = await this.options.tables.resolveByName(ref.db, ref.table);
    if (!table) return;
    const { envelope } = this.options;
    const time = processingTime();
    const source = sourceStruct(envelope.identity, {
      timestampMs: event.header.timestampMs, db: ref.db, table: ref.table,
      serverId: transaction?.serverId ?? 0, gtid: transaction?.gtid ?? null, file: event.file, pos: event.header.position, row: 0,
    });
    const value: ConnectStruct = {
      before: null, after: null, source,
      transaction: envelope.provideTransactionMetadata && transaction ? transaction.order.next(`${ref.db}.${ref.table}`) : null,
      op: 't', ts_ms: time.ms, ts_us: time.us, ts_ns: time.ns,
    };
    // A truncate has a null key (Debezium's truncate events name no row).
    await this.send(table.topic, table.keySchema, table.envelopeSchema, null, value, envelope.contextHeaders,
      { table: `${ref.db}.${ref.table}`, gtid: transaction?.gtid ?? null, file: event.file, pos: event.header.position }, offset);
  }

  /**
   * Through the record path, so transforms and converters apply; the offset rides on the last
   * outgoing record, or on an offset-only record when a transform dropped this one. `partition`:
   * where Debezium prescribes one (a transform's own choice wins).
   */
  private send(
    topic: string, keySchema: ConnectSchema | null, valueSchema: ConnectSchema,
    key: ConnectStruct | null, value: ConnectStruct,
    headers: Readonly<Record<string, string | Buffer>>,
    from: EventOrigin,
    ackToken?: SourceOffset,
    partition?: number,
  ): void | Promise<void> {
    const converted = this.options.records.convert([{ topic, keySchema, key, valueSchema, value, headers }], from);
    const place = (out: OutgoingRecord[]): OutgoingRecord[] =>
      partition === undefined ? out : out.map((record) => (record.partition === undefined ? { ...record, partition } : record));
    const send = (out: OutgoingRecord[]) => sendCarryingOffset(this.options.sink, this.options.offsetRecord, place(out), ackToken);
    return Array.isArray(converted) ? send(converted) : converted.then(send);
  }
}

function origin(gtid: string, header: EventHeader): EventOrigin {
  return { table: '', gtid, file: header.file, pos: header.position };
}

/** source.table of a DDL: its tables comma-joined in the order of Debezium's HashSet of table ids. */
function tableList(tables: readonly TableRef[]): string {
  const byId = new Map(tables.map((t) => [refKey(t), t.table]));
  return javaHashMapOrder([...byId.keys()]).map((id) => byId.get(id)!).join(',');
}

function refKey(ref: TableRef): string {
  return `${ref.db}.${ref.table}`;
}

/** The side records a connector's configuration asks for. */
export function sideRecordsFor(
  config: Pick<ConnectorConfig, 'topics' | 'events' | 'heartbeat'>,
  services: Pick<SideRecordOptions, 'envelope' | 'records' | 'sink' | 'offsetRecord' | 'tables' | 'describeTable' | 'history'>,
): SideRecords {
  const { topics, events, heartbeat } = config;
  return new SideRecords({
    ...services,
    ...(events.includeSchemaChanges ? { schemaChangeTopic: topics.prefix } : {}),
    ...(events.provideTransactionMetadata ? { transactionTopic: transactionTopic(topics.prefix, topics.delimiter, topics.transaction) } : {}),
    ...(heartbeat.intervalMs > 0 ? { heartbeatTopic: heartbeatTopic(topics.heartbeatPrefix, topics.delimiter, topics.prefix) } : {}),
    emitTruncates: !events.skippedOperations.has('t'),
  });
}
