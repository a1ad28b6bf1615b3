// DATE, TIME, DATETIME, TIMESTAMP and YEAR under time.precision.mode (TemporalPrecisionMode and
// JdbcValueConverters.convertDate/convertTime/convertTimestamp; BinlogValueConverters for TIME and YEAR).
import { BinlogdError } from '../errors.js';
import type { ConnectSchema, ConnectValue } from '../connect/schema.js';
import type { ColumnDescriptor } from '../source/column-descriptor.js';
import { named, unexpected, type ColumnTypeBuilder } from './column-type.js';
import { EPOCH_DATETIME, isZeroDateDefault } from './defaults.js';
import type { TimePrecisionMode } from './modes.js';
import {
  adjustYear, fixedFraction, isTimeOfDay, isoDate, isoDateTime, isoTimeOfDay, parseDate, parseDateTime, parseTime,
  parsedMicros, parsedSeconds, parsedTimeMicros,
} from './temporal.js';

function invalid(column: ColumnDescriptor, raw: unknown): BinlogdError {
  // Debezium fails the event on dates the calendar does not have (event.processing.failure.handling.mode=fail).
  return new BinlogdError('SOURCE_DECODE', `column ${column.name}: ${String(raw)} is not a valid ${column.type}`, {
    details: { column: column.name, columnType: column.columnType },
  });
}

function text(column: ColumnDescriptor, raw: unknown): string {
  if (typeof raw === 'string') return raw;
  // Date objects cannot carry microseconds or zero dates: the source must read temporals as text.
  throw unexpected(column, raw);
}

export const date: ColumnTypeBuilder = (column, modes) => {
  const adjust = modes.enableTimeAdjuster;
  const iso = modes.timePrecisionMode === 'isostring';
  const schema: ConnectSchema = iso ? named('string', 'io.debezium.time.IsoDate')
    : modes.timePrecisionMode === 'connect' ? named('int32', 'org.apache.kafka.connect.data.Date')
      : named('int32', 'io.debezium.time.Date');
  const convert = (raw: unknown): ConnectValue => {
    const day = parseDate(text(column, raw), adjust);
    if (day === null) return null;
    if (day === undefined) throw invalid(column, raw);
    return iso ? isoDate(day) + 'Z' : day;
  };
  const epoch = iso ? '1970-01-01Z' : 0;
  return {
    schema,
    convert,
    fallback: epoch,
    // BinlogDefaultValueConverter.convertToLocalDate: zero dates are null, or the epoch when NOT NULL;
    // a time part after the date is ignored.
    parseDefault: (expression, nullable) => {
      if (isZeroDateDefault(expression, false)) return nullable ? undefined : epoch;
      const day = parseDate(expression.slice(0, 10), adjust);
      return typeof day === 'number' ? convert(expression.slice(0, 10)) : nullable ? undefined : epoch;
    },
  };
};

const TIME_SCHEMAS: Record<TimePrecisionMode, ConnectSchema> = {
  adaptive_time_microseconds: named('int64', 'io.debezium.time.MicroTime'),
  microseconds: named('int64', 'io.debezium.time.MicroTime'),
  nanoseconds: named('int64', 'io.debezium.time.NanoTime'),
  connect: named('int32', 'org.apache.kafka.connect.data.Time'),
  isostring: named('string', 'io.debezium.time.IsoTime'),
};

export const time: ColumnTypeBuilder = (column, modes) => {
  const mode = modes.timePrecisionMode;
  // Kafka Connect's Time and Debezium's IsoTime only hold a time of day: negative TIME values and
  // values of 24 hours or more cannot be converted (Debezium then emits NULL, see ColumnType.convert).
  const fromMicros: (micros: number) => ConnectValue | undefined =
    mode === 'connect' ? (micros) => (isTimeOfDay(micros) ? Math.floor(micros / 1000) : undefined)
      : mode === 'isostring' ? (micros) => (isTimeOfDay(micros) ? isoTimeOfDay(micros) + 'Z' : undefined)
        : mode === 'nanoseconds' ? (micros) => BigInt(micros) * 1000n
          : (micros) => BigInt(micros);
  const convert = (raw: unknown): ConnectValue | undefined => {
    if (!parseTime(text(column, raw))) throw invalid(column, raw);
    return fromMicros(parsedTimeMicros);
  };
  return {
    schema: TIME_SCHEMAS[mode],
    convert,
    fallback: fromMicros(0),
    // BinlogDefaultValueConverter.convertToDuration: the time part of a 'date time' literal, if any.
    parseDefault: (expression) => {
      const space = expression.indexOf(' ');
      const literal = space > 0 && expression.indexOf('-', 1) > 0 ? expression.slice(space + 1) : expression;
      return parseTime(literal) ? fromMicros(parsedTimeMicros) : undefined;
    },
  };
};

