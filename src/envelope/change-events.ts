// Row changes → Debezium change records (RelationalChangeRecordEmitter + EventDispatcher): c/u/d
// envelopes, the tombstone after a delete, and an update that changes the key emitted as
// delete (+ tombstone) with `__debezium.newkey` and create with `__debezium.oldkey`.
import type { ConnectSchema, ConnectStruct, ConnectValue } from '../connect/schema.js';
import type { SourceIdentity } from './source-info.js';
import type { TableSchema } from './table-schema.js';

export interface ChangeRecord {
  topic: string;
  keySchema: ConnectSchema | null;
  key: ConnectStruct | null;
  /** null with a null value: a tombstone. */
  valueSchema: ConnectSchema | null;
  value: ConnectStruct | null;
  /** Buffer values are sent as they are: constant headers are encoded once, not per record. */
  headers: Readonly<Record<string, string | Buffer>>;
}

export interface EnvelopeOptions {
  identity: SourceIdentity;
  tombstonesOnDelete: boolean;
  provideTransactionMetadata: boolean;
  /** Debezium's extended headers (3.2.1+): `__debezium.context.*` on every record. */
  contextHeaders: Readonly<Record<string, string | Buffer>>;
  /** skip.messages.without.change: an update whose captured columns are all unchanged writes nothing. */
  skipMessagesWithoutChange?: boolean;
}

/** Processing time of an event, as Debezium stamps the envelope's ts_ms/ts_us/ts_ns. */
export interface ProcessingTime {
  ms: bigint;
  us: bigint;
  ns: bigint;
}

// The wall clock with microsecond resolution: Node has no nanosecond wall clock, so ts_ns ends in 000.
export function processingTime(): ProcessingTime {
  const us = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  return { ms: us / 1000n, us, ns: us * 1000n };
}

/** Counts per transaction for the `transaction` block (provide.transaction.metadata). */
export class TransactionOrder {
  private total = 0;
  private readonly perTable = new Map<string, number>();

  constructor(readonly id: string) {}

  next(dataCollection: string): ConnectStruct {
    this.total += 1;
    const collectionOrder = (this.perTable.get(dataCollection) ?? 0) + 1;
    this.perTable.set(dataCollection, collectionOrder);
    return { id: this.id, total_order: BigInt(this.total), data_collection_order: BigInt(collectionOrder) };
  }

  /** Events counted so far, for the transaction's END record. */
  get eventCount(): number {
    return this.total;
  }

  /** Events per `db.table`, in first-seen order. */
  get perDataCollection(): ReadonlyMap<string, number> {
    return this.perTable;
  }
}

export interface RowChange {
  op: 'c' | 'u' | 'd';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * Appends the records of one row change to `out`. `source` is the row's source block
 * (sourceStruct); rows of one event share everything in it but `row`.
 */
export function emitChange(
  table: TableSchema,
  change: RowChange,
  source: ConnectStruct,
  context: { time: ProcessingTime; transaction: TransactionOrder | null; options: EnvelopeOptions },
  out: ChangeRecord[],
): void {
  const { options } = context;
  const dataCollection = `${table.db}.${table.table}`;
  const envelope = (op: string, before: ConnectStruct | null, after: ConnectStruct | null): ConnectStruct => ({
    before, after, source,
    transaction: options.provideTransactionMetadata && context.transaction ? context.transaction.next(dataCollection) : null,
    op,
    ts_ms: context.time.ms, ts_us: context.time.us, ts_ns: context.time.ns,
  });
  const record = (key: ConnectStruct | null, value: ConnectStruct | null, extraHeaders?: Record<string, string>): ChangeRecord => ({
    topic: table.topic,
    keySchema: table.keySchema,
    key,
    valueSchema: value === null ? null : table.envelopeSchema,
    value,
    headers: extraHeaders ? { ...extraHeaders, ...options.contextHeaders } : options.contextHeaders,
  });

  if (change.op === 'c') {
    out.push(record(table.key(change.after!), envelope('c', null, table.row(change.after!))));
    return;
  }
  if (change.op === 'd') {
    const key = table.key(change.before!);
    out.push(record(key, envelope('d', table.row(change.before!), null)));
    if (options.tombstonesOnDelete) out.push(record(key, null));
    return;
  }
  const oldKey = table.key(change.before!);
  const newKey = table.key(change.after!);
  const before = table.row(change.before!);
  const after = table.row(change.after!);
  // As Debezium's RelationalChangeRecordEmitter: the whole value (the captured columns, after
  // column filters and mappers) compared before the key, so an unchanged row never becomes a key change.
  if (options.skipMessagesWithoutChange && deepValueEquals(before, after)) return;
  if (oldKey === null || newKey === null || structEquals(oldKey, newKey)) {
    out.push(record(newKey, envelope('u', before, after)));
    return;
  }
  const newKeyHeader = { '__debezium.newkey': headerText(newKey) };
  out.push(record(oldKey, envelope('d', before, null), newKeyHeader));
  if (options.tombstonesOnDelete) out.push(record(oldKey, null, newKeyHeader));
  out.push(record(newKey, envelope('c', null, after), { '__debezium.oldkey': headerText(oldKey) }));
}

function structEquals(a: ConnectStruct, b: ConnectStruct): boolean {
  for (const name in a) {
    if (!valueEquals(a[name]!, b[name]!)) return false;
  }
  return true;
}

/** Struct.equals: nested structs, arrays and bytes by content; a NaN double equals itself, as Double.equals. */
export function deepValueEquals(a: ConnectValue, b: ConnectValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepValueEquals(item, b[i]!));
  }
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => name in b && deepValueEquals(a[name]!, b[name]!));
}

function valueEquals(a: ConnectValue, b: ConnectValue): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b;
}

/**
 * The text Kafka Connect's SimpleHeaderConverter writes for a struct header (Values.convertToString):
 * JSON-like, field names and strings quoted, bytes as base64.
 */
export function headerText(value: ConnectValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  if (Array.isArray(value)) return `[${value.map(headerText).join(',')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${headerText(v)}`).join(',')}}`;
}
