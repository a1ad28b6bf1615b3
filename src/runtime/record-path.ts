// The way out for change records: transforms chain → key and value converters → size check →
// OutgoingRecord for the sink. It stays synchronous once warm: converters are looked up per
// (topic, schema object), and transforms return the same schema object for the same input, so
// only a new topic or schema (first use, a DDL, a routed topic never seen) waits for the registry.
// A record that fails any step goes to the error policy (errors.tolerance, dead letter topic).
import type { ConnectSchema, ConnectStruct } from '../connect/schema.js';
import type { ChangeRecord } from '../envelope/change-events.js';
import { JSON_CONVERTER, type Encoder, type RecordConverter } from '../serialize/converters.js';
import type { ChainStep } from '../transforms/chain.js';
import type { ConnectRecord } from '../transforms/record.js';
import type { TopicLimits } from '../sink/topic-limits.js';
import { BinlogdError } from '../errors.js';
import { MAX_TOPIC_NAME_LENGTH, topicNameProblem } from '../envelope/topic-names.js';
import { describeOrigin, type ErrorPolicy, type RecordOrigin, type Stage } from './error-policy.js';
import type { OutgoingRecord } from './streaming-pipeline.js';

export interface RecordPathOptions {
  transforms: readonly ChainStep[];
  key: RecordConverter;
  value: RecordConverter;
  /** The producer's max.request.size: a larger record is refused before it reaches Kafka. */
  maxRecordBytes: number;
  /** Each topic's max.message.bytes: a larger record is refused too (the broker would refuse its whole batch). */
  topicLimits?: TopicLimits;
  errors: ErrorPolicy;
}

/** Where the records of one rows event come from; `row` is read from each record's source block. */
export type EventOrigin = Omit<RecordOrigin, 'row'>;

interface Transformed {
  original: ChangeRecord;
  record: ConnectRecord;
}

// Kafka's upper bound of a record's size in a batch of one (AbstractRecords.estimateSizeInBytesUpperBound).
const RECORD_OVERHEAD = 12 + 61 + 21;

export class RecordPath {
  private readonly noTransforms: boolean;
  /** Topics whose names were checked: a check per record would cost on the hot path. */
  private readonly validTopics = new Set<string>();

  constructor(private readonly options: RecordPathOptions) {
    this.noTransforms = options.transforms.length === 0;
  }

  /**
   * The outgoing records of one event's change records, in order (dead letter records in place of
   * failed ones). A promise only when a converter must first prepare a topic/schema pair.
   */
  convert(records: readonly ChangeRecord[], origin: EventOrigin): OutgoingRecord[] | Promise<OutgoingRecord[]> {
    const out: OutgoingRecord[] = [];
    const transformed: Transformed[] = [];
    for (const original of records) {
      const record = this.noTransforms ? original : this.transform(original, origin, out);
      if (record === null) continue;
      if (!this.validTopics.has(record.topic)) this.checkTopic(record.topic, origin);
      transformed.push({ original, record });
    }
    let pending: Promise<unknown>[] | undefined;
    const limits = this.options.topicLimits;
    for (const { record } of transformed) {
      const waits = this.unprepared(record);
      if (waits) (pending ??= []).push(...waits);
      if (limits !== undefined && limits.known(record.topic) === undefined) (pending ??= []).push(limits.lookUp(record.topic));
    }
    if (pending === undefined) return this.encodeAll(transformed, origin, out, undefined);
    // Remember preparation failures: they are that record's conversion failure, handled in order below.
    const failures = new Map<string, unknown>();
    return Promise.all(pending.map((p) => p.catch((error: unknown) => { failures.set((error as { pairKey?: string }).pairKey ?? '', error); }))).then(
      () => this.encodeAll(transformed, origin, out, failures),
    );
  }

  /**
   * A topic Kafka cannot take fails the connector whatever errors.tolerance says: every change of
   * the table would fail the same way. Checked after the transforms, so a RegexRouter can fix it.
   */
  private checkTopic(topic: string, origin: EventOrigin): void {
    const problem = topicNameProblem(topic);
    if (problem === undefined) {
      this.validTopics.add(topic);
      return;
    }
    const tooLong = topic.length > MAX_TOPIC_NAME_LENGTH;
    throw new BinlogdError('TOPIC_NAME_INVALID',
      `the changes of ${origin.table} go to topic "${topic}", which ${problem}` +
      (tooLong ? ` (Debezium would cut it to ${MAX_TOPIC_NAME_LENGTH} characters, which can send two tables to one topic and registry subject; binlogd refuses instead)` : '') +
      `. The connector stopped at the change of ${describeOrigin(origin)}. Fix: ${tooLong ? 'a shorter topic.prefix, ' : ''}a RegexRouter transform ` +
      'that gives this table\'s topic a valid name, or leave the table out (table.exclude.list); then restart the connector',
      { details: { ...origin, topic, property: 'topic.prefix' } });
  }

