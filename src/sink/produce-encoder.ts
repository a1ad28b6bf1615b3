// kafkajs 2.2.4 (unmaintained) encodes a produce request record by record through its Encoder: a
// new zero-filled 512-byte Buffer for every record and every header, a Buffer.from() for every
// varint, and the batch copied again at each level (records, batch, partition, topic, request).
// In the snapshot bench that was the sink thread's main cost (~40% of its CPU, plus most of its
// garbage). This module encodes the same request (Produce v3, RecordBatch v2 with Record v2;
// v4–v7 reuse it) into one exactly sized buffer, and installs itself as kafkajs' v3 request
// module. Compressed requests still go through kafkajs' own encoder.
// kafkajs also groups a request's records per partition by copying the partition's array for
// every record (groupMessagesPerPartition.js): O(n²) in the records per partition. Its linear
// replacement must be in place before kafkajs loads its producer, so kafka-client.ts imports this
// module before kafkajs.
//
// Byte-for-byte equality with kafkajs' encoder is checked in test/unit/produce-encoder.test.ts.
import Module, { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const V3_REQUEST = require.resolve('kafkajs/src/protocol/requests/produce/v3/request.js');
const Encoder = require('kafkajs/src/protocol/encoder.js') as new (initialSize?: number) => KafkaJsEncoder;
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buffer: Buffer) => number;

interface KafkaJsEncoder {
  buf: Buffer;
  offset: number;
}

type Bytes = Buffer | string | null | undefined;

interface ProduceMessage {
  key?: Bytes;
  value?: Bytes;
  headers?: Record<string, Bytes | Bytes[]>;
  timestamp?: number | string | null;
}

interface PartitionData {
  partition: number;
  firstSequence?: number;
  messages: ProduceMessage[];
}

interface TopicData {
  topic: string;
  partitions: PartitionData[];
}

/** kafkajs' Long (a BigInt in `value`); its producer passes the id it got from the broker as a decimal string. */
interface Long {
  value: bigint;
}

type Int64 = Long | string | number | bigint;

function toBigInt(value: Int64): bigint {
  return typeof value === 'object' ? value.value : BigInt(value);
}

export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: Int64;
  producerEpoch?: number;
  compression?: number;
  topicData: TopicData[];
}

export interface ProduceRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse: () => boolean;
  encode: () => Promise<KafkaJsEncoder>;
}

type ProduceRequestFactory = (args: ProduceRequestArgs) => ProduceRequest;

/** kafkajs' own v3 request, for compressed requests and for the equality test. */
export const kafkajsProduceV3Request = require(V3_REQUEST) as ProduceRequestFactory;

const PRODUCE_API_KEY = 0;
const COMPRESSION_NONE = 0;
const MAGIC = 2;
const TRANSACTIONAL_ATTRIBUTE = 0x10;
/** RecordBatch fields from partitionLeaderEpoch to the record count (the batch's "length" covers them). */
const BATCH_HEADER_BYTES = 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
/** Where the CRC-covered part of a batch starts, counted from the start of its length-prefixed part. */
const CRC_FROM = 4 + 1 + 4;

function sizeOfUVarInt(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    bytes++;
  }
  return bytes;
}

/** Kafka's zigzag varint of a safe integer (varint and varlong alike). */
function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function byteLength(bytes: Bytes): number {
  if (bytes === null || bytes === undefined) return -1;
  return typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
}

function sizeOfVarIntBytes(length: number): number {
  return length < 0 ? 1 : sizeOfUVarInt(zigzag(length)) + length;
}

/** One record's header section, [count] then (key, value)*, as Kafka expects it; cached per headers object. */
const headerCache = new WeakMap<object, Buffer>();

function encodeHeaders(headers: Record<string, Bytes | Bytes[]> | undefined): Buffer | undefined {
  if (headers === undefined) return undefined;
  const cached = headerCache.get(headers);
  if (cached !== undefined) return cached;
  const entries: [string, Bytes][] = [];
  for (const name of Object.keys(headers)) {
    const v = headers[name];
    if (Array.isArray(v)) for (const item of v) entries.push([name, item]);
    else entries.push([name, v]);
  }
  let size = sizeOfUVarInt(zigzag(entries.length));
  for (const [name, v] of entries) size += sizeOfVarIntBytes(Buffer.byteLength(name, 'utf8')) + sizeOfVarIntBytes(byteLength(v));
  const out = Buffer.allocUnsafe(size);
  let at = writeVarInt(out, 0, entries.length);
  for (const [name, v] of entries) {
    at = writeBytes(out, at, name);
    at = writeBytes(out, at, v);
  }
  headerCache.set(headers, out);
  return out;
}

