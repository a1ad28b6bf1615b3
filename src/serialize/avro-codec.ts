// Avro binary encoder/decoder for ConnectValues, built once per schema with avsc (compiled record writers).
// Three things avsc does not do our way out of the box: int64 values are bigint (ts_ns and 64-bit columns
// exceed 2^53), Decimal values are exact decimal texts written as Connect's unscaled two's-complement bytes,
// and our optional values are plain (null or the value), which avsc's unwrapped unions accept as they are.

import avro from 'avsc';
import type { ConnectValue } from '../connect/schema.js';
import { BinlogdError } from '../errors.js';
import type { AvroSchemaJson } from './avro-schema.js';
import { decimalFromBytes, decimalToBytes } from './decimal.js';

export interface AvroCodec {
  /** The Avro binary body of `value`, no framing. */
  encode(value: ConnectValue): Buffer;
  /** `prefix` followed by the body, in a single allocation (the wire-format header goes here). */
  encodeWithPrefix(prefix: Buffer, value: ConnectValue): Buffer;
  /** Reads a body back into a ConnectValue (plain objects, bigint, decimal text); for tests and tools. */
  decode(body: Buffer): ConnectValue;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_POW_52 = 2 ** 52;

// We hand avsc the finished zig-zag varint (noUnpack) and it copies it into the output; writes are
// synchronous, so one scratch buffer per varint length serves every long without allocating.
const varintScratch = Array.from({ length: 11 }, (_, length) => Buffer.alloc(length));
const int64Scratch = Buffer.alloc(8);
/** Results of the wide path, apart from the other lengths' scratch so that they outlive other longs. */
const wideScratch = Array.from({ length: 11 }, (_, length) => Buffer.alloc(length));
let lastWideValue: bigint | undefined;
let lastWide = wideScratch[1] as Buffer;

function zigzagVarint(value: bigint): Buffer {
  const n = Number(value);
  if (n > -TWO_POW_52 && n < TWO_POW_52) {
    // Exact in a double: zig-zag stays below 2^53.
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    let length = 1;
    for (let rest = z; rest >= 128; rest = Math.floor(rest / 128)) length += 1;
    const out = varintScratch[length] as Buffer;
    for (let i = 0; i < length - 1; i++) {
      out[i] = (z % 128) | 0x80;
      z = Math.floor(z / 128);
    }
    out[length - 1] = z;
    return out;
  }
  // Beyond 2^52 (ts_ns, 64-bit ids): zig-zag on the two 32-bit halves. The ts_ns of every record
  // of a snapshot chunk or binlog event is the same: reuse the last result.
  if (value === lastWideValue) return lastWide;
  int64Scratch.writeBigInt64LE(value, 0);
  const lo = int64Scratch.readUInt32LE(0);
  const hi = int64Scratch.readInt32LE(4);
  const sign = hi >> 31;
  let zlo = ((lo << 1) ^ sign) >>> 0;
  let zhi = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
  let length = 0;
  const out = varintScratch[10] as Buffer;
  while (zhi !== 0 || zlo >= 128) {
    out[length++] = (zlo & 0x7f) | 0x80;
    zlo = ((zlo >>> 7) | (zhi << 25)) >>> 0;
    zhi >>>= 7;
  }
  out[length++] = zlo;
  lastWideValue = value;
  lastWide = wideScratch[length] as Buffer;
  out.copy(lastWide, 0, 0, length);
  return lastWide;
}

function fromZigzagVarint(bytes: Buffer): bigint {
  let z = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) z = (z << 7n) | BigInt((bytes[i] as number) & 0x7f);
  return (z >> 1n) ^ -(z & 1n);
}

const bigintLong = avro.types.LongType.__with({
  fromBuffer: fromZigzagVarint,
  toBuffer: zigzagVarint,
  fromJSON: (json: unknown): bigint => BigInt(json as string | number | bigint),
  toJSON: (n: bigint): number | string => (Number.isSafeInteger(Number(n)) ? Number(n) : n.toString()),
  isValid: (value: unknown): boolean => typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX,
  compare: (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0),
}, true);

/** avsc options that read every Avro long as an exact bigint; also given to the registry library's decoder. */
export const bigintLongTypeHook = (avroType: avro.Schema): avro.Type | undefined => (isLong(avroType) ? bigintLong : undefined);

/** Connect Decimal: exact decimal text <-> unscaled big-endian two's-complement bytes at the schema's scale. */
class DecimalType extends avro.types.LogicalType {
  private readonly scale: number;
  // A union asks "does this branch take the value?" right before writing it: convert once.
  private lastText: string | undefined;
  private lastBytes: Buffer | undefined;

  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    this.scale = (schema as { scale?: number }).scale ?? 0;
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    if (typeof value !== 'string') return undefined;
    if (value !== this.lastText) {
      this.lastBytes = decimalToBytes(value, this.scale);
      this.lastText = value;
    }
    return this.lastBytes;
  }

  protected override _fromValue(bytes: Buffer): string {
    return decimalFromBytes(bytes, this.scale);
  }

  protected override _resolve(type: avro.Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof DecimalType && type.scale === this.scale) return (value) => value;
    return undefined;
  }
}

