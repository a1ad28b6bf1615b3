// Records cross to the sink thread packed into ONE ArrayBuffer per batch, handed over in the
// transfer list: structured-cloning thousands of small Buffers costs more than producing them,
// and a transferred ArrayBuffer is moved, not copied. The worker reads keys, values and headers
// as Buffer views of it, so no record is copied again before kafkajs encodes it.
//
// Topics and constant header sets (the connector's four `__debezium.context.*` headers on every
// record) are sent once, with the first batch that uses them, and referenced by number after that.
//
// Record layout, little-endian, no padding:
//   u32 topic id | u16 flags | u16 inline header count | u32 key length | u32 value length |
//   i32 partition | u32 header set id | f64 timestamp ms | key | value |
//   inline headers: (u32 name length | name UTF-8 | u32 value length | value)*
import type { OutRecord } from './batcher.js';

const FIXED = 32;
const HAS_KEY = 1;
const HAS_VALUE = 2;
const HAS_PARTITION = 4;
const HAS_TIMESTAMP = 8;
const HAS_HEADERS = 16;
const NO_SET = 0xffffffff;
/** Header objects interned per sink; beyond this they are packed inline (always correct, only slower). */
const MAX_HEADER_SETS = 256;
const INITIAL_SCRATCH = 256 * 1024;

export interface HeaderSetDefinition {
  id: number;
  /** Copies of the values: a Buffer view of Node's shared pool would clone the whole 8 KiB slab. */
  entries: [name: string, value: Uint8Array][];
}

/** One packed batch as it crosses the thread boundary; `data` goes in the transfer list. */
export interface PackedBatch {
  data: ArrayBuffer;
  count: number;
  /** Topic names first used in this batch; their ids continue from the previous batches'. */
  topics?: string[];
  headerSets?: HeaderSetDefinition[];
}

function isBufferSet(headers: Readonly<Record<string, Buffer | string>>): boolean {
  for (const name in headers) {
    if (typeof headers[name] === 'string') return false;
  }
  return true;
}

/**
 * Packs records on the producing thread. A headers object whose values are all Buffers is taken
 * to be constant and interned by identity (the connector builds its context headers once): it
 * must not be changed after it was sent. Objects with string values (`__debezium.newkey`, built
 * per record) are packed inline.
 */
export class BatchPacker {
  private scratch = Buffer.allocUnsafeSlow(INITIAL_SCRATCH);
  private view = new DataView(this.scratch.buffer, this.scratch.byteOffset, this.scratch.length);
  private used = 0;
  private records = 0;
  private readonly topicIds = new Map<string, number>();
  private readonly headerSetIds = new Map<object, number>();
  private newTopics: string[] = [];
  private newHeaderSets: HeaderSetDefinition[] = [];

  /** Records packed since the last take(). */
  get count(): number {
    return this.records;
  }

  /** Bytes packed since the last take(). */
  get bytes(): number {
    return this.used;
  }

  add(record: OutRecord): void {
    const { key, value, headers } = record;
    let setId = NO_SET;
    let inline: string[] | undefined;
    let size = FIXED + (key?.length ?? 0) + (value?.length ?? 0);
    if (headers !== undefined) {
      const known = this.headerSetIds.get(headers);
      if (known !== undefined) setId = known;
      else if (this.headerSetIds.size < MAX_HEADER_SETS && isBufferSet(headers)) setId = this.defineHeaderSet(headers);
      else {
        inline = Object.keys(headers);
        if (inline.length > 0xffff) throw new RangeError(`a record has ${inline.length} headers; at most 65535 are supported`);
        for (const name of inline) {
          const v = headers[name]!;
          size += 8 + Buffer.byteLength(name) + (typeof v === 'string' ? Buffer.byteLength(v) : v.length);
        }
      }
    }
    this.reserve(size);
    const view = this.view;
    let at = this.used;
    let topicId = this.topicIds.get(record.topic);
    if (topicId === undefined) {
      topicId = this.topicIds.size;
      this.topicIds.set(record.topic, topicId);
      this.newTopics.push(record.topic);
    }
    let flags = 0;
    if (key !== null) flags |= HAS_KEY;
    if (value !== null) flags |= HAS_VALUE;
    if (record.partition !== undefined) flags |= HAS_PARTITION;
    if (record.timestampMs !== undefined) flags |= HAS_TIMESTAMP;
    if (headers !== undefined) flags |= HAS_HEADERS;
    view.setUint32(at, topicId, true);
    view.setUint16(at + 4, flags, true);
    view.setUint16(at + 6, inline?.length ?? 0, true);
    view.setUint32(at + 8, key?.length ?? 0, true);
    view.setUint32(at + 12, value?.length ?? 0, true);
    view.setInt32(at + 16, record.partition ?? 0, true);
    view.setUint32(at + 20, setId, true);
    view.setFloat64(at + 24, record.timestampMs ?? 0, true);
    at += FIXED;
    const out = this.scratch;
    if (key !== null) {
      out.set(key, at);
      at += key.length;
    }
    if (value !== null) {
      out.set(value, at);
      at += value.length;
    }
    if (inline !== undefined) {
      for (const name of inline) {
        const n = out.write(name, at + 4, 'utf8');
        view.setUint32(at, n, true);
        at += 4 + n;
        const v = headers![name]!;
        let length: number;
        if (typeof v === 'string') length = out.write(v, at + 4, 'utf8');
        else {
          out.set(v, at + 4);
          length = v.length;
        }
        view.setUint32(at, length, true);
        at += 4 + length;
      }
    }
    this.used = at;
    this.records++;
  }

