// The Debezium type-handling properties that change how a column is represented. The property
// names, allowed values and defaults live in config/type-handling.ts; this is the subset decode
// reads, with the same field names so the parsed config can be passed as is.
import type { BinaryHandlingMode } from './bytes.js';

export type DecimalHandlingMode = 'precise' | 'double' | 'string';
/** `adaptive` is rejected by Debezium's MariaDB connector ("no longer supported"), so it is not offered. */
export type TimePrecisionMode = 'adaptive_time_microseconds' | 'connect' | 'isostring' | 'microseconds' | 'nanoseconds';
export type BigintUnsignedHandlingMode = 'long' | 'precise';
export type { BinaryHandlingMode };

export interface TypeHandlingModes {
  /** decimal.handling.mode */
  readonly decimalHandlingMode: DecimalHandlingMode;
  /** time.precision.mode */
  readonly timePrecisionMode: TimePrecisionMode;
  /** bigint.unsigned.handling.mode */
  readonly bigintUnsignedHandlingMode: BigintUnsignedHandlingMode;
  /** binary.handling.mode */
  readonly binaryHandlingMode: BinaryHandlingMode;
  /** enable.time.adjuster: two-digit years of DATE/DATETIME read as 1970-2069. */
  readonly enableTimeAdjuster: boolean;
}

/** Debezium's defaults (BinlogConnectorConfig / CommonConnectorConfig). */
export const DEFAULT_TYPE_HANDLING_MODES: TypeHandlingModes = Object.freeze({
  decimalHandlingMode: 'precise',
  timePrecisionMode: 'adaptive_time_microseconds',
  bigintUnsignedHandlingMode: 'long',
  binaryHandlingMode: 'bytes',
  enableTimeAdjuster: true,
});