/** The part of avsc's Tap (its output cursor) a type's writer uses. */
interface Tap {
  buf: Buffer;
  pos: number;
  writeFixed(bytes: Buffer, length: number): void;
}

/** Debezium's source block, and the codec-only logical type that marks it (never registered). */
const SOURCE_RECORD = 'io.debezium.connector.mariadb.Source';
const REUSED_SOURCE = 'binlogd-reused-source';

/**
 * The envelope's source block is written from its last bytes when it is the very object written
 * last. ConnectStructs are never changed once built, so the same object means the same bytes; the
 * rows of a snapshot chunk share one (a tenth of the main thread's time in bench --snapshot).
 * avsc freezes its record types, so this is a logical type around the record.
 */
class ReusedSourceType extends avro.types.LogicalType {
  private last: unknown;
  private bytes = Buffer.allocUnsafe(512);
  private length = 0;

  protected override _toValue(value: unknown): unknown {
    return value;
  }

  protected override _fromValue(value: unknown): unknown {
    return value;
  }

  _write(tap: Tap, value: unknown): void {
    if (value === this.last) {
      tap.writeFixed(this.bytes, this.length);
      return;
    }
    const start = tap.pos;
    (this.underlyingType as unknown as { _write(tap: Tap, value: unknown): void })._write(tap, value);
    this.last = undefined;
    if (tap.pos > tap.buf.length) return; // the caller retries with a larger buffer
    this.length = tap.pos - start;
    if (this.length > this.bytes.length) this.bytes = Buffer.allocUnsafe(2 * this.length);
    tap.buf.copy(this.bytes, 0, start, tap.pos);
    this.last = value;
  }
}

/** The schema with the envelope's source record marked as REUSED_SOURCE (a copy; the input is left alone). */
function withReusedSource(schema: AvroSchemaJson): AvroSchemaJson {
  const root = schema as { type?: unknown; fields?: { name: string; type: unknown }[] };
  if (root.type !== 'record' || !Array.isArray(root.fields)) return schema;
  const at = root.fields.findIndex((f) => f.name === 'source' && isSourceRecord(f.type));
  if (at < 0) return schema;
  const fields = root.fields.slice();
  fields[at] = { ...fields[at]!, type: { ...(fields[at]!.type as object), logicalType: REUSED_SOURCE } };
  return { ...root, fields } as AvroSchemaJson;
}

function isSourceRecord(type: unknown): boolean {
  const t = type as { type?: unknown; name?: unknown; namespace?: unknown };
  return typeof t === 'object' && t !== null && t.type === 'record' &&
    (t.name === SOURCE_RECORD || (t.namespace !== undefined && `${String(t.namespace)}.${String(t.name)}` === SOURCE_RECORD));
}

let scratch = Buffer.allocUnsafe(64 * 1024);

export function createAvroCodec(schema: AvroSchemaJson): AvroCodec {
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(withReusedSource(schema) as avro.Schema, {
      // Every long, written `"long"` or `{"type":"long",...}` (Debezium's named longs), is our bigint long.
      typeHook: bigintLongTypeHook,
      logicalTypes: { decimal: DecimalType, [REUSED_SOURCE]: ReusedSourceType },
      wrapUnions: false,
      omitRecordMethods: true,
    });
  } catch (cause) {
    throw new BinlogdError('INTERNAL', `cannot build an Avro codec: ${(cause as Error).message}`, { cause });
  }
  const encodeWithPrefix = (prefix: Buffer, value: ConnectValue): Buffer => {
    try {
      let end = writeInto(type, prefix, value);
      while (end < 0) {
        scratch = Buffer.allocUnsafe(Math.max(2 * scratch.length, scratch.length - end));
        end = writeInto(type, prefix, value);
      }
      const out = Buffer.allocUnsafe(end);
      scratch.copy(out, 0, 0, end);
      return out;
    } catch (cause) {
      throw asEncodeError(type, value, cause);
    }
  };
  const empty = Buffer.alloc(0);
  return {
    encode: (value) => encodeWithPrefix(empty, value),
    encodeWithPrefix,
    decode: (body) => plain(type.fromBuffer(body) as unknown) as ConnectValue,
  };
}

function isLong(avroType: unknown): boolean {
  return avroType === 'long' || (typeof avroType === 'object' && avroType !== null && (avroType as { type?: unknown }).type === 'long');
}

/** Returns the end offset, or minus the number of bytes missing from the scratch buffer. */
function writeInto(type: avro.Type, prefix: Buffer, value: ConnectValue): number {
  prefix.copy(scratch, 0);
  return type.encode(value, scratch, prefix.length);
}

function asEncodeError(type: avro.Type, value: ConnectValue, cause: unknown): BinlogdError {
  if (cause instanceof BinlogdError) return cause;
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path: string[]) => { paths.push(path.join('.') || '(root)'); } });
  const where = paths.length > 0 ? ` at ${paths.join(', ')}` : '';
  return new BinlogdError('INTERNAL', `value does not fit its Avro schema${where}`, { cause, details: { paths } });
}

/** avsc decodes records into generated classes; tests and tools want plain objects. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = plain(inner);
  return out;
}
