// Byte-valued columns: binary.handling.mode encodings, BIT(n) byte order, UUID text and the
// MariaDB geometry format (4-byte SRID + WKB) split into Debezium's Geometry/Point structs.
import { BinlogdError } from '../errors.js';
import type { ConnectStruct } from '../connect/schema.js';

export type BinaryHandlingMode = 'bytes' | 'base64' | 'base64-url-safe' | 'hex';

/** How JdbcValueConverters.convertBinary represents bytes in each binary.handling.mode. */
export function binaryEncoder(mode: BinaryHandlingMode): (bytes: Buffer) => Buffer | string {
  switch (mode) {
    case 'bytes': return (bytes) => bytes;
    case 'base64': return (bytes) => bytes.toString('base64');
    // java.util.Base64.getUrlEncoder keeps the '=' padding that Node's 'base64url' drops.
    case 'base64-url-safe': return (bytes) => bytes.toString('base64').replace(/[+/]/g, (c) => (c === '+' ? '-' : '_'));
    case 'hex': return (bytes) => bytes.toString('hex');
  }
}

/** Bytes of a text or byte value; text (defaults, snapshot strings) is taken as UTF-8 like Debezium does. */
export function asBuffer(raw: unknown): Buffer | undefined {
  if (Buffer.isBuffer(raw)) return raw;
  if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return undefined;
}

/** BINARY(n) right-padded with 0x00 to n bytes (DBZ-254); the binlog row image drops trailing zeros. */
export function padRight(bytes: Buffer, length: number): Buffer {
  if (bytes.length >= length) return bytes;
  const padded = Buffer.alloc(length);
  bytes.copy(padded);
  return padded;
}

/**
 * BIT(n>1) as io.debezium.data.Bits: the server's big-endian bytes reversed to little-endian and
 * padded to ceil(n/8) bytes (JdbcValueConverters.convertBits with BinlogValueConverters' BIG_ENDIAN).
 */
export function bitsLittleEndian(bigEndian: Buffer, byteCount: number): Buffer {
  const out = Buffer.alloc(Math.max(byteCount, bigEndian.length));
  for (let i = 0, j = bigEndian.length - 1; j >= 0; i++, j--) out[i] = bigEndian[j]!;
  return out;
}

/**
 * A BIT default as the DDL prints it (`b'101000000001'`, quotes stripped) into big-endian bytes,
 * like BinlogDefaultValueConverter.convertToBits.
 */
export function bitStringToBytes(bits: string): Buffer {
  const count = Math.ceil(bits.length / 8);
  const out = Buffer.alloc(count);
  for (let i = 0, end = bits.length; i < count; i++, end -= 8) {
    out[count - 1 - i] = Number.parseInt(bits.slice(Math.max(end - 8, 0), end), 2);
  }
  return out;
}

/** MariaDB UUID as Debezium's io.debezium.data.Uuid text; the binlog carries its 16 bytes. */
export function uuidText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.toLowerCase();
  if (!Buffer.isBuffer(raw) || raw.length > 16) return undefined;
  const hex = (raw.length === 16 ? raw : padRight(raw, 16)).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// BinlogGeometry.createEmpty(): the WKB of GEOMETRYCOLLECTION EMPTY, used when a NOT NULL geometry
// column has no value.
export const EMPTY_GEOMETRY_WKB = Buffer.from('010700000000000000', 'hex');

function geometryBytes(raw: unknown, column: string): Buffer {
  if (Buffer.isBuffer(raw) && raw.length >= 9) return raw;
  // zongji parses geometry into {x, y} objects by default, which loses the SRID and the WKB; the
  // source must hand decode the column's raw bytes instead.
  throw new BinlogdError('SOURCE_DECODE', `column ${column}: expected the raw geometry bytes (SRID + WKB)`, {
    details: { column },
  });
}

/** io.debezium.data.geometry.Geometry: `{wkb, srid}`; SRID 0 becomes null as in BinlogGeometry. */
export function geometryStruct(raw: unknown, column: string): ConnectStruct {
  const bytes = geometryBytes(raw, column);
  const srid = bytes.readUInt32LE(0);
  return { wkb: bytes.subarray(4), srid: srid === 0 ? null : srid };
}

/** io.debezium.data.geometry.Point: `{x, y, wkb, srid}` read from a WKB POINT. */
export function pointStruct(raw: unknown, column: string): ConnectStruct {
  const bytes = geometryBytes(raw, column);
  const littleEndian = bytes[4] === 1;
  const type = littleEndian ? bytes.readUInt32LE(5) : bytes.readUInt32BE(5);
  if (type !== 1 || bytes.length < 25) {
    throw new BinlogdError('SOURCE_DECODE', `column ${column}: a POINT column holds a geometry of WKB type ${type}`, {
      details: { column },
    });
  }
  const x = littleEndian ? bytes.readDoubleLE(9) : bytes.readDoubleBE(9);
  const y = littleEndian ? bytes.readDoubleLE(17) : bytes.readDoubleBE(17);
  const srid = bytes.readUInt32LE(0);
  return { x, y, wkb: bytes.subarray(4), srid: srid === 0 ? null : srid };
}
