// Spatial columns as Debezium's Geometry and Point structs (io.debezium.data.geometry, version 1 up
// to Debezium 3.6). The wkb field stays bytes whatever binary.handling.mode says.
import { field, type ConnectSchema } from '../connect/schema.js';
import { EMPTY_GEOMETRY_WKB, geometryStruct, pointStruct } from './bytes.js';
import { noDefault, type ColumnTypeBuilder } from './column-type.js';

const GEOMETRY_SCHEMA: ConnectSchema = {
  type: 'struct',
  optional: false,
  name: 'io.debezium.data.geometry.Geometry',
  version: 1,
  doc: 'Geometry',
  fields: [
    field('wkb', { type: 'bytes', optional: false }),
    field('srid', { type: 'int32', optional: true }),
  ],
};

const POINT_SCHEMA: ConnectSchema = {
  type: 'struct',
  optional: false,
  name: 'io.debezium.data.geometry.Point',
  version: 1,
  doc: 'Geometry (POINT)',
  fields: [
    field('x', { type: 'float64', optional: false }),
    field('y', { type: 'float64', optional: false }),
    field('wkb', { type: 'bytes', optional: true }),
    field('srid', { type: 'int32', optional: true }),
  ],
};

/** GEOMETRY, LINESTRING, POLYGON, MULTI* and GEOMETRYCOLLECTION. */
export const geometry: ColumnTypeBuilder = (column) => ({
  schema: GEOMETRY_SCHEMA,
  convert: (raw) => geometryStruct(raw, column.name),
  // BinlogGeometry.createEmpty(): GEOMETRYCOLLECTION EMPTY without SRID.
  fallback: { wkb: EMPTY_GEOMETRY_WKB, srid: null },
  parseDefault: noDefault,
});

export const point: ColumnTypeBuilder = (column) => ({
  schema: POINT_SCHEMA,
  convert: (raw) => pointStruct(raw, column.name),
  // Debezium's fallback is an empty Geometry, which does not fit the Point struct: it fails the record.
  fallback: undefined,
  parseDefault: noDefault,
});
