// The bytes of one record in the offsets topic, exactly as a Kafka Connect worker writes them, so
// Connect tooling (and a Connect worker taking over) reads binlogd's offsets and vice versa.
// OffsetStorageWriter serializes the key `[connectorName, partitionMap]` and the value (the offset
// map) with the worker's internal JsonConverter (schemas.enable=false), i.e. Jackson's
// UTF8JsonGenerator: compact JSON, non-ASCII as raw UTF-8, with these Jackson quirks (checked
// against kafka-connect-json 3.9.1 / jackson-core 2.16.2):
//  - control characters below 0x20 use \b \t \n \f \r, others \u00XX with UPPERCASE hex;
//  - every UTF-16 surrogate (so each half of an emoji, and lone halves) is written as a \uXXXX
//    escape rather than as 4-byte UTF-8;
//  - DEL, U+2028/U+2029 and "/" are written as they are.
// Kafka Connect looks offsets up by these exact bytes, so a key that differs by one escape is a
// different key.
import { BinlogdError } from '../errors.js';

const HEX = '0123456789ABCDEF';
const SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r' };

function unicodeEscape(code: number): string {
  return '\\u' + HEX[(code >> 12) & 15]! + HEX[(code >> 8) & 15]! + HEX[(code >> 4) & 15]! + HEX[code & 15]!;
}

/** A JSON string literal as Jackson's UTF8JsonGenerator writes it (before UTF-8 encoding). */
export function jacksonString(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let escape: string | undefined;
    if (code < 0x20) escape = SHORT_ESCAPES[code] ?? unicodeEscape(code);
    else if (code === 0x22) escape = '\\"';
    else if (code === 0x5c) escape = '\\\\';
    else if (code >= 0xd800 && code <= 0xdfff) escape = unicodeEscape(code);
    if (escape !== undefined) {
      out += text.slice(start, i) + escape;
      start = i + 1;
    }
  }
  return out + text.slice(start) + '"';
}

/** Compact JSON of a primitive value as Jackson writes Connect primitives (ints/longs as digits). */
function jacksonPrimitive(value: unknown, where: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return jacksonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) {
        throw new BinlogdError('INTERNAL', `offset ${where} is ${value}, which JSON cannot carry`);
      }
      return String(value);
    default:
      // Kafka Connect's OffsetUtils.validateFormat refuses anything but primitives in offsets.
      throw new BinlogdError('INTERNAL', `offset ${where} is a ${typeof value}; offsets hold only primitive values`);
  }
}

/** The offsets-topic key of a Debezium connector: `["<name>",{"server":"<topic.prefix>"}]` in UTF-8. */
export function offsetKey(connectorName: string, server: string): Buffer {
  return Buffer.from(`[${jacksonString(connectorName)},{"server":${jacksonString(server)}}]`, 'utf8');
}

export interface ParsedOffsetKey {
  connector: string;
  partition: Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A key written by any Kafka Connect source connector; undefined when it is not the
 * `[string, object]` pair Connect writes (Connect itself skips such keys).
 */
export function parseOffsetKey(bytes: Uint8Array): ParsedOffsetKey | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [connector, partition] = parsed as unknown[];
  if (typeof connector !== 'string' || !isPlainObject(partition)) return undefined;
  return { connector, partition };
}

/** The offsets-topic value: the offset map as compact JSON, in the map's key order. */
export function offsetValue(offset: Readonly<Record<string, unknown>>): Buffer {
  let out = '{';
  let first = true;
  for (const [name, value] of Object.entries(offset)) {
    if (value === undefined) continue;
    out += (first ? '' : ',') + jacksonString(name) + ':' + jacksonPrimitive(value, `"${name}"`);
    first = false;
  }
  return Buffer.from(out + '}', 'utf8');
}

/**
 * The offset map of a stored value; undefined when the text is not a JSON object. Longs above
 * 2^53 would lose precision in JSON.parse; Debezium's offsets (positions, seconds, server ids,
 * counters) stay far below that.
 */
export function parseOffsetValue(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isPlainObject(parsed) ? parsed : undefined;
}