function writeUVarInt(buf: Buffer, at: number, value: number): number {
  while (value >= 0x80) {
    buf[at++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[at++] = value;
  return at;
}

function writeVarInt(buf: Buffer, at: number, value: number): number {
  return writeUVarInt(buf, at, zigzag(value));
}

function writeBytes(buf: Buffer, at: number, bytes: Bytes): number {
  if (bytes === null || bytes === undefined) return writeVarInt(buf, at, -1);
  if (typeof bytes === 'string') {
    const length = Buffer.byteLength(bytes, 'utf8');
    at = writeVarInt(buf, at, length);
    return at + buf.write(bytes, at, length, 'utf8');
  }
  at = writeVarInt(buf, at, bytes.length);
  return at + bytes.copy(buf, at);
}

/** Per-record sizes of the partition being encoded (reused: no allocation per request). */
let bodySizes = new Float64Array(1024);

/**
 * One partition's record set: the timestamps, per-record body sizes and headers it needs, and its
 * size in bytes (RecordBatch: firstOffset, length, then the batch).
 */
interface PlannedBatch {
  data: PartitionData;
  firstTimestamp: number;
  maxTimestamp: number;
  headers: (Buffer | undefined)[];
  sizesFrom: number;
  recordsBytes: number;
}

function planBatch(data: PartitionData, now: number, sizesFrom: number): PlannedBatch {
  const { messages } = data;
  let first = Infinity;
  let max = -Infinity;
  for (const m of messages) {
    if (m.timestamp === null || m.timestamp === undefined) continue;
    const t = Number(m.timestamp);
    if (t < first) first = t;
    if (t > max) max = t;
  }
  if (first === Infinity) first = max = now;
  if (bodySizes.length < sizesFrom + messages.length) {
    const grown = new Float64Array(Math.max(bodySizes.length * 2, sizesFrom + messages.length));
    grown.set(bodySizes);
    bodySizes = grown;
  }
  const headers: (Buffer | undefined)[] = new Array(messages.length);
  let recordsBytes = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const h = encodeHeaders(m.headers);
    headers[i] = h;
    const delta = (m.timestamp === null || m.timestamp === undefined ? now : Number(m.timestamp)) - first;
    const body = 1 + sizeOfUVarInt(zigzag(delta)) + sizeOfUVarInt(zigzag(i)) +
      sizeOfVarIntBytes(byteLength(m.key)) + sizeOfVarIntBytes(byteLength(m.value)) + (h === undefined ? 1 : h.length);
    bodySizes[sizesFrom + i] = body;
    recordsBytes += sizeOfUVarInt(zigzag(body)) + body;
  }
  return { data, firstTimestamp: first, maxTimestamp: max, headers, sizesFrom, recordsBytes };
}

function writeBatch(buf: Buffer, at: number, plan: PlannedBatch, now: number, producerId: bigint, producerEpoch: number, transactional: boolean): number {
  const { data, headers } = plan;
  const { messages } = data;
  const batchBytes = BATCH_HEADER_BYTES + plan.recordsBytes;
  at = buf.writeInt32BE(data.partition, at);
  at = buf.writeInt32BE(8 + 4 + batchBytes, at);
  at = buf.writeBigInt64BE(0n, at); // firstOffset
  at = buf.writeInt32BE(batchBytes, at);
  const batchStart = at;
  at = buf.writeInt32BE(0, at); // partitionLeaderEpoch
  at = buf.writeInt8(MAGIC, at);
  const crcAt = at;
  at += 4;
  at = buf.writeInt16BE(transactional ? TRANSACTIONAL_ATTRIBUTE : 0, at);
  at = buf.writeInt32BE(messages.length - 1, at);
  at = buf.writeBigInt64BE(BigInt(plan.firstTimestamp), at);
  at = buf.writeBigInt64BE(BigInt(plan.maxTimestamp), at);
  at = buf.writeBigInt64BE(producerId, at);
  at = buf.writeInt16BE(producerEpoch, at);
  at = buf.writeInt32BE(data.firstSequence ?? 0, at);
  at = buf.writeInt32BE(messages.length, at);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    at = writeVarInt(buf, at, bodySizes[plan.sizesFrom + i]!);
    buf[at++] = 0; // attributes
    at = writeVarInt(buf, at, (m.timestamp === null || m.timestamp === undefined ? now : Number(m.timestamp)) - plan.firstTimestamp);
    at = writeVarInt(buf, at, i);
    at = writeBytes(buf, at, m.key);
    at = writeBytes(buf, at, m.value);
    const h = headers[i];
    if (h === undefined) buf[at++] = 0;
    else at += h.copy(buf, at);
  }
  buf.writeUInt32BE(crc32C(buf.subarray(batchStart + CRC_FROM, at)) >>> 0, crcAt);
  return at;
}

