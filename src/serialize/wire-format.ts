// Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro body.
// Consumers (and murmur2 partitioning of keys) see these exact bytes.

import { BinlogdError } from '../errors.js';

export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

/** The 5-byte header for `schemaId`; the serializer computes it once per schema. */
export function frameHeader(schemaId: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_LENGTH);
  writeHeader(header, schemaId);
  return header;
}

/** Header and body in one allocation. */
export function frame(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  writeHeader(out, schemaId);
  body.copy(out, HEADER_LENGTH);
  return out;
}

function writeHeader(out: Buffer, schemaId: number): void {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) {
    throw new BinlogdError('INTERNAL', `schema id ${schemaId} does not fit the wire format`);
  }
  out[0] = MAGIC_BYTE;
  out.writeInt32BE(schemaId, 1);
}

export interface Unframed {
  readonly schemaId: number;
  /** A view into the input, not a copy. */
  readonly body: Buffer;
}

export function unframe(buf: Buffer): Unframed {
  if (buf.length < HEADER_LENGTH || buf[0] !== MAGIC_BYTE) {
    throw new BinlogdError('INTERNAL', `not a Confluent-framed record (${buf.length} bytes, first byte ${buf[0] ?? 'none'})`);
  }
  return { schemaId: buf.readInt32BE(1), body: buf.subarray(HEADER_LENGTH) };
}