  /** A row that could not become change records (event.processing.failure.handling.mode). */
  eventFailed(error: unknown, origin: RecordOrigin): void {
    this.options.errors.eventFailed(error, origin);
  }

  private transform(original: ChangeRecord, origin: EventOrigin, out: OutgoingRecord[]): ConnectRecord | null {
    let record: ConnectRecord | null = original;
    for (const step of this.options.transforms) {
      try {
        record = step.apply(record);
      } catch (error) {
        this.fail('TRANSFORMATION', step.type, error, original, origin, out);
        return null;
      }
      if (record === null) return null;
    }
    return record;
  }

  /** Preparations a record needs before it can be encoded, tagged so a failure finds its record. */
  private unprepared(record: ConnectRecord): Promise<Encoder>[] | undefined {
    let waits: Promise<Encoder>[] | undefined;
    for (const [converter, schema, value] of [[this.options.key, record.keySchema, record.key], [this.options.value, record.valueSchema, record.value]] as const) {
      if (value === null || schema === null || converter.ready(record.topic, schema) !== undefined) continue;
      const pairKey = `${converter === this.options.key ? 'key' : 'value'}\u0000${record.topic}`;
      (waits ??= []).push(converter.prepare(record.topic, schema).catch((error: unknown) => {
        throw Object.assign(new Error('preparation failed'), { pairKey, cause: error });
      }));
    }
    return waits;
  }

  private encodeAll(items: Transformed[], origin: EventOrigin, out: OutgoingRecord[], failures: Map<string, unknown> | undefined): OutgoingRecord[] {
    for (const { original, record } of items) {
      const key = this.encode('key', record.topic, record.keySchema, record, failures);
      if (key instanceof Failed) { this.fail('KEY_CONVERTER', this.options.key.className, key.error, original, origin, out); continue; }
      const value = this.encode('value', record.topic, record.valueSchema, record, failures);
      if (value instanceof Failed) { this.fail('VALUE_CONVERTER', this.options.value.className, value.error, original, origin, out); continue; }
      const headers = record.headers;
      let size = RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
      for (const name in headers) size += name.length + headers[name]!.length;
      const topicLimit = this.options.topicLimits?.known(record.topic) ?? null;
      if (size > this.options.maxRecordBytes || (topicLimit !== null && size > topicLimit)) {
        const error = new Error(size > this.options.maxRecordBytes
          ? `The message is ${size} bytes when serialized which is larger than ${this.options.maxRecordBytes}, which is the value of the max.request.size configuration. ` +
            'Raise it with producer.override.max.request.size (and the topic\'s max.message.bytes with it), or make the records smaller.'
          : `The message is ${size} bytes when serialized which is larger than ${topicLimit}, the max.message.bytes of topic ${record.topic}: ` +
            `the broker would refuse it (MESSAGE_TOO_LARGE). Raise the topic's max.message.bytes (kafka-configs.sh --alter --entity-type topics --entity-name ${record.topic} ` +
            '--add-config max.message.bytes=<bytes>; topic.creation.default.max.message.bytes for topics the connector creates), or make the records smaller.');
        error.name = 'RecordTooLargeException';
        this.fail('KAFKA_PRODUCE', 'producer', error, original, origin, out);
        continue;
      }
      out.push({
        topic: record.topic, key, value, headers,
        ...(record.partition === undefined ? {} : { partition: record.partition }),
        ...(record.timestampMs === undefined ? {} : { timestampMs: record.timestampMs }),
      });
    }
    return out;
  }

  private encode(kind: 'key' | 'value', topic: string, schema: ConnectSchema | null, record: ConnectRecord, failures: Map<string, unknown> | undefined): Buffer | null | Failed {
    const value = kind === 'key' ? record.key : record.value;
    const converter = kind === 'key' ? this.options.key : this.options.value;
    try {
      // A null with a schema: Avro writes null, JsonConverter an envelope with a null payload.
      if (value === null && (schema === null || converter.className !== JSON_CONVERTER)) return null;
      const encoder = converter.ready(topic, schema);
      if (encoder === undefined) {
        const failure = failures?.get(`${kind}\u0000${topic}`) as { cause?: unknown } | undefined;
        return new Failed(failure?.cause ?? new Error(`no ${kind} converter prepared for topic ${topic}`));
      }
      return encoder(value);
    } catch (error) {
      return new Failed(error);
    }
  }

  private fail(stage: Stage, className: string, error: unknown, original: ChangeRecord, origin: EventOrigin, out: OutgoingRecord[]): void {
    const source = (original.value as ConnectStruct | null)?.['source'] as ConnectStruct | undefined;
    const row = typeof source?.['row'] === 'number' ? source['row'] : undefined;
    const dead = this.options.errors.recordFailed({
      stage, className, error,
      origin: { ...origin, ...(row === undefined ? {} : { row }) },
      topic: original.topic, key: original.key, value: original.value,
    });
    if (dead) out.push(dead);
  }
}

class Failed {
  constructor(readonly error: unknown) {}
}
