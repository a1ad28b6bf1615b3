// Schema change records on the topic named `<topic.prefix>` (include.schema.changes): Debezium's
// SchemaChangeKey/SchemaChangeValue (BinlogSchemaChangeEventEmitter, ConnectTableChangeSerializer),
// written to partition 0. Each describes one DDL statement with the tables it created, altered or
// dropped, column by column as Debezium's parser sees them (source-column.ts).
import { field, optional, struct, type ConnectSchema, type ConnectStruct } from '../connect/schema.js';
import { SOURCE_SCHEMA } from './source-info.js';
import type { SourceColumn } from './source-column.js';

const string: ConnectSchema = { type: 'string', optional: false };
const int32: ConnectSchema = { type: 'int32', optional: false };
const optionalBoolean: ConnectSchema = { type: 'boolean', optional: true };
const stringArray: ConnectSchema = { type: 'array', optional: true, items: string };

export const SCHEMA_CHANGE_KEY_SCHEMA: ConnectSchema = struct('io.debezium.connector.mariadb.SchemaChangeKey', [
  field('databaseName', string),
], { version: 1 });

const COLUMN_SCHEMA: ConnectSchema = struct('io.debezium.connector.schema.Column', [
  field('name', string),
  field('jdbcType', int32),
  field('nativeType', optional(int32)),
  field('typeName', string),
  field('typeExpression', optional(string)),
  field('charsetName', optional(string)),
  field('length', optional(int32)),
  field('scale', optional(int32)),
  field('position', int32),
  field('optional', optionalBoolean),
  field('autoIncremented', optionalBoolean),
  field('generated', optionalBoolean),
  field('comment', optional(string)),
  field('defaultValueExpression', optional(string)),
  field('enumValues', stringArray),
], { version: 1 });

const TABLE_SCHEMA: ConnectSchema = struct('io.debezium.connector.schema.Table', [
  field('defaultCharsetName', optional(string)),
  field('primaryKeyColumnNames', stringArray),
  field('columns', { type: 'array', optional: false, items: COLUMN_SCHEMA }),
  field('comment', optional(string)),
], { optional: true, version: 1 });

const CHANGE_SCHEMA: ConnectSchema = struct('io.debezium.connector.schema.Change', [
  field('type', string),
  field('id', string),
  field('table', TABLE_SCHEMA),
], { version: 1 });

export const SCHEMA_CHANGE_VALUE_SCHEMA: ConnectSchema = struct('io.debezium.connector.mariadb.SchemaChangeValue', [
  field('source', SOURCE_SCHEMA),
  field('ts_ms', { type: 'int64', optional: false }),
  field('databaseName', optional(string)),
  field('schemaName', optional(string)),
  field('ddl', optional(string)),
  field('tableChanges', { type: 'array', optional: false, items: CHANGE_SCHEMA }),
], { version: 1 });

export interface TableDescription {
  readonly defaultCharsetName: string | null;
  readonly primaryKeyColumnNames: readonly string[];
  readonly columns: readonly SourceColumn[];
  readonly comment: string | null;
}

export interface TableChange {
  readonly type: 'CREATE' | 'ALTER' | 'DROP';
  readonly db: string;
  readonly table: string;
  /** null for DROP, or when the table is gone by the time its DDL is read. */
  readonly description: TableDescription | null;
}

/** `"db"."table"`, as TableId.toDoubleQuotedString writes it. */
export function tableChangeId(db: string, table: string): string {
  return `"${db}"."${table}"`;
}

export function schemaChangeRecord(options: {
  source: ConnectStruct;
  processingMs: bigint;
  databaseName: string;
  ddl: string;
  changes: readonly TableChange[];
}): { key: ConnectStruct; value: ConnectStruct } {
  return {
    key: { databaseName: options.databaseName },
    value: {
      source: options.source,
      ts_ms: options.processingMs,
      databaseName: options.databaseName,
      schemaName: null,
      ddl: options.ddl,
      tableChanges: options.changes.map((change) => ({
        type: change.type,
        id: tableChangeId(change.db, change.table),
        table: change.description ? tableStruct(change.description) : null,
      })),
    },
  };
}

function tableStruct(table: TableDescription): ConnectStruct {
  return {
    defaultCharsetName: table.defaultCharsetName,
    primaryKeyColumnNames: [...table.primaryKeyColumnNames],
    columns: table.columns.map((c) => ({
      name: c.name,
      jdbcType: c.jdbcType,
      nativeType: null,
      typeName: c.typeName,
      typeExpression: c.typeName,
      charsetName: c.charsetName,
      length: c.length,
      scale: c.scale,
      position: c.position,
      optional: c.optional,
      autoIncremented: c.autoIncremented,
      generated: c.generated,
      comment: c.comment,
      defaultValueExpression: c.defaultValueExpression,
      enumValues: c.enumValues ? [...c.enumValues] : null,
    })),
    comment: table.comment,
  };
}
