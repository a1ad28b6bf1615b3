// Debezium's column mappers (io.debezium.relational.mapping): column.truncate.to.N.chars,
// column.mask.with.N.chars, column.propagate.source.type, datatype.propagate.source.type and
// column.mask.hash[.v2].<alg>.with.salt.<salt>. As in ColumnMappers, the FIRST rule matching a
// column applies (in that order of kinds), it runs after the type converter, and it may add schema
// parameters even where it leaves values alone.
import { createHash } from 'node:crypto';
import type { ConnectSchema, ConnectValue } from '../connect/schema.js';
import type { ColumnHashRule, ColumnLengthRule, ColumnsConfig } from '../config/columns.js';
import type { ColumnDescriptor } from '../source/column-descriptor.js';
import { sourceColumn, type SourceColumn } from './source-column.js';
import type { ColumnCodec } from './table-schema.js';

// MaskStrings masks only these JDBC types (CHAR, VARCHAR, LONGVARCHAR, CLOB, NCHAR, NVARCHAR, LONGNVARCHAR, NCLOB, DATALINK).
const MASKABLE_JDBC_TYPES = new Set([1, 12, -1, 2005, -15, -9, -16, 2011, 70]);

type Mapper =
  | { kind: 'truncate'; length: number }
  | { kind: 'mask'; mask: string }
  | { kind: 'propagate' }
  | { kind: 'hash'; rule: ColumnHashRule };

/** Java MessageDigest names → Node's; Java matches them case-insensitively. */
const DIGESTS: Readonly<Record<string, string>> = {
  'md5': 'md5', 'sha': 'sha1', 'sha1': 'sha1', 'sha-1': 'sha1', 'sha-224': 'sha224', 'sha-256': 'sha256', 'sha-384': 'sha384',
  'sha-512': 'sha512', 'sha-512/224': 'sha512-224', 'sha-512/256': 'sha512-256',
  'sha3-224': 'sha3-224', 'sha3-256': 'sha3-256', 'sha3-384': 'sha3-384', 'sha3-512': 'sha3-512',
};

/** Node's digest for a Java MessageDigest algorithm name, or undefined when unsupported. */
export function nodeDigest(javaName: string): string | undefined {
  return DIGESTS[javaName.toLowerCase()];
}

export const SUPPORTED_DIGESTS = 'MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512, SHA-512/224, SHA-512/256, SHA3-224, SHA3-256, SHA3-384, SHA3-512';

function firstMapper(rules: ColumnsConfig, columnId: string, datatypeId: string): Mapper | undefined {
  const matches = (patterns: readonly RegExp[], id: string) => patterns.some((p) => p.test(id));
  const byLength = (list: readonly ColumnLengthRule[]) => list.find((r) => matches(r.columns, columnId));
  const truncate = byLength(rules.truncateToChars);
  if (truncate) return { kind: 'truncate', length: truncate.length };
  const mask = byLength(rules.maskWithChars);
  if (mask) return { kind: 'mask', mask: '*'.repeat(mask.length) };
  if (matches(rules.propagateSourceType, columnId) || matches(rules.datatypePropagateSourceType, datatypeId)) return { kind: 'propagate' };
  const hash = rules.maskHash.find((r) => r.version === 1 && matches(r.columns, columnId))
    ?? rules.maskHash.find((r) => r.version === 2 && matches(r.columns, columnId));
  return hash ? { kind: 'hash', rule: hash } : undefined;
}

export function hasColumnMappers(rules: ColumnsConfig): boolean {
  return rules.truncateToChars.length + rules.maskWithChars.length + rules.maskHash.length
    + rules.propagateSourceType.length + rules.datatypePropagateSourceType.length > 0;
}

/** The column's codec with the first matching mapper applied; the codec itself when none matches. */
export function applyColumnMappers(rules: ColumnsConfig, db: string, table: string, column: ColumnDescriptor, codec: ColumnCodec): ColumnCodec {
  const source = sourceColumn(column);
  const mapper = firstMapper(rules, `${db}.${table}.${column.name}`, `${db}.${table}.${source.typeName}`);
  if (!mapper) return codec;
  const mapped = mapColumn(mapper, source, codec);
  return mapped === codec ? codec : { ...mapped, unmapped: codec };
}

