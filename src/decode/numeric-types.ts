// Integers, BIT, floating point and DECIMAL (BinlogValueConverters.schemaBuilder/converter and
// JdbcValueConverters; the widths follow MariaDbAntlrDdlParser's type resolver, which reads TINYINT
// as SMALLINT, so every TINYINT is INT16 and BOOLEAN (tinyint(1) in SHOW CREATE TABLE) is too).
import { DECIMAL_SCHEMA_NAME, type ConnectValue } from '../connect/schema.js';
import { bitStringToBytes, bitsLittleEndian } from './bytes.js';
import { named, plain, toBigInt, unexpected, type ColumnTypeBuilder } from './column-type.js';
import { rescaleDecimal, roundedLong } from './defaults.js';

function toNumber(raw: unknown): number {
  return typeof raw === 'number' ? raw : Number(raw);
}

/** Long.shortValue() / intValue(): integer defaults wrap like Java's narrowing casts. */
function narrowed(bits: 16 | 32) {
  return (expression: string): number | undefined => {
    const long = roundedLong(expression);
    return long === undefined ? undefined : Number(BigInt.asIntN(bits, long));
  };
}

function narrowInt(type: 'int16' | 'int32'): ColumnTypeBuilder {
  const parseDefault = narrowed(type === 'int16' ? 16 : 32);
  return (column) => ({
    schema: plain(type),
    convert: (raw) => {
      const n = toNumber(raw);
      if (Number.isNaN(n)) throw unexpected(column, raw);
      return n;
    },
    fallback: 0,
    parseDefault,
  });
}

const int16 = narrowInt('int16');
const int32 = narrowInt('int32');

const int64: ColumnTypeBuilder = (column) => ({
  schema: plain('int64'),
  convert: (raw) => toBigInt(column, raw),
  fallback: 0n,
  parseDefault: (expression) => roundedLong(expression),
});

export const tinyint: ColumnTypeBuilder = int16;
export const smallint: ColumnTypeBuilder = (column, modes) => (column.unsigned ? int32 : int16)(column, modes);
export const mediumint: ColumnTypeBuilder = int32;
export const int: ColumnTypeBuilder = (column, modes) => (column.unsigned ? int64 : int32)(column, modes);

export const bigint: ColumnTypeBuilder = (column, modes) => {
  if (!column.unsigned) return int64(column, modes);
  if (modes.bigintUnsignedHandlingMode === 'long') {
    // Values above 2^63-1 wrap negative, as Java's long does; defaults saturate (Math.round).
    return { ...int64(column, modes), convert: (raw) => BigInt.asIntN(64, toBigInt(column, raw)) };
  }
  return {
    schema: named('bytes', DECIMAL_SCHEMA_NAME, { scale: '0', 'connect.decimal.precision': '20' }),
    convert: (raw) => toBigInt(column, raw).toString(),
    fallback: '0',
    parseDefault: (expression) => rescaleDecimal(expression, 0),
  };
};

export const bit: ColumnTypeBuilder = (column) => {
  const bits = column.length ?? 1;
  if (bits === 1) {
    return {
      schema: plain('boolean'),
      convert: (raw) => {
        if (Buffer.isBuffer(raw)) return raw.length > 0 && (raw[raw.length - 1]! & 1) === 1;
        if (typeof raw === 'boolean') return raw;
        if (typeof raw === 'number') return raw !== 0;
        throw unexpected(column, raw);
      },
      fallback: false,
      // BinlogDefaultValueConverter.convertToBit: a number other than 0, or "true".
      parseDefault: (expression) => {
        const n = Number.parseInt(expression, 10);
        return Number.isNaN(n) ? expression.toLowerCase() === 'true' : n !== 0;
      },
    };
  }
  const byteCount = Math.ceil(bits / 8);
  return {
    schema: named('bytes', 'io.debezium.data.Bits', { length: String(bits) }),
    convert: (raw) => {
      if (!Buffer.isBuffer(raw)) throw unexpected(column, raw);
      return bitsLittleEndian(raw, byteCount);
    },
    fallback: Buffer.alloc(0),
    parseDefault: (expression) => (/^[01]+$/.test(expression) ? bitsLittleEndian(bitStringToBytes(expression), byteCount) : undefined),
  };
};

function floatingDefault(expression: string): number | undefined {
  const value = Number(expression);
  return Number.isNaN(value) || expression.trim() === '' ? undefined : value;
}

export const float: ColumnTypeBuilder = (column) => {
  // FLOAT(M,D) is FLOAT64 (BinlogValueConverters: a FLOAT with a scale); its values are still the
  // stored float32, while its default is the literal read as a double.
  const single = column.scale === undefined;
  return {
    schema: plain(single ? 'float32' : 'float64'),
    convert: (raw) => {
      const n = toNumber(raw);
      if (Number.isNaN(n) && typeof raw !== 'number') throw unexpected(column, raw);
      return Math.fround(n);
    },
    fallback: 0,
    parseDefault: single ? (expression) => {
      const value = floatingDefault(expression);
      return value === undefined ? undefined : Math.fround(value);
    } : floatingDefault,
  };
};

export const double: ColumnTypeBuilder = (column) => ({
  schema: plain('float64'),
  convert: (raw) => {
    const n = toNumber(raw);
    if (Number.isNaN(n) && typeof raw !== 'number') throw unexpected(column, raw);
    return n;
  },
  fallback: 0,
  parseDefault: floatingDefault,
});

export const decimal: ColumnTypeBuilder = (column, modes) => {
  const scale = column.scale ?? 0;
  const precision = column.precision ?? 10;
  // zongji and mysql2 both print DECIMAL with exactly `scale` fraction digits; anything else is rescaled.
  const exact = (raw: unknown): string => {
    const text = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'bigint' ? String(raw) : undefined;
    if (text === undefined) throw unexpected(column, raw);
    const dot = text.indexOf('.');
    if (scale === 0 ? dot < 0 : dot >= 0 && text.length - dot - 1 === scale) return text;
    const rescaled = rescaleDecimal(text, scale);
    if (rescaled === undefined) throw unexpected(column, raw);
    return rescaled;
  };
  const zero = rescaleDecimal('0', scale)!;
  switch (modes.decimalHandlingMode) {
    case 'precise':
      return {
        schema: named('bytes', DECIMAL_SCHEMA_NAME, { scale: String(scale), 'connect.decimal.precision': String(precision) }),
        convert: exact,
        fallback: zero,
        parseDefault: (expression) => rescaleDecimal(expression, scale),
      };
    case 'string':
      return { schema: plain('string'), convert: exact, fallback: zero, parseDefault: (expression) => rescaleDecimal(expression, scale) };
    case 'double':
      return {
        schema: plain('float64'),
        convert: (raw) => Number(exact(raw)),
        fallback: 0,
        parseDefault: (expression): ConnectValue | undefined => {
          const text = rescaleDecimal(expression, scale);
          return text === undefined ? undefined : Number(text);
        },
      };
  }
};