/** DATETIME: the wall clock read as UTC, in the unit the mode and the column's precision select. */
export const datetime: ColumnTypeBuilder = (column, modes) => {
  const adjust = modes.enableTimeAdjuster;
  const mode = modes.timePrecisionMode;
  const fsp = column.fsp ?? 0;
  const unit = mode === 'isostring' ? 'iso' : mode === 'nanoseconds' ? 'nanos'
    : mode === 'microseconds' || (mode === 'adaptive_time_microseconds' && fsp > 3) ? 'micros' : 'millis';
  const schema = mode === 'connect' ? named('int64', 'org.apache.kafka.connect.data.Timestamp')
    : named(unit === 'iso' ? 'string' : 'int64', {
      iso: 'io.debezium.time.IsoTimestamp', nanos: 'io.debezium.time.NanoTimestamp',
      micros: 'io.debezium.time.MicroTimestamp', millis: 'io.debezium.time.Timestamp',
    }[unit]);
  const value = (): ConnectValue => {
    switch (unit) {
      case 'millis': return BigInt(parsedSeconds * 1000 + Math.floor(parsedMicros / 1000));
      case 'micros': return BigInt(parsedSeconds) * 1_000_000n + BigInt(parsedMicros);
      // NanoTimestamp overflows a Java long for years outside 1677..2262 and wraps like it.
      case 'nanos': return BigInt.asIntN(64, BigInt(parsedSeconds) * 1_000_000_000n + BigInt(parsedMicros * 1000));
      case 'iso': return isoDateTime(parsedSeconds, parsedMicros) + 'Z';
    }
  };
  const epoch = unit === 'iso' ? '1970-01-01T00:00:00Z' : 0n;
  const convert = (raw: unknown): ConnectValue => {
    const parsed = parseDateTime(text(column, raw), adjust);
    if (parsed === undefined) throw invalid(column, raw);
    return parsed ? value() : null;
  };
  return {
    schema,
    convert,
    fallback: epoch,
    // BinlogDefaultValueConverter.convertToLocalDateTime: zero dates are null, or the epoch when NOT NULL;
    // CURRENT_TIMESTAMP arrives as the epoch literal and is kept even for nullable columns.
    parseDefault: (expression, nullable) => {
      if (isZeroDateDefault(expression, true)) return nullable ? undefined : epoch;
      return parseDateTime(expression, adjust) ? value() : nullable ? undefined : epoch;
    },
  };
};

/**
 * TIMESTAMP: io.debezium.time.ZonedTimestamp in every mode, the instant in UTC with exactly fsp
 * fraction digits. zongji must print it in UTC (mysql2 `timezone: 'Z'`); the zero timestamp is
 * epoch second 0, which zongji prints as '0000-00-00 00:00:00'.
 */
export const timestamp: ColumnTypeBuilder = (column) => {
  const fsp = column.fsp ?? 0;
  const length = fsp > 0 ? 20 + fsp : 19;
  const zero = '1970-01-01T00:00:00' + fixedFraction(0, fsp) + 'Z';
  const format = (): string => isoDateTime(parsedSeconds, 0).slice(0, 19) + fixedFraction(parsedMicros, fsp) + 'Z';
  return {
    schema: named('string', 'io.debezium.time.ZonedTimestamp'),
    convert: (raw) => {
      const s = text(column, raw);
      if (s.startsWith('0000-00-00')) return zero;
      // The common case: 'YYYY-MM-DD HH:MM:SS[.ffffff]' with the column's precision.
      if (s.length === length && s.charCodeAt(10) === 32) return s.slice(0, 10) + 'T' + s.slice(11) + 'Z';
      if (!parseDateTime(s, false)) throw invalid(column, raw);
      return format();
    },
    // JdbcValueConverters.fallbackTimestampWithTimeZone, printed by ISO_OFFSET_DATE_TIME (no fraction).
    fallback: '1970-01-01T00:00:00Z',
    // BinlogDefaultValueConverter.convertToTimestamp: zero dates and CURRENT_TIMESTAMP are null when
    // nullable, else the epoch without fraction digits; a literal is read in the JVM's zone, which
    // is UTC where Debezium runs in containers, and printed with the column's precision.
    parseDefault: (expression, nullable) => {
      if (expression === EPOCH_DATETIME || isZeroDateDefault(expression, true)) {
        return nullable ? undefined : '1970-01-01T00:00:00Z';
      }
      return parseDateTime(expression, false) ? format() : undefined;
    },
  };
};

/** YEAR: io.debezium.time.Year; two-digit values are always adjusted (BinlogValueConverters.convertYearToInt
 *  calls adjustTemporal whatever enable.time.adjuster says). The binlog carries 1900 + the stored byte. */
export const year: ColumnTypeBuilder = (column) => ({
  schema: named('int32', 'io.debezium.time.Year'),
  convert: (raw) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number.parseInt(raw, 10) : Number.NaN;
    if (Number.isNaN(n)) throw unexpected(column, raw);
    return adjustYear(n);
  },
  fallback: 0,
  parseDefault: (expression) => {
    const n = Number.parseInt(expression, 10);
    return Number.isNaN(n) ? undefined : adjustYear(n);
  },
});
