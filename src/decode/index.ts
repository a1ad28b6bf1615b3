// decode: MariaDB column values to Kafka Connect values with Debezium's semantics.
export { columnConverter, rowConverter, type ColumnConverter, type RowConverter } from './column-converter.js';
export { TYPE_TABLE } from './type-table.js';
export type { ColumnType, ColumnTypeBuilder } from './column-type.js';
export {
  DEFAULT_TYPE_HANDLING_MODES,
  type BigintUnsignedHandlingMode, type BinaryHandlingMode, type DecimalHandlingMode, type TimePrecisionMode, type TypeHandlingModes,
} from './modes.js';