  /**
   * The packed batch (its own exact-size ArrayBuffer) and the definitions it introduces. By default
   * everything packed; or only the first `count` records, which end at byte `bytes` (the values of
   * `count` and `bytes` after the record that should end it): the rest stays for the next take().
   * The batch carries every definition made so far, which is early but never late for the rest.
   */
  take(count = this.records, bytes = this.used): PackedBatch {
    if (count > this.records || bytes > this.used || (count === this.records) !== (bytes === this.used)) {
      throw new RangeError(`take(${count}, ${bytes}) outside the ${this.records} records / ${this.used} bytes packed`);
    }
    const batch: PackedBatch = { data: this.scratch.buffer.slice(this.scratch.byteOffset, this.scratch.byteOffset + bytes), count };
    if (this.newTopics.length > 0) {
      batch.topics = this.newTopics;
      this.newTopics = [];
    }
    if (this.newHeaderSets.length > 0) {
      batch.headerSets = this.newHeaderSets;
      this.newHeaderSets = [];
    }
    const rest = this.used - bytes;
    if (rest > 0) this.scratch.copyWithin(0, bytes, this.used);
    this.used = rest;
    this.records -= count;
    // One huge record must not pin a huge scratch buffer for the rest of the run.
    if (this.scratch.length > 4 * INITIAL_SCRATCH && rest <= INITIAL_SCRATCH) this.resize(INITIAL_SCRATCH);
    return batch;
  }

  private defineHeaderSet(headers: Readonly<Record<string, Buffer | string>>): number {
    const id = this.headerSetIds.size;
    this.headerSetIds.set(headers, id);
    const entries: [string, Uint8Array][] = [];
    for (const name in headers) entries.push([name, new Uint8Array(headers[name] as Buffer)]);
    this.newHeaderSets.push({ id, entries });
    return id;
  }

  private reserve(size: number): void {
    if (this.used + size <= this.scratch.length) return;
    this.resize(Math.max(2 * this.scratch.length, this.used + size));
  }

  private resize(capacity: number): void {
    const next = Buffer.allocUnsafeSlow(capacity);
    next.set(this.scratch.subarray(0, this.used));
    this.scratch = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }
}

/** The worker's side: remembers topics and header sets across batches and unpacks records. */
export class BatchUnpacker {
  private readonly topics: string[] = [];
  private readonly headerSets: Record<string, Buffer>[] = [];

  /** Registers the batch's definitions and returns a reader over its records. */
  open(batch: PackedBatch): BatchReader {
    this.register(batch);
    return this.reader(batch);
  }

  /** Takes the batch's topic and header definitions; once per batch, in the order they came. */
  register(batch: PackedBatch): void {
    if (batch.topics !== undefined) this.topics.push(...batch.topics);
    for (const set of batch.headerSets ?? []) {
      const headers: Record<string, Buffer> = {};
      for (const [name, value] of set.entries) headers[name] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      this.headerSets[set.id] = headers;
    }
  }

  /** A reader over a registered batch's records; a batch may be read again (a retried transaction). */
  reader(batch: PackedBatch): BatchReader {
    return new BatchReader(batch, this.topics, this.headerSets);
  }
}

export class BatchReader {
  private at = 0;
  private left: number;
  private readonly view: DataView;

  constructor(
    private readonly batch: PackedBatch,
    private readonly topics: readonly string[],
    private readonly headerSets: readonly Record<string, Buffer>[],
  ) {
    this.left = batch.count;
    this.view = new DataView(batch.data);
  }

  /** The next record, its bytes as views of the batch's buffer; undefined after the last. */
  next(): OutRecord | undefined {
    if (this.left === 0) return undefined;
    this.left--;
    const { view } = this;
    const data = this.batch.data;
    let at = this.at;
    const topic = this.topics[view.getUint32(at, true)]!;
    const flags = view.getUint16(at + 4, true);
    const inlineCount = view.getUint16(at + 6, true);
    const keyLength = view.getUint32(at + 8, true);
    const valueLength = view.getUint32(at + 12, true);
    at += FIXED;
    const key = flags & HAS_KEY ? Buffer.from(data, at, keyLength) : null;
    at += keyLength;
    const value = flags & HAS_VALUE ? Buffer.from(data, at, valueLength) : null;
    at += valueLength;
    const record: OutRecord = { topic, key, value };
    if (flags & HAS_HEADERS) {
      const setId = view.getUint32(this.at + 20, true);
      if (setId !== NO_SET) record.headers = this.headerSets[setId]!;
      else {
        const headers: Record<string, Buffer> = {};
        for (let i = 0; i < inlineCount; i++) {
          const nameLength = view.getUint32(at, true);
          const name = Buffer.from(data, at + 4, nameLength).toString('utf8');
          at += 4 + nameLength;
          const length = view.getUint32(at, true);
          headers[name] = Buffer.from(data, at + 4, length);
          at += 4 + length;
        }
        record.headers = headers;
      }
    }
    if (flags & HAS_PARTITION) record.partition = view.getInt32(this.at + 16, true);
    if (flags & HAS_TIMESTAMP) record.timestampMs = view.getFloat64(this.at + 24, true);
    this.at = at;
    return record;
  }
}