function mapColumn(mapper: Mapper, source: SourceColumn, codec: ColumnCodec): ColumnCodec {
  const convert = codec.convert;
  const length = source.length ?? -1;
  switch (mapper.kind) {
    case 'truncate': {
      // TruncateStrings: possible when the length is unknown or above the limit; only strings are cut.
      if (!(length < 0 || length > mapper.length)) return codec;
      const max = mapper.length;
      return {
        ...codec,
        schema: withParameters(codec.schema, { truncateLength: String(max) }),
        convert: (raw) => {
          const value = convert(raw);
          return typeof value === 'string' && value.length > max ? value.slice(0, max) : value;
        },
      };
    }
    case 'mask': {
      const schema = withParameters(codec.schema, { masked: 'true' });
      if (!MASKABLE_JDBC_TYPES.has(source.jdbcType)) return { ...codec, schema };
      const mask = mapper.mask;
      // Debezium's masking converter replaces every value, NULL included.
      return { ...codec, schema, convert: () => mask, convertsNull: true };
    }
    case 'hash': {
      const schema = withParameters(codec.schema, { masked: 'true' });
      if (!MASKABLE_JDBC_TYPES.has(source.jdbcType)) return { ...codec, schema };
      const hash = hasher(mapper.rule);
      return {
        ...codec,
        schema,
        convert: (raw) => {
          const value = convert(raw);
          if (value === null) return null;
          const digest = hash(value);
          return length > 0 ? digest.slice(0, length) : digest;
        },
      };
    }
    case 'propagate':
      return { ...codec, schema: propagated(codec.schema, source) };
  }
}

/** PropagateSourceMetadataToSchemaParameter (Debezium 3.5). */
function propagated(schema: ConnectSchema, column: SourceColumn): ConnectSchema {
  const parameters: Record<string, string> = { '__debezium.source.column.type': column.typeName };
  if (column.length !== null) parameters['__debezium.source.column.length'] = String(column.length);
  if (column.scale !== null) parameters['__debezium.source.column.scale'] = String(column.scale);
  if (column.comment) parameters['__debezium.source.column.comment'] = column.comment;
  parameters['__debezium.source.column.name'] = column.name;
  return withParameters(schema, parameters);
}

function withParameters(schema: ConnectSchema, added: Record<string, string>): ConnectSchema {
  return { ...schema, parameters: { ...schema.parameters, ...added } };
}

/**
 * MaskStrings.HashValueConverter: hex digest of salt + the value's bytes. V1 hashes the value's
 * Java serialization (ObjectOutputStream of a String), V2 its UTF-8 text.
 */
export function hasher(rule: Pick<ColumnHashRule, 'algorithm' | 'salt' | 'version'>): (value: ConnectValue) => string {
  const algorithm = nodeDigest(rule.algorithm);
  if (algorithm === undefined) throw new Error(`unsupported hash algorithm ${rule.algorithm}`);
  const salt = Buffer.from(rule.salt, 'utf8');
  return (value) => {
    const text = typeof value === 'string' ? value : String(value);
    const bytes = rule.version === 1 ? javaSerializedString(text) : Buffer.from(text, 'utf8');
    return createHash(algorithm).update(salt).update(bytes).digest('hex');
  };
}

/** ObjectOutputStream.writeObject(String): stream header, TC_STRING/TC_LONGSTRING, modified UTF-8. */
export function javaSerializedString(text: string): Buffer {
  const body = modifiedUtf8(text);
  const long = body.length > 0xffff;
  const head = Buffer.alloc(long ? 13 : 7);
  head.writeUInt32BE(0xaced0005, 0);
  if (long) {
    head[4] = 0x7c;
    head.writeBigUInt64BE(BigInt(body.length), 5);
  } else {
    head[4] = 0x74;
    head.writeUInt16BE(body.length, 5);
  }
  return Buffer.concat([head, body]);
}

/** Java's modified UTF-8: U+0000 as C0 80, each UTF-16 code unit (surrogates too) on its own. */
function modifiedUtf8(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) out.push(c);
    else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Buffer.from(out);
}