function nullableStringBytes(value: string | null): number {
  return 2 + (value === null ? 0 : Buffer.byteLength(value, 'utf8'));
}

function writeNullableString(buf: Buffer, at: number, value: string | null): number {
  if (value === null) return buf.writeInt16BE(-1, at);
  const length = Buffer.byteLength(value, 'utf8');
  at = buf.writeInt16BE(length, at);
  return at + buf.write(value, at, length, 'utf8');
}

function encodeUncompressed(args: ProduceRequestArgs): Buffer {
  const now = Date.now();
  const transactionalId = args.transactionalId ?? null;
  const producerId = args.producerId === undefined ? -1n : toBigInt(args.producerId);
  const producerEpoch = args.producerEpoch ?? 0;
  const plans: PlannedBatch[][] = [];
  let size = nullableStringBytes(transactionalId) + 2 + 4 + 4;
  let sizesFrom = 0;
  for (const topic of args.topicData) {
    const planned: PlannedBatch[] = [];
    size += nullableStringBytes(topic.topic) + 4;
    for (const partition of topic.partitions) {
      const plan = planBatch(partition, now, sizesFrom);
      sizesFrom += partition.messages.length;
      size += 4 + 4 + 8 + 4 + BATCH_HEADER_BYTES + plan.recordsBytes;
      planned.push(plan);
    }
    plans.push(planned);
  }
  const buf = Buffer.allocUnsafe(size);
  let at = writeNullableString(buf, 0, transactionalId);
  at = buf.writeInt16BE(args.acks, at);
  at = buf.writeInt32BE(args.timeout, at);
  at = buf.writeInt32BE(args.topicData.length, at);
  for (let t = 0; t < args.topicData.length; t++) {
    at = writeNullableString(buf, at, args.topicData[t]!.topic);
    const planned = plans[t]!;
    at = buf.writeInt32BE(planned.length, at);
    for (const plan of planned) at = writeBatch(buf, at, plan, now, producerId, producerEpoch, transactionalId !== null);
  }
  if (at !== size) throw new Error(`produce request encoded to ${at} bytes, planned ${size}`);
  return buf;
}

/** Drop-in for kafkajs' produce v3 request factory. */
export const produceV3Request: ProduceRequestFactory = (args) => {
  if ((args.compression ?? COMPRESSION_NONE) !== COMPRESSION_NONE) return kafkajsProduceV3Request(args);
  return {
    apiKey: PRODUCE_API_KEY,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => args.acks !== 0,
    encode: async () => {
      const encoder = new Encoder(0);
      encoder.buf = encodeUncompressed(args);
      encoder.offset = encoder.buf.length;
      return encoder;
    },
  };
}

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

/** kafkajs' groupMessagesPerPartition, same result, linear. */
function groupMessagesPerPartition(args: { topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: Partitioner }): Record<number, unknown[]> {
  const { topic, partitionMetadata, messages, partitioner } = args;
  const grouped: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return grouped;
  for (const message of messages) (grouped[partitioner({ topic, partitionMetadata, message })] ??= []).push(message);
  return grouped;
}

const GROUP_MESSAGES = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
if (require.cache[GROUP_MESSAGES] === undefined) {
  const replacement = new Module(GROUP_MESSAGES);
  replacement.filename = GROUP_MESSAGES;
  replacement.loaded = true;
  replacement.exports = groupMessagesPerPartition;
  require.cache[GROUP_MESSAGES] = replacement;
}
// else: kafkajs' producer is loaded already (something imported kafkajs first); it keeps its own.

/**
 * Makes kafkajs encode produce requests with produceV3Request. kafkajs requires its v3 request
 * module lazily, at the first produce request of the process (and v4–v7 wrap it), so replacing
 * the cached module's exports before any produce request is enough.
 */
export function installProduceEncoder(): void {
  const cached = require.cache[V3_REQUEST];
  if (cached === undefined) throw new Error(`kafkajs' produce request module ${V3_REQUEST} is not loaded`);
  cached.exports = produceV3Request;
}
