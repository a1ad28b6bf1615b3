// The type table: every MariaDB column type, and how Debezium represents it in Kafka Connect (the
// schema and the converter, under the type-handling modes). Adding a type means adding a row here;
// test/unit/decode/type-table.test.ts walks every row.
import type { MariaDbType } from '../source/column-descriptor.js';
import type { ColumnTypeBuilder } from './column-type.js';
import { bigint, bit, decimal, double, float, int, mediumint, smallint, tinyint } from './numeric-types.js';
import { geometry, point } from './spatial-types.js';
import { date, datetime, time, timestamp, year } from './temporal-types.js';
import { binary, enumeration, json, set, text, uuid } from './text-types.js';

export const TYPE_TABLE: Readonly<Record<MariaDbType, ColumnTypeBuilder>> = Object.freeze({
  // INT16 for every TINYINT (and so for BOOLEAN): MariaDbAntlrDdlParser resolves TINYINT to SMALLINT.
  tinyint,
  smallint, //  INT16; UNSIGNED: INT32
  mediumint, // INT32, signed or not
  int, //       INT32; UNSIGNED: INT64
  bigint, //    INT64; UNSIGNED: INT64 wrapping (long) or Decimal(20,0) (precise)
  decimal, //   Decimal / FLOAT64 / STRING by decimal.handling.mode
  float, //     FLOAT32; FLOAT(M,D): FLOAT64
  double, //    FLOAT64
  bit, //       BIT(1): BOOLEAN; BIT(n): io.debezium.data.Bits, little-endian
  char: text,
  varchar: text,
  tinytext: text,
  text,
  mediumtext: text,
  longtext: text, // MariaDB's JSON is LONGTEXT, and arrives here
  binary, //    BYTES, or STRING under base64/base64-url-safe/hex; BINARY(n) padded to n
  varbinary: binary,
  tinyblob: binary,
  blob: binary,
  mediumblob: binary,
  longblob: binary,
  json, //      io.debezium.data.Json (only servers reporting DATA_TYPE json)
  enum: enumeration, // io.debezium.data.Enum {allowed}
  set, //       io.debezium.data.EnumSet {allowed}
  date, //      io.debezium.time.Date / Kafka Date / IsoDate
  time, //      MicroTime / NanoTime / Kafka Time / IsoTime
  datetime, //  Timestamp (fsp<=3) or MicroTimestamp / NanoTimestamp / Kafka Timestamp / IsoTimestamp
  timestamp, // io.debezium.time.ZonedTimestamp
  year, //      io.debezium.time.Year
  geometry, //  io.debezium.data.geometry.Geometry {wkb, srid}
  point, //     io.debezium.data.geometry.Point {x, y, wkb, srid}
  linestring: geometry,
  polygon: geometry,
  multipoint: geometry,
  multilinestring: geometry,
  multipolygon: geometry,
  geometrycollection: geometry,
  uuid, //      io.debezium.data.Uuid
});
